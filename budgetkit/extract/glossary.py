"""名词解释: the glossary, term → explanation.

Xinjiang prints "一、**财政拨款**:指…", Shanghai "（一）财政拨款收入：是…" (wrapped over lines;
the paragraphs are joined first).
"""

from __future__ import annotations

import re
from functools import cache

from ..catalog.templates import Template
from ..model import Term
from ..reader.lines import Line
from .prose import Prose, as_prose


@cache
def _entry(tpl: Template) -> re.Pattern[str]:
    return re.compile(tpl.section("glossary")["entry"])


def extract(lines: Prose | list[Line], tpl: Template | None = None) -> list[Term]:
    """Every entry of the 名词解释 part(s), in document order."""
    text = as_prose(lines, tpl)
    entry = _entry(text.tpl)
    out: list[Term] = []
    for para in text.paragraphs("glossary"):
        m = entry.match(para.text)
        if m and not para.is_part:
            out.append(Term(m["term"].strip(), m["text"].strip(), para.lines[0]))
    return out
