"""Budget vs actual (预算执行): what a department budgeted against what its final accounts
(决算) say it spent, row by row, with the reasons the narrative gives for large gaps.

Size: one view per comparison (functions, sources, 三公, stated pairs, gaps) built on one
row-matching core; the views share it, so they stay together.

    ex = budgetkit.compare(budget_doc, final_doc)   a 部门预算 and the 部门决算 of its year
    ex = execution.printed(final_doc)              final accounts alone: their own 预算数
    ex.functions       支出 by function 类/款/项, and the total (every source of funds)
    ex.gpb_functions   the same for 一般公共预算（财政拨款）
    ex.sources         income by source of funds (the 收支总表's income side)
    ex.three_public    “三公”经费 by item
    ex.stated          the narrative's own pairs: 年初预算为 x 万元，支出决算为 y 万元，完成 z%
    ex.gaps            rows above whose gap is large, next to the narrative's stated reason
    pairs(budgetkit.corpus.open("corpus/"))        budget/final documents of a corpus

Money is exact `Decimal` 万元: `difference` = actual − budget. `completion` = actual ÷ budget
in percent, a float for display (NaN where the budget is 0 or not given). Where one
document prints a table but not a row of it, that row is 0 there (`note` says so). Which
tables are compared and what a large gap is are data: budgetkit/data/execution.toml.

`printed` shows what final accounts print of their own budget: the 预算数 columns of their
tables (全年预算数 before 调整预算数 before 年初预算数, `basis` says which) and, for function
rows no table prints a budget for, the narrative's stated pairs (`table` = "narrative").
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

from ..catalog import catalog
from ..catalog.templates import template
from ..check.rows import Row, derived_total, rows_by_table, total_row
from ..errors import NotComparable
from ..extract.narrative import Names, names_from, resolve_code, vocab

ZERO = Decimal(0)
COLUMNS = [
    "table",
    "code",
    "level",
    "item",
    "name",
    "budget",
    "actual",
    "difference",
    "completion",
    "basis",
    "note",
    "reason",
    "reason_page",
    "budget_page",
    "page",
]
STATED_COLUMNS = [
    "subject",
    "code",
    "topic",
    "basis",
    "budget",
    "actual",
    "difference",
    "completion",
    "stated_completion",
    "relation",
    "reason",
    "sentence",
    "page",
    "line",
]
FRAMES = ("functions", "gpb_functions", "sources", "three_public")


@cache
def config() -> dict[str, Any]:
    """budgetkit/data/execution.toml."""
    f = resources.files("budgetkit").joinpath("data", "execution.toml")
    return tomllib.loads(f.read_text("utf-8"))


@dataclass(frozen=True)
class Execution:
    """Budget vs actual of one department: a DataFrame per view (see the module docstring).

    `basis` is "document" (a budget document against final accounts) or "printed" (final
    accounts against the 预算数 they print themselves)."""

    department: str | None
    year: int | None  # of the final accounts
    budget_year: int | None  # of the budget (the final accounts' own for `printed`)
    basis: str
    functions: pd.DataFrame
    gpb_functions: pd.DataFrame
    sources: pd.DataFrame
    three_public: pd.DataFrame
    stated: pd.DataFrame
    gaps: pd.DataFrame

    def totals(self) -> pd.DataFrame:
        """The total row of each view that has one: view, name, budget, actual, difference,
        completion."""
        rows = []
        for view in FRAMES:
            df = getattr(self, view)
            hit = df[df["item"] == "total"] if len(df) else df
            if len(hit):
                rows.append({"view": view, **hit.iloc[0].to_dict()})
        return pd.DataFrame(rows, columns=["view", *COLUMNS])


# ---------------------------------------------------------------------------------------------
# rows of one document


def _value(r: Row, measure: str) -> Decimal | None:
    """A row's figure; a blank cell in a column the table prints is 0."""
    a = r.values.get(measure)
    if a is not None:
        return a.value
    return ZERO if measure in r.columns and measure not in r.unreadable else None


