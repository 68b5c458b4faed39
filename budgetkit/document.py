"""The `Document`: one parsed disclosure, its records and their DataFrame views.

`read(path)` runs the stages read → layout → normalise → extract (narrative, profile,
performance targets, glossary). Records stay plain Python (fast, exact); DataFrames are
built on first access and cached. `check()` runs every identity (see `checks`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, replace
from functools import cached_property
from pathlib import Path

from .catalog import catalog, templates
from .catalog.fields import view as fields_of
from .errors import NotADisclosure
from .extract import glossary, narrative, performance, profile
from .extract.meta import clean_department, cover, extract_meta
from .extract.prose import Prose
from .extract.tables import normalise
from .figures import Figure, headline
from .layout import segment
from .model import Amount, Finding, Parsed
from .money import fmt_wan
from .reader import read_source
from .reader.text import encoding_note

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
MIN_TABLES = 2  # fewer recognised tables than this, and no narrative figures: not a disclosure
MIN_STATEMENTS = 3  # a narrative-only publication states at least this many figures


def parse(path: str | Path, *, companion: Parsed | None = None) -> Parsed:
    """Read a file into `Parsed` records (raises `ReadError` when it is not a disclosure).

    `companion`: the tables file of a split publication whose narrative `path` is; its row
    names resolve the narrative's 款/项 subjects to codes (see `pairing`)."""
    src = read_source(path)
    choice = templates.choose(
        cover(src.lines, templates.template()), [ln.text for ln in src.lines if _short(ln)]
    )
    tpl = choice.template
    layout = segment(src.lines, tpl)
    meta = extract_meta(src.lines, layout, src.path, src.format, tpl, choice.evidence)
    parsed = Parsed(meta=meta)
    for block in layout.blocks:
        amounts, info, found = normalise(
            block,
            src.path,
            meta.unit_as_printed,
            tpl,
            kind=meta.kind,
            year=meta.year,
            department=meta.department,
            unreadable=parsed.unreadable,
        )
        parsed.amounts.extend(amounts)
        parsed.tables.append(info)
        parsed.findings.extend(found)
    names = narrative.names_from([*parsed.amounts, *(companion.amounts if companion else ())])
    text = Prose(layout.prose, tpl)  # split into parts and paragraphs once
    parsed.statements, parsed.facts = narrative.extract(text, names=names, tpl=tpl, kind=meta.kind)
    parsed.profile = profile.extract(text)
    parsed.targets = performance.extract(src.lines)
    parsed.glossary = glossary.extract(text)
    parsed.contents = list(layout.contents)
    parsed.stray = list(layout.stray)
    parsed.prose = list(layout.prose)
    parsed.lines = list(src.lines)
    recognised = sum(1 for t in parsed.tables if t.table)
    topical = sum(1 for s in parsed.statements if s.topic and s.amount is not None)
    targets = parsed.targets or any(t.known == "performance" for t in parsed.tables)
    if recognised < MIN_TABLES and topical < MIN_STATEMENTS and not targets:
        raise NotADisclosure(
            src.path,
            f"not a budget disclosure: found {recognised} of the standard tables "
            "(收支总表, 收入总表, 支出总表, …), no 绩效目标表 and no budget figures in a 情况说明"
            + (" (read as an HTML web page)" if src.format == "html" else "")
            + encoding_note(src.encoding),
        )
    publication = "full"
    if recognised < MIN_TABLES:
        publication = "narrative" if topical >= MIN_STATEMENTS else "targets"
    elif topical < MIN_STATEMENTS:
        publication = "tables"
    meta = replace(meta, publication=publication, sources=(src.path,))
    if meta.department is None or meta.year is None:
        meta = _meta_from_body(meta, parsed, src.lines, tpl)
    parsed.meta = meta
    return parsed


