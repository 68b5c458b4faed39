"""Narrative vs tables: every amount, share (占 x%), growth (增长 x%) and change (增加 x 万元) the
情况说明 states must agree with the tables and with each other.

Tolerances follow docs/DESIGN.md §2: a difference of at most 0.01 (万元, or percentage points) per
summed term is rounding (`info`, rule id containing `rounding`), anything larger an `error`.
Shares and growth rates are recomputed from the printed figures; when they do not match exactly,
the rate is accepted as rounding when some unrounded figures that print the same (±half a unit of
the last printed digit) give it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict

from ..catalog import Ref
from ..catalog.rules import finding
from ..catalog.templates import template
from ..extract.narrative import names_from, resolve_code, topic_of, topics, vocab
from ..model import Amount, Finding, Parsed, Statement
from ..money import CENT
from ..reader.lines import Line
from .rows import Row, pick, row_of, rows_by_table, value_of

HALF = Decimal("0.005")
HUNDRED = Decimal(100)


def _s(v: Decimal | None) -> str | None:
    return None if v is None else format(v, "f")


class _Common(TypedDict):
    """The keyword arguments every finding about one statement shares: where it is filed and
    what it quotes."""

    source: str
    line: Line
    table: str | None
    code: str | None
    subject: str
    quote: str


def _quote(st: Statement, limit: int = 80) -> str:
    s = st.sentence.strip()
    return s if len(s) <= limit else s[: limit - 1] + "…"


class Figures:
    """Table figures by topic (template data: narrative.topics), looked up once per document.

    A row is found once per (table, side, row) and a code through an index, so checking a
    document's statements takes time linear in its size.
    """

    def __init__(self, parsed: Parsed):
        self.template = template(parsed.meta.template)
        self.topics = topics(self.template)
        self.rows = rows_by_table(parsed)
        self.by_table: dict[str, list[Amount]] = {}
        for a in parsed.amounts:
            self.by_table.setdefault(a.table, []).append(a)
        self.empty = {t.table for t in parsed.tables if t.empty and t.table}
        self.names = names_from(parsed.amounts)
        self._found: dict[tuple[str, str, str, str], Row | None] = {}
        self._codes: dict[tuple[str, str], dict[str, list[Row]]] = {}

    def table_of(self, topic: str | None) -> str | None:
        t = self.topics.get(topic or "")
        for lk in t.lookups if t else ():
            parts = lk.table.split("+")
            if all(p in self.rows for p in parts) or lk.table in self.empty:
                return parts[0]
        return t.lookups[0].table.split("+")[0] if t and t.lookups else None

    def _row(self, lk: Ref, code: str | None) -> Row | None:
        """`row_of` for a lookup, remembered; a code's rows from an index of the table."""
        if code is None:
            key = (lk.table, lk.side or "", lk.row, lk.measure)
            if key not in self._found:
                self._found[key] = row_of(self.rows, lk)
            return self._found[key]
        ckey = (lk.table, lk.side or "")
        index = self._codes.get(ckey)
        if index is None:  # the department's rows of each code, in printed order
            index = {}
            for r in self.rows.get(lk.table, []):
                if r.code and r.org is None and (not lk.side or r.side in (lk.side, None)):
                    index.setdefault(r.code, []).append(r)
            self._codes[ckey] = index
        return pick(index.get(code, []), lk.measure)

    def get(
        self, topic: str | None, code: str | None = None, figure: str | None = None
    ) -> Decimal | None:
        """The table figure for a topic (None when no table gives it).

        A row or cell left blank in a table that is present counts as 0 (unless the topic is
        strict); a table declared empty (为空表) gives 0; a missing table gives None
        (completeness is checked elsewhere), and so does a cell that is printed but is not a
        number (read.number.malformed). `figure` (final accounts: a 预算数 or a flow, see
        `Statement.figure`) asks for that figure of the topic: only a table that prints it
        gives it.
        """
        return self.lookup(topic, code, figure)[0]

    def lookup(
        self, topic: str | None, code: str | None = None, figure: str | None = None
    ) -> tuple[Decimal | None, Row | None]:
        """`get`'s figure and the row it was read from (None when no printed row gives it)."""
        t = self.topics.get(topic or "")
        strict = t is not None and t.strict
        unprinted = None  # a table that is present but does not print the figure: 0
        for lk in t.lookups if t else ():
            if figure is not None:
                measure = _figure_measure(lk.measure, figure)
                if measure is None:
                    continue
                lk = replace(lk, measure=measure)
            if "+" in lk.table:  # the sum of tables (基本支出 + 项目支出 by economic class)
                found = self._sum_of(lk, code)
                if found is not None:
                    return found, None
                continue
            if lk.table not in self.rows:
                if lk.table in self.empty:
                    return Decimal(0), None
                continue
            if lk.row == "code" and not code:
                continue
            if lk.row.startswith("code:") and "+" in lk.row:  # economic classes' sum
                found = self._classes(lk)
                if found is not None:
                    return found, None
                continue
            row = self._row(lk, code if lk.row == "code" else None)
            if row is None:  # a row left out is 0, unless a later lookup prints the figure
                if lk.row != "total" and not strict and figure is None:
                    unprinted = Decimal(0) if unprinted is None else unprinted
                continue
            if not row.readable(lk.measure):
                return None, row
            printed = value_of(row, lk.measure)
            if printed is None:  # the table does not print that measure: a later lookup may
                if figure is None:
                    unprinted = Decimal(0) if unprinted is None else unprinted
                continue
            return printed[0], row
        return unprinted, None

    def _classes(self, lk: Ref) -> Decimal | None:
        """The sum of several codes' rows (人员经费 = 301 + 303); None unless one is printed."""
        codes = lk.row[5:].split("+")
        return _sum(lk.measure, (row_of(self.rows, replace(lk, row=f"code:{c}")) for c in codes))

    def _sum_of(self, lk: Ref, code: str | None) -> Decimal | None:
        """A figure summed over tables that each print part of it; None unless every table is
        printed and at least one prints the figure."""
        parts = lk.table.split("+")
        if not all(t in self.rows for t in parts):
            return None
        own = code if lk.row == "code" else None
        return _sum(lk.measure, (self._row(replace(lk, table=t), own) for t in parts))


