"""Document metadata: department, year, kind (预算/决算), scope (部门/单位) and unit, read from
the cover lines and the tables' 编制部门/单位 lines."""

from __future__ import annotations

import re
from collections import Counter

from ..layout import Layout
from ..model import Meta
from ..money import ascii_digits
from ..reader.lines import Line

COVER_LINES = 12  # the cover/title area scanned for year, kind and scope
_YEAR = re.compile(r"(20\d{2})\s*年")
_DEPT = re.compile(r"(?:预算主管部门|预算单位|主管部门|部门名称|单位名称)\s*[:：]\s*(\S+)")
_ORG_END = (
    "处",
    "局",
    "委员会",
    "委",
    "办",
    "院",
    "厅",
    "中心",
    "所",
    "站",
    "馆",
    "会",
    "政府",
    "室",
    "部",
    "队",
    "校",
    "社",
)


def extract_meta(lines: list[Line], layout: Layout, source: str, fmt: str) -> Meta:
    cover = [ascii_digits(ln.text) for ln in lines[:COVER_LINES]]  # ２０２５年 is 2025年
    text = " ".join(cover)
    depts = Counter(b.department for b in layout.blocks if b.department)
    department = depts.most_common(1)[0][0] if depts else None
    if department is None:
        m = _DEPT.search(text)
        department = (
            m.group(1)
            if m
            else next((c.strip() for c in cover if c.strip().endswith(_ORG_END)), None)
        )
    years = [int(y) for y in _YEAR.findall(text)]
    if not years:
        years = [int(y) for b in layout.blocks for y in _YEAR.findall(ascii_digits(b.title))]
    year = Counter(years).most_common(1)[0][0] if years else None
    kind = "final" if "决算" in text else "budget"
    scope = (
        "unit" if re.search(r"单位(?:预算|决算)", text) and "部门预算" not in text else "department"
    )
    units = {b.table: b.unit for b in layout.blocks if b.unit}
    unit = units.get("summary") or (Counter(units.values()).most_common(1)[0][0] if units else None)
    return Meta(department, year, kind, scope, unit, source, fmt)
