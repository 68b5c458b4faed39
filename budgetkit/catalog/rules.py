"""The rule catalogue (`data/rules.toml`): every finding is built here from its rule's entry.

    finding("table.row_sum", source, line, table="income", row="合计", …, expected=e, actual=a)

A rule's message template is filled with the keyword arguments; `rounding=True` emits the
rule's `.rounding` variant (severity info, message suffixed). The README's rule table is
generated from the catalogue (`markdown_table`), so docs and code cannot drift apart.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from ..model import Finding
from ..money import fmt_wan
from ..reader.lines import Line

SEVERITIES = ("error", "warning", "info")
ROUNDING = ".rounding"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: str
    description: str
    message: str
    messages: dict[str, str]
    rounding: bool  # may be emitted as `<id>.rounding` (info) within tolerance
    rounding_suffix: str

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]


@cache
def rules() -> dict[str, Rule]:
    """Every rule of the catalogue by id, in catalogue order."""
    data = tomllib.loads(
        resources.files("budgetkit").joinpath("data", "rules.toml").read_text("utf-8")
    )
    suffix = data["rounding"]["suffix"]
    out = {}
    for rid, r in data["rules"].items():
        if r["severity"] not in SEVERITIES:
            raise ValueError(f"rules.toml: {rid}: unknown severity {r['severity']!r}")
        out[rid] = Rule(
            rid,
            r["severity"],
            r["description"],
            r["message"],
            dict(r.get("messages", {})),
            bool(r.get("rounding", False)),
            r.get("rounding_suffix", suffix),
        )
    return out


def rule(rule_id: str) -> Rule:
    """The catalogue entry of a finding's rule id (a `.rounding` id maps to its rule)."""
    return rules()[rule_id.removesuffix(ROUNDING)]


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, Decimal):
        return fmt_wan(v)
    return str(v)


def finding(
    rule_id: str,
    source: str,
    line: Line | None = None,
    *,
    table: str | None = None,
    code: str | None = None,
    expected: Any = None,
    actual: Any = None,
    severity: str | None = None,
    variant: str | None = None,
    rounding: bool = False,
    **params: Any,
) -> Finding:
    """A `Finding` of `rule_id` at `source` (file) and `line`, its message from the catalogue.

    `expected`/`actual` (Decimal 万元 or text) fill {expected}/{actual} and, when both are
    Decimals, {diff}; other placeholders come from `params`. `severity` overrides the rule's
    default (rules documented as "error/warning" choose per case); `rounding` emits the
    `.rounding` variant at severity info.
    """
    r = rules()[rule_id]
    if rounding and not r.rounding:
        raise ValueError(f"rule {rule_id} has no rounding variant")
    values = {"code": code or "", "expected": _text(expected), "actual": _text(actual), **params}
    if isinstance(expected, Decimal) and isinstance(actual, Decimal):
        values["diff"] = fmt_wan(actual - expected)
    template = r.messages[variant] if variant else r.message
    message = template.format(**values)
    if rounding:
        message += r.rounding_suffix.format(**values)
    return Finding(
        rule=rule_id + ROUNDING if rounding else rule_id,
        severity="info" if rounding else (severity or r.severity),
        table=table,
        code=code,
        message=message,
        expected=_text(expected),
        actual=_text(actual),
        file=line.file if line is not None and line.file else source,
        page=line.page if line else None,
        line=line.lineno if line else None,
    )


def markdown_table() -> str:
    """The README's rule table: rule id, severity, what must hold (from the catalogue)."""
    rows = ["| rule | severity | what must hold |", "|---|---|---|"]
    for r in rules().values():
        sev = r.severity + (" (`.rounding`: info)" if r.rounding else "")
        rows.append(f"| `{r.id}` | {sev} | {r.description} |")
    return "\n".join(rows)
