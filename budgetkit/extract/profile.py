"""概况: the department's functions (主要职能), institutions (机构设置) and staffing.

Staffing is the sentence "编制数 8，实有人数 11 人，其中：在职 8 人，增加 0 人；退休 3 人，增加 3 人；
离休 0 人，增加 0 人。" of the Xinjiang template. Shanghai documents state no staffing numbers:
then `staffing` is empty, which is not an error.
"""

from __future__ import annotations

import re
from functools import cache

from ..catalog.templates import Template
from ..model import Profile, Staffing
from ..reader.lines import Line
from .prose import Paragraph, Prose, as_prose


@cache
def _vocab(tpl: Template):
    p = tpl.section("profile")
    sections = tuple((k, re.compile(v)) for k, v in p["sections"])
    staffing = tuple((c, re.compile(v)) for c, v in p["staffing"])
    return sections, staffing, re.compile(p["staffing_sentence"])


def _staffing(paras: list[Paragraph], tpl: Template) -> tuple[list[Staffing], set[int]]:
    _, staffing, sentence = _vocab(tpl)
    out: list[Staffing] = []
    used: set[int] = set()
    for i, para in enumerate(paras):
        if not sentence.search(para.text):
            continue
        used.add(i)
        for category, pat in staffing:
            m = pat.search(para.text)
            if not m:
                continue
            inc = None
            if m.groupdict().get("d") is not None:
                inc = int(m["d"]) * (-1 if m["dir"] == "减少" else 1)
            out.append(Staffing(category, int(m["n"]), inc, para.line_at(m.start())))
    return out, used


def extract(lines: Prose | list[Line], tpl: Template | None = None) -> Profile:
    """Functions, institutions and staffing from the 概况 part (None / empty when absent)."""
    text = as_prose(lines, tpl)
    sections = _vocab(text.tpl)[0]
    fields: dict[str, list[str]] = {"functions": [], "institutions": []}
    current: str | None = None
    paras = list(text.paragraphs("profile"))
    staffing, used = _staffing(paras, text.tpl)
    seen: set[str] = set()
    for i, para in enumerate(paras):
        if para.heading:
            current = next((k for k, pat in sections if pat.search(para.text)), current)
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
