"""What an auditor checks in the text (`text.*`): placeholders left in, years that are not the
document's in headings, periods and table titles, doubled punctuation, empty reasons, a
paragraph printed twice, the department's name differing, the contents against the tables
printed, empty-table notes naming another fund, and empty tables the narrative gives figures.

Budgets and final accounts alike. The words and patterns are template data ([text] in
data/templates/standard/text.toml); every finding is a `warning`: the text is wrong, not a
figure. Only headings, periods and table titles are held to the document's year: prose names
other years freely (history, plans, quoted documents).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from ..catalog import catalog
from ..catalog.rules import finding
from ..catalog.templates import Template, template
from ..extract.meta import clean_department
from ..extract.prose import Paragraph, norm, paragraphs
from ..layout import titles
from ..model import Finding, Parsed
from ..reader.lines import Line

QUOTE_CHARS = 40  # characters of context a finding quotes
MIN_LISTED = 3  # a table of contents lists at least this many tables to be checked


@dataclass(frozen=True)
class _Vocab:
    placeholders: tuple[re.Pattern[str], ...]
    heading_marker: re.Pattern[str]
    heading_words: re.Pattern[str]
    heading_max: int
    year: re.Pattern[str]
    year_subject: re.Pattern[str]
    prior_year: re.Pattern[str]
    quoted: tuple[re.Pattern[str], ...]
    period: re.Pattern[str]
    punctuation: re.Pattern[str]
    empty_reason: re.Pattern[str]
    duplicate_min: int
    heading_name: re.Pattern[str]
    name_subject: re.Pattern[str]
    name_noise: tuple[re.Pattern[str], ...]
    funds: tuple[tuple[str, frozenset[str]], ...]
    department: re.Pattern[str]
    org_endings: tuple[str, ...]


@cache
def vocab(tpl: Template) -> _Vocab:
    t = tpl.section("text")
    return _Vocab(
        tuple(re.compile(p) for p in t["placeholders"]),
        re.compile(t["heading_marker"]),
        re.compile(t["heading_words"]),
        int(t["heading_max"]),
        re.compile(t["year"]),
        re.compile(t["year_subject"]),
        re.compile(t["prior_year_words"]),
        tuple(re.compile(p) for p in t["quoted"]),
        re.compile(t["period"]),
        re.compile(t["punctuation"]),
        re.compile(t["empty_reason"]),
        int(t["duplicate_min"]),
        re.compile(t["heading_name"]),
        re.compile(t["name_subject"]),
        tuple(re.compile(p) for p in t["name_noise"]),
        tuple((k, frozenset(v)) for k, v in t.get("funds", {}).items()),
        re.compile(tpl.section("blocks")["department"]),
        tuple(tpl.section("meta")["org_endings"]),
    )


def _around(text: str, start: int, end: int) -> str:
    a, b = max(0, start - QUOTE_CHARS // 2), min(len(text), end + QUOTE_CHARS // 2)
    return ("…" if a else "") + text[a:b] + ("…" if b < len(text) else "")


def _unquoted(text: str, v: _Vocab) -> str:
    """The text with quoted names and bracketed asides blanked (same length: positions hold)."""
    for pat in v.quoted:
        text = pat.sub(lambda m: "\u3000" * len(m.group(0)), text)
    return text


def _is_heading(p: Paragraph, v: _Vocab, loose: bool = False) -> bool:
    """A heading paragraph; `loose`: a numbered one may end in 。 (（2）按经济分类的说明。)."""
    t = p.text.removesuffix("。") if loose and v.heading_marker.match(p.text) else p.text
    return (
        0 < len(t) <= v.heading_max
        and not re.search("[。，；;,]", t)
        and bool(p.heading or v.heading_marker.match(t) or v.heading_words.search(t))
    )


def _short_line(p: Paragraph, v: _Vocab) -> bool:
    """A short line without sentence punctuation: a unit's or a project's name over a section."""
    return len(p.text) < v.duplicate_min and not re.search("[。，；;,]", p.text)


class _Text:
    """One document's prose as paragraphs, its headings among them."""

    def __init__(self, parsed: Parsed):
        self.parsed = parsed
        self.tpl = template(parsed.meta.template)
        self.v = vocab(self.tpl)
        self.src = parsed.meta.source
        self.paras = [p for p in paragraphs(parsed.prose) if p.text]
        self.headings = [p for p in self.paras if _is_heading(p, self.v)]

    def find(self, rule: str, p: Paragraph, pos: int, end: int, **kw) -> Finding:
        return finding(rule, self.src, p.line_at(pos), quote=_around(p.text, pos, end), **kw)


# -- placeholders, punctuation, empty reasons, duplicates -------------------------------------
def _placeholders(tx: _Text) -> Iterator[Finding]:
    for p in tx.paras:
        for pat in tx.v.placeholders:
            for m in pat.finditer(p.text):
                yield tx.find("text.placeholder", p, m.start(), m.end(), actual=m.group(0))


