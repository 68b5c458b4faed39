"""A document's views as column lists, straight from its records (no pandas).

Writing output is what `parse` and `corpus build` spend their time on; building a pandas
DataFrame per view and converting it costs ~10× more than reading the records once into
columns. The columns and their order are the views of data/fields.toml; the values are those
of the `Document`'s DataFrames (tests/test_store.py checks they agree view by view).
"""

from __future__ import annotations

from dataclasses import asdict

from ..catalog import catalog
from ..catalog.fields import fields
from ..model import Parsed

#: The views a Document offers as DataFrames (in fields.toml order), written by `parse`.
DOCUMENT_VIEWS = (
    "amounts",
    "table_index",
    "statements",
    "facts",
    "targets",
    "projects",
    "staffing",
    "glossary",
    "findings",
)


def _columns(view: str) -> list[str]:
    return fields().views[view].columns


def _from_records(view: str, records, source: str, **extra) -> dict[str, list]:
    cols = _columns(view)
    data: dict[str, list] = {c: [] for c in cols}
    plain = [c for c in cols if c not in ("file", "page", "line") and c not in extra]
    for r in records:
        for c in plain:
            data[c].append(getattr(r, c, None))
        for c, f in extra.items():
            data[c].append(f(r))
        data["file"].append(r.line.file or source)
        data["page"].append(r.line.page)
        data["line"].append(r.line.lineno)
    return data


def view_data(parsed: Parsed, view: str, findings=()) -> dict[str, list]:
    """Column lists of one view of a parsed document (`findings`: its check results)."""
    src = parsed.meta.source
    if view == "amounts":
        return _from_records(view, parsed.amounts, src, amount=lambda a: a.value)
    if view == "table_index":
        return _from_records(view, parsed.tables, src)
    if view == "statements":
        return _from_records(view, parsed.statements, src)
    if view == "facts":
        return _from_records(view, parsed.facts, src)
    if view == "staffing":
        return _from_records(view, parsed.profile.staffing if parsed.profile else (), src)
    if view == "projects":
        return _from_records(view, parsed.targets, src)
    if view == "glossary":
        return _from_records(view, parsed.glossary, src)
    if view == "targets":
        pairs = [(t, ind) for t in parsed.targets for ind in t.indicators]
        cols = _columns(view)
        data: dict[str, list] = {c: [] for c in cols}
        for t, ind in pairs:
            for c in cols:
                v: object
                if c == "kind":
                    v = t.kind
                elif c == "project":
                    v = t.name
                elif c == "file":
                    v = ind.line.file or src
                elif c == "page":
                    v = ind.line.page
                elif c == "line":
                    v = ind.line.lineno
                else:
                    v = getattr(ind, c, None)
                data[c].append(v)
        return data
    if view == "findings":
        cols = _columns(view)
        data = {c: [] for c in cols}
        for f in findings:
            row = {**asdict(f), "location": f.location}
            for c in cols:
                data[c].append(row.get(c))
        return data
    raise KeyError(f"{view!r} is not a view of a document")


def wide_tables(parsed: Parsed) -> dict[str, tuple[tuple[str, ...], dict[str, list]]]:
    """Each canonical table present, wide (as `Document.table`): id → (measures, columns)."""
    cat = catalog()
    out = {}
    by_table: dict[str, list] = {}
    for a in parsed.amounts:
        by_table.setdefault(a.table, []).append(a)
    for tid in dict.fromkeys(t.table for t in parsed.tables if t.table):
        amounts = by_table.get(tid, [])
        rows: dict[tuple, dict] = {}
        for a in amounts:
            r = rows.setdefault(
                (a.side or "", a.row),
                {
                    "side": a.side,
                    "code": a.code,
                    "level": a.level,
                    "item": a.item,
                    "name": a.name,
                    "page": a.line.page,
                    "line": a.line.lineno,
                },
            )
            r[a.measure] = a.value
        present = {a.measure for a in amounts}
        spec = cat.tables[tid].measures
        measures = tuple(m for m in spec if m in present) + tuple(sorted(present - set(spec)))
        cols = ["side", "code", "level", "item", "name", *measures, "page", "line"]
        out[tid] = (measures, {c: [r.get(c) for r in rows.values()] for c in cols})
    return out