def _own(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.org is None]


def _coded(doc, table: str) -> dict[str, Row] | None:
    """code → the department's first row of that code, "total" → the total row (or Σ 类);
    None when the document has no such table."""
    rows = rows_by_table(doc.parsed).get(table)
    if not rows:
        return None
    out: dict[str, Row] = {}
    t = derived_total(_own(rows))
    if t is not None:
        out["total"] = t
    for r in _own(rows):
        if r.code and r.code.isdigit() and len(r.code) in (3, 5, 7):
            out.setdefault(r.code, r)
    return out


def _items(doc, table: str, side: str | None = None) -> dict[str, Row] | None:
    """item → the department's row of that item (the total: the last 总计 of its side)."""
    rows = rows_by_table(doc.parsed).get(table)
    if not rows:
        return None
    own = [r for r in _own(rows) if r.item and not r.code and (side is None or r.side == side)]
    by_item: dict[str, list[Row]] = {}
    t = total_row(own, side)
    if t is not None:
        by_item["total"] = [t]
    for r in own:
        by_item.setdefault(r.item or "", []).append(r)
    return {item: _merged(rs) for item, rs in by_item.items()}


def _merged(rows: list[Row]) -> Row:
    """One item's rows as one (a table printing 预算数 and 决算数 as two rows of its items, as
    西安's 三公 table does): each measure from the first row that prints it."""
    values: dict = {}
    for r in rows:
        for m, a in r.values.items():
            values.setdefault(m, a)
    first = rows[0]
    columns = frozenset().union(*(r.columns for r in rows))
    return replace(first, values=values, columns=columns)


def _order(keys, items: bool) -> list[str]:
    if items:
        known = list(catalog().items)
        return sorted(keys, key=lambda k: (known.index(k) if k in known else len(known), k))
    return sorted(keys, key=lambda k: (k != "total", k))


def _label(item: str) -> str:
    """An item's name as the catalogue gives it (the documents number theirs differently)."""
    return catalog().items.get(item, {}).get("zh", item)


def _completion(budget: Decimal | None, actual: Decimal | None) -> float | None:
    if budget is None or actual is None or budget == 0:
        return None
    return float(actual / budget * 100)


def _row(table, key, r_budget, r_final, budget, actual, basis, note, items: bool) -> dict:
    r = r_final or r_budget
    code = None if items or key == "total" else key
    diff = actual - budget if budget is not None and actual is not None else None
    return {
        "table": table,
        "code": code,
        "level": {3: 1, 5: 2, 7: 3}.get(len(code)) if code else None,
        "item": key if items or key == "total" else None,
        "name": _label(key) if items else ("合计" if r is None else r.name),
        "budget": budget,
        "actual": actual,
        "difference": diff,
        "completion": _completion(budget, actual),
        "basis": basis,
        "note": note,
        "reason": None,
        "reason_page": None,
        "budget_page": r_budget.line.page if r_budget is not None else None,
        "page": r_final.line.page if r_final is not None else None,
    }


_INTS = {"level": "Int64", "reason_page": "Int64", "budget_page": "Int64", "page": "Int64"}
_TEXT = ("table", "code", "item", "name", "basis", "note", "reason")


def _frame(rows: list[dict], columns: list[str] = COLUMNS) -> pd.DataFrame:
    """A frame of execution rows: integers nullable, text and money columns None where empty."""
    df = pd.DataFrame(rows, columns=columns).astype({**_INTS, "completion": float})
    for c in _TEXT:
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


