"""Prose: a document's lines split into parts (概况, 表, 情况说明, 名词解释) and paragraphs.

Shared by the narrative, profile and glossary extractors. PDF lines are joined into paragraphs,
so a figure wrapped over two lines ("增长\\n100.00%") still reads.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from ..catalog.templates import Template, template
from ..reader.lines import Line

_CN = "一二三四五六七八九十"


@cache
def _part_headings(tpl: Template) -> tuple[tuple[str, re.Pattern[str], bool], ...]:
    """Part headings of the template: (part, pattern, strong). A strong heading ("第三部分 …")
    is only ended by another strong heading or 名词解释; weak ones (上海) by any part heading."""
    return tuple((k, re.compile(p), bool(st)) for k, p, st in tpl.section("prose")["parts"])


_TOC = re.compile(r"^目\s*录$")

_MARKER = re.compile(
    rf"^(第[{_CN}]+部分|[{_CN}]+、|[（(][{_CN}]+[)）]|\d+[、.．](?!\d)|[（(]\d+[)）]|[①-⑳])"
)
_LEVEL1 = re.compile(rf"^(第[{_CN}]+部分|[{_CN}]+、)")
_LEVEL2 = re.compile(rf"^[（(][{_CN}]+[)）]")
_HAS_FIGURE = re.compile(r"\d\s*(万|%|％|平方米|辆|个|台|人|名)")
_END = tuple("。！？；;：:")
_PAGE_NO = re.compile(r"^[-—\s]*\d{1,3}[-—\s]*$|^第\s*\d+\s*页")
_SPACES = re.compile(r"[ \u3000\t]+")
_WIDE = str.maketrans("０１２３４５６７８９．％－", "0123456789.%-")
_WIDE_CHARS = re.compile("[０-９．％－]")
_BRACKETS = str.maketrans("()", "（）")


@lru_cache(maxsize=8192)
def norm(text: str) -> str:
    """Prose normalisation: full-width digits to ASCII, no spaces (brackets stay as printed).

    Chinese prose needs no spaces; removing them lets "232.31 万元" and "232.31万元" match
    alike. Commas are kept as printed (a "，" must not become a thousands separator).
    """
    if _WIDE_CHARS.search(text):
        text = text.translate(_WIDE)
    return _SPACES.sub("", text).removeprefix("-").removeprefix("•")


@dataclass(slots=True)
class Paragraph:
    """Prose lines joined into one paragraph; `starts[i]` is where `lines[i]` begins in `text`."""

    text: str
    lines: list[Line] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    heading: bool = False
    part: str = ""
    is_part: bool = False  # the part's own heading ("第三部分 …", "部门预算编制说明")

    def line_at(self, pos: int) -> Line:
        return self.lines[max(0, bisect_right(self.starts, pos) - 1)]

    def add(self, text: str, line: Line) -> None:
        self.starts.append(len(self.text))
        self.lines.append(line)
        self.text += text


def _part_of(text: str, tpl: Template) -> tuple[str, bool] | None:
    if len(text) > 60 or text.endswith("。"):
        return None
    for part, pat, strong in _part_headings(tpl):
        if pat.search(text):
            return part, strong
    return None


def is_heading(text: str) -> bool:
    """A numbered heading line: marker, short, no figures, no sentence end."""
    return (
        bool(_MARKER.match(text))
        and len(text) <= 60
        and not _HAS_FIGURE.search(text)
        and "，" not in text
        and "," not in text
        and "。" not in text
    )


_LEVEL_END = re.compile(r"（[类款项]）$")


def _wraps(text: str, following: str) -> bool:
    """A classification subject (…（类）…（款）…（项）。) cut at the line's end: the next line
    completes it before its first 。 without a figure."""
    if "（类）" not in text and "（款）" not in text:
        return False
    rest, end, _ = following.partition("。")
    return bool(end) and not _HAS_FIGURE.search(rest) and bool(_LEVEL_END.search(text + rest))


_SUBJECT_ONLY = re.compile(r"（[类款项]）。$")


def _subject_only(texts: list[str]) -> bool:
    """A paragraph so far only a classification subject (2.一般公共服务（类）…（项）。): its
    figures follow on the next line (年初预算为 590.53 万元…), in the same paragraph."""
    text = "".join(texts)
    return bool(_SUBJECT_ONLY.search(text)) and not _HAS_FIGURE.search(text)


_BARE_PART = re.compile(r"^第[一二三四五六七八九十]+部分$")


def _part_at(text: str, lines: list[Line], i: int, tpl: Template) -> tuple[str, bool] | None:
    """The part a heading line starts; one printed alone ("第三部分") takes its name from the
    next line or two (国家信访局2024年度部门决 | 算情况说明)."""
    found = _part_of(text, tpl)
    if not _BARE_PART.match(text):
        return found
    name = text
    for line in lines[i + 1 : i + 3]:
        if line.is_row or not (nxt := norm(line.text)) or _PAGE_NO.match(nxt):
            break
        name += nxt
        named = _part_of(name, tpl)
        if named and named[0] != "other":
            return named
    return found


def parts(lines: Iterable[Line], tpl: Template) -> list[tuple[str, Line, list[Line]]]:
    """Split a document's lines into parts: (part, heading line, body lines).

    part is "profile", "tables", "narrative", "glossary" or "other". The table of contents
    (目录 … up to the page end, or until its first entry is printed again) is skipped.
    """
    out: list[tuple[str, Line, list[Line]]] = []
    toc_first: str | None = None
    toc_page: int | None = None
    in_toc = False
    strong = False
    lines = list(lines)
    for i, line in enumerate(lines):
        if line.is_row and not in_toc:
            if out:
                out[-1][2].append(line)
            continue
        text = norm(line.text)
        if not text:
            continue
        if _TOC.match(text):
            in_toc, toc_first, toc_page = True, None, line.page
            continue
        if in_toc:
            if toc_page is not None and line.page != toc_page:
                in_toc = False
            elif toc_first is None:
                toc_first = text
                continue
            elif text == toc_first:
                in_toc = False
            else:
                continue
        if not line.is_row:
            found = _part_at(text, lines, i, tpl)
            # a strong part is ended by a strong heading; a strong 表 part (whose tables are
            # elsewhere) also by the narrative's own heading (昆明: 第二部分…预算表 lists them)
            tables_part = bool(out) and out[-1][0] == "tables"
            if found and (found[1] or not strong or (tables_part and found[0] == "narrative")):
                strong = found[1]
                out.append((found[0], line, []))
                continue
        if out:
            out[-1][2].append(line)
    return out


def paragraphs(lines: Iterable[Line], part: str = "") -> list[Paragraph]:
    """Join wrapped prose lines into paragraphs. Table rows end a paragraph and are dropped.

    A line starts a new paragraph when the previous one ended a sentence (。：；), when it
    starts with a list marker (一、 （一） 1、 1.), or when it or the previous line is a heading.
    A numbered classification subject wrapped onto the next line is not a heading
    (1.一般公共服务支出（类）发展与改革事务（款）日常经济 | 运行调节（项）。年初预算…).
    """
    lines = list(lines)
    texts = ["" if ln.is_row else norm(ln.text) for ln in lines]
    out: list[Paragraph] = []
    pieces: list[list[str]] = []  # each paragraph's texts, joined once at the end (linear)
    cur: Paragraph | None = None
    for i, (line, text) in enumerate(zip(lines, texts, strict=True)):
        if line.is_row:
            cur = None
            continue
        if not text or _PAGE_NO.match(text):
            continue
        head = is_heading(text) and not _wraps(text, texts[i + 1] if i + 1 < len(texts) else "")
        if (
            cur is None
            or cur.heading
            or head
            or _MARKER.match(text)
            or (pieces[-1][-1].endswith(_END) and not _subject_only(pieces[-1]))
        ):
            cur = Paragraph("", heading=head, part=part)
            out.append(cur)
            pieces.append([])
        cur.starts.append(cur.starts[-1] + len(pieces[-1][-1]) if pieces[-1] else 0)
        cur.lines.append(line)
        pieces[-1].append(text)
    for para, texts in zip(out, pieces, strict=True):
        para.text = "".join(texts)
    return out


class Prose:
    """A document's prose split into parts once; each part's paragraphs joined once (the
    narrative, profile and glossary extractors all read them)."""

    def __init__(self, lines: Iterable[Line], tpl: Template | None = None):
        self.tpl = tpl or template()
        self.lines = list(lines)
        self.parts = parts(self.lines, self.tpl)
        self._paragraphs: dict[str, list[Paragraph]] = {}

    def paragraphs(self, part: str) -> list[Paragraph]:
        """All paragraphs of the parts named `part`, each part's heading first."""
        if part not in self._paragraphs:
            out: list[Paragraph] = []
            for name, head, body in self.parts:
                if name == part:
                    out.append(Paragraph(norm(head.text), [head], [0], True, name, is_part=True))
                    out.extend(paragraphs(body, name))
            self._paragraphs[part] = out
        return self._paragraphs[part]


def as_prose(lines: Prose | Iterable[Line], tpl: Template | None = None) -> Prose:
    return lines if isinstance(lines, Prose) else Prose(lines, tpl)


def part_paragraphs(
    lines: Prose | Iterable[Line], part: str, tpl: Template | None = None
) -> list[Paragraph]:
    """All paragraphs of the parts named `part` (see `Prose.paragraphs`)."""
    return as_prose(lines, tpl).paragraphs(part)
