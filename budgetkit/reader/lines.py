"""The reader's common output: a document as a sequence of lines of cells.

Every reader (text, PDF, third-party dump) turns its input into `Line`s so that everything
after reading (layout, tables, narrative, checks) is format-independent.

- A table row is a `Line` whose `cells` are the row's cells in column order, empty cells kept
  as "" (exactly like the seed's tab-separated rows). A PDF reader must align values to the
  table's columns so that cell *i* of a body row sits under header cell *i*.
- A prose line is a `Line` with one cell.
- Blank lines are dropped; `page` and `lineno` keep provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Line:
    cells: tuple[str, ...]
    lineno: int  # 1-based line in a text file; 1-based line within the page for a PDF
    page: int | None = None  # 1-based page for PDFs and page-broken dumps
    file: str | None = None  # the file, in a document read from two (a split publication)

    @property
    def text(self) -> str:
        """The line as prose: non-empty cells joined by a space."""
        return " ".join(c for c in self.cells if c)

    @property
    def is_row(self) -> bool:
        return len(self.cells) > 1

    def where(self) -> str:
        """Human-readable location, e.g. 'p.9 l.3' or 'line 120'."""
        return f"p.{self.page} l.{self.lineno}" if self.page is not None else f"line {self.lineno}"


@dataclass(slots=True)
class Source:
    """What a reader returns: the file, its format and its lines."""

    path: str
    format: str  # "text", "pdf", "dump"
    lines: list[Line] = field(default_factory=list)
    encoding: str | None = None
    pages: int | None = None
