"""Reader for third-party PDF-to-text dumps (pages separated by `-- PAGE_BREAK --` lines).

Such a dump is plain extracted text, not the seed's tabular format, and it loses the layout:

What it recovers (exactly, as printed):
- all prose: 概况, 情况说明 with its amounts and rates, 三公 and 机关运行经费 text, 名词解释,
  table titles, "编制部门：…", "单位：元" and notes such as "本表为空表", each printed line as
  one `Line` with one cell (tabs between fragments become a space);
- the dump's page of every line (`page`, 1-based, counted by the markers) and its line within
  that page (`lineno`).

What it cannot recover, so it does not pretend to:
- table columns. The dump drops empty cells, writes the cells of a row separated by spaces,
  moves values onto lines of their own and splits one printed table over several "pages"
  (one part holds the codes and names, another a column of amounts, titles come after the
  rows). Which column an amount belongs to is lost, so table rows are delivered as prose
  (one cell) rather than as guessed cells: downstream code then reports the tables as not
  recognised instead of reading a wrong number;
- the order of some fragments (e.g. the cover title "上海市普陀区2025年区级部门预算" appears as
  "上海市普陀区2025年 部门 算	区级 预");
- PDF page numbers: a dump page is a fragment of a PDF page, not the page itself.
"""

from __future__ import annotations

from pathlib import Path

from .lines import Line, Source
from .text import decode

PAGE_BREAK = "-- PAGE_BREAK --"


def is_dump(data: bytes) -> bool:
    """True for a text dump with page-break markers (ASCII, so the same bytes in UTF-8 and GBK)."""
    return PAGE_BREAK.encode("ascii") in data


def read_dump(path: str | Path, data: bytes) -> Source:
    """Read a page-broken text dump into prose `Line`s (format "dump")."""
    text, enc = decode(data, path)
    lines: list[Line] = []
    page, lineno = 1, 0
    for raw in text.splitlines():
        if raw.strip() == PAGE_BREAK:
            page += 1
            lineno = 0
            continue
        lineno += 1
        prose = " ".join(part.strip() for part in raw.split("\t") if part.strip())
        if prose:
            lines.append(Line((prose,), lineno, page))
    return Source(str(path), "dump", lines, encoding=enc, pages=page)
