"""Check stage: every identity a disclosure must satisfy, as findings with stable rule ids.

Each rule family is a module with `check(parsed) -> Iterable[Finding]`; `RULES` lists them.
A correct parse of a correct document gives no `error`.
"""

from __future__ import annotations

from importlib import import_module

from ..catalog.rules import SEVERITIES
from ..model import Finding, Parsed

#: Rule families, in report order (module names under budgetkit.check).
RULES = (
    "completeness",
    "tables",
    "cross",
    "narrative",
    "completion",
    "profile",
    "performance",
    "text",
)


def run_checks(parsed: Parsed) -> list[Finding]:
    """Reading findings plus every rule family's findings, errors first.

    A finding the same rule makes twice at the same place with the same words (the three
    expenditure panels of one 收支总表 failing on the same 支出总计) is reported once.
    """
    found = list(parsed.findings)
    for name in RULES:
        found.extend(import_module(f"{__name__}.{name}").check(parsed))
    found = list(dict.fromkeys(found))  # Finding is a frozen dataclass: equal ones are one
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(found, key=lambda f: order[f.severity])
