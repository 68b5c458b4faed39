"""Classification codes of table rows: 类/款/项 columns, joined codes, codes printed in the
name cell ([2014001]行政运行, 2010301-行政运行, 201 03 01 行政运行), fragments that print only
their own part (a 款 row showing 40 under 201), and misprints read from context.

Function codes: 类 3 digits (201), 款 5 (20103), 项 7 (2010302); economic: 类 301, 款 30101.
"""

from __future__ import annotations

import re

_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_CODE_PREFIX = re.compile(
    r"^[\[【（(]?(\d{3})(?:\s*(\d{2}))?(?:\s*(\d{2}))?[\]】）)]?\s*[-－—:：]?\s*(?=[^\d\s])"
)


def level(code: str | None) -> int | None:
    """1 = 类, 2 = 款, 3 = 项 (by the code's length)."""
    return {3: 1, 5: 2, 7: 3}.get(len(code)) if code else None


def parent(code: str) -> str | None:
    """The code one level up (项 → 款 → 类), None for a 类."""
    return {7: code[:5], 5: code[:3]}.get(len(code))


def bad_code_cells(cells: list[str]) -> str | None:
    """Why split 类/款/项 cells cannot be a code (None when they can, or are not split).

    In 类/款/项 columns the 类 is 3 digits and a 款/项 2 (a single digit is a 款 printed as a
    number, e.g. "2" for "02", and is accepted).
    """
    parts = [c.replace(" ", "") for c in cells]
    if len(cells) < 2 or not any(parts) or not all(p.isdigit() for p in parts if p):
        return None  # blank, or a label (合计) printed across the code columns
    if not parts[0]:
        return None  # a template that prints only the new part of a code (see _inherit)
    if not (parts[0].isdigit() and len(parts[0]) == 3):
        return f"类应为3位数字，印作“{parts[0]}”"
    for p in parts[1:]:
        if p and not (p.isdigit() and len(p) <= 2):
            return f"款/项应为2位数字，印作“{p}”"
    return None


def inherit(cells: list[str], prev: str | None) -> str | None:
    """Code of a row that prints only its own part (类 blank under its 类 row: "" | 05 | 01),
    completed from the previous coded row."""
    parts = [c.replace(" ", "") for c in cells]
    if not prev or parts[0] or len(parts) < 2:
        return None
    if len(parts) >= 3 and not parts[1] and parts[2] and len(prev) >= 5:
        return prev[:5] + parts[2].zfill(2)  # 项 only: under the previous 款
    if parts[1]:
        return prev[:3] + "".join(p.zfill(2) for p in parts[1:] if p)  # 款 (and 项)
    return None


def code_from_context(cells: list[str], prev: str | None) -> str | None:
    """The code of a row whose 类 is misprinted, from the previous coded row: a 项 row listed
    under its 款 (prev 款 digits equal this row's 款) or a 款 row under its 类 sibling rows.
    None when the context does not determine it."""
    parts = [c.replace(" ", "") for c in cells]
    sub = [p.zfill(2) for p in parts[1:] if p]
    if not prev or not sub or not all(p.isdigit() and len(p) == 2 for p in sub):
        return None
    if len(sub) == 2 and len(prev) >= 5 and prev[3:5] == sub[0]:
        return prev[:3] + "".join(sub)
    return None


def split_code(cells: list[str], name: str) -> tuple[str | None, str]:
    """(code, name) from code cells (类/款/项 or joined) or a code printed before the name."""
    parts = [c.replace(" ", "") for c in cells if c]
    if len(parts) > 1:  # 款/项 columns printed as numbers lose a leading zero: 301 | 2 → 30102
        parts = parts[:1] + [p.zfill(2) if len(p) == 1 and p.isdigit() else p for p in parts[1:]]
    joined = "".join(parts)
    if joined and _CODE.match(joined):
        return joined, name
    m = _CODE_PREFIX.match(name)
    if m:
        return "".join(g for g in m.groups() if g), name[m.end() :].strip()
    return None, (name or " ".join(c for c in cells if c))