def _sum(measure: str, rows: Iterable[Row | None]) -> Decimal | None:
    """The sum of `measure` over the rows that print it; None when none does, or when one
    prints it as something that is not a number."""
    total, seen = Decimal(0), False
    for row in rows:
        if row is None:
            continue
        if not row.readable(measure):
            return None
        found = value_of(row, measure)
        if found is not None:
            total, seen = total + found[0], True
    return total if seen else None


FLOWS = frozenset({"opening", "current", "closing", "distribution"})


def _figure_measure(measure: str, figure: str) -> str | None:
    """The measure of a topic's lookup that prints `figure`: a flow is a column of its own
    (本年收入 beside 年初结转和结余), a 预算数 scopes the measure (budget.total)."""
    if figure in FLOWS:
        return figure if measure == "total" else None
    return f"{figure}.{measure}"


def _q(v: Decimal, places: int) -> Decimal:
    return v.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _places(v: Decimal) -> int:
    return max(0, -int(v.as_tuple().exponent))


def _half(v: Decimal) -> Decimal:
    """Half a unit of the last printed digit (an exact 0 is exact)."""
    return Decimal(0) if v == 0 else Decimal(5).scaleb(-_places(v) - 1)


def _code(st: Statement, fig: Figures) -> str | None:
    if st.code or not (st.topic or "").endswith(".function"):
        return st.code
    return resolve_code(st.subject, fig.names)


def _amount(st: Statement, fig: Figures, parsed: Parsed) -> Iterator[Finding]:
    if st.amount is None:
        return
    expected, row = fig.lookup(st.topic, _code(st, fig), st.figure)
    if expected is None:
        return
    places = max(2, _places(st.amount))
    exp = _q(expected, places)
    diff = abs(st.amount - exp)
    if diff == 0:
        return
    # a figure stated in whole 万元 (or one decimal) is rounding when the table rounds to it
    rounding = diff <= CENT or _q(expected, _places(st.amount)) == st.amount
    # a split publication: the table figure is in the other file, so the message names it
    other = row.line if row is not None and row.line.file != st.line.file else None
    yield finding(
        "narrative.amount",
        parsed.meta.source,
        st.line,
        rounding=rounding,
        variant="other_file" if other is not None else None,
        table_at=f"{other.file}:{other.where()}" if other is not None else "",
        table=fig.table_of(st.topic),
        code=_code(st, fig),
        expected=_s(expected),
        actual=_s(st.amount),
        subject=st.subject,
        stated=_s(st.amount),
        table_value=_s(expected),
        quote=_quote(st),
    )