def _versus(table: str, b: dict[str, Row] | None, f: dict[str, Row] | None, items: bool):
    """Rows of a budget document's table against the same table of final accounts."""
    if b is None and f is None:
        return _frame([])
    rows = []
    for key in _order(set(b or {}) | set(f or {}), items):
        rb, rf = (b or {}).get(key), (f or {}).get(key)
        budget = _value(rb, "total") if rb is not None else (ZERO if b is not None else None)
        actual = _value(rf, "total") if rf is not None else (ZERO if f is not None else None)
        note = None
        if rb is None and b is not None:
            note = "预算表未列"
        elif rf is None and f is not None:
            note = "决算表未列"
        rows.append(_row(table, key, rb, rf, budget, actual, "document", note, items))
    return _frame(rows)


def _printed(table: str, f: dict[str, Row] | None, items: bool) -> pd.DataFrame:
    """Rows of a final-accounts table that prints a 预算数 column: that figure vs 决算数."""
    rows = []
    f = f or {}
    for key in _order(f, items):
        r = f[key]
        basis = next(
            (b for b in config()["final"]["budget_figures"] if f"{b}.total" in r.values), None
        )
        if basis is None:
            continue
        budget = _value(r, f"{basis}.total")
        rows.append(_row(table, key, r, r, budget, _value(r, "total"), basis, None, items))
    return _frame(rows)


# ---------------------------------------------------------------------------------------------
# the narrative: stated pairs and reasons

_CLASS_MARK = re.compile(r"(?<!支出)([（(]类[)）])")
_ITEM_ONLY = re.compile(r"(?P<name>[^（()）]{4,})[（(]项[)）]")


def subject_code(subject: str | None, names: Names) -> str | None:
    """The function code a narrative subject names (A（类）B（款）C（项）), where the statement has
    none: a 类 named without its 支出 (一般公共服务（类）) is the classification's 一般公共服务支出;
    a subject cut by a page break (业单位基本养老保险缴费支出（项）) is the one 项 whose name ends so."""
    if not subject:
        return None
    if code := resolve_code(subject, names):
        return code
    alt = _CLASS_MARK.sub(r"支出\1", subject)
    if alt != subject and (code := resolve_code(alt, names)):
        return code
    m = _ITEM_ONLY.fullmatch(subject)
    if m:
        hits = [c for c, n in names.items() if len(c) == 7 and n.endswith(m["name"])]
        if len(hits) == 1:
            return hits[0]
    return None


def _budget_figures() -> tuple[str, ...]:
    return tuple(config()["final"]["budget_figures"])


def stated(final) -> pd.DataFrame:
    """The narrative's own 预算数 / 决算数 pairs (one sentence, one subject: 年初预算为 x 万元，
    支出决算为 y 万元，完成年初预算的 z%), with the computed and the stated completion."""
    return _stated_frame(_stated_rows(final))


def _stated_frame(rows: list[dict]) -> pd.DataFrame:
    ints = {"page": "Int64", "line": "Int64", "completion": float}
    return pd.DataFrame(rows, columns=STATED_COLUMNS).astype(ints)


def _stated_rows(final) -> list[dict]:
    st = final.parsed.statements
    names = names_from(final.parsed.amounts)
    figs = _budget_figures()
    rows = []
    for i, s in enumerate(st):
        if s.figure is not None or s.amount is None:
            continue
        near = st[max(0, i - 3) : i + 4]
        b = next(
            (
                x
                for x in near
                if x.figure in figs
                and x.amount is not None
                and x.sentence == s.sentence
                and x.subject == s.subject
                and x.topic == s.topic
            ),
            None,
        )
        if b is None:
            continue
        rows.append(
            {
                "subject": s.subject or None,
                "code": s.code or subject_code(s.subject, names),
                "topic": s.topic,
                "basis": b.figure,
                "budget": b.amount,
                "actual": s.amount,
                "difference": s.amount - b.amount,
                "completion": _completion(b.amount, s.amount),
                "stated_completion": s.completion,
                "relation": s.relation,
                "reason": _clean(s.reason),
                "sentence": s.sentence,
                "page": s.line.page,
                "line": s.line.lineno,
            }
        )
    return rows


def _clean(reason: str | None) -> str | None:
    reason = (reason or "").strip("：:，,；; 。")
    return reason or None


