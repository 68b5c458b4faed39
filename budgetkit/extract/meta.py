"""Document metadata: department, year, kind (预算/决算), scope (部门/单位) and unit, read from
the cover lines and the tables' 编制部门/单位 lines — never from the file name. Patterns are
template data (standard/meta.toml)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from ..catalog.templates import Template
from ..layout import Layout
from ..layout.titles import is_contents
from ..model import Meta
from ..reader.lines import Line

_WIDE = str.maketrans("０１２３４５６７８９：()", "0123456789:（）")


@dataclass(frozen=True)
class _P:
    cover_lines: int
    department_label: re.Pattern[str]
    cover_title: re.Pattern[str]
    year_near_kind: re.Pattern[str]
    year: re.Pattern[str]
    final: re.Pattern[str]
    unit_scope: re.Pattern[str]
    department_scope: re.Pattern[str]
    noise: tuple[re.Pattern[str], ...]
    org_endings: tuple[str, ...]


@cache
def _patterns(tpl: Template) -> _P:
    m = tpl.section("meta")
    return _P(
        int(m["cover_lines"]),
        re.compile(m["department_label"]),
        re.compile(m["cover_title"]),
        re.compile(m["year_near_kind"]),
        re.compile(m["year"]),
        re.compile(m["final"]),
        re.compile(m["unit_scope"]),
        re.compile(m["department_scope"]),
        tuple(re.compile(p) for p in m["department_noise"]),
        tuple(m["org_endings"]),
    )


def cover(lines: list[Line], tpl: Template) -> list[str]:
    """The cover's lines: the first lines of the document, up to its table of contents."""
    out = []
    for ln in lines[: _patterns(tpl).cover_lines]:
        text = ln.text.strip()
        if is_contents(text, tpl):
            break
        out.append(text.translate(_WIDE))
    return out


def clean_department(name: str, tpl: Template) -> str:
    s = re.sub(r"\s+", "", name.translate(_WIDE))
    for pat in _patterns(tpl).noise:
        s = pat.sub("", s)
    return s.strip()


def _department(cover_lines: list[str], layout: Layout, tpl: Template) -> str | None:
    p = _patterns(tpl)
    for text in cover_lines:
        m = p.department_label.search(text)
        if m:
            return clean_department(m.group(1), tpl)
    depts = Counter(b.department for b in layout.blocks if b.department)
    if depts:
        return clean_department(depts.most_common(1)[0][0], tpl)
    joined = "".join(re.sub(r"\s+", "", t) for t in cover_lines)
    m = p.cover_title.search(joined)
    if m and len(m["dept"]) >= 3:
        return clean_department(m["dept"], tpl)
    return next(
        (clean_department(c, tpl) for c in cover_lines if c.strip().endswith(p.org_endings)), None
    )


def extract_meta(
    lines: list[Line],
    layout: Layout,
    source: str,
    fmt: str,
    tpl: Template,
    evidence: tuple[str, ...] = (),
) -> Meta:
    p = _patterns(tpl)
    cov = cover(lines, tpl)
    text = "".join(re.sub(r"\s+", "", t) for t in cov)
    department = _department(cov, layout, tpl)
    m = p.year_near_kind.search(text)
    years = [int(m.group(1))] if m else [int(y) for y in p.year.findall(text)]
    if not years:
        years = [int(y) for b in layout.blocks for y in p.year.findall(b.title.translate(_WIDE))]
    year = Counter(years).most_common(1)[0][0] if years else None
    finals = sum(b.final for b in layout.blocks if b.table)
    money = sum(1 for b in layout.blocks if b.table)
    kind = "final" if p.final.search(text) or (money and finals * 2 > money) else "budget"
    scope = (
        "unit"
        if p.unit_scope.search(text) and not p.department_scope.search(text)
        else "department"
    )
    units = {b.table: b.unit for b in layout.blocks if b.unit and b.table}
    unit = units.get("summary") or (Counter(units.values()).most_common(1)[0][0] if units else None)
    return Meta(
        department,
        year,
        kind,
        scope,
        unit,
        source,
        fmt,
        template=tpl.name,
        template_evidence=evidence,
    )
