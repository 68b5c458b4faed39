"""Reader for saved web pages (a disclosure published as an HTML article): text → `Line`s.

Block elements (p, div, li, h1–h6, br) end a line; a table row becomes a `Line` of cells, as
in the text format. Scripts, styles and the page's head are dropped, except its article title
(meta ArticleTitle, or <title>), which comes first as the document's cover line. Lines are
numbered from 1 (no pages). Text is data: nothing of it is evaluated.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from .lines import Line, Source
from .text import decode

_BLOCKS = frozenset(
    {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "section", "article", "ul",
     "ol", "table", "tbody", "thead", "center", "blockquote", "dd", "dt", "hr"}
)  # fmt: skip
_SKIP = frozenset({"script", "style", "noscript", "template", "head", "svg", "select", "option"})
_SPACE = re.compile(r"[ \t\r\n\u00a0\u3000]+")
_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", re.I)


def is_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.lines: list[tuple[str, ...]] = []
        self.text: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.skip = 0
        self.in_title = False

    def _flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.text)).strip()
        if text:
            self.lines.append((text,))
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("name") or "").lower() == "articletitle":
            self.title = a.get("content") or self.title
        if tag == "title":
            self.in_title = True
        if tag in _SKIP:
            self.skip += 1
            return
        if tag == "tr":
            self._flush()
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag in _BLOCKS and self.cell is None:
            self._flush()

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(_SPACE.sub(" ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if any(self.row):
                self.lines.append(tuple(self.row))
            self.row = None
        elif tag in _BLOCKS and self.cell is None:
            self._flush()

    def handle_data(self, data):
        if self.in_title and not self.title:
            self.title = data.strip()
        if self.skip:
            return
        (self.cell if self.cell is not None else self.text).append(data)


def read_html(path: str | Path, data: bytes) -> Source:
    m = _CHARSET.search(data[:2048])
    text = None
    if m:
        try:
            text, enc = data.decode(m.group(1).decode("ascii")), m.group(1).decode("ascii")
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text, enc = decode(data, path)
    page = _Page()
    page.feed(text)
    page.close()
    page._flush()
    cells = ([(page.title,)] if page.title else []) + page.lines
    lines = [Line(c, i + 1) for i, c in enumerate(cells)]
    return Source(str(path), "html", lines, encoding=enc)