@dataclass(frozen=True)
class _Reason:
    topic: str | None
    code: str | None
    text: str
    page: int | None


def reasons(final) -> list[_Reason]:
    """The narrative's reasons that speak of a gap from the budget (决算数大于预算数的主要原因是…,
    完成预算 y%…原因, 决算数较预算数…): a statement stating a relation, a completion rate, a
    change on the budget or a 预算数, or a sentence saying 决算数大于/小于/等于预算数. A
    reason-only statement (决算数较预算数减少的原因是…) is about the statement before it."""
    v = vocab(template(final.meta.template))
    names = names_from(final.parsed.amounts)
    figs = _budget_figures()
    out: list[_Reason] = []
    prev: tuple[str | None, str | None] = (None, None)
    for s in final.parsed.statements:
        topic, code = s.topic, s.code or subject_code(s.subject, names)
        if topic is None and s.amount is None:
            topic, code = prev
        elif topic is not None:
            prev = (topic, code)
        text = _clean(s.reason)
        if not text:
            continue
        about = (
            s.relation is not None
            or s.completion is not None
            or s.budget_change is not None
            or s.budget_growth is not None
            or s.figure in figs
            or any(p.search(s.sentence) for p, _ in v.final.relations)
            or bool(v.final.versus_budget.search(s.subject or ""))
        )
        if about:
            out.append(_Reason(topic, code, text, s.line.page))
    return out


def _refs(frame_name: str, row: dict) -> set[tuple[str, str, str]]:
    """(table, row, measure) a frame row is, as narrative topics' lookups name figures."""
    table, item, code = row["table"], row["item"], row["code"]
    if code:
        return {(table, "code", "total")}
    refs = {(table, item, "total")}
    if frame_name == "sources":
        refs.add(("income", "total", item))
    return refs


def _attach(frame_name: str, df: pd.DataFrame, found: list[_Reason], topics) -> pd.DataFrame:
    """Fill `reason` / `reason_page` of each row from the reasons whose topic names its figure."""
    if df.empty or not found:
        return df
    df = df.copy()
    for i, row in df.iterrows():
        if row["table"] == "narrative":
            continue  # a stated pair carries its own reason
        refs = _refs(frame_name, row)
        hits = []
        for r in found:
            t = topics.get(r.topic or "")
            if t is None or (row["code"] and r.code != row["code"]):
                continue
            if not row["code"] and r.code:
                continue
            for lk in t.lookups:
                if any((tab, lk.row, lk.measure) in refs for tab in lk.table.split("+")):
                    hits.append(r)
                    break
        if hits:
            texts = list(dict.fromkeys(h.text for h in hits))
            df.at[i, "reason"] = "；".join(texts)
            df.at[i, "reason_page"] = hits[0].page
    return df


def _gaps(frames: dict[str, pd.DataFrame], share: float | None) -> pd.DataFrame:
    cfg = config()["gap"]
    share = cfg["share"] if share is None else share
    floor = Decimal(cfg["min_amount"])
    rows = []
    for name, df in frames.items():
        for row in df.to_dict("records"):
            b, a = row["budget"], row["actual"]
            if b is None or a is None or (abs(b) < floor and abs(a) < floor):
                continue
            large = (b == 0) != (a == 0) or (b != 0 and abs(a - b) >= abs(b) * Decimal(str(share)))
            if large:
                rows.append({"view": name, **row})
    return _frame(rows, ["view", *COLUMNS])


def _finish(final, frames: dict[str, pd.DataFrame], st, gap, extra=None, **meta) -> Execution:
    """Reasons attached, gaps found (among the views and the `extra` rows, as view "stated")."""
    topics = vocab(template(final.meta.template)).topics
    found = reasons(final)
    frames = {k: _attach(k, df, found, topics) for k, df in frames.items()}
    scanned = {**frames, "stated": extra} if extra is not None else frames
    return Execution(**meta, **frames, stated=st, gaps=_gaps(scanned, gap))


