"""The tables of a corpus dataset and their columns, all derived from data/fields.toml.

Every view of a Document (amounts, statements, targets, findings, …) becomes a table with
`document` and `year` first; `documents`, `profile` and `failures` are views declared for the
corpus; `documents` also has one decimal column per headline figure ([figures]).
"""

from __future__ import annotations

from functools import cache

from ..catalog.fields import Field, fields
from ..store.rows import DOCUMENT_VIEWS

#: Tables partitioned by year (one Parquet file per year); `failures` is one file.
PER_DOCUMENT = ("documents", "profile", *DOCUMENT_VIEWS)
TABLES = (*PER_DOCUMENT, "failures")


@cache
def columns(table: str) -> tuple[Field, ...]:
    f = fields()
    if table in DOCUMENT_VIEWS:
        return (f.fields["document"], f.fields["year"], *f.views[table].fields)
    cols = f.views[table].fields
    if table == "documents":
        cols += tuple(
            Field(k, "decimal", spec.zh, spec.en, "headline figure, 万元 (fields.toml [figures])")
            for k, spec in f.figures.items()
        )
    return cols


def description(table: str) -> str:
    return fields().views[table].description