def _punctuation(tx: _Text) -> Iterator[Finding]:
    for p in tx.paras:
        for m in tx.v.punctuation.finditer(p.text):
            yield tx.find("text.punctuation", p, m.start(), m.end(), actual=m.group(0))


def _empty_reasons(tx: _Text) -> Iterator[Finding]:
    for p in tx.paras:
        for m in tx.v.empty_reason.finditer(p.text):
            yield tx.find("text.empty_reason", p, m.start(), m.end() + 1, actual=m.group(0))


def _duplicates(tx: _Text) -> Iterator[Finding]:
    """A paragraph printed again before the next heading (a copy pasted twice); the same
    sentence under two headings (two units, two projects) is the template's wording."""
    seen: dict[str, Paragraph] = {}
    for p in tx.paras:
        if p.heading or _is_heading(p, tx.v, loose=True) or _short_line(p, tx.v):
            seen.clear()
            continue
        if len(p.text) < tx.v.duplicate_min:
            continue
        first = seen.get(p.text)
        if first is not None:
            yield tx.find(
                "text.duplicate_paragraph",
                p,
                0,
                0,
                where=first.lines[0].where(),
                actual=p.text[:QUOTE_CHARS],
            )
        else:
            seen[p.text] = p


# -- years --------------------------------------------------------------------------------
def _allowed_heading_year(year: int, y: int, kind: str, rest: str, v: _Vocab) -> bool:
    if year == y:
        return True
    return kind == "budget" and year == y - 1 and bool(v.prior_year.match(rest))


def _years(tx: _Text) -> Iterator[Finding]:
    y, kind, v = tx.parsed.meta.year, tx.parsed.meta.kind, tx.v
    if y is None:
        return
    for p in tx.headings:
        text = _unquoted(p.text, v)
        for m in v.year.finditer(text):
            rest = text[m.end() :]
            if not v.year_subject.search(rest):
                continue  # a project or an event named in a heading, not the year reported
            year = int(m.group(1))
            if not _allowed_heading_year(year, y, kind, rest, v):
                yield tx.find(
                    "text.year", p, m.start(), m.end(), variant="heading",
                    expected=str(y), actual=str(year),
                )  # fmt: skip
    for p in tx.paras:
        for m in v.period.finditer(_unquoted(p.text, v)):
            year, until = int(m.group(1)), m.group(2) or ""
            year_end = until in ("底", "末") or until.startswith("12月")
            if kind == "final":
                ok = year == y or (year == y + 1 and not year_end)
            else:  # a budget drawn up late in Y-1 may count assets at the last closed year-end
                ok = year in (y - 1, y) or (year == y - 2 and year_end)
            if not ok:
                yield tx.find(
                    "text.year", p, m.start(), m.end(), variant="period",
                    expected=str(y if kind == "final" else y - 1), actual=str(year),
                )  # fmt: skip
    for t in tx.parsed.tables:
        if not t.table or t.known:
            continue
        text = _unquoted(norm(t.line.text), v)
        for m in v.year.finditer(text):
            if int(m.group(1)) != y:
                yield finding(
                    "text.year", tx.src, t.line, variant="title", table=t.table,
                    expected=str(y), actual=m.group(1), quote=norm(t.line.text),
                )  # fmt: skip


# -- the department's name ----------------------------------------------------------------
def _same_name(a: str, b: str, v: _Vocab) -> bool:
    def clean(s: str) -> str:
        for pat in v.name_noise:
            s = pat.sub("", s)
        return s

    a, b = clean(a), clean(b)
    return bool(a and b) and (a == b or a in b or b in a)


def _names(tx: _Text) -> Iterator[Finding]:
    dept, v = tx.parsed.meta.department, tx.v
    if not dept:
        return
    prose = [q.text for q in tx.paras]

    def elsewhere(name: str, own: str) -> bool:
        """The name printed in another paragraph: a unit the document lists, not a slip."""
        return sum(name in t for t in prose) > (1 if name in own else 0)

    for p in tx.headings:
        bare = v.heading_marker.sub("", p.text)
        m = v.heading_name.match(bare)
        if not m:
            continue
        name = m.group("name").removeprefix("关于")
        about = v.name_subject.match(bare[m.end() :])  # 2024年收支预算…, 2024年度部门决算…
        if (
            about
            and name.endswith(v.org_endings)
            and not _same_name(name, dept, v)
            and not elsewhere(name, p.text)
        ):
            at = len(p.text) - len(bare)
            yield tx.find(
                "text.department_name", p, at + m.start("name"), at + m.end("name"),
                variant="heading",
                expected=dept, actual=name,
            )  # fmt: skip
    pages = {pg for t in tx.parsed.tables if t.table and not t.known for pg in t.pages}
    for ln in tx.parsed.lines:
        if len([c for c in ln.cells if c]) != 1 or (ln.page is not None and ln.page not in pages):
            continue
        m = v.department.search(ln.text)
        if not m or m.group(0).lstrip().startswith(("预算单位", "单位名称", "填报单位")):
            continue
        name = clean_department(m.group(1), tx.tpl)
        if name and not _same_name(name, dept, v) and not elsewhere(name, ""):
            yield finding(
                "text.department_name", tx.src, ln, variant="table",
                expected=dept, actual=name, quote=ln.text,
            )  # fmt: skip