# ---------------------------------------------------------------------------------------------
# the two entry points


def _require(doc, kind: str, role: str) -> None:
    if doc.meta.kind != kind:
        word = {"budget": "预算", "final": "决算"}
        raise NotComparable(
            f"{doc.meta.source}: the {role} must be a {kind} document ({word[kind]}), "
            f"this one is {doc.meta.kind} ({word.get(doc.meta.kind, '?')})"
        )


def compare(budget_doc, final_doc, *, across_years: bool = False, gap: float | None = None):
    """Budget vs actual of one department: a budget document against its final accounts.

    Both must be of the same department (the same department key: 国家信访局, 西安市卫生健康委员会
    and 西安市卫生健康委员会（汇总） are one), the same scope (部门 or 单位) and, unless
    `across_years`, the same year; otherwise `NotComparable`. `gap` overrides the share of the
    budget above which a difference is large (execution.toml [gap])."""
    from ..corpus.departments import aliases

    _require(budget_doc, "budget", "budget")
    _require(final_doc, "final", "final accounts")
    mb, mf = budget_doc.meta, final_doc.meta
    keys = aliases()
    if not mb.department or keys.key(mb.department) != keys.key(mf.department):
        raise NotComparable(
            f"another department: the budget {mb.source} is {mb.department!r}, "
            f"the final accounts {mf.source} are {mf.department!r}"
        )
    if mb.scope != mf.scope:
        raise NotComparable(
            f"{mb.department}: the budget {mb.source} covers {mb.scope}, "
            f"the final accounts {mf.source} {mf.scope} (部门 vs 单位)"
        )
    if mb.year != mf.year and not across_years:
        raise NotComparable(
            f"{mf.department}: the budget {mb.source} is of {mb.year}, the final accounts "
            f"{mf.source} of {mf.year} (pass across_years=True to compare them anyway)"
        )
    cfg = config()
    frames = {
        attr: _versus(table, _coded(budget_doc, table), _coded(final_doc, table), False)
        for attr, table in cfg["functions"].items()
    }
    src = cfg["sources"]
    frames["sources"] = _versus(
        src["table"],
        _items(budget_doc, src["table"], src["side"]),
        _items(final_doc, src["table"], src["side"]),
        True,
    )
    frames["three_public"] = _versus(
        "three_public", _items(budget_doc, "three_public"), _items(final_doc, "three_public"), True
    )
    return _finish(
        final_doc,
        frames,
        stated(final_doc),
        gap,
        department=mf.department,
        year=mf.year,
        budget_year=mb.year,
        basis="document",
    )


def _stated_row(r: dict, key: str | None) -> dict:
    """A stated pair as a row of a view (`table` = "narrative")."""
    code = None if key in (None, "total") else key
    return {
        "table": "narrative",
        "code": code,
        "level": {3: 1, 5: 2, 7: 3}.get(len(code)) if code else None,
        "item": "total" if key == "total" else None,
        "name": r["subject"] or "（未写明科目）",
        "budget": r["budget"],
        "actual": r["actual"],
        "difference": r["difference"],
        "completion": r["completion"],
        "basis": r["basis"],
        "note": None,
        "reason": r["reason"],
        "reason_page": r["page"] if r["reason"] else None,
        "budget_page": r["page"],
        "page": r["page"],
    }


def _from_stated(st: list[dict], rows_topics, total_topics, used: set[int]) -> pd.DataFrame:
    """Function rows (and the total) from the narrative's stated pairs, one per code (the
    first stated); the pairs taken are added to `used` (by id)."""
    rows, seen = [], set()
    for r in st:
        if r["topic"] in total_topics:
            key = "total"
        elif r["topic"] in rows_topics and r["code"]:
            key = r["code"]
        else:
            continue
        if key not in seen:
            seen.add(key)
            used.add(id(r))
            rows.append(_stated_row(r, key))
    rows.sort(key=lambda x: (x["item"] != "total", x["code"] or ""))
    return _frame(rows)


