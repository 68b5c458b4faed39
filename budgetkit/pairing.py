"""Split publications: a narrative file (情况说明) and a tables file (公开表) of one department,
year, kind and scope, read as one document.

    pair(parsed_list) -> groups          which files make one document, from their meta
    combine(narrative, tables) -> Parsed the two files' records as one document
    read_pair(a, b) -> Parsed            `budgetkit.read(narrative, tables)`

Pairing works on what the reader found *in* the documents (`Meta`: department, year, kind,
scope and publication), never on file names, which are often wrong. It sits beside
`document.py` rather than in `reader/` because it needs documents already read: the reader
turns one file into lines, pairing joins two read documents. Each record of a combined
document keeps its own file (`Line.file`), so every figure and finding points into the file
that prints it; the narrative checks then compare the narrative's statements with the tables
file's figures, naming both places.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from .errors import NotAPair
from .model import Meta, Parsed, Profile
from .reader.lines import Line

#: The two halves of a split publication, by `Meta.publication`.
NARRATIVE, TABLES = "narrative", "tables"
SPLIT = "split"  # the publication of a document combined from the two

_KIND = {"budget": "预算", "final": "决算"}
_SCOPE = {"department": "部门", "unit": "单位"}


def _names(names=None):
    """The department alias table (its `key` normalises 中共…, （汇总）, renames)."""
    if names is not None:
        return names
    from .corpus.departments import aliases

    return aliases()


def key(meta: Meta, names=None) -> tuple | None:
    """What two halves must share: (department key, year, kind, scope); None when the
    document does not say who or when (such a file is never paired)."""
    dept = _names(names).key(meta.department) if meta.department else ""
    if not dept or meta.year is None:
        return None
    return (dept, meta.year, meta.kind, meta.scope)


def describe(meta: Meta) -> str:
    """北京市信访办公室 2026 部门预算."""
    what = _SCOPE.get(meta.scope, meta.scope) + _KIND.get(meta.kind, meta.kind)
    return f"{meta.department or '?'} {meta.year or '?'} {what}"


@dataclass
class Pairing:
    """Documents found among read files: each group is (narrative, tables) or one file."""

    groups: list[tuple] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # candidates left alone, and why
    said: list[str] = field(default_factory=list)  # per pair (in `pairs` order): what was paired

    @property
    def pairs(self) -> list[tuple]:
        return [g for g in self.groups if len(g) == 2]


def _meta_of(item) -> Meta:
    return item if isinstance(item, Meta) else item.meta


def pairing(items: Sequence[Any], meta: Callable[[Any], Meta] = _meta_of, names=None) -> Pairing:
    """Group read files into documents. A narrative-only file and a tables-only file whose
    meta agree (`key`) are one document, (narrative, tables); everything else stays alone.
    When a key has more than one narrative or tables file nothing is guessed: they stay
    alone and a note says why. Groups keep the order of their first file."""
    names = _names(names)
    by_key: dict[tuple, dict[str, list[int]]] = {}
    for i, item in enumerate(items):
        m = meta(item)
        k = key(m, names) if m.publication in (NARRATIVE, TABLES) else None
        if k is not None:
            by_key.setdefault(k, {NARRATIVE: [], TABLES: []})[m.publication].append(i)
    partner: dict[int, int] = {}
    notes = []
    for roles in by_key.values():
        ns, ts = roles[NARRATIVE], roles[TABLES]
        if len(ns) == 1 and len(ts) == 1:
            partner[ns[0]] = ts[0]
            partner[ts[0]] = -1  # taken by its narrative
        elif ns and ts:
            notes.append(
                f"not paired: {len(ns)} narrative and {len(ts)} tables files of "
                f"{describe(meta(items[ns[0]]))}: which belong together is not clear"
            )
    groups, lines = [], []
    for i, item in enumerate(items):
        j = partner.get(i)
        if j == -1:
            continue
        groups.append((item, items[j]) if j is not None else (item,))
        if j is not None:
            lines.append(said(meta(item), meta(items[j])))
    return Pairing(groups, notes, lines)


def pair(items: Sequence[Any], meta: Callable[[Any], Meta] = _meta_of, names=None) -> list[tuple]:
    """The groups of `pairing`: (narrative, tables) pairs and single files, in input order."""
    return pairing(items, meta, names).groups


def said(narrative: Meta, tables: Meta) -> str:
    """The line batch commands print for a pair."""
    return (
        f"paired {narrative.source} (narrative) + {tables.source} (tables): "
        f"one document, {describe(narrative)}"
    )


# -- combining -------------------------------------------------------------------------------
def disagreement(narrative: Meta, tables: Meta, names=None) -> str | None:
    """Why two files are not the halves of one publication (None when they are)."""
    a, b = narrative, tables
    why = []
    if a.publication != NARRATIVE:
        why.append(f"{a.source} is {_role(a)}, not a narrative without tables")
    if b.publication != TABLES:
        why.append(f"{b.source} is {_role(b)}, not a tables file")
    names = _names(names)
    if not (a.department and b.department):
        missing = [m.source for m in (a, b) if not m.department]
        why.append(f"no department found in {', '.join(missing)}")
    elif names.key(a.department) != names.key(b.department):
        why.append(f"departments differ: {a.department} ≠ {b.department}")
    if a.year is None or b.year is None:
        why.append(f"no year found in {', '.join(m.source for m in (a, b) if m.year is None)}")
    elif a.year != b.year:
        why.append(f"years differ: {a.year} ≠ {b.year}")
    if a.kind != b.kind:
        why.append(f"kinds differ: {_KIND.get(a.kind, a.kind)} ≠ {_KIND.get(b.kind, b.kind)}")
    if a.scope != b.scope:
        why.append(
            f"scopes differ: {_SCOPE.get(a.scope, a.scope)} ≠ {_SCOPE.get(b.scope, b.scope)}"
        )
    return "; ".join(why) or None


def _role(m: Meta) -> str:
    return {
        "full": "a complete disclosure (tables and narrative)",
        NARRATIVE: "a narrative without tables",
        TABLES: "a tables file",
        "targets": "a file of 绩效目标 tables only",
        SPLIT: "already a combined document",
    }.get(m.publication, m.publication)


def stamp(parsed: Parsed, file: str) -> Parsed:
    """A copy of `parsed` whose every record's line names `file` (lines shared stay shared)."""
    seen: dict[int, Line] = {}

    def line(ln: Line) -> Line:
        out = seen.get(id(ln))
        if out is None:
            out = seen[id(ln)] = ln if ln.file else replace(ln, file=file)
        return out

    def record(obj):
        if isinstance(obj, Line):
            return line(obj)
        if not is_dataclass(obj):
            return obj
        changes = {}
        for f in fields(obj):
            v = getattr(obj, f.name)
            if isinstance(v, Line):
                changes[f.name] = line(v)
            elif isinstance(v, tuple) and v and is_dataclass(v[0]):
                changes[f.name] = tuple(record(x) for x in v)
        return replace(obj, **changes) if changes else obj

    out = Parsed(meta=parsed.meta)
    for f in fields(parsed):
        v = getattr(parsed, f.name)
        if isinstance(v, list):
            setattr(out, f.name, [record(x) for x in v])
        elif f.name != "meta":
            setattr(out, f.name, record(v))
    return out


