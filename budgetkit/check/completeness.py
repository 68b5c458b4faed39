"""Completeness: every required table is present, or explicitly declared empty; a table
declared empty has no figures; a classified table prints its 合计 row."""

from __future__ import annotations

from collections.abc import Iterator

from ..catalog import catalog
from ..model import Finding, Parsed
from ..money import fmt_wan
from .rows import derived_total, rows_by_table, total_row


def check(parsed: Parsed) -> Iterator[Finding]:
    cat = catalog()
    found = {t.table: t for t in parsed.tables if t.table}
    has_rows = {a.table for a in parsed.amounts}
    src = parsed.meta.source
    if parsed.meta.format == "dump" and not has_rows:
        # A third-party text dump keeps the prose but loses the tables' columns (see
        # read.dump): say so once instead of listing every table as missing.
        yield Finding(
            "completeness.tables.unrecoverable",
            "error",
            None,
            None,
            "该文件是第三方PDF转文本的输出，表格的列已丢失，无法还原任何预算表的数据；"
            "请改用原PDF文件（说明、概况等文字部分已读取）",
            None,
            None,
            src,
        )
        return
    rows = rows_by_table(parsed)
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
        where = f"{src}:{info.line.where()}"
        if tid not in has_rows and not info.empty:
            yield Finding(
                "completeness.table.unexplained_empty",
                "warning",
                tid,
                None,
                f"《{info.title}》没有数据，也没有“本表为空表”之类的说明",
                None,
                None,
                where,
            )
        if info.note and tid in has_rows and not info.empty and _says_empty(info.note):
            yield Finding(
                "completeness.table.empty_note_with_data",
                "warning",
                tid,
                None,
                f"《{info.title}》列有数据，但注明“{info.note}”",
                None,
                info.note,
                where,
            )
        trs = rows.get(tid, [])
        if spec.classification and trs and total_row(trs) is None:
            d = derived_total(trs)
            if d is not None:
                yield Finding(
                    "completeness.table.no_total_row",
                    "info",
                    tid,
                    None,
                    f"《{info.title}》未列合计行；合计按各类之和计为 {fmt_wan(d.get('total'))} 万元",
                    None,
                    fmt_wan(d.get("total")),
                    where,
                )


def _says_empty(note: str) -> bool:
    return "空表" in note or ("无" in note and "预算" in note)