def _unplaced(
    st: list[dict], used: set[int], frames: dict[str, pd.DataFrame], topics
) -> pd.DataFrame:
    """Stated pairs that are no row of a view (their subject names no code the tables print,
    or none at all), unless a view already shows the table their topic's figure is in (the
    “三公” table printing its 预算数): they count among the gaps too."""
    shown = {t for df in frames.values() for t in df["table"] if t != "narrative"}
    rows = []
    for r in st:
        t = topics.get(r["topic"] or "")
        tables = {p for lk in (t.lookups if t else ()) for p in lk.table.split("+")}
        if id(r) not in used and not tables & shown:
            rows.append(_stated_row(r, r["code"]))
    return _frame(rows)


def printed(final_doc, *, gap: float | None = None) -> Execution:
    """What final accounts print of their own budget: each table's 预算数 column (全年, 调整 or
    年初) against its 决算数, and the narrative's stated pairs where no table prints them.
    Stated pairs that are no row of a view count among the gaps as view "stated"."""
    _require(final_doc, "final", "document")
    cfg = config()
    st = _stated_rows(final_doc)
    used: set[int] = set()
    frames = {}
    for attr, table in cfg["functions"].items():
        df = _printed(table, _coded(final_doc, table), False)
        if df.empty:
            topics = cfg["stated"].get(attr, {})
            df = _from_stated(st, topics.get("rows", []), topics.get("total", []), used)
        frames[attr] = df
    src = cfg["sources"]
    frames["sources"] = _printed(src["table"], _items(final_doc, src["table"], src["side"]), True)
    frames["three_public"] = _printed("three_public", _items(final_doc, "three_public"), True)
    topics = vocab(template(final_doc.meta.template)).topics
    m = final_doc.meta
    return _finish(
        final_doc,
        frames,
        _stated_frame(st),
        gap,
        extra=_unplaced(st, used, frames, topics),
        department=m.department,
        year=m.year,
        budget_year=m.year,
        basis="printed",
    )


# ---------------------------------------------------------------------------------------------
# a corpus


def pairs(corpus, department: str | None = None, year: int | None = None, *, across_years=False):
    """Budget and final-accounts documents of a corpus (`budgetkit.corpus.open(DIR)`) of one
    department key and scope, and of one year unless `across_years`: department_key, scope,
    year (of the final accounts), budget_year, budget and final (lists of source paths: pass
    them to `budgetkit.read(*paths)`), budget_document and final_document (corpus keys).
    `department`: a department key or a name (normalised as the corpus does)."""
    from ..corpus.departments import aliases

    docs = corpus.documents
    cols = ["department_key", "scope", "year", "budget_year", "budget", "final"]
    cols += ["budget_document", "final_document"]
    if docs.empty:
        return pd.DataFrame(columns=cols)
    b = docs[docs["kind"] == "budget"]
    f = docs[docs["kind"] == "final"]
    on = ["department_key", "scope"] + ([] if across_years else ["year"])
    m = f.merge(b, on=on, suffixes=("_f", "_b"))
    if across_years:
        m = m.rename(columns={"year_f": "year", "year_b": "budget_year"})
    else:
        m["budget_year"] = m["year"]
    if department:
        key = aliases(getattr(corpus, "path", None)).key(department)
        m = m[m["department_key"] == key]
    if year is not None:
        m = m[m["year"] == year]
    out = pd.DataFrame(
        {
            "department_key": m["department_key"],
            "scope": m["scope"],
            "year": m["year"],
            "budget_year": m["budget_year"],
            "budget": m["sources_b"].map(lambda s: s.split(" | ")),
            "final": m["sources_f"].map(lambda s: s.split(" | ")),
            "budget_document": m["document_b"],
            "final_document": m["document_f"],
        },
        columns=cols,
    )
    return out.sort_values(["department_key", "year", "budget_year"]).reset_index(drop=True)
