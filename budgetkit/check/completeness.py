"""Completeness: every required table is present, or explicitly declared empty; a table
declared empty has no figures; a classified table prints its 合计 row."""

from __future__ import annotations

from collections.abc import Iterator

from ..catalog import catalog
from ..catalog.rules import finding
from ..model import Finding, Parsed
from .rows import derived_total, rows_by_table, total_row


def check(parsed: Parsed) -> Iterator[Finding]:
    cat = catalog()
    found = {t.table: t for t in parsed.tables if t.table}
    has_rows = {a.table for a in parsed.amounts}
    src = parsed.meta.source
    if parsed.meta.format == "dump" and not has_rows:
        # A third-party text dump keeps the prose but loses the tables' columns (see
        # reader.dump): say so once instead of listing every table as missing.
        yield finding("completeness.tables.unrecoverable", src)
        return
    if parsed.meta.publication in ("narrative", "targets") and not has_rows:
        if parsed.meta.publication == "narrative":
            yield finding("completeness.tables.separate", src)
        return
    rows = rows_by_table(parsed)
    for tid, spec in cat.tables.items():
        info = found.get(tid)
        if info is None:
            published = any(t in found for t in spec.satisfied_by)
            if spec.required and parsed.meta.kind in spec.kinds and not published:
                yield finding(
                    "completeness.table.missing", src, table=tid, expected=spec.zh,
                    title=spec.zh, severity=spec.missing_severity,
                )  # fmt: skip
            continue
        if tid not in has_rows and not info.empty:
            yield finding(
                "completeness.table.unexplained_empty", src, info.line, table=tid, title=info.title
            )
        if info.note and tid in has_rows and not info.empty and _says_empty(info.note):
            yield finding(
                "completeness.table.empty_note_with_data",
                src,
                info.line,
                table=tid,
                actual=info.note,
                title=info.title,
                note=info.note,
            )
        trs = rows.get(tid, [])
        if spec.classification and trs and total_row(trs) is None:
            d = derived_total(trs)
            if d is not None:
                yield finding(
                    "completeness.table.no_total_row",
                    src,
                    info.line,
                    table=tid,
                    actual=d.get("total"),
                    title=info.title,
                )


def _says_empty(note: str) -> bool:
    return "空表" in note or ("无" in note and "预算" in note)