def _share(st: Statement, fig: Figures, parsed: Parsed, stated: dict) -> Iterator[Finding]:
    t = fig.topics.get(st.topic or "")
    if st.share is None or not t or not t.base:
        return
    part = st.amount if st.amount is not None else fig.get(st.topic, _code(st, fig))
    base_topic = t.base
    if st.share_of:  # 占总支出 94.24%: the base the sentence names
        named, _ = topic_of(st.share_of, None, fig.names, fig.template)
        if named and (fig.get(named) is not None or named in stated):
            base_topic = named
    base, row = fig.lookup(base_topic)
    if base is None:
        base = stated.get(base_topic)
    if part is None or not base:
        return
    places = _places(st.share)
    computed = part / base * HUNDRED
    shown = _q(computed, places)
    if shown == st.share:
        return
    hp, hb, hs = _half(part), Decimal("0.005"), Decimal(5).scaleb(-places - 1)
    lo = (part - hp) / (base + hb) * HUNDRED - hs
    hi = (part + hp) / (base - hb) * HUNDRED + hs
    rounding = lo <= st.share <= hi
    # the base is in the other file
    other = row.line if row is not None and row.line.file != st.line.file else None
    yield finding(
        "narrative.share",
        parsed.meta.source,
        st.line,
        rounding=rounding,
        variant="other_file" if other is not None else None,
        table_at=f"{other.file}:{other.where()}" if other is not None else "",
        table=fig.table_of(st.topic),
        code=_code(st, fig),
        expected=_s(shown),
        actual=_s(st.share),
        subject=st.subject,
        stated=_s(st.share),
        part=_s(part),
        base=_s(base),
        computed=_s(shown),
        quote=_quote(st),
    )


def _growth(st: Statement, fig: Figures, parsed: Parsed) -> Iterator[Finding]:
    if st.growth is None or st.change is None:
        return
    amount = st.amount if st.amount is not None else fig.get(st.topic, _code(st, fig))
    if amount is None:
        return
    last = amount - st.change
    common = _Common(
        source=parsed.meta.source,
        line=st.line,
        table=fig.table_of(st.topic),
        code=_code(st, fig),
        subject=st.subject,
        quote=_quote(st),
    )
    if last == 0:
        if st.change == 0 and st.growth == 0:
            return  # nothing last year, nothing this year: "增长 0.00%" is the custom
        if st.change != 0:
            yield finding(
                "narrative.growth.from_zero",
                actual=_s(st.growth),
                amount=_s(amount),
                change=_s(st.change),
                stated=_s(st.growth),
                **common,
            )
            return
    places = _places(st.growth)
    if last == 0:
        computed = None
    else:
        computed = _q(st.change / last * HUNDRED, places)
        if computed == st.growth:
            return
    ha, hc, hg = _half(amount), _half(st.change), Decimal(5).scaleb(-places - 1)
    rounding = False
    if last - ha - hc > 0:
        corners = [
            (c / (a - c)) * HUNDRED
            for a in (amount - ha, amount + ha)
            for c in (st.change - hc, st.change + hc)
        ]
        rounding = min(corners) - hg <= st.growth <= max(corners) + hg
    yield finding(
        "narrative.growth",
        rounding=rounding,
        expected=_s(computed),
        actual=_s(st.growth),
        stated=_s(st.growth),
        change=_s(st.change),
        last=_s(last),
        computed=_s(computed),
        **common,
    )


