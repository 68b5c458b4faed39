"""Layout stage: find the tables in a document's lines by what they are (title, unit line,
header rows), never by position. Everything outside a table block is prose for the
narrative, profile, performance and glossary extractors.

A block starts at a recognised title (see `titles`) that a table follows: a unit line or a
row within a few lines, before the title of another table (else the line is an entry of a
table of contents). A section heading naming the same table just before its title ("一、收支
预算总表" over "2026年度收支预算总表") is merged into it; a title wrapped over two lines is
joined, and so is a unit line wrapped in its narrow cell (单位：万 over 元); a label printed on
its own line ("部门公开表1") is kept as the table's label. A table continued on the next page
(with or without its title repeated) stays one block; a repeated header row is skipped.
Short lines between the title and the first body row that span the table ("2026年预算数") are
header rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from ..catalog.templates import Template
from ..money import looks_like_amount
from ..reader.lines import Line
from . import titles
from .titles import Title

TITLE_LOOKAHEAD = 6  # a title is followed within this many lines by a unit line or a row
WRAPPED_UNIT_CHARS = 2  # the part of a unit line wrapped onto the next line (元, 万元)
SPANNING_LABEL_CHARS = 30  # a one-cell line this short inside a header is a header label

_CODE_CELL = re.compile(r"^\d{3}(?:\s*\d{2}){0,2}(?:\s|$)")
_SENTENCE_END = re.compile(r"[。；;]")
_LEADER = re.compile(r"[.…·．。-]{3,}\s*\d*\s*$|\s\d{1,3}$")


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
    label: str = ""  # 表1, 公开01表, …
    final: bool = False  # a 决算 table
    evidence: str = ""  # why the title was taken for `table`
    known: str | None = None  # a recognised non-money table ("performance", "contents", …)
    pages: list[int] = field(default_factory=list)  # pages the block spans


@dataclass(frozen=True, slots=True)
class Entry:
    """A table listed in a table of contents (报表目录), possibly declared empty there."""

    text: str
    table: str | None
    empty: bool
    reason: str | None
    line: Line


@dataclass(slots=True)
class Layout:
    blocks: list[Block]
    prose: list[Line]  # every line not inside a table block, in order
    contents: list[Entry] = field(default_factory=list)
    stray: list[Line] = field(default_factory=list)  # rows with amounts outside any table


@dataclass(frozen=True)
class _Patterns:
    unit: re.Pattern[str]
    department: re.Pattern[str]
    page_number: re.Pattern[str]
    empty_note: re.Pattern[str]
    note: re.Pattern[str]
    numbering: frozenset[str]


@cache
def _patterns(tpl: Template) -> _Patterns:
    b = tpl.section("blocks")
    return _Patterns(
        re.compile(b["unit"]),
        re.compile(b["department"]),
        re.compile(b["page_number"]),
        re.compile(b["empty_note"]),
        re.compile(b["note"]),
        frozenset(b["numbering_cells"]),
    )


def unit_of(text: str, tpl: Template) -> str | None:
    m = _patterns(tpl).unit.search(text.replace(" ", ""))
    return m.group(1) if m else None


def _cells(line: Line) -> list[str]:
    return [c for c in line.cells if c]


def is_number_row(line: Line, tpl: Template) -> bool:
    """A row of column numbers or markers (栏次 | 1 | 2 | …, ** | ** | 1)."""
    cells = [c.replace(" ", "") for c in _cells(line)]
    marks = _patterns(tpl).numbering
    return bool(cells) and all(c in marks or c.isdigit() and len(c) <= 2 for c in cells)


def is_data_row(line: Line, tpl: Template) -> bool:
    """A body row: has an amount or a classification code (header rows have neither)."""
    if is_number_row(line, tpl):
        return False
    return any(looks_like_amount(c) or _CODE_CELL.match(c) for c in line.cells if c)


def _row_item(text: str, tpl: Template) -> str | None:
    from ..extract.labels import row_item

    return row_item(text, tpl)


def _is_total_row(line: Line, tpl: Template) -> bool:
    """A 合计/总计 row with blank amounts (an empty table prints one under its header)."""
    cells = line.cells
    return (
        bool(cells)
        and _row_item(cells[0], tpl) == "total"
        and not any(c for c in cells[1:] if not looks_like_amount(c))
    )


def _unclosed(text: str) -> bool:
    """A bracket opened and not closed: the text goes on on the next line."""
    return text.count("（") + text.count("(") > text.count("）") + text.count(")")


def _single(line: Line) -> str | None:
    """The text of a line with one non-empty cell (prose, or a table-wide cell)."""
    cells = _cells(line)
    return cells[0].strip() if len(cells) == 1 else None


class _Segmenter:
    def __init__(self, lines: list[Line], tpl: Template):
        self.lines = lines
        self.tpl = tpl
        self.p = _patterns(tpl)
        self.blocks: list[Block] = []
        self.prose: list[Line] = []
        self.contents: list[Entry] = []
        self.cur: Block | None = None
        self.label = ""  # a label line seen just before a title
        self.stray: list[Line] = []
        self.known_before = False  # the last block was a non-money table (its rows may go on)

    # -- titles -----------------------------------------------------------------------
    def _title_at(self, i: int) -> tuple[Title, int] | None:
        """(title, lines it takes) when line i starts a table, else None."""
        text = _single(self.lines[i])
        if text is None:
            return None
        t = titles.recognise(text, self.tpl)
        span = 1
        if t is None and i + 1 < len(self.lines) and not self.lines[i].is_row:
            nxt = _single(self.lines[i + 1])
            if (
                nxt
                and not self.lines[i + 1].is_row
                and not titles.title_like(text, self.tpl)
                and len(text) < 40
                and _row_item(text, self.tpl) is None
                and not titles.is_label_only(text, self.tpl)
            ):
                t = titles.recognise(text + nxt, self.tpl)  # a title wrapped over two lines
                span = 2
                alone = titles.recognise(nxt, self.tpl)
                if t is not None and (
                    (t.table is None and t.known is None)
                    or (alone is not None and (alone.table, alone.known) == (t.table, t.known))
                ):
                    t = None  # the next line is the title on its own
        if t is None:
            return None
        if span == 1 and _unclosed(text) and i + 1 < len(self.lines):
            nxt = _single(self.lines[i + 1])  # （按支出功能分类科 | 目-不含上年结转）
            whole = titles.recognise(text + nxt, self.tpl) if nxt else None
            if whole is not None and (whole.table or whole.known):
                t, span = whole, 2
        for k in range(i + span, min(i + span + TITLE_LOOKAHEAD, len(self.lines))):
            ln = self.lines[k]
            txt = _single(ln)
            if txt is None and len(_cells(ln)) > 1:
                return t, span  # a row follows: a table
            if txt is None:
                continue
            if unit_of(txt, self.tpl) or self.p.department.search(txt):
                return t, span
            if titles.is_label_only(txt, self.tpl) or self.p.page_number.match(txt):
                continue
            nt = titles.recognise(txt, self.tpl)
            if nt is not None:
                if t.table is not None and nt.table == t.table:
                    return None  # a heading naming the table printed next: that one is the title
                return None  # another table's title follows: a table of contents
            if titles.title_like(txt, self.tpl):
                return None
        return None

    def _start(self, i: int, t: Title) -> None:
        line = self.lines[i]
        prev = self.cur
        if (
            prev is not None
            and prev.table is not None
            and prev.table == t.table
            and line.page is not None
            and prev.pages
            and line.page != prev.pages[-1]
            and (
                not t.label
                or not prev.label
                or titles.squeeze(t.label) == titles.squeeze(prev.label)
            )
        ):
            prev.pages.append(line.page)  # the title repeated on a continuation page
            return
        label = t.label or self.label
        if not label and self.blocks is not None:
            label = self._heading_label(i)
        self.cur = Block(
            table=t.table,
            title=t.core,
            title_line=line,
            label=label,
            final=t.final,
            evidence=t.evidence,
            known=t.known,
            pages=[line.page] if line.page is not None else [],
        )
        self.blocks.append(self.cur)
        self.label = ""
        self.known_before = t.known is not None

    def _heading_label(self, i: int) -> str:
        """The label of a section heading naming this table just above its title."""
        if i == 0:
            return ""
        prev = _single(self.lines[i - 1])
        if prev is None:
            return ""
        t = titles.recognise(prev, self.tpl)
        return t.label if t is not None else ""

    # -- contents ---------------------------------------------------------------------
    def _contents(self, i: int) -> int:
        """Read a table of contents (prose list or 报表目录 grid) from line i; returns the
        index after it."""
        head = self.lines[i]
        self.prose.append(head)
        j = i + 1
        empty_col = reason_col = None
        while j < len(self.lines):
            ln = self.lines[j]
            if ln.page != head.page and j > i + 1:
                break
            cells = _cells(ln)
            if ln.is_row and any("空表" in c for c in cells):
                empty_col = next(k for k, c in enumerate(ln.cells) if "空表" in c)
                reason_col = next(
                    (k for k, c in enumerate(ln.cells) if "理由" in c or "原因" in c), None
                )
                j += 1
                continue
            text = " ".join(cells)
            name = next(
                (
                    c
                    for c in cells
                    if titles.table_of(c, self.tpl) or titles.title_like(c, self.tpl)
                ),
                None,
            )
            if name is None:
                if ln.is_row or titles.title_like(_LEADER.sub("", text), self.tpl):
                    name = _LEADER.sub("", text)
                else:
                    break
            empty = False
            reason = None
            if empty_col is not None and empty_col < len(ln.cells):
                empty = ln.cells[empty_col].strip() in ("是", "√", "空表", "Y")
                if reason_col is not None and reason_col < len(ln.cells):
                    reason = ln.cells[reason_col].strip() or None
            name = _LEADER.sub("", name).strip()
            self.contents.append(Entry(name, titles.table_of(name, self.tpl), empty, reason, ln))
            self.prose.append(ln)
            j += 1
        return j

    # -- the walk ---------------------------------------------------------------------
    def run(self) -> Layout:
        i = 0
        n = len(self.lines)
        while i < n:
            line = self.lines[i]
            text = _single(line)
            if text is not None and titles.is_contents(text, self.tpl):
                self.cur = None
                i = self._contents(i)
                continue
            found = self._title_at(i)
            if found is not None:
                self._start(i, found[0])
                i += found[1]
                continue
            if self.cur is not None and (u := self._wrapped_unit(i)):
                self.cur.unit = self.cur.unit or u  # 单位：万 | 元: a unit wrapped in its cell
                i += 2
                continue
            if text is not None and titles.is_label_only(text, self.tpl):
                if self.cur is not None and not self.cur.label and not self.cur.body:
                    self.cur.label = titles.squeeze(text)  # a label printed under the title
                else:
                    self.label = titles.squeeze(text)
                i += 1
                continue
            self._line(line, self.lines[i + 1] if i + 1 < n else None)
            i += 1
        return Layout(self.blocks, self.prose, self.contents, self.stray)

    def _wrapped_unit(self, i: int) -> str | None:
        """The unit of a unit line wrapped in a narrow cell (单位：万 over 元): line i does
        not name a unit, line i and the short line after it together do."""
        if i + 1 >= len(self.lines):
            return None
        line, nxt = self.lines[i], self.lines[i + 1]
        text, rest = _single(line), _single(nxt)
        if (
            text is None
            or rest is None
            or len(rest) > WRAPPED_UNIT_CHARS
            or nxt.page != line.page
            or unit_of(text, self.tpl)
        ):
            return None
        return unit_of(text + rest, self.tpl)

    def _line(self, line: Line, nxt: Line | None) -> None:
        cur = self.cur
        if cur is None:
            self.prose.append(line)
            amounts = sum(1 for c in line.cells if c and looks_like_amount(c))
            if line.is_row and not self.known_before and amounts >= 2:
                self.stray.append(line)
            return
        if line.page is not None and cur.pages and line.page != cur.pages[-1]:
            cur.pages.append(line.page)
        text = _single(line)
        if text is not None and (unit_of(text, self.tpl) or self.p.department.search(text)):
            line = Line((text,), line.lineno, line.page)  # a unit line drawn inside the frame
        if line.is_row:
            if is_data_row(line, self.tpl) or _is_total_row(line, self.tpl):
                cur.body.append(line)
            elif not cur.body:
                cur.header.append(line)
            elif not self._is_header_again(line):
                cur.body.append(line)  # a labelled row whose cells are blank
            return
        text = line.text
        u = unit_of(text, self.tpl)
        d = self.p.department.search(text)
        if u or d:
            cur.unit = cur.unit or u
            if d and not cur.department:
                cur.department = d.group(1).strip()
            return
        if self.p.page_number.match(text):
            return
        if (self.p.empty_note.search(text) or self.p.note.search(text)) and len(text) < 300:
            cur.notes.append(line)
            return
        if _row_item(text, self.tpl) == "total":
            cur.body.append(line)  # a lone 合计 row (empty tables print one)
            return
        if (
            not cur.body
            and cur.known is None
            and len(text) <= SPANNING_LABEL_CHARS
            and not _SENTENCE_END.search(text)
            and nxt is not None
            and len(_cells(nxt)) > 1
        ):
            cur.header.append(Line((text,), line.lineno, line.page))  # a table-wide header cell
            return
        self.cur = None
        self.prose.append(line)

    def _is_header_again(self, line: Line) -> bool:
        """A header row repeated on a continuation page (same cells, or only header labels)."""
        block = self.cur
        assert block is not None
        if any(line.cells == h.cells for h in block.header):
            return True
        if block.table is None:
            return False
        from ..extract.labels import header_role

        cells = _cells(line)
        return (
            all(header_role(block.table, c, self.tpl) for c in cells)
            and _row_item(line.text, self.tpl) is None
        )


def segment(lines: list[Line], tpl: Template) -> Layout:
    """Split lines into table blocks and prose (and the entries of a table of contents)."""
    return _Segmenter(lines, tpl).run()
