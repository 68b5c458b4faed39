"""The catalog: canonical tables, measures and template knowledge, loaded once from data.

`data/tables.toml` declares what a disclosure contains (tables, measures, identities);
`data/templates/*.toml` hold what varies by template (title variants, header labels, row
labels). Supporting another province is adding a template file, not code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

_LABEL_DROP = re.compile(r"[\s\"“”'‘’〝〞「」]")
_PAREN = str.maketrans({"(": "（", ")": "）"})
# Leading enumerations: 一、 （一） (一) 1、 1. 1． 其中： and the code-like "表1"
_NUMBERING = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十]+[)）、.．]|[（(]?\d{1,2}[)）、.．](?!\d)|其中[:：])+"
)
# A year printed before a header label: "2024年机关运行经费预算数", "2023年度预算数"
_YEAR_PREFIX = re.compile(r"^(?:19|20)\d{2}年度?")
# Generic header suffixes: any "…科目名称" is the row label, any "…科目编码" the code columns
_SUFFIX_ROLES = (("名称", "name"), ("编码", "code"), ("代码", "code"))


def norm_label(text: str) -> str:
    """Header/title/row label → comparable form: no whitespace or quotes, full-width parens."""
    return _LABEL_DROP.sub("", text).translate(_PAREN)


def strip_numbering(label: str) -> str:
    """Remove leading enumerations (一、 1、 （一） 其中：) from a normalised label."""
    return _NUMBERING.sub("", label)


@dataclass(frozen=True)
class TableSpec:
    id: str
    zh: str
    en: str
    required: bool
    two_sided: bool
    classification: str | None
    measures: tuple[str, ...]
    row_sums: tuple[tuple[str, tuple[str, ...]], ...]
    item_sums: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Ref:
    """A figure of a canonical table: (table, side, row, measure); see tables.toml [[cross]]."""

    table: str
    side: str
    row: str
    measure: str


@dataclass(frozen=True, slots=True)
class Cross:
    """An identity across tables: figure `a` (expected) = figure `b` (actual)."""

    rule: str
    a: Ref
    b: Ref
    table: str  # the table a finding is filed under


@dataclass(frozen=True)
class Catalog:
    tables: dict[str, TableSpec]
    measures: dict[str, dict[str, str]]
    items: dict[str, dict[str, str]]
    titles: tuple[tuple[str, str], ...]  # (normalised alias, table id), longest alias first
    known_titles: tuple[tuple[str, str], ...]
    headers: dict[str, str]
    table_headers: dict[str, dict[str, str]]
    groups: dict[str, dict[str, str]]
    rows: dict[str, str]
    cross: tuple[Cross, ...] = ()

    def table_for_title(self, title: str) -> str | None:
        """Canonical table id whose longest alias the title contains, or None."""
        t = norm_label(title)
        for alias, table in self.titles:
            if alias in t:
                return table
        return None

    def known_title(self, title: str) -> str | None:
        t = norm_label(title)
        for alias, kind in self.known_titles:
            if alias in t:
                return kind
        return None

    def header_role(self, table: str, label: str) -> str | None:
        """Role or measure of a header label in a table (None if unknown).

        A leading year ("2024年机关运行经费预算数") is ignored; a label not listed that ends in
        科目名称/名称 is the row-name column, one ending in 编码/代码 a code column (the
        standard's naming: 部门经济分类科目名称, 支出功能分类科目编码, …). 项目名称 is listed.
        """
        return _header_role(table, label)

    def row_item(self, label: str) -> str | None:
        return self.rows.get(strip_numbering(norm_label(label)))


@cache
def _header_role(table: str, label: str) -> str | None:
    cat = catalog()
    lab = norm_label(label)
    for cand in (lab, _YEAR_PREFIX.sub("", lab)):
        role = cat.table_headers.get(table, {}).get(cand) or cat.headers.get(cand)
        if role:
            return role
    lab = _YEAR_PREFIX.sub("", lab)
    for suffix, role in _SUFFIX_ROLES:
        if lab.endswith(suffix) and len(lab) > len(suffix):
            return role
    return None


def _read_toml(name: str) -> dict:
    return tomllib.loads(resources.files("budgetkit").joinpath("data", name).read_text("utf-8"))


@cache
def catalog() -> Catalog:
    """The merged catalog (cached: loaded once per process)."""
    base = _read_toml("tables.toml")
    tables = {
        tid: TableSpec(
            id=tid,
            zh=spec["zh"],
            en=spec["en"],
            required=spec.get("required", False),
            two_sided=spec.get("two_sided", False),
            classification=spec.get("classification"),
            measures=tuple(spec["measures"]),
            row_sums=tuple((a, tuple(b)) for a, b in spec.get("row_sums", [])),
            item_sums=tuple((a, tuple(b)) for a, b in spec.get("item_sums", [])),
        )
        for tid, spec in base["tables"].items()
    }
    titles: dict[str, str] = {}
    known: dict[str, str] = {}
    headers: dict[str, str] = {}
    table_headers: dict[str, dict[str, str]] = {}
    groups: dict[str, dict[str, str]] = {}
    rows: dict[str, str] = {}
    tdir = resources.files("budgetkit").joinpath("data", "templates")
    for f in sorted(tdir.iterdir(), key=lambda p: p.name):
        if not f.name.endswith(".toml"):
            continue
        t = tomllib.loads(f.read_text("utf-8"))
        for tid, aliases in t.get("titles", {}).items():
            for a in aliases:
                titles[norm_label(a)] = tid
        for kind, aliases in t.get("known_titles", {}).items():
            for a in aliases:
                known[norm_label(a)] = kind
        headers.update({norm_label(k): v for k, v in t.get("headers", {}).items()})
        for tid, m in t.get("table_headers", {}).items():
            table_headers.setdefault(tid, {}).update({norm_label(k): v for k, v in m.items()})
        for tid, m in t.get("groups", {}).items():
            groups.setdefault(tid, {}).update({norm_label(k): v for k, v in m.items()})
        rows.update({strip_numbering(norm_label(k)): v for k, v in t.get("rows", {}).items()})
    by_len = lambda d: tuple(sorted(d.items(), key=lambda kv: -len(kv[0])))  # noqa: E731
    return Catalog(
        tables=tables,
        measures=base["measures"],
        items=base["items"],
        titles=by_len(titles),
        known_titles=by_len(known),
        headers=headers,
        table_headers=table_headers,
        groups=groups,
        rows=rows,
        cross=tuple(
            Cross(c["rule"], Ref(*c["a"]), Ref(*c["b"]), c.get("table", c["b"][0]))
            for c in base.get("cross", [])
        ),
    )
