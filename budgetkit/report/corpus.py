"""Reports from a corpus dataset (`budgetkit report --corpus DIR`): what to run, read from it.

    plan = corpus_plan("corpus/")
    plan.documents      one `Planned` per document of the dataset: its files, index row, hash
    plan.comparisons    one `Comparison` per region and year with two or more departments
    comparison_stems(plan.comparisons)   their folders (safe, distinct)

Nothing is read again for the index: department, year, kind, scope, 支出合计 and the finding
counts come from the dataset's `documents` table, and each document's findings page from its
`findings` table. A report's hash covers the document and the other documents it draws on
(its department's other years for trend; a comparison's whole region), so a rebuilt corpus
re-runs only the reports whose inputs changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalog.rules import SEVERITIES
from ..errors import BudgetkitError

#: The comparison notebook, run once per region and year.
COMPARE = "compare"


@dataclass
class Planned:
    """One document of the corpus: its files (narrative first for a split publication)."""

    document: str  # the dataset's document key
    paths: list[Path]
    sha: str  # of the document and the documents its reports draw on
    row: dict[str, Any]  # its row of `documents`
    budget: list[Path] = field(default_factory=list)  # a final account's budget (same year)


@dataclass
class Comparison:
    """A comparison report: the departments of `region` in `year`."""

    region: str
    year: int
    departments: int
    sha: str  # of every document of the region (growth needs last year's)

    @property
    def label(self) -> str:
        return f"{self.region} {self.year}"


@dataclass
class CorpusPlan:
    corpus: Path
    documents: list[Planned] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)  # files the build could not read


def _digest(parts) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(str(p).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def corpus_plan(corpus: str | Path) -> CorpusPlan:
    """Documents and comparisons of the corpus in `corpus` (a `BudgetkitError` if it is none)."""
    import budgetkit.corpus
    from budgetkit.analysis.compare import choose

    path = Path(corpus).resolve()
    if not budgetkit.corpus.is_corpus(path):
        raise BudgetkitError(f"{corpus}: not a corpus (build one with `budgetkit corpus build`)")
    plan = CorpusPlan(path)
    with budgetkit.corpus.open(path) as c:
        docs = c.documents
        by_key: dict[str, list[str]] = {}
        for r in docs.itertuples(index=False):
            by_key.setdefault(r.department_key or r.document, []).append(r.sha256)
        budgets_of = _budgets(c, docs)
        for r in docs.to_dict("records"):
            paths = c.paths(r["sources"])
            missing = [str(p) for p in paths if not p.is_file()]
            if missing:
                plan.notes.append(f"{', '.join(missing)}: in the corpus but no longer on disk")
                continue
            related = sorted(by_key.get(r["department_key"] or r["document"], []))
            budget = budgets_of.get(r["document"], []) if r["kind"] == "final" else []
            plan.documents.append(Planned(r["document"], paths, _digest(related), r, budget))
        budgets = choose(docs[docs["kind"] == "budget"]) if len(docs) else docs
        for (region, year), group in budgets.groupby(["region", "year"], sort=True):
            if len(group) < 2:  # one department has no peers to be compared with
                continue
            region_docs = docs[docs["region"] == region]
            plan.comparisons.append(
                Comparison(str(region), int(year), len(group), _digest(sorted(region_docs.sha256)))
            )
        plan.failures = c.failures.to_dict("records")  # listed in the index, with the reason
        unplaced = budgets["region"].isna().sum() if len(budgets) else 0
        if unplaced:
            plan.notes.append(
                f"{unplaced} document(s) without a region are in no comparison "
                "(give their department a region in the corpus's departments.toml)"
            )
    return plan


def _budgets(c, docs) -> dict[str, list[Path]]:
    """Final account's document key → the files of its department's budget of the same year
    (the same scope first): what `execution` compares it with."""
    if not len(docs):
        return {}
    budgets = docs[docs["kind"] == "budget"]
    out = {}
    for r in docs[docs["kind"] == "final"].itertuples(index=False):
        same = budgets[
            (budgets["department_key"] == r.department_key) & (budgets["year"] == r.year)
        ]
        if len(same):
            same = same.assign(_other=(same["scope"] != r.scope)).sort_values(
                ["_other", "document"]
            )
            out[r.document] = c.paths(same.iloc[0]["sources"])
    return out


def finding_counts(row: dict[str, Any]) -> dict[str, int]:
    """Severity → count, from a `documents` row (errors, warnings, infos)."""
    column = {"error": "errors", "warning": "warnings", "info": "infos"}
    return {s: int(row.get(column.get(s, s)) or 0) for s in SEVERITIES}


def findings_of(corpus: Path, documents: list[str]):
    """The `findings` rows of `documents`, one DataFrame per document key."""
    import budgetkit.corpus

    if not documents:
        return {}
    with budgetkit.corpus.open(corpus) as c:
        ids = ", ".join("'" + d.replace("'", "''") + "'" for d in documents)
        df = c.sql(f"SELECT * FROM findings WHERE document IN ({ids})")
    return {k: g.reset_index(drop=True) for k, g in df.groupby("document")} if len(df) else {}


def comparison_stems(comparisons: list[Comparison]) -> list[tuple[Comparison, str]]:
    """Each comparison with its folder name, distinct even where two regions' names are made
    safe alike (`a/b`, `a b` → `a_b`: the second gets a hash of its name)."""
    seen: set[str] = set()
    out = []
    for c in comparisons:
        stem = comparison_stem(c.region, c.year)
        if stem.casefold() in seen:
            stem += "-" + hashlib.sha256(c.region.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        seen.add(stem.casefold())
        out.append((c, stem))
    return out


def comparison_stem(region: str, year: int) -> str:
    """`compare-上海市普陀区-2025`: the folder of a region's comparison report (the region's
    name comes from documents: made safe, never a path)."""
    from ..outputs import safe_name

    return safe_name(f"compare-{region}-{year}")


def as_printed(amount: Any) -> str:
    """A dataset figure (decimal(20,6)) without the zeros the dataset's type added: at least
    two decimals, more only where they carry digits (1668.140000 → 1668.14, 16497.864000 →
    16497.864). The value is unchanged; only its padding goes."""
    from decimal import Decimal

    d = Decimal(str(amount))
    return str(d.quantize(Decimal("0.01")) if d == d.quantize(Decimal("0.01")) else d.normalize())
