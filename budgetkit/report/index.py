"""The pages a report run writes beside the reports: the index and each document's findings.

    index_html(infos, outcomes, out)     OUT/index.html: documents, totals, findings, reports
    findings_html(info, findings)        OUT/<doc>/findings.html: the check's findings by severity

Text from documents is escaped everywhere (`html.escape`); amounts are shown as printed.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..catalog.rules import SEVERITIES
from ..present.export import shown_parameters
from .corpus import COMPARE

if TYPE_CHECKING:
    from .runner import DocumentInfo, ReportOutcome


_INDEX_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; } th, td { border-bottom: 1px solid #ddd; padding: .35em .8em; text-align: left; }
th { background: #f4f4f4; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.error { color: #b00020; font-weight: bold; } .warning { color: #b26a00; } .info { color: #555; }
.failed { color: #b00020; } .muted { color: #888; font-size: 90%; } .nw { white-space: nowrap; }
"""


_ZH = {"department": "部门", "unit": "单位", "budget": "预算", "final": "决算"}


def _kind_zh(info: DocumentInfo) -> str:
    """部门预算, 单位预算, 部门决算… ('' when the document could not be read)."""
    return "".join(_ZH.get(v or "", v or "") for v in (info.scope, info.kind))


def findings_html(info: DocumentInfo, findings: Any) -> str:
    """`<folder>/findings.html`: the document's check findings, one anchored list per
    severity, so that the index's counts link to what they count."""
    esc = html.escape
    blocks = []
    for sev in SEVERITIES:
        rows = findings[findings["severity"] == sev] if len(findings) else findings
        items = "".join(
            f"<tr><td>{esc(str(r.rule))}</td><td>{esc(str(r.message))}</td>"
            f"<td class='nw'>{esc(_where(r.page, r.line))}</td></tr>"
            for r in rows.itertuples()
        )
        body = (
            f"<table><tr><th>规则</th><th>说明</th><th>位置</th></tr>{items}</table>"
            if items
            else "<p class='muted'>无 · none</p>"
        )
        blocks.append(f"<h2 id='{sev}' class='{sev}'>{sev}（{len(rows)}）</h2>{body}")
    title = f"{info.department or info.stem} {info.year or ''} · 检查发现 findings"
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>{_INDEX_CSS}</style></head><body>
<p><a href="../index.html">← 报告索引 index</a></p><h1>{esc(title)}</h1>
<p class='muted'>文件：{esc(" + ".join(Path(p).name for p in info.sources or [info.path]))}</p>
{"".join(blocks)}
</body></html>
"""


def _where(page: Any, line: Any) -> str:
    import pandas as pd

    def ok(v: Any) -> bool:
        return v is not None and not pd.isna(v)

    parts = ([f"p.{int(page)}"] if ok(page) else []) + ([f"line {int(line)}"] if ok(line) else [])
    return " ".join(parts)


def index_html(infos: Sequence[DocumentInfo], outcomes: Sequence[ReportOutcome], out: Path) -> str:
    """The index page: one row per document, its total, its findings (each count links to
    them) and a link per report that has something to show."""
    esc = html.escape
    by_doc: dict[str, list[ReportOutcome]] = {}
    for o in outcomes:
        by_doc.setdefault(o.document, []).append(o)

    def href(o: ReportOutcome) -> str:
        return Path(o.html or "").relative_to(out).as_posix()

    def link(o: ReportOutcome) -> str:
        if o.failed:
            where = f"（第 {o.cell} 个单元格）" if o.cell is not None else ""
            target = f' <a href="{esc(href(o))}">查看</a>' if o.html else ""
            return f'<span class="failed" title="{esc(o.error or "")}">{esc(o.notebook)} ✗ 失败{where}</span>{target}'
        if o.empty or not o.html:
            return f'<span class="muted" title="本文件没有这份报告所需的数据">{esc(o.notebook)}（无内容）</span>'
        return f'<a href="{esc(href(o))}">{esc(o.notebook)}</a>'

    rows = []
    for info in infos:
        f = info.findings
        findings = f"{info.stem}/findings.html"
        has_page = bool(info.stem) and (out / findings).is_file()

        def count(sev: str, f=f, findings=findings, has_page=has_page) -> str:
            if not f:
                return f'<td class="n {sev}">–</td>'
            n = f.get(sev, 0)
            if has_page and n:
                return f'<td class="n {sev}"><a href="{esc(findings)}#{sev}">{n}</a></td>'
            return f'<td class="n {sev}">{n}</td>'

        counts = "".join(count(s) for s in SEVERITIES)
        if info.check_error:
            counts = f'<td colspan="3" class="failed">{esc(info.check_error)}</td>'
        total = esc(_thousands(info.total)) if info.total else "–"
        if info.total and info.total_note:
            total = f"<span title='{esc(info.total_note)}'>{total} ⚠</span>"
        reports = " · ".join(link(o) for o in by_doc.get(info.path, []))
        dept = esc(info.department or "") or f'<span class="failed">{esc(info.error or "?")}</span>'
        files = " + ".join(Path(p).name for p in info.sources or [info.path])
        if info.sources:
            files += "（情况说明与报表分别公开，合为一份）"
        rows.append(
            f"<tr><td>{dept}</td><td class='nw'>{esc(str(info.year or ''))}</td>"
            f"<td class='nw'>{esc(_kind_zh(info))}</td><td class='n'>{total}</td>"
            f"{counts}<td>{reports}</td><td class='muted'>{esc(files)}</td></tr>"
        )
    compared = [o for o in outcomes if o.notebook == COMPARE]
    compare_block = (
        "<h2>部门比较 · Comparisons</h2><p>同一地区、同一年度的部门放在一起比较（数据来自语料库）。</p><ul>"
        + "".join(f"<li>{esc(o.document)}：{link(o)}</li>" for o in compared)
        + "</ul>"
        if compared
        else ""
    )
    failures = [o for o in outcomes if o.failed]
    fail_rows = "".join(
        f"<tr><td>{esc(Path(o.document).name)}</td><td>{esc(o.notebook)}</td>"
        f"<td class='n'>{'' if o.cell is None else o.cell}</td><td>{esc(o.error or '')}</td>"
        f"<td><code>{esc(json.dumps(shown_parameters(o.parameters), ensure_ascii=False))}</code></td></tr>"
        for o in failures
    )
    fail_block = (
        "<h2>失败的报告 Failed reports</h2><table><tr><th>文件</th><th>笔记本</th><th>单元格</th>"
        f"<th>错误</th><th>参数</th></tr>{fail_rows}</table>"
        if failures
        else ""
    )
    n_ok = sum(not o.failed for o in outcomes)
    n_docs = len(infos)
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>budgetkit 报告索引</title>
<style>{_INDEX_CSS}</style></head><body>
<h1>部门预算报告 · Reports</h1>
<p>{n_docs} 份文件，{n_ok} 份报告成功，{len(failures)} 份失败。检查发现（findings）按严重程度计数（点击数字查看）：
<span class="error">error</span> / <span class="warning">warning</span> / <span class="info">info</span>。</p>
<table><tr><th>部门</th><th>年度</th><th>类型</th><th>支出合计（万元）</th><th>error</th><th>warning</th><th>info</th><th>报告</th><th>文件</th></tr>
{"".join(rows)}
</table>
{compare_block}
{fail_block}
</body></html>
"""


def _thousands(amount: str) -> str:
    """'16497.864' → '16,497.864' (exact: the digits are not touched)."""
    from decimal import Decimal, InvalidOperation

    try:
        return format(Decimal(amount), ",f")
    except (InvalidOperation, ValueError):
        return amount
