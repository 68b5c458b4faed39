"""The coverage self-check: how much of a document was read, and how much of what was read an
identity confirms — without any ground truth.

A correct read of a correct document satisfies every identity, so a document whose money
tables are all recognised, whose amount columns are all mapped, whose printed amounts are all
read and whose identities hold is almost certainly read right. `budgetkit inspect FILE` prints
this report; benchmarks/bench_corpus.py runs it over a whole corpus.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..model import Parsed
from .compare import witnessing


@dataclass(frozen=True, slots=True)
class TableCoverage:
    table: str | None
    known: str | None
    label: str
    title: str
    pages: tuple[int, ...]
    evidence: str
    mapped: tuple[str, ...]  # columns and what they were taken for ("合计 → total")
    unmapped: tuple[str, ...]  # columns with figures whose header means nothing known
    cells: int  # printed amounts in value columns
    read: int
    witnessed: int  # read amounts that take part in an identity that holds


@dataclass
class Coverage:
    template: str
    evidence: tuple[str, ...]
    publication: str
    tables: list[TableCoverage] = field(default_factory=list)
    stray: int = 0  # amounts printed in rows outside any table
    errors: Counter = field(default_factory=Counter)  # error findings by rule

    @property
    def printed(self) -> int:
        return sum(t.cells for t in self.tables if t.known is None) + self.stray

    @property
    def read(self) -> int:
        return sum(t.read for t in self.tables)

    @property
    def witnessed(self) -> int:
        return sum(t.witnessed for t in self.tables)

    @property
    def unrecognised(self) -> int:
        return sum(1 for t in self.tables if t.table is None and t.known is None)

    @property
    def complete(self) -> bool:
        """Every money table recognised, every amount column mapped, every printed amount
        read, and no error finding."""
        return (
            self.unrecognised == 0
            and not any(t.unmapped for t in self.tables)
            and self.read >= self.printed
            and not self.errors
        )

    def share_read(self) -> float:
        return self.read / self.printed if self.printed else 1.0

    def share_witnessed(self) -> float:
        return self.witnessed / self.read if self.read else 0.0


def coverage(parsed: Parsed) -> Coverage:
    from . import run_checks

    with witnessing() as seen:
        findings = run_checks(parsed)
    m = parsed.meta
    cov = Coverage(m.template, m.template_evidence, m.publication)
    cov.stray = sum(sum(1 for c in ln.cells if c and _amount(c)) for ln in parsed.stray)
    offset = 0  # each table's amounts follow the previous table's in parsed.amounts
    for t in parsed.tables:
        mine = parsed.amounts[offset : offset + t.read]
        offset += t.read
        mapped = tuple(f"{lab} → {role}" for lab, role in t.columns if role)
        unmapped = t.unmapped
        cov.tables.append(
            TableCoverage(
                t.table, t.known, t.label, t.title, t.pages, t.evidence, mapped, unmapped,
                t.cells, len(mine), sum(1 for a in mine if id(a) in seen),
            )
        )  # fmt: skip
    cov.errors = Counter(f.rule for f in findings if f.severity == "error")
    return cov


def _amount(text: str) -> bool:
    from ..money import looks_like_amount

    return looks_like_amount(text)
