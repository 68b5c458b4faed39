"""The README stays honest: its rule table is the catalogue, and the catalogue is the code."""

from __future__ import annotations

import re
from pathlib import Path

from budgetkit.catalog.rules import markdown_table, rules

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def _code() -> str:
    files = [*(ROOT / "budgetkit").rglob("*.py"), *(ROOT / "budgetkit" / "data").rglob("*.toml")]
    return "\n".join(p.read_text("utf-8") for p in files if p.name != "rules.toml")


def test_readme_rule_table_is_generated_from_the_catalogue():
    block = re.search(r"<!-- rules:[^>]*-->\n(.*?)\n<!-- /rules -->", README, re.S)
    assert block, "README lost its generated rule table"
    assert block.group(1) == markdown_table(), "run `budgetkit rules --markdown` into README"


def test_every_catalogued_rule_is_emitted_somewhere():
    code = _code()
    unused = [rid for rid in rules() if f'"{rid}"' not in code]
    assert unused == []


def test_every_rule_the_code_names_is_catalogued():
    ids = set(re.findall(r'finding\(\s*"([a-z_]+\.[a-z_.]+)"', _code()))
    ids |= set(re.findall(r'rule = "([a-z_]+\.[a-z_.]+)"', _code()))
    assert len(ids) > 20
    assert sorted(ids - set(rules())) == []