def _meta_from_body(meta, parsed: Parsed, lines, tpl):
    """Department and year of a document without a cover (a tables-only attachment): the
    department-level 绩效目标表's 部门名称, and the year its short lines name most ("（2026年度）")."""
    department, year = meta.department, meta.year
    if department is None:
        dept = next((t for t in parsed.targets if t.kind == "department"), None)
        if dept is not None and (dept.unit or dept.name) and "表" not in (dept.unit or dept.name):
            department = clean_department(dept.unit or dept.name, tpl)
    if department is None:  # a 部门名称 | <name> row of a 绩效 table
        for ln in lines:
            cells = [c for c in ln.cells if c]
            for a, b in zip(cells, cells[1:], strict=False):
                if a.replace(" ", "") in ("部门名称", "单位名称") and len(b) <= 40:
                    department = clean_department(b, tpl)
                    break
            if department is not None:
                break
    if year is None:
        years = Counter(
            int(m.group(1)) for ln in lines if len(ln.text) <= 20 for m in _YEAR.finditer(ln.text)
        )
        year = years.most_common(1)[0][0] if years else None
    return replace(meta, department=department, year=year)


def _short(line) -> bool:
    return len(line.text) <= 60


def read(*paths) -> Document:
    """`read(path)`: one file; `read(narrative, tables)` (or a list of the two): a split
    publication as one document (`pairing.read_pair`)."""
    if len(paths) == 1 and isinstance(paths[0], list | tuple):
        paths = tuple(paths[0])
    if len(paths) == 1:
        return Document(_cached(paths, lambda: parse(paths[0])))
    if len(paths) == 2:
        from .pairing import read_pair

        return Document(_cached(paths, lambda: read_pair(*paths)))
    raise TypeError(f"read() takes one file, or a narrative and a tables file ({len(paths)} given)")


#: The last parses of this process, by their files' (path, size, mtime), when the environment
#: says `BUDGETKIT_READ_CACHE=N` (keep N). The report runner sets it (`REPORT_CACHE`) where
#: reports run, so the notebooks of one document, run one after another, read it once, and
#: trend reads its department's other years once for all of them (a parse is 0.5–4 MB). Each
#: read still gets a Document of its own (frames are derived again); off by default, so a
#: library user's `read` always reads.
_parses: dict[tuple, Parsed] = {}
REPORT_CACHE = 8


def _cached(paths, parse_them):
    import os

    try:
        keep = int(os.environ.get("BUDGETKIT_READ_CACHE") or 0)
    except ValueError:
        keep = 0
    if keep <= 0:
        return parse_them()
    try:
        key = tuple(
            (str(Path(p).resolve()), st.st_size, st.st_mtime_ns)
            for p in paths
            for st in [os.stat(p)]
        )
    except (OSError, TypeError):  # a missing file: let the read say so
        return parse_them()
    if key in _parses:
        _parses[key] = _parses.pop(key)  # the most recent last
        return _parses[key]
    parsed = parse_them()
    _parses[key] = parsed
    while len(_parses) > keep:
        _parses.pop(next(iter(_parses)))
    return parsed


def _where(line) -> dict:
    return {"page": line.page, "line": line.lineno}


_DTYPES = {"integer": "Int64", "boolean": "boolean"}


def frame(view: str, rows: list[dict]):
    """A DataFrame of a declared view (data/fields.toml): its columns, in order, and types."""
    import pandas as pd

    v = fields_of(view)
    df = pd.DataFrame(rows, columns=v.columns)
    return df.astype({f.name: _DTYPES[f.type] for f in v.fields if f.type in _DTYPES})


