"""Layout stage: find the tables in a document's lines, by what they are (title, unit line,
header rows), never by position. Everything outside a table block is prose for the
narrative, profile, performance and glossary extractors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..catalog import catalog
from ..money import looks_like_amount
from ..reader.lines import Line

MAX_TITLE_CHARS = 48  # a table title is a short line; longer lines are prose mentioning it
TITLE_LOOKAHEAD = 5  # a title is followed within this many lines by a unit line or a row

_UNIT = re.compile(r"单位\s*[:：]\s*(亿元|万元|千元|元)")
_DEPT = re.compile(
    r"(?:编制部门|编制单位|部门名称|单位名称)\s*[:：]\s*(.+?)(?:\s+单位\s*[:：].*)?$"
)
_TABLE_NO = re.compile(
    r"^(?:表|公开)\s*[0-9０-９一二三四五六七八九十]+(?:表)?\s*$|^[（(]?\s*[0-9]+\s*[)）]?$|^-?\s*\d+\s*-?$|^第\s*\d+\s*页"
)
_EMPTY_NOTE = re.compile(r"空表|(?:无|没有|未安排).{0,40}(?:预算|支出|经费|资金|收入)")
_NUMBER_ROW = re.compile(r"^(?:※|\*|＊|\d{1,2}|栏次)$")
_CODE_CELL = re.compile(r"^\d{3}(?:\s*\d{2}){0,2}(?:\s|$)")


@dataclass(slots=True)
class Block:
    """One table as found in the lines: title, unit, header rows, body rows and notes."""

    table: str | None  # canonical id; None when the title is not recognised
    title: str
    title_line: Line
    unit: str | None = None
    department: str | None = None
    header: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    notes: list[Line] = field(default_factory=list)


@dataclass(slots=True)
class Layout:
    blocks: list[Block]
    prose: list[Line]  # every line not inside a table block, in order


def unit_of(text: str) -> str | None:
    m = _UNIT.search(text)
    return m.group(1) if m else None


def _is_number_row(line: Line) -> bool:
    cells = [c for c in line.cells if c]
    return bool(cells) and all(_NUMBER_ROW.match(c) for c in cells)


def is_data_row(line: Line) -> bool:
    """A body row: has an amount or a classification code (header rows have neither)."""
    if _is_number_row(line):
        return False
    return any(looks_like_amount(c) or _CODE_CELL.match(c) for c in line.cells if c)


def _is_total_row(line: Line) -> bool:
    """A 合计/总计 row with blank amounts (an empty table prints one under its header).

    It labels the first cell and every other cell is blank; a header row that starts with
    合计 (as a column label) has other labels beside it.
    """
    cells = line.cells
    return (
        bool(cells)
        and catalog().row_item(cells[0]) == "total"
        and not any(c for c in cells[1:] if not looks_like_amount(c))
    )


def _title_at(lines: list[Line], i: int) -> tuple[str | None, str] | None:
    """(table id or None, title) when line i is a table title, else None."""
    line = lines[i]
    text = line.text.strip()
    if (
        not text
        or len(text) > MAX_TITLE_CHARS
        or line.is_row
        and len([c for c in line.cells if c]) > 1
    ):
        return None
    if "…" in text or "..." in text or text.startswith("-") or "，" in text or "。" in text:
        return None
    if not text.rstrip("）)").endswith("表") and "表" not in text[-6:]:
        return None
    cat = catalog()
    table = cat.table_for_title(text)
    if table is None and cat.known_title(text):
        return None
    # Confirm: a unit line or a table row follows soon (rules out tables of contents).
    for nxt in lines[i + 1 : i + 1 + TITLE_LOOKAHEAD]:
        if unit_of(nxt.text) or nxt.is_row and len([c for c in nxt.cells if c]) > 1:
            return table, text
        if _title_like(nxt.text):
            return None
    return None


def _title_like(text: str) -> bool:
    return len(text) <= MAX_TITLE_CHARS and text.endswith("表")


def segment(lines: list[Line]) -> Layout:
    """Split lines into table blocks and prose."""
    blocks: list[Block] = []
    prose: list[Line] = []
    cur: Block | None = None
    for i, line in enumerate(lines):
        found = _title_at(lines, i)
        if found is not None:
            cur = Block(table=found[0], title=found[1], title_line=line)
            blocks.append(cur)
            continue
        if cur is None:
            prose.append(line)
            continue
        if line.is_row:
            if is_data_row(line) or _is_total_row(line):
                cur.body.append(line)
            elif not cur.body:
                cur.header.append(line)
            elif not _is_header_again(cur, line):
                cur.body.append(line)  # a labelled row whose cells are blank
            continue
        text = line.text
        u = unit_of(text)
        d = _DEPT.search(text)
        if u or d:
            cur.unit = cur.unit or u
            if d and not cur.department:
                cur.department = d.group(1).strip()
        elif _TABLE_NO.match(text.strip()):
            pass
        elif (_EMPTY_NOTE.search(text) or text.startswith(("注", "备注"))) and len(text) < 200:
            cur.notes.append(line)
        elif catalog().row_item(text) == "total":
            cur.body.append(line)  # a lone 合计 row (empty tables print one)
        else:
            cur = None
            prose.append(line)
    return Layout(blocks, prose)


def _is_header_again(block: Block, line: Line) -> bool:
    """A header row repeated on a continuation page (same cells, or only header labels)."""
    if any(line.cells == h.cells for h in block.header):
        return True
    if block.table is None:
        return False
    cat = catalog()
    cells = [c for c in line.cells if c]
    return all(cat.header_role(block.table, c) for c in cells) and cat.row_item(line.text) is None
