"""Completeness: every required table is present, or explicitly declared empty."""

from __future__ import annotations

from collections.abc import Iterator

from ..catalog import catalog
from ..model import Finding, Parsed


def check(parsed: Parsed) -> Iterator[Finding]:
    cat = catalog()
    found = {t.table: t for t in parsed.tables if t.table}
    has_rows = {a.table for a in parsed.amounts}
    src = parsed.meta.source
    for tid, spec in cat.tables.items():
        info = found.get(tid)
        if info is None:
            if spec.required:
                yield Finding(
                    "completeness.table.missing",
                    "error",
                    tid,
                    None,
                    f"缺少《{spec.zh}》：既未公开，也未说明为空表",
                    spec.zh,
                    None,
                    src,
                )
            continue
        if tid not in has_rows and not info.empty:
            yield Finding(
                "completeness.table.unexplained_empty",
                "warning",
                tid,
                None,
                f"《{info.title}》没有数据，也没有“本表为空表”之类的说明",
                None,
                None,
                f"{src}:{info.line.where()}",
            )
