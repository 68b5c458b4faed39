"""Reader for the tabular text format (the seed's): tab-separated rows, empty cells kept."""

from __future__ import annotations

from pathlib import Path

from ..errors import ReadError
from .lines import Line, Source

_ENCODINGS = ("utf-8-sig", "gb18030")


def decode(data: bytes, path: str | Path) -> tuple[str, str]:
    """Bytes → (text, encoding). UTF-8 (with or without BOM) first, then GB18030 (⊃ GBK)."""
    if not data.strip():
        raise ReadError(path, "the file is empty")
    if b"\x00" in data[:4096]:
        raise ReadError(path, "binary file (NUL bytes), not a text or PDF disclosure")
    for enc in _ENCODINGS:
        try:
            return data.decode(enc), enc.replace("-sig", "")
        except UnicodeDecodeError:
            continue
    raise ReadError(path, "text is neither UTF-8 nor GB18030/GBK")


def lines_from_text(text: str, *, page_break: str | None = None) -> list[Line]:
    """Split text into `Line`s; tab-separated rows become cells. Optional page-break marker."""
    out: list[Line] = []
    page = 1 if page_break else None
    page_line = 0
    for n, raw in enumerate(text.splitlines(), start=1):
        if page_break and raw.strip() == page_break:
            page += 1
            page_line = 0
            continue
        page_line += 1
        if not raw.strip():
            continue
        cells = tuple(c.strip() for c in raw.split("\t"))
        out.append(Line(cells, page_line if page_break else n, page))
    return out


def read_text(path: str | Path, data: bytes) -> Source:
    text, enc = decode(data, path)
    return Source(str(path), "text", lines_from_text(text), encoding=enc)