def _negative_base(st: Statement, parsed: Parsed) -> Iterator[Finding]:
    """A change larger than the amount implies a negative last-year budget: one is wrong.

    (万里街道 2023, p.6: 政府性基金拨款支出预算0万元，比2022年预算增加1421.25万元.)
    """
    if st.amount is None or st.change is None or st.amount - st.change >= 0:
        return
    yield finding(
        "narrative.change.negative_base",
        parsed.meta.source,
        st.line,
        code=st.code,
        actual=_s(st.change),
        subject=st.subject,
        amount=_s(st.amount),
        change=_s(st.change),
        last=_s(st.amount - st.change),
        quote=_quote(st),
    )


def _side(spec: tuple, sts: list[Statement], fig: Figures) -> list[Statement] | None:
    """Statements making up one side of a change identity, or None when it cannot be formed."""
    kind = spec[0]
    with_change = [s for s in sts if s.change is not None]
    if kind == "first":
        hit = [s for s in with_change if s.topic in spec[1]]
        return hit[:1] or None
    if kind == "sum":
        out = []
        for topic in spec[1]:
            hit = [s for s in with_change if s.topic == topic]
            if hit:
                out.append(hit[0])
            elif (v := fig.get(topic)) is None or v:  # a source left unexplained (not 0, or
                return None  # not known to be 0): the sum is incomplete
        return out or None
    topic, digits = spec[1], spec[2]
    out, seen = [], set()
    for s in with_change:
        code = _code(s, fig)
        if s.topic == topic and code and len(code) == digits and code not in seen:
            seen.add(code)
            out.append(s)
    table = fig.table_of(topic)
    need = {
        a.code
        for a in fig.by_table.get(table or "", [])
        if a.code and len(a.code) == digits and a.measure == "total" and a.value
    }
    if not out or (need and not need <= seen):
        return None
    return out


def _same_whole(total: list[Statement], parts: list[Statement], stated: dict) -> bool:
    """The two sides decompose the same figure: where both state their amounts, they add up
    to the same (basic + project of the 财政拨款 alone do not explain every source's change)."""
    amounts = [s.amount if s.amount is not None else stated.get(s.topic) for s in (*total, *parts)]
    known = [a for a in amounts if a is not None]
    if len(known) < len(amounts):
        return True
    a = sum(known[: len(total)], Decimal(0))
    b = sum(known[len(total) :], Decimal(0))
    return abs(a - b) <= CENT * len(amounts)


def _change_sums(sts: list[Statement], fig: Figures, parsed: Parsed) -> Iterator[Finding]:
    stated: dict[str, Decimal] = {}
    for s in sts:
        if s.topic and s.amount is not None and s.figure is None:
            stated.setdefault(s.topic, s.amount)
    for name, total_spec, parts_spec in vocab(template(parsed.meta.template)).change_sums:
        total = _side(total_spec, sts, fig)
        parts = _side(parts_spec, sts, fig)
        if not total or not parts or not _same_whole(total, parts, stated):
            continue
        # _side only takes statements that state a change
        t = sum((s.change for s in total if s.change is not None), Decimal(0))
        p = sum((s.change for s in parts if s.change is not None), Decimal(0))
        diff = abs(t - p)
        if diff == 0:
            continue
        terms = len(total) + len(parts) - 1
        rounding = diff <= CENT * terms
        first = parts[0]
        listing = "+".join(format(s.change, "f") for s in parts)
        yield finding(
            "narrative.change.sum",
            parsed.meta.source,
            first.line,
            rounding=rounding,
            table=fig.table_of(total[0].topic),
            expected=_s(t),
            actual=_s(p),
            name=name,
            listing=listing,
            diff=_s(diff),
            where=total[0].line.where(),
            subject=total[0].subject,
            terms=terms,
        )


def check(parsed: Parsed) -> Iterator[Finding]:
    """All narrative findings of one parsed document."""
    fig = Figures(parsed)
    stated: dict[str, Decimal] = {}
    for st in parsed.statements:
        if st.topic and st.amount is not None and st.figure is None:
            stated.setdefault(st.topic, st.amount)
    for st in parsed.statements:
        if not st.topic:
            continue
        yield from _amount(st, fig, parsed)
        if st.figure is not None:
            continue  # a 预算数 or a flow of final accounts: its rates are the completion's
        yield from _share(st, fig, parsed, stated)
        yield from _growth(st, fig, parsed)
        yield from _negative_base(st, parsed)
    yield from _change_sums(parsed.statements, fig, parsed)
