"""A new province's template is data: a file in a folder, no code change, and it never changes
how another province's documents are read (issue "One house for many templates")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import budgetkit
from budgetkit.catalog import templates

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "000_d8581a66e967af08.txt"

# A province whose 三公 table is titled 财政拨款公务经费支出情况表 (no 三公 in its title): the
# standard takes it for the 财政拨款支出表; this template says what it is.
TEMPLATE = """
name = "testprov"
extends = "standard"
[detect]
cover = ["测试省"]
[titles.rules]
three_public = { all = ["财政拨款", "公务经费", "支出"] }
"""


def _variant(seed: str) -> str:
    """The seed as that province prints it: its cover line, 公开NN表 labels, the 三公 table's
    own title and a 一般公共预算 title ending in （功能科目）."""
    v = seed.replace("2024 年部门预算公开\n", "2024 年部门预算公开\n\n测试省财政厅监制\n", 1)
    v = re.sub(r"^表 (\d+)$", lambda m: f"公开{int(m.group(1)):02d}表", v, flags=re.M)
    v = v.replace("财政拨款“三公”经费支出情况表", "财政拨款公务经费支出情况表")
    return v.replace("\n一般公共预算支出情况表\n", "\n一般公共预算支出情况表（功能科目）\n")


def _read(path: Path):
    d = budgetkit.read(path)
    findings = sorted((f.rule, f.severity, f.page, f.message) for f in d.findings())
    return d, findings


@pytest.fixture
def province(tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "testprov.toml").write_text(TEMPLATE, "utf-8")
    variant = tmp_path / "variant.txt"
    variant.write_text(_variant(SEED.read_text("utf-8")), "utf-8")
    before = _read(SEED)
    monkeypatch.setenv("BUDGETKIT_TEMPLATES", str(folder))
    templates._raw_templates.cache_clear()
    templates.template.cache_clear()
    yield variant, before
    monkeypatch.delenv("BUDGETKIT_TEMPLATES")
    templates._raw_templates.cache_clear()
    templates.template.cache_clear()


def test_the_standard_alone_misreads_the_variant(tmp_path):
    variant = tmp_path / "variant.txt"
    variant.write_text(_variant(SEED.read_text("utf-8")), "utf-8")
    d = budgetkit.read(variant)
    assert d.meta.template == "standard"
    assert d.summary()["three_public_total"] is None
    assert "completeness.table.missing" in {f.rule for f in d.findings() if f.severity == "error"}


def test_a_template_in_a_folder_reads_its_variant_and_leaves_the_seed_alone(province):
    variant, (seed_before, seed_findings_before) = province
    d = budgetkit.read(variant)
    assert d.meta.template == "testprov" and d.meta.template_evidence == ("cover: 测试省",)
    assert d.summary()["three_public_total"] == "4.96"
    assert not [f for f in d.findings() if f.severity == "error"]
    # the variant reads as the seed does: the same figures, table by table
    assert {k: v for k, v in d.summary().items() if k != "warnings"} == {
        k: v for k, v in seed_before.summary().items() if k != "warnings"
    }
    seed, seed_findings = _read(SEED)
    assert seed.meta.template == "standard"
    assert seed.summary() == seed_before.summary() and seed_findings == seed_findings_before
    assert seed.amounts.equals(seed_before.amounts)


def test_a_keyed_entry_of_a_child_replaces_the_parents_whole():
    parent = {"titles": {"rules": {"three_public": {"all": ["三公"]}}, "labels": ["a"]}}
    child = {"titles": {"rules": {"three_public": {"all": ["公务经费"]}}, "labels": ["b"]}}
    merged = templates.merge(parent, child)
    assert merged["titles"]["rules"]["three_public"] == {"all": ["公务经费"]}
    assert merged["titles"]["labels"] == ["b", "a"]  # pattern lists: the child's first
