"""The README stays honest: every rule id the checks can emit is documented there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_rule_id_is_in_the_readme():
    readme = (ROOT / "README.md").read_text("utf-8")
    source = "\n".join(p.read_text("utf-8") for p in (ROOT / "budgetkit").rglob("*.py"))
    ids = set(
        re.findall(
            r'"((?:table|cross|completeness|narrative|profile|performance|read)\.[a-z_.]+)"', source
        )
    )
    ids = {i.removesuffix(".rounding") for i in ids if not i.endswith(".")}
    assert len(ids) > 30
    undocumented = sorted(i for i in ids if f"`{i}`" not in readme and f"`{i}.total`" not in readme)
    assert undocumented == []
