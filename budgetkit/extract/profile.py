"""概况: the department's functions (主要职能), institutions (机构设置) and staffing.

Staffing is the sentence "编制数 8，实有人数 11 人，其中：在职 8 人，增加 0 人；退休 3 人，增加 3 人；
离休 0 人，增加 0 人。" of the Xinjiang template. Shanghai documents state no staffing numbers:
then `staffing` is empty, which is not an error.
"""

from __future__ import annotations

import re

from ..model import Profile, Staffing
from ..reader.lines import Line
from .prose import Paragraph, part_paragraphs

#: Section headings of the 概况 part → field.
SECTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("functions", re.compile(r"主要职能|职能职责|部门职责")),
    ("institutions", re.compile(r"机构设置|人员情况")),
)

#: Staffing categories: (category as in `Staffing.category`, pattern with `n` and optional
#: `dir`/`d` for the stated increase or decrease).
STAFFING: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (c, re.compile(p))
    for c, p in (
        ("编制数", r"编制(?:人)?数(?:为)?(?P<n>\d+)(?:人|名)?"),
        ("实有人数", r"实有(?:人数|人员)(?:为)?(?P<n>\d+)(?:人|名)?"),
        ("在职", r"在职(?:人员)?(?P<n>\d+)[人名][，,]?(?:(?P<dir>增加|减少)(?P<d>\d+)[人名])?"),
        (
            "退休",
            r"(?<!离)退休(?:人员)?(?P<n>\d+)[人名][，,]?(?:(?P<dir>增加|减少)(?P<d>\d+)[人名])?",
        ),
        ("离休", r"离休(?:人员)?(?P<n>\d+)[人名][，,]?(?:(?P<dir>增加|减少)(?P<d>\d+)[人名])?"),
    )
)
_STAFF_SENTENCE = re.compile(r"编制(?:人)?数|实有人数")


def _staffing(paras: list[Paragraph]) -> tuple[list[Staffing], set[int]]:
    out: list[Staffing] = []
    used: set[int] = set()
    for i, para in enumerate(paras):
        if not _STAFF_SENTENCE.search(para.text):
            continue
        used.add(i)
        for category, pat in STAFFING:
            m = pat.search(para.text)
            if not m:
                continue
            inc = None
            if m.groupdict().get("d") is not None:
                inc = int(m["d"]) * (-1 if m["dir"] == "减少" else 1)
            out.append(Staffing(category, int(m["n"]), inc, para.line_at(m.start())))
    return out, used


def extract(lines: list[Line]) -> Profile:
    """Functions, institutions and staffing from the 概况 part (None / empty when absent)."""
    fields: dict[str, list[str]] = {"functions": [], "institutions": []}
    current: str | None = None
    paras = [p for p in part_paragraphs(lines, "profile")]
    staffing, used = _staffing(paras)
    seen: set[str] = set()
    for i, para in enumerate(paras):
        if para.heading:
            current = next((k for k, pat in SECTIONS if pat.search(para.text)), current)
            continue
        if current is None or i in used or para.text in seen:  # PDFs may print a page twice
            continue
        seen.add(para.text)
        fields[current].append(para.text)
    return Profile(
        functions="\n".join(fields["functions"]) or None,
        institutions="\n".join(fields["institutions"]) or None,
        staffing=tuple(staffing),
    )
