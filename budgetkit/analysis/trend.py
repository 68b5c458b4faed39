"""Trend: a department's budget over years, and last year's budget from one document.

Size: series across years, the prior-year columns of one document and the documents of a
department (in a folder, or through the department key of a corpus dataset).

Several documents (years) of one department:

    docs = find_documents("data/shanghai", "上海市普陀区人民政府万里街道办事处")
    series(docs)             long: year, measure, label, amount, prior, change, growth
    series_table(s)          wide: one row per measure, one column per year
    stated_vs_actual(docs)   this year − the narrative's stated change vs last year's document
    bridge_between(a, b)     change by function 类 from document a to document b

One document: the narrative's year-over-year statements (比上年预算增加 x 万元) give last year:

    reconstruct(doc)         topic, label, amount, change, last_year = amount − change, growth
    reconstruction_check(doc) do last year's parts add up (支出 = 收入, 基本 + 项目 = 合计, …)?
    last_year_totals(doc)    {"basic", "project", "total"}  (seed: 168.18 + 144.00 = 312.18)
    bridge(doc)              steps of the change from last year's total to this year's

Across departments of a region (same year): `compare(docs)`.

Money is `Decimal` 万元; growth rates are float percentages (None where last year is 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from ..extract.narrative import topics
from . import structure
from .structure import ZERO, _dec, figure

#: (measure id, label, table, table measure): what `series` follows over the years.
SERIES: tuple[tuple[str, str, str, str], ...] = (
    ("expenditure_total", "支出合计", "expenditure", "total"),
    ("basic", "基本支出", "expenditure", "basic"),
    ("project", "项目支出", "expenditure", "project"),
    ("fiscal", "财政拨款", "fiscal_summary", "total"),
    ("gpb", "一般公共预算支出", "gpb_expenditure", "total"),
    ("personnel", "人员经费", "gpb_basic", "personnel"),
    ("public", "公用经费", "gpb_basic", "public"),
    ("three_public", "“三公”经费", "three_public", "total"),
)
#: measure of `series` → narrative topics whose stated change it can be checked against
#: (the first stated in the document wins).
STATED = {
    "expenditure_total": ("expenditure.total",),
    "basic": ("expenditure.basic",),
    "project": ("expenditure.project",),
    "fiscal": ("fiscal.total", "fiscal.income", "fiscal.expenditure"),
    "gpb": ("gpb.total",),
    "three_public": ("three_public.total",),
}
ROUNDING = Decimal("0.01")


def _place(v: Any) -> int:
    """A page or line number for ordering; 0 when there is none (None, NA: a text file has no
    pages)."""
    return 0 if v is None or pd.isna(v) else int(v)


def growth(change: Decimal | None, prior: Decimal | None) -> float | None:
    """change ÷ prior in percent (float), None when there is no base (prior 0 or unknown)."""
    if change is None or prior is None or prior == 0:
        return None
    return float(change / prior * 100)


# ---------------------------------------------------------------------------------------------
# documents of one department


def find_documents(
    corpus: str | Path,
    department: str,
    *,
    scope: str | None = None,
    kind: str | None = "budget",
    include: Iterable[Any] = (),
) -> list:
    """Documents in `corpus` (recursively: .txt, .pdf) of `department`, one per year.

    Files named after the department are read first and, when any is, the only ones read
    (reading every PDF of a big folder is slow); otherwise every file is read. Files that
    cannot be read are skipped. With several documents for one year (a PDF and a text dump of
    it) the one with the most figures is kept. `scope` ("department"/"unit") and `kind`
    ("budget"/"final") narrow the match; `include` adds documents already read.
    """
    import budgetkit

    root = Path(corpus)
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in (".txt", ".pdf"))
    named = [p for p in files if department in p.name]
    docs = list(include)
    seen = {str(Path(p).resolve()) for d in docs for p in d.meta.sources or (d.meta.source,)}
    for p in named or files:
        if str(p.resolve()) in seen:
            continue
        try:
            doc = budgetkit.read(p)
        except Exception:  # not a disclosure, or unreadable: not part of the series
            continue
        docs.append(doc)
    keep = [
        d
        for d in docs
        if d.meta.department == department
        and d.meta.year is not None
        and (scope is None or d.meta.scope == scope)
        and (kind is None or d.meta.kind == kind)
    ]
    best: dict[int, Any] = {}
    for d in keep:
        y = d.meta.year
        if y not in best or len(d.parsed.amounts) > len(best[y].parsed.amounts):
            best[y] = d
    return [best[y] for y in sorted(best)]


def corpus_documents(corpus: str | Path, doc, kind: str = "budget") -> list:
    """The documents of `doc`'s department in a corpus dataset (`budgetkit corpus build`),
    one per year, `doc` standing for its own year: found through the department key
    (name variants and the corpus's aliases, docs/departments.md) and the same scope, each
    other year's files read once. No folder is scanned, so a report costs the same in a
    corpus of 10 documents or of 10,000."""
    import budgetkit
    import budgetkit.corpus
    from budgetkit.corpus.departments import aliases

    key = aliases(Path(corpus)).key(doc.meta.department or "")
    docs = {doc.meta.year: doc} if doc.meta.year is not None else {}
    if not key:
        return list(docs.values())
    with budgetkit.corpus.open(corpus) as c:
        rows = [
            r
            for r in c.department_documents(key, kind)
            if r["scope"] == doc.meta.scope and r["year"] not in docs and r["year"] is not None
        ]
        files = {r["year"]: c.paths(r["sources"]) for r in rows}  # one per year (sorted)
    for year, paths in files.items():
        try:
            docs[year] = budgetkit.read(*paths)
        except Exception:  # moved or unreadable since the build: not part of the series
            continue
    return [docs[y] for y in sorted(docs)]


def series(docs: Sequence) -> pd.DataFrame:
    """One department's figures over years, long: year, measure, label, amount, prior (the
    previous document's amount), change, growth (%), source file.

    `docs` are Documents of consecutive or scattered years (sorted here); a figure a
    document does not print is left out (no row), so a gap never looks like a zero.
    """
    rows = []
    ordered = sorted(docs, key=lambda d: d.meta.year or 0)
    prev: dict[str, tuple[int, Decimal]] = {}
    for d in ordered:
        oc = structure.operating_costs(d)["amount"]
        values = [(m, lab, figure(d, t, tm)) for m, lab, t, tm in SERIES]
        values.append(("operating_costs", "机关运行经费", oc))
        for measure, label, amount in values:
            if amount is None:
                continue
            p = prev.get(measure)
            prior = p[1] if p else None
            change = amount - prior if prior is not None else None
            rows.append(
                {
                    "department": d.meta.department,
                    "year": d.meta.year,
                    "measure": measure,
                    "label": label,
                    "amount": amount,
                    "prior_year": p[0] if p else None,
                    "prior": prior,
                    "change": change,
                    "growth": growth(change, prior),
                    "file": d.meta.source,
                }
            )
            prev[measure] = (d.meta.year, amount)
    cols = [
        "department",
        "year",
        "measure",
        "label",
        "amount",
        "prior_year",
        "prior",
        "change",
        "growth",
        "file",
    ]
    return pd.DataFrame(rows, columns=cols)


def series_table(s: pd.DataFrame, value: str = "amount") -> pd.DataFrame:
    """`series` wide: a row per figure (Chinese label), a column per year."""
    if s.empty:
        return pd.DataFrame()
    order = list(dict.fromkeys(s["label"]))
    wide = s.pivot_table(index="label", columns="year", values=value, aggfunc="first")
    wide = wide.reindex([x for x in order if x in wide.index])
    wide.columns = [f"{c}年" for c in wide.columns]
    wide.index.name = "项目"
    return wide


def stated_vs_actual(docs: Sequence) -> pd.DataFrame:
    """For each document after the first: this year's figure minus the change its narrative
    states (比上年预算增加/减少 x 万元) against the previous document's figure.

    Columns: year, label, amount, stated_change, implied_prior, prior (document), difference,
    status ("一致" equal, "舍入" within 0.01, "不一致" otherwise).
    """
    ordered = sorted(docs, key=lambda d: d.meta.year or 0)
    rows = []
    for a, b in zip(ordered, ordered[1:], strict=False):
        stated = structure._statements_by_topic(b)
        for measure, label, table, tm in SERIES:
            said = [stated[t] for t in STATED.get(measure, ()) if t in stated]
            said = [s for s in said if s.get("change") is not None]
            if not said:
                continue
            s = min(said, key=lambda s: (_place(s.get("page")), _place(s.get("line"))))
            amount = figure(b, table, tm)
            prior = figure(a, table, tm)
            if amount is None or prior is None:
                continue
            implied = amount - s["change"]
            diff = implied - prior
            rows.append(
                {
                    "year": b.meta.year,
                    "prior_year": a.meta.year,
                    "label": label,
                    "amount": amount,
                    "stated_change": s["change"],
                    "implied_prior": implied,
                    "prior": prior,
                    "difference": diff,
                    "status": _status(diff, 2),
                }
            )
    return pd.DataFrame(rows, columns=_STATED_COLUMNS)


_STATED_COLUMNS = [
    "year",
    "prior_year",
    "label",
    "amount",
    "stated_change",
    "implied_prior",
    "prior",
    "difference",
    "status",
]


def bridge_between(a, b, level: int = 1, table: str = "expenditure") -> pd.DataFrame:
    """Change of each function 类 (or 款) from document `a` to `b`: label, code, prior,
    amount, change; `.attrs` start/end = the two totals (sum of the 类 rows)."""
    fa = structure.by_function(a, level=level, table=table)
    fb = structure.by_function(b, level=level, table=table)
    names = {**dict(zip(fa["code"], fa["name"], strict=True))}
    names.update(dict(zip(fb["code"], fb["name"], strict=True)))
    va = dict(zip(fa["code"], fa["amount"], strict=True))
    vb = dict(zip(fb["code"], fb["amount"], strict=True))
    rows = []
    for code in sorted(set(va) | set(vb)):
        p, n = _dec(va.get(code)) or ZERO, _dec(vb.get(code)) or ZERO
        rows.append({"code": code, "label": names[code], "prior": p, "amount": n, "change": n - p})
    out = pd.DataFrame(rows, columns=["code", "label", "prior", "amount", "change"])
    out.attrs["start"] = sum(out["prior"], ZERO)
    out.attrs["end"] = sum(out["amount"], ZERO)
    out.attrs["years"] = (a.meta.year, b.meta.year)
    return out


# ---------------------------------------------------------------------------------------------
# last year from one document


def _label(topic: str, code: str | None, names: dict[str, str], subject: str) -> str:
    if code and code in names:
        return names[code]
    t = topics().get(topic)
    base = t.zh if t else subject
    if topic.startswith("gpb.") and topic != "gpb.total" and not base.startswith("一般公共预算"):
        base = f"一般公共预算{base}"
    return base


def reconstruct(doc) -> pd.DataFrame:
    """Last year's budget from the narrative's year-over-year statements.

    One row per (topic, code) with a stated change: amount (this year, 万元), change (signed),
    last_year = amount − change, growth_stated (%, as printed) and growth_implied = change ÷
    last_year (%), with the statement's page/line. Statements whose amount sits in another
    sentence (the 三公 paragraph) take it from there.
    """
    st = doc.statements
    cols = [
        "topic",
        "code",
        "label",
        "amount",
        "change",
        "last_year",
        "growth_stated",
        "growth_implied",
        "reason",
        "page",
        "line",
    ]
    if st.empty:
        return pd.DataFrame(columns=cols)
    names: dict[str, str] = {}
    for t in ("expenditure", "gpb_expenditure"):
        df = doc.table(t)
        names.update(
            {c: n for c, n in zip(df["code"], df["name"], strict=True) if isinstance(c, str)}
        )
    amounts: dict[tuple, Decimal] = {}
    for r in st.itertuples(index=False):
        key = (r.topic, r.code if isinstance(r.code, str) else None)
        if isinstance(r.topic, str) and _dec(r.amount) is not None:
            amounts.setdefault(key, r.amount)
    rows, seen = [], set()
    for r in st.itertuples(index=False):
        if not isinstance(r.topic, str) or _dec(r.change) is None:
            continue
        code = r.code if isinstance(r.code, str) else None
        key = (r.topic, code)
        if key in seen:
            continue
        amount = _dec(r.amount) if _dec(r.amount) is not None else amounts.get(key)
        if amount is None:
            continue
        seen.add(key)
        last = amount - r.change
        rows.append(
            {
                "topic": r.topic,
                "code": code,
                "label": _label(r.topic, code, names, r.subject),
                "amount": amount,
                "change": r.change,
                "last_year": last,
                "growth_stated": float(r.growth) if _dec(r.growth) is not None else None,
                "growth_implied": growth(r.change, last),
                "reason": r.reason if isinstance(r.reason, str) else None,
                "page": r.page,
                "line": r.line,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def _code(c: Any) -> str | None:
    return c if isinstance(c, str) else None


def _status(diff: Decimal, terms: int) -> str:
    if diff == 0:
        return "一致"
    if abs(diff) <= ROUNDING * max(terms, 1):
        return "舍入"
    return "不一致"


INCOME_TOPICS = (
    "income.gpb",
    "income.gov_fund",
    "income.soe",
    "income.unit_funds",
    "income.business",
    "income.operating",
    "income.other",
    "income.carryover",
)


def reconstruction_check(doc, recon: pd.DataFrame | None = None) -> pd.DataFrame:
    """Do the reconstructed last-year figures satisfy the budget's identities?

    - 上年支出：基本支出 + 项目支出 = 上年收入：Σ sources (一般公共预算 + 单位资金 + …);
    - 上年一般公共预算：基本支出 + 项目支出 = 一般公共预算收入;
    - 上年一般公共预算：Σ 项 (function lines with a stated change) = 基本 + 项目;
    - 上年“三公”：因公出国 + 公务接待 + 公务用车 = 合计.

    An identity is tested only when every term has a statement (income sources the document
    lists as zero count as 0 → 0). Columns: check, left_terms, left, right_terms, right,
    difference, status (一致 / 舍入 (≤ 0.01 per term) / 不一致).
    """
    recon = reconstruct(doc) if recon is None else recon
    last = {
        (t, _code(c)): v
        for t, c, v in zip(recon["topic"], recon["code"], recon["last_year"], strict=True)
    }

    def get(topic: str) -> Decimal | None:
        return last.get((topic, None))

    rows = []

    def add(name: str, left: list[tuple[str, Decimal]], right: list[tuple[str, Decimal]]):
        lv, rv = sum((v for _, v in left), ZERO), sum((v for _, v in right), ZERO)
        rows.append(
            {
                "check": name,
                "left_terms": " + ".join(f"{k} {v}" for k, v in left),
                "left": lv,
                "right_terms": " + ".join(f"{k} {v}" for k, v in right),
                "right": rv,
                "difference": lv - rv,
                "status": _status(lv - rv, len(left) + len(right)),
            }
        )

    basic, project = get("expenditure.basic"), get("expenditure.project")
    sources = structure.funding_sources(doc)
    income = []
    complete = not sources.empty
    for part, label, amount in zip(
        sources["part"], sources["label"], sources["amount"], strict=True
    ):
        v = get(f"income.{part}")
        if v is None and amount == 0:
            v = ZERO
        if v is None:
            complete = False
            break
        income.append((label, v))
    if basic is not None and project is not None and complete:
        add("上年支出 = 上年收入", [("基本支出", basic), ("项目支出", project)], income)
    gb, gp, gi = get("gpb.basic"), get("gpb.project"), get("income.gpb")
    if gb is not None and gp is not None and gi is not None:
        add(
            "上年一般公共预算：基本 + 项目 = 收入",
            [("基本支出", gb), ("项目支出", gp)],
            [("一般公共预算", gi)],
        )
    lines = recon[
        (recon["topic"] == "gpb.function") & recon["code"].map(lambda c: len(_code(c) or "") == 7)
    ]
    if len(lines) and gb is not None and gp is not None:
        add(
            "上年一般公共预算：各项之和 = 基本 + 项目",
            [(lab, v) for lab, v in zip(lines["label"], lines["last_year"], strict=True)],
            [("基本支出", gb), ("项目支出", gp)],
        )
    tp = {k: get(f"three_public.{k}") for k in ("total", "abroad", "reception", "vehicle")}
    if tp["vehicle"] is None:
        vp, vo = get("three_public.vehicle_purchase"), get("three_public.vehicle_operation")
        tp["vehicle"] = vp + vo if vp is not None and vo is not None else None
    total, abroad, reception, vehicle = tp["total"], tp["abroad"], tp["reception"], tp["vehicle"]
    if total is not None and abroad is not None and reception is not None and vehicle is not None:
        add(
            "上年“三公”：各项之和 = 合计",
            [("因公出国（境）费", abroad), ("公务接待费", reception), ("公务用车", vehicle)],
            [("合计", total)],
        )
    return pd.DataFrame(
        rows,
        columns=["check", "left_terms", "left", "right_terms", "right", "difference", "status"],
    )


def last_year_totals(doc, recon: pd.DataFrame | None = None) -> dict[str, Decimal | None]:
    """Last year's 基本支出, 项目支出 and their total from the narrative (None if not stated)."""
    recon = reconstruct(doc) if recon is None else recon
    last = {
        t: v
        for t, c, v in zip(recon["topic"], recon["code"], recon["last_year"], strict=True)
        if _code(c) is None
    }
    basic, project = last.get("expenditure.basic"), last.get("expenditure.project")
    total = basic + project if basic is not None and project is not None else None
    if total is None:
        total = last.get("expenditure.total")
    return {"basic": basic, "project": project, "total": total}


def bridge(doc, by: str = "expenditure", recon: pd.DataFrame | None = None) -> pd.DataFrame:
    """Steps from last year's total to this year's, from the narrative's stated changes.

    `by="expenditure"`: 基本支出, 项目支出; `by="income"`: each funding source. Columns: label,
    change, last_year, amount; `.attrs` start (last year's total) and end (this year's).
    """
    recon = reconstruct(doc) if recon is None else recon
    top = recon[recon["code"].map(_code).isna()]
    if by == "expenditure":
        topics = ["expenditure.basic", "expenditure.project"]
        labels = {"expenditure.basic": "基本支出", "expenditure.project": "项目支出"}
    else:
        topics = [t for t in INCOME_TOPICS if t in set(top["topic"])]
        labels = {t: structure.measure_label(t.removeprefix("income.")) for t in topics}
    steps = top[top["topic"].isin(topics)].copy()
    steps["order"] = steps["topic"].map(topics.index)
    steps = steps.sort_values("order")
    steps["label"] = steps["topic"].map(labels)
    out = steps[["label", "change", "last_year", "amount"]].reset_index(drop=True)
    out.attrs["start"] = sum(out["last_year"], ZERO) if len(out) else None
    out.attrs["end"] = sum(out["amount"], ZERO) if len(out) else None
    return out


# ---------------------------------------------------------------------------------------------
# across departments


def compare(docs: Sequence) -> pd.DataFrame:
    """Departments side by side (e.g. one region, one year): department, year, scope,
    支出合计, 基本支出, 项目支出, 项目支出占比 (float), 人员经费, 公用经费, “三公”经费,
    在职人数 and 公用经费 per person (None without a staff count)."""
    rows = []
    for d in docs:
        staff = structure.staffing(d).get("在职")
        total = figure(d, "expenditure", "total")
        project = figure(d, "expenditure", "project")
        public = figure(d, "gpb_basic", "public")
        rows.append(
            {
                "department": d.meta.department,
                "year": d.meta.year,
                "scope": d.meta.scope,
                "total": total,
                "basic": figure(d, "expenditure", "basic"),
                "project": project,
                "project_share": float(project / total) if total and project is not None else None,
                "personnel": figure(d, "gpb_basic", "personnel"),
                "public": public,
                "three_public": figure(d, "three_public", "total"),
                "staff": staff,
                "public_per_staff": (public / staff).quantize(ROUNDING)
                if staff and public
                else None,
                "file": d.meta.source,
            }
        )
    return pd.DataFrame(rows)


def select(
    document: str | Path | None = None,
    corpus: str | Path | None = None,
    department: str | None = None,
    year: int | None = None,
):
    """(doc, docs) for a trend report: the document to explain and the department's series.

    With `document`: that document, and the documents of its department (and scope) found in
    `corpus` (default: the document's folder). Without it: the documents of `department` in
    `corpus`, and the one of `year` (default: the latest) as `doc`.
    """
    import budgetkit
    from budgetkit.corpus.dataset import is_corpus

    if document:
        doc = budgetkit.read(document)  # a file, or [narrative, tables] of a split publication
        first = document[0] if isinstance(document, list | tuple) else document
        folder = corpus or Path(first).parent
        dept = department or doc.meta.department
        if corpus and is_corpus(corpus):
            return doc, corpus_documents(corpus, doc)
        docs = find_documents(folder, dept, scope=doc.meta.scope, include=[doc]) if dept else [doc]
        if doc.meta.year not in [d.meta.year for d in docs]:
            docs = sorted([*docs, doc], key=lambda d: d.meta.year or 0)
        docs = [doc if d.meta.year == doc.meta.year else d for d in docs]
        return doc, docs
    if not (corpus and department):
        raise ValueError("give a document, or a corpus folder and a department name")
    docs = find_documents(corpus, department)
    if not docs:
        raise ValueError(f"no document of {department!r} in {corpus}")
    pick = [d for d in docs if d.meta.year == year] if year else docs[-1:]
    if not pick:
        raise ValueError(f"no {year} document of {department!r} in {corpus}")
    return pick[0], docs
