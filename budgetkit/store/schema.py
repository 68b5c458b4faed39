"""Column types derived from data/fields.toml: one fixed, exact type per field everywhere.

The same declaration gives the Arrow schema of every Parquet file (`parse` output and the
corpus dataset) and the Frictionless schema of every resource in a datapackage.json, so a
column has one type across all documents (no `decimal(5,2)` here and `decimal(10,6)` there).

    decimal  → decimal(20,6)   money in 万元: 14 integer digits, 6 places (元 → 万元 is 4)
    number   → decimal(28,10)  percentages, scores, prose figures: exact as printed
    integer  → int64, boolean → bool, string → string, date → date32

A value that does not fit its type without losing a digit raises `StoreError` naming the
column and the value: never a silent rounding.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from ..catalog import catalog
from ..catalog.fields import Field, fields
from ..errors import StoreError

#: (precision, scale) of each exact type.
DECIMALS = {"decimal": (20, 6), "number": (28, 10)}
#: Frictionless field type of each fields.toml type.
FRICTIONLESS = {
    "decimal": "number",
    "number": "number",
    "integer": "integer",
    "boolean": "boolean",
    "date": "date",
    "string": "string",
}
#: What readers of Parquet through pandas show for a missing cell (Frictionless must skip it).
MISSING = ["", "nan", "NaN", "None", "<NA>", "NaT"]
#: Wide canonical tables (`table_<id>` of `parse`): these fields, then one decimal per measure.
WIDE_LEAD = ("side", "code", "level", "item", "name")
WIDE_TAIL = ("page", "line")


def arrow_type(typ: str):
    import pyarrow as pa

    if typ in DECIMALS:
        return pa.decimal128(*DECIMALS[typ])
    return {
        "integer": pa.int64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "string": pa.string(),
    }[typ]


def measure_field(name: str) -> Field:
    """A measure of tables.toml as a column of a wide table: exact money in 万元."""
    m = catalog().measures.get(name, {})
    return Field(name, "decimal", m.get("zh", name), m.get("en", name), "万元")


def columns_of(view: str) -> tuple[Field, ...]:
    return fields().views[view].fields


def wide_columns(measures) -> tuple[Field, ...]:
    """Columns of a wide canonical table with these measures."""
    declared = fields().fields
    return (
        *(declared[c] for c in WIDE_LEAD),
        *(measure_field(m) for m in measures),
        *(declared[c] for c in WIDE_TAIL),
    )


@cache
def arrow_schema(cols: tuple[Field, ...]):
    import pyarrow as pa

    return pa.schema([pa.field(f.name, arrow_type(f.type)) for f in cols])


def frictionless_schema(cols: tuple[Field, ...]) -> dict:
    return {
        "fields": [
            {
                "name": f.name,
                "type": FRICTIONLESS[f.type],
                "title": f.zh,
                **({"description": f.description} if f.description else {}),
            }
            for f in cols
        ],
        "missingValues": MISSING,
    }


def exact(values: list, typ: str, column: str) -> list:
    """Check that every Decimal fits (precision, scale) of `typ` exactly; returns values."""
    precision, scale = DECIMALS[typ]
    step = Decimal(1).scaleb(-scale)
    limit = Decimal(10) ** (precision - scale)
    for v in values:
        if v is None:
            continue
        if not isinstance(v, Decimal) or not v.is_finite():
            raise StoreError(f"column {column!r}: {v!r} is not an exact decimal")
        if abs(v) >= limit or v.quantize(step) != v:
            raise StoreError(
                f"column {column!r}: {format(v, 'f')} does not fit decimal({precision},{scale})"
                " without losing digits"
            )
    return values


def arrow_table(cols: tuple[Field, ...], data: dict[str, list]):
    """An Arrow table of these columns (in order, declared types) from column lists."""
    import pyarrow as pa

    schema = arrow_schema(cols)
    arrays = []
    for f in cols:
        values = data[f.name]
        if f.type in DECIMALS:
            values = exact(values, f.type, f.name)
        arrays.append(pa.array(values, type=schema.field(f.name).type))
    return pa.Table.from_arrays(arrays, schema=schema)
