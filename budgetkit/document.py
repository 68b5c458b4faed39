"""The `Document`: one parsed disclosure, its records and their DataFrame views.

`read(path)` runs the stages read → layout → normalise → extract (narrative, profile,
performance targets, glossary). Records stay plain Python (fast, exact); DataFrames are
built on first access and cached. `check()` runs every identity (see `checks`).
"""

from __future__ import annotations

from dataclasses import asdict, fields
from functools import cached_property
from pathlib import Path

from .catalog import catalog
from .errors import NotADisclosure
from .extract import glossary, narrative, performance, profile
from .extract.meta import extract_meta
from .extract.tables import normalise
from .layout import segment
from .model import Amount, Fact, Finding, Indicator, Parsed, Staffing, Statement, TargetTable, Term
from .reader import read_source

MIN_TABLES = 2  # fewer recognised tables than this: not a budget disclosure


def parse(path: str | Path) -> Parsed:
    """Read a file into `Parsed` records (raises `ReadError` when it is not a disclosure)."""
    src = read_source(path)
    layout = segment(src.lines)
    meta = extract_meta(src.lines, layout, src.path, src.format)
    parsed = Parsed(meta=meta)
    for block in layout.blocks:
        amounts, info, found = normalise(block, src.path, meta.unit_as_printed)
        parsed.amounts.extend(amounts)
        parsed.tables.append(info)
        parsed.findings.extend(found)
    if sum(1 for t in parsed.tables if t.table) < MIN_TABLES:
        raise NotADisclosure(
            src.path,
            f"not a budget disclosure: found {sum(1 for t in parsed.tables if t.table)} of the "
            f"{len(catalog().tables)} standard tables (部门收支总体情况表, 部门收入总体情况表, …)",
        )
    names = narrative.names_from(parsed.amounts)
    parsed.statements, parsed.facts = narrative.extract(layout.prose, names=names)
    parsed.profile = profile.extract(layout.prose)
    parsed.targets = performance.extract(src.lines)
    parsed.glossary = glossary.extract(layout.prose)
    return parsed


def read(path: str | Path) -> Document:
    return Document(parse(path))


def _where(line) -> dict:
    return {"page": line.page, "line": line.lineno}