def _profile(a: Profile | None, b: Profile | None) -> Profile | None:
    if a is None or b is None:
        return a or b
    return Profile(
        a.functions or b.functions, a.institutions or b.institutions, a.staffing or b.staffing
    )


def combine(narrative: Parsed, tables: Parsed, names=None) -> Parsed:
    """One document of a split publication: the tables file's tables and amounts, the
    statements, profile, targets and glossary of whichever file prints them (both, in that
    order), and the meta of the narrative with the tables' unit and template. Raises
    `NotAPair` (naming both files) when their meta disagree."""
    n, t = narrative.meta, tables.meta
    why = disagreement(n, t, names)
    if why:
        raise NotAPair(
            f"{n.source} + {t.source}",
            f"not the narrative and tables of one publication: {why} "
            f"({n.source}: {describe(n)}, {_role(n)}; {t.source}: {describe(t)}, {_role(t)})",
        )
    a, b = stamp(narrative, n.source), stamp(tables, t.source)
    meta = replace(
        n,
        department=n.department or t.department,
        unit_as_printed=t.unit_as_printed,
        format=n.format if n.format == t.format else f"{n.format}+{t.format}",
        template=t.template,
        template_evidence=t.template_evidence,
        publication=SPLIT,
        sources=(n.source, t.source),
    )
    glossary = list(a.glossary)
    terms = {g.term for g in glossary}
    glossary += [g for g in b.glossary if g.term not in terms]
    return Parsed(
        meta=meta,
        amounts=[*b.amounts, *a.amounts],  # a narrative has at most one table of its own
        tables=[*b.tables, *a.tables],
        statements=[*a.statements, *b.statements],
        facts=[*a.facts, *b.facts],
        profile=_profile(a.profile, b.profile),
        targets=[*a.targets, *b.targets],
        glossary=glossary,
        findings=[*a.findings, *b.findings],
        unreadable=[*b.unreadable, *a.unreadable],
        contents=[*a.contents, *b.contents],
        stray=[*b.stray, *a.stray],
        prose=[*a.prose, *b.prose],
        lines=[*a.lines, *b.lines],
    )


