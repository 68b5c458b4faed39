"""The catalog: what a disclosure contains, declared once as data.

- `catalog()`: canonical tables, measures, row items and cross-table identities
  (data/tables.toml) — the same for every document;
- `templates`: what a finance bureau's template prints (titles, header and row labels,
  narrative phrases), chosen per document (data/templates/);
- `rules`: every finding's rule (data/rules.toml);
- `fields`: columns of the DataFrame views and the headline figures (data/fields.toml).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


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
    kinds: tuple[str, ...] = ("budget", "final")  # document kinds that publish it
    satisfied_by: tuple[str, ...] = ()  # other tables that publish the same figures
    flows: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()  # closing = +… −…
    missing_severity: str = "error"  # severity of completeness.table.missing


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
    kinds: tuple[str, ...] = ("budget", "final")
    alternatives: tuple[Ref, ...] = ()  # other places figure a may be printed, in order
    any_of: bool = False  # b may equal any printed alternative (else: the first printed one)


@dataclass(frozen=True)
class Catalog:
    tables: dict[str, TableSpec]
    measures: dict[str, dict[str, str]]
    items: dict[str, dict[str, str]]
    scopes: dict[str, dict[str, str]]
    cross: tuple[Cross, ...] = ()

    def measure_label(self, measure: str, language: str = "zh") -> str:
        """Label of a (possibly scoped) measure: prior_actual.basic → 上年执行数·基本支出."""
        scope, _, base = measure.rpartition(".")
        m = self.measures.get(base)
        label = m.get(language, m["zh"]) if m else base
        if scope:
            parts = [self.scopes.get(a, {}).get(language, a) for a in scope.split("_")]
            label = "".join(parts) + "·" + label
        return label

    def base_measure(self, measure: str) -> str:
        return measure.rpartition(".")[2]


def _refs(spec: list) -> list[Ref]:
    """One figure [table, side, row, measure], or a list of alternatives."""
    return [Ref(*r) for r in spec] if isinstance(spec[0], list) else [Ref(*spec)]


def _read_toml(name: str) -> dict:
    return tomllib.loads(resources.files("budgetkit").joinpath("data", name).read_text("utf-8"))


@cache
def catalog() -> Catalog:
    """The canonical catalog (cached: loaded once per process)."""
    base = _read_toml("tables.toml")
    shared = base.get("decompositions", {})

    def sums(spec: dict) -> tuple[tuple[str, tuple[str, ...]], ...]:
        out: list[list[Any]] = []  # [sum, [parts…]] as the TOML gives them
        for s in spec.get("row_sums", []):
            out.extend(shared[s] if isinstance(s, str) else [s])
        return tuple((a, tuple(b)) for a, b in out)

    def measures(spec: dict) -> tuple[str, ...]:
        named = [m for a, b in sums(spec) for m in (a, *b)]
        return tuple(dict.fromkeys([*spec["measures"], *named]))

    tables = {
        tid: TableSpec(
            id=tid,
            zh=spec["zh"],
            en=spec["en"],
            required=bool(spec.get("required", False)),
            two_sided=spec.get("two_sided", False),
            classification=spec.get("classification"),
            measures=measures(spec),
            row_sums=sums(spec),
            item_sums=tuple((a, tuple(b)) for a, b in spec.get("item_sums", [])),
            kinds=tuple(spec.get("kinds", ("budget", "final"))),
            satisfied_by=tuple(spec.get("satisfied_by", ())),
            flows=tuple((t, tuple(p), tuple(m)) for t, p, m in spec.get("flows", [])),
            missing_severity=spec["required"] if isinstance(spec.get("required"), str) else "error",
        )
        for tid, spec in base["tables"].items()
    }
    return Catalog(
        tables=tables,
        measures=base["measures"],
        items=base["items"],
        scopes=base.get("scopes", {}),
        cross=tuple(
            Cross(
                c["rule"],
                _refs(c["a"])[0],
                Ref(*c["b"]),
                c.get("table", c["b"][0]),
                tuple(c.get("kinds", ("budget", "final"))),
                tuple(_refs(c["a"])[1:]),
                c.get("any_of", False),
            )
            for c in base.get("cross", [])
        ),
    )