class Document:
    """A parsed disclosure. Attributes are DataFrames unless noted; money is `Decimal` 万元."""

    def __init__(self, parsed: Parsed):
        self.parsed = parsed
        self.meta = parsed.meta

    def __repr__(self) -> str:
        m = self.meta
        return f"<Document {m.department} {m.year} {m.kind} ({len(self.parsed.amounts)} amounts)>"

    # -- tables ---------------------------------------------------------------------------
    @cached_property
    def amounts(self):
        """Long table of every figure: table, side, code, level, item, name, measure, amount…"""
        import pandas as pd

        file = self.meta.source
        rows = [
            {
                "table": a.table,
                "side": a.side,
                "row": a.row,
                "code": a.code,
                "level": a.level,
                "item": a.item,
                "name": a.name,
                "measure": a.measure,
                "amount": a.value,
                "printed": a.printed,
                "unit": a.unit,
                "file": file,
                **_where(a.line),
            }
            for a in self.parsed.amounts
        ]
        cols = [
            "table",
            "side",
            "row",
            "code",
            "level",
            "item",
            "name",
            "measure",
            "amount",
            "printed",
            "unit",
            "file",
            "page",
            "line",
        ]
        return pd.DataFrame(rows, columns=cols).astype(
            {"level": "Int64", "page": "Int64", "row": "int64"}
        )

    def table(self, table_id: str):
        """One canonical table, wide: a row per printed row, a Decimal column per measure."""
        import pandas as pd

        spec = catalog().tables[table_id]
        rows: dict[tuple, dict] = {}
        for a in self.parsed.amounts:
            if a.table != table_id:
                continue
            r = rows.setdefault(
                (a.side or "", a.row),
                {
                    "side": a.side,
                    "code": a.code,
                    "level": a.level,
                    "item": a.item,
                    "name": a.name,
                    "page": a.line.page,
                    "line": a.line.lineno,
                },
            )
            r[a.measure] = a.value
        present = {a.measure for a in self.parsed.amounts if a.table == table_id}
        measures = [m for m in spec.measures if m in present] + sorted(present - set(spec.measures))
        cols = ["side", "code", "level", "item", "name", *measures, "page", "line"]
        df = pd.DataFrame(list(rows.values()), columns=cols)
        return df.astype({"level": "Int64", "page": "Int64"})

    @property
    def tables(self) -> dict:
        """Every canonical table present in the document, by id (dict of DataFrames)."""
        return {t.table: self.table(t.table) for t in self.parsed.tables if t.table}

    @cached_property
    def table_index(self):
        """What was found for each table: id, title, unit, empty, note, location."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "table": t.table,
                    "title": t.title,
                    "unit": t.unit,
                    "empty": t.empty,
                    "note": t.note,
                    "file": self.meta.source,
                    **_where(t.line),
                }
                for t in self.parsed.tables
            ],
            columns=["table", "title", "unit", "empty", "note", "file", "page", "line"],
        )

    # -- prose ----------------------------------------------------------------------------
    def _records(self, records, cls, drop=("line",)):
        """Records → DataFrame with provenance columns; empty but with its columns when none."""
        import pandas as pd

        names = [f.name for f in fields(cls) if f.name not in drop]
        rows = [
            {**{n: getattr(r, n) for n in names}, "file": self.meta.source, **_where(r.line)}
            for r in records
        ]
        return pd.DataFrame(rows, columns=[*names, "file", "page", "line"])

    @cached_property
    def statements(self):
        """Narrative statements: subject, amount, share, change, growth, reason, sentence."""
        return self._records(self.parsed.statements, Statement)

    @cached_property
    def facts(self):
        """Other figures from the prose: procurement, assets, 机关运行经费, performance counts."""
        return self._records(self.parsed.facts, Fact)

    @property
    def profile(self):
        """`model.Profile` (functions, institutions, staffing)."""
        return self.parsed.profile

    @cached_property
    def staffing(self):
        return self._records(
            list(self.parsed.profile.staffing) if self.parsed.profile else [], Staffing
        )

    @cached_property
    def targets(self):
        """Performance indicators, long: one row per indicator with its table's project."""
        import pandas as pd

        cols = [f.name for f in fields(Indicator) if f.name != "line"]
        rows = []
        for t in self.parsed.targets:
            for ind in t.indicators:
                d = {k: getattr(ind, k) for k in cols}
                rows.append(
                    {
                        "kind": t.kind,
                        "project": t.name,
                        **d,
                        "file": self.meta.source,
                        **_where(ind.line),
                    }
                )
        return pd.DataFrame(rows, columns=["kind", "project", *cols, "file", "page", "line"])

    @cached_property
    def projects(self):
        """Performance target tables: kind, name, owner, unit, total, fiscal, other, goal,
        carryover (上年结转, where printed)."""
        return self._records(self.parsed.targets, TargetTable, drop=("line", "indicators"))

    @cached_property
    def glossary(self):
        return self._records(self.parsed.glossary, Term)

    # -- checks ---------------------------------------------------------------------------
    def findings(self) -> list[Finding]:
        from .check import run_checks

        return run_checks(self.parsed)

    def check(self):
        """Every identity of the disclosure checked: findings DataFrame (rule, severity, …)."""
        import pandas as pd

        cols = [*(f.name for f in fields(Finding)), "location"]
        rows = [{**asdict(f), "location": f.location} for f in self.findings()]
        return pd.DataFrame(rows, columns=cols).astype({"page": "Int64", "line": "Int64"})

    def figure(
        self,
        table: str,
        measure: str = "total",
        *,
        code: str | None = None,
        item: str | None = None,
        side: str | None = None,
    ) -> Amount | None:
        """The first amount matching (table, measure, code or item, side), or None."""
        for a in self.parsed.amounts:
            if (
                a.table == table
                and a.measure == measure
                and a.code == code
                and (item is None or a.item == item)
                and (side is None or a.side == side)
            ):
                return a
        return None