def read_pair(first: str | Path, second: str | Path, names=None) -> Parsed:
    """Read a narrative and a tables file (in either order) into one `Parsed`.

    The tables file is read first so that its row names resolve the narrative's 款/项
    subjects to codes (as they do within one document)."""
    from .document import parse

    b = parse(second)
    if b.meta.publication == TABLES:
        return combine(parse(first, companion=b), b, names)
    a = parse(first)
    if a.meta.publication == TABLES and b.meta.publication == NARRATIVE:  # the other way round
        return combine(parse(second, companion=a), a, names)
    return combine(a, b, names)  # not a pair: raises NotAPair saying why


# -- files not yet read (the report runner) -------------------------------------------------
def _file_meta(task: tuple[str, str | None, str]) -> tuple[str, Meta | None]:
    """Job: (path, its Meta or None when it cannot be read), cached by content and `salt`."""
    import hashlib
    import json
    import os

    path, cache, salt = task
    entry = None
    if cache:
        h = hashlib.sha256(salt.encode())
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        entry = Path(cache) / f"{h.hexdigest()[:32]}.json"
        try:
            data = json.loads(entry.read_text("utf-8"))
            if data is None:
                return path, None
            data = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
            return path, replace(Meta(**data), source=path, sources=(path,))
        except (OSError, ValueError, TypeError):
            pass
    from .document import parse
    from .errors import BudgetkitError

    try:
        meta = parse(path).meta
    except BudgetkitError:
        meta = None
    except Exception:  # a bug on one file: it is read (and reported) on its own later
        return path, None
    if entry is not None:
        from dataclasses import asdict

        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(meta) if meta else None, ensure_ascii=False), "utf-8")
        os.replace(tmp, entry)
    return path, meta


def group_files(paths: Sequence[str], cache: str | Path | None = None, salt: str = "", jobs=1):
    """`pairing` of files not read yet: each file's meta is read (`jobs` at a time, kept in
    `cache` by content and `salt`, e.g. the library's version) and the files grouped. Groups
    hold the paths as given; a file that cannot be read stays alone."""
    from .corpus.scheduler import Crashed, scheduler

    metas: dict[str, Meta | None] = {}
    tasks = [(str(p), str(cache) if cache else None, salt) for p in paths]
    with scheduler(jobs) as s:
        for r in s.map(_file_meta, tasks):
            if not isinstance(r, Crashed):
                metas[r[0]] = r[1]
    unread = Meta(None, None, "budget", "department", None, "", "")
    return pairing([str(p) for p in paths], meta=lambda p: metas.get(p) or unread)
