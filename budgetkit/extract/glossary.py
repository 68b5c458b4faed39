"""名词解释: the glossary, term → explanation.

Xinjiang prints "一、**财政拨款**:指…", Shanghai "（一）财政拨款收入：是…" (wrapped over lines;
the paragraphs are joined first).
"""

from __future__ import annotations

import re

from ..model import Term
from ..reader.lines import Line
from .prose import part_paragraphs

_CN = "一二三四五六七八九十"
#: A glossary entry: list marker, the term (≤ 30 characters, bold markers allowed), a colon.
ENTRY = re.compile(
    rf"^(?:[{_CN}]+、|[（(][{_CN}\d]+[)）]|\d+[、.．])\**(?P<term>[^：:*]{{1,30}}?)\**[：:]"
    r"(?P<text>.+)$"
)


def extract(lines: list[Line]) -> list[Term]:
    """Every entry of the 名词解释 part(s), in document order."""
    out: list[Term] = []
    for para in part_paragraphs(lines, "glossary"):
        m = ENTRY.match(para.text)
        if m and not para.is_part:
            out.append(Term(m["term"].strip(), m["text"].strip(), para.lines[0]))
    return out