class Document:
    """A parsed disclosure. Attributes are DataFrames unless noted; money is `Decimal` 万元."""

    def __init__(self, parsed: Parsed):
        self.parsed = parsed
        self.meta = parsed.meta

    def __repr__(self) -> str:
        m = self.meta
        return f"<Document {m.department} {m.year} {m.kind} ({len(self.parsed.amounts)} amounts)>"

    def _file(self, line) -> dict:
        return {"file": line.file or self.meta.source, **_where(line)}

    # -- tables ---------------------------------------------------------------------------
    @cached_property
    def amounts(self):
        """Long table of every figure: table, side, row, code, level, item, name, measure,
        amount (万元), printed, unit, file, page, line."""
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
                **self._file(a.line),
            }
            for a in self.parsed.amounts
        ]
        return frame("amounts", rows)

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
        return df.astype({"level": "Int64", "page": "Int64", "line": "Int64"})

    @property
    def tables(self) -> dict:
        """Every canonical table present in the document, by id (dict of DataFrames)."""
        return {t.table: self.table(t.table) for t in self.parsed.tables if t.table}

    @cached_property
    def table_index(self):
        """What was found for each table: id, title, unit, empty, note, location."""
        rows = [
            {
                "table": t.table,
                "known": t.known,
                "label": t.label,
                "title": t.title,
                "unit": t.unit,
                "empty": t.empty,
                "note": t.note,
                "evidence": t.evidence,
                **self._file(t.line),
            }
            for t in self.parsed.tables
        ]
        return frame("table_index", rows)

    # -- prose ----------------------------------------------------------------------------
    def _records(self, view: str, records, **extra):
        """Records → the view's DataFrame (provenance added); its columns even when empty."""
        cols = [c for c in fields_of(view).columns if c not in ("file", "page", "line")]
        rows = []
        for r in records:
            row = {c: getattr(r, c, None) for c in cols}
            row.update({k: f(r) for k, f in extra.items()})
            rows.append({**row, **self._file(r.line)})
        return frame(view, rows)

    @cached_property
    def statements(self):
        """Narrative statements: subject, amount, share, change, growth, reason, sentence."""
        return self._records("statements", self.parsed.statements)

    @cached_property
    def facts(self):
        """Other figures from the prose: procurement, assets, 机关运行经费, performance counts."""
        return self._records("facts", self.parsed.facts)

    @property
    def profile(self):
        """`model.Profile` (functions, institutions, staffing)."""
        return self.parsed.profile

    @cached_property
    def staffing(self):
        prof = self.parsed.profile
        return self._records("staffing", list(prof.staffing) if prof else [])

    @cached_property
    def targets(self):
        """Performance indicators, long: one row per indicator with its table's project."""
        rows = []
        cols = [c for c in fields_of("targets").columns if c not in ("file", "page", "line")]
        for t in self.parsed.targets:
            for ind in t.indicators:
                row = {c: getattr(ind, c, None) for c in cols}
                rows.append({**row, "kind": t.kind, "project": t.name, **self._file(ind.line)})
        return frame("targets", rows)

    @cached_property
    def projects(self):
        """Performance target tables: kind, name, owner, unit, total, fiscal, other, goal,
        carryover (上年结转, where printed)."""
        return self._records("projects", self.parsed.targets)

    @cached_property
    def glossary(self):
        return self._records("glossary", self.parsed.glossary)

    # -- checks ---------------------------------------------------------------------------
    def findings(self) -> list[Finding]:
        """Every finding (reading and checks), errors first; computed once."""
        return list(self._findings)

    @cached_property
    def _findings(self) -> tuple[Finding, ...]:
        from .check import run_checks

        return tuple(run_checks(self.parsed))

    def check(self):
        """Every identity of the disclosure checked: findings DataFrame (rule, severity, …)."""
        rows = [{**asdict(f), "location": f.location} for f in self._findings]
        return frame("findings", rows)

    def coverage(self):
        """The coverage self-check (`check.coverage.Coverage`): tables recognised and on what
        evidence, columns mapped, share of printed amounts read and of read amounts that an
        identity confirms."""
        from .check.coverage import coverage

        return coverage(self.parsed)

    # -- headline figures -----------------------------------------------------------------
    def figures(self) -> list[Figure]:
        """The headline figures with where each was printed (and whether it is derived or
        contradicted by an identity of its table)."""
        return headline(self.parsed, self._findings)

    def summary(self) -> dict:
        """What `budgetkit summary --json` prints: the document and its headline figures in
        万元 as exact decimal strings (None when not stated), plus `warnings` naming each
        figure that is derived rather than printed or whose row fails an identity."""
        m = self.meta
        figs = self.figures()
        out: dict = {
            "department": m.department,
            "year": m.year,
            "kind": m.kind,
            "unit_as_printed": m.unit_as_printed,
        }
        out.update({f.key: fmt_wan(f.value) for f in figs})
        out["warnings"] = [
            {"figure": f.key, "reason": reason}
            for f in figs
            for reason in (f"derived: {f.derived}" if f.derived else None, f.doubt)
            if reason
        ]
        return out

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
