"""Headline figures of a disclosure (`budgetkit summary`, `Document.summary()`, the reports'
key figures), in 万元, exact: one definition for the CLI, the library and the notebooks.

Each figure is declared in data/fields.toml with the places it may be printed; the first
place the document has wins. A figure that is not printed as such but derived (a classified
table without a 合计 row gives Σ 类; 财政拨款 = 一般公共预算 + 政府性基金 + 国有资本经营) says
so in `derived`, and one whose row an identity contradicts says so in `doubt`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from .catalog import Ref
from .catalog.fields import fields
from .check.rows import Row, row_of, rows_by_table, value_of
from .model import Finding, Parsed


@dataclass(frozen=True, slots=True)
class Figure:
    key: str
    zh: str
    en: str
    value: Decimal | None
    table: str | None = None
    page: int | None = None
    line: int | None = None
    derived: str | None = None  # why the figure is not a printed cell
    doubt: str | None = None  # an error finding on the figure's row
    file: str | None = None  # the file printing it, in a split publication (else the document's)


def headline(parsed: Parsed, findings: Iterable[Finding] = ()) -> list[Figure]:
    """Every headline figure of the document (value None where it does not state one).

    `findings` (the document's check results) mark a figure whose row fails an identity.
    """
    rows = rows_by_table(parsed)
    errors = [f for f in findings if f.severity == "error"]
    out = []
    for spec in fields().figures.values():
        fig = Figure(spec.key, spec.zh, spec.en, None)
        for ref in spec.sources:
            if "+" in ref.row:
                fig = _sum_of_items(spec, rows, ref) or fig
                if fig.value is not None:
                    break
                continue
            row = row_of(rows, ref)
            found = value_of(row, ref.measure) if row else None
            if row is not None and not row.readable(ref.measure):
                # printed but not a number: not a figure (a later source may print it)
                fig = replace(
                    fig, table=row.table, page=row.line.page, line=row.line.lineno,
                    file=row.line.file,
                )  # fmt: skip
                fig = replace(fig, doubt=_doubt(row, errors, "read.") or "not a number")
                continue
            if row is None or found is None:
                continue
            value, how = found
            if row.name.endswith("（按各类之和）"):
                how = "no 合计 row printed: sum of the 类 rows"
            fig = Figure(
                spec.key,
                spec.zh,
                spec.en,
                value,
                row.table,
                row.line.page,
                row.line.lineno,
                how,
                _doubt(row, errors),
                row.line.file,
            )
            break
        if fig.value is None:
            fig = _stated(spec, parsed) or fig
        out.append(fig)
    return out


def _stated(spec, parsed: Parsed) -> Figure | None:
    """A headline figure the narrative states (no table prints it: a narrative-only file)."""
    if parsed.meta.publication != "narrative":
        return None
    for topic in spec.narrative:
        said = [
            s for s in parsed.statements if s.topic == topic and s.amount is not None and not s.code
        ]
        st = next((s for s in said if _preferred(spec, s)), said[0] if said else None)
        if st is not None:
            where = st.line.where()
            return Figure(
                spec.key, spec.zh, spec.en, st.amount, None, st.line.page, st.line.lineno,
                f"stated in the narrative ({where}: {st.sentence[:40]})", file=st.line.file,
            )  # fmt: skip
    return None


def _preferred(spec, st) -> bool:
    """A statement that names the figure itself: its subject, or the words before the subject
    in its sentence, match the figure's `narrative_prefer` (一般公共预算财政拨款, 本年收入中，…)
    and not its `narrative_avoid` (上年结转). Without a preference every statement is."""
    if spec.prefer is None:
        return True
    at = st.sentence.find(st.subject)
    said = st.subject + (st.sentence[:at] if at > 0 else "")
    return bool(spec.prefer.search(said)) and not (spec.avoid and spec.avoid.search(said))


def _sum_of_items(spec, rows, ref: Ref) -> Figure | None:
    """A figure as the sum of item rows ("gpb+gov_fund+soe"), where at least one is printed."""
    found = []
    for item in ref.row.split("+"):
        row = row_of(rows, replace(ref, row=item))
        if row is not None and not row.readable(ref.measure):
            return None  # a part is printed but is not a number: no sum
        v = value_of(row, ref.measure) if row else None
        if row is not None and v is not None:
            found.append((row, v[0]))
    if not found:
        return None
    first = found[0][0]
    names = "+".join(r.name for r, _ in found)
    return Figure(
        spec.key, spec.zh, spec.en, sum((v for _, v in found), Decimal(0)),
        first.table, first.line.page, first.line.lineno, f"sum of {names}",
        file=first.line.file,
    )  # fmt: skip


def _doubt(row: Row, errors: list[Finding], prefix: str = "") -> str | None:
    for f in errors:
        if (
            (row.line.file is None or f.file == row.line.file)  # a split publication's file
            and f.table == row.table
            and f.line == row.line.lineno
            and f.page == row.line.page
            and f.rule.startswith(prefix)
        ):
            return f"{f.rule}: {f.message}"
    return None


def key_figures(parsed: Parsed) -> dict[str, Decimal | None]:
    """{figure key: value} of the headline figures (None where not stated)."""
    return {f.key: f.value for f in headline(parsed)}