# -- contents, empty tables ---------------------------------------------------------------
_SENTENCE = re.compile("[。，；;,]")
_LEADER = re.compile(r"(?:[.．·…⋯_—\-。]{2,}.*|\s*\d{1,3})$")  # leader dots, page number


def _listed(tx: _Text) -> dict[str, tuple[bool, Line | None]]:
    """Money tables a table of contents lists: id → (declared empty there, line)."""
    out: dict[str, tuple[bool, Line | None]] = {}

    def add(text: str, empty: bool, line) -> None:
        t = titles.recognise(_LEADER.sub("", norm(text)).lstrip("-"), tx.tpl)
        if t is not None and t.table and not t.known:
            prev = out.get(t.table)
            out[t.table] = (empty and (prev is None or prev[0]), line)

    for e in tx.parsed.contents:
        add(e.text, e.empty, e.line)
    lines = tx.parsed.lines
    for i, head in enumerate(lines):
        if head.is_row or not titles.is_contents(head.text, tx.tpl):
            continue
        first = None  # the contents end where the body begins: a sentence, or the first entry
        for ln in lines[i + 1 :]:  # printed again (they may run over two pages)
            text = _LEADER.sub("", norm(ln.text))
            if len(text) > 2 * tx.v.heading_max or _SENTENCE.search(text) or text == first:
                break
            first = first or text
            for cell in ln.cells if ln.is_row else (ln.text,):
                add(cell, False, ln)
    return out


def _contents(tx: _Text) -> Iterator[Finding]:
    if tx.parsed.meta.publication in ("narrative", "targets") or tx.parsed.meta.format == "dump":
        return  # the tables are published elsewhere, or a text dump lost them
    listed = _listed(tx)
    if len(listed) < MIN_LISTED:
        return
    cat = catalog()
    printed = {t.table: t for t in tx.parsed.tables if t.table and not t.known}

    def also(tid: str) -> set[str]:
        spec = cat.tables.get(tid)
        return {tid, *(spec.satisfied_by if spec else ())}

    names = {tid: (cat.tables[tid].zh if tid in cat.tables else tid) for tid in (*listed, *printed)}
    for tid, (empty, line) in listed.items():
        if (
            not empty
            and not (also(tid) & printed.keys())
            and not any(tid in also(p) for p in printed)
        ):
            yield finding(
                "text.contents", tx.src, line, variant="not_printed", table=tid, title=names[tid]
            )
    for tid, info in printed.items():
        if not (also(tid) & listed.keys()) and not any(tid in also(x) for x in listed):
            yield finding(
                "text.contents", tx.src, info.line, variant="not_listed", table=tid,
                title=info.title or names[tid],
            )  # fmt: skip


def _empty_notes(tx: _Text) -> Iterator[Finding]:
    for t in tx.parsed.tables:
        if not (t.table and t.empty and t.note):
            continue
        note = norm(t.note)
        named = [(w, ids) for w, ids in tx.v.funds if w in note]
        if named and not any(t.table in ids for _, ids in named):
            yield finding(
                "text.empty_note", tx.src, t.line, table=t.table, title=t.title,
                actual=named[0][0], note=t.note,
            )  # fmt: skip


def _empty_stated(tx: _Text) -> Iterator[Finding]:
    from .narrative import Figures

    if tx.parsed.meta.format == "dump":
        return  # a text dump's tables lost their columns: they read as empty
    has: dict[str | None, bool] = {}
    for a in tx.parsed.amounts:
        has[a.table] = has.get(a.table, False) or a.value != 0
    empty = {
        t.table: t
        for t in tx.parsed.tables
        if t.table and not t.known and (t.empty or has.get(t.table) is False)
    }
    if not empty:
        return
    fig = Figures(tx.parsed)
    seen = set()
    for st in tx.parsed.statements:
        if st.amount is None or st.amount == 0 or st.figure is not None or not st.topic:
            continue
        spec = fig.topics.get(st.topic)
        tid = spec.lookups[0].table if spec and spec.lookups else None
        if tid in empty and tid not in seen:
            seen.add(tid)
            yield finding(
                "text.empty_table_stated", tx.src, st.line, table=tid, title=empty[tid].title,
                subject=st.subject, actual=str(st.amount), where=empty[tid].line.where(),
            )  # fmt: skip


RULES = (
    _placeholders,
    _years,
    _punctuation,
    _empty_reasons,
    _duplicates,
    _names,
    _contents,
    _empty_notes,
    _empty_stated,
)


def check(parsed: Parsed) -> Iterator[Finding]:
    """Every `text.*` finding of one parsed document."""
    tx = _Text(parsed)
    for rule in RULES:
        yield from rule(tx)
