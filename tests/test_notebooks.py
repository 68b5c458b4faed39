"""Every notebook executes under papermill on the seed, and records the values it shows.

One batch run of the five notebooks on the seed (2 jobs) plus the trend notebook on the
2025 万里街道 PDF with its folder as corpus (the three-year series). Assertions are on the
values the notebooks `record`, hand-checked against the documents (see test_analysis).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from budgetkit.present.record import recorded
from budgetkit.report import run_reports

from .conftest import SEED, SHANGHAI

ROOT = Path(__file__).resolve().parent.parent
ALL = ("structure", "trend", "performance", "explore", "literacy")
WANLI_2025 = SHANGHAI / "上海市普陀区人民政府万里街道办事处25年预算.pdf"


@pytest.fixture(scope="module")
def values(tmp_path_factory):
    out = tmp_path_factory.mktemp("notebooks")
    result = run_reports([SEED], out, ALL, jobs=2)
    assert result.exit_code == 0, result.summary()
    return {o.notebook: recorded(o.ipynb) for o in result.outcomes}


def test_structure_records_hand_checked_values(values):
    v = values["structure"]
    assert v["department"] == "昌吉回族自治州人民政府驻北京联络处" and v["year"] == 2024
    assert v["funding"] == {
        "一般公共预算": {"amount": "232.31", "pct": "67.87"},
        "单位资金": {"amount": "110.00", "pct": "32.13"},
    }
    assert v["basic_project"]["基本支出"] == {"amount": "160.31", "pct": "46.83"}
    assert v["personnel_public"]["公用经费"] == {"amount": "19.44", "pct": "12.13"}
    assert v["procurement"]["货物"] == {"amount": "59.77", "pct": "58.07"}
    assert v["procurement_total"] == "102.93"
    assert v["per_staff"]["public"] == "2.43"
    assert v["three_public_total"] == "4.96" and v["operating_costs"] == "19.44"
    assert v["largest_item"] == "一般行政管理事务"
    assert v["findings"].get("error", 0) == 0


def test_trend_records_the_reconstruction(values):
    v = values["trend"]
    assert (v["last_year_total"], v["last_year_basic"], v["last_year_project"]) == (
        "312.18",
        "168.18",
        "144.00",
    )
    assert v["reconstruction_status"]["上年支出 = 上年收入"] == "一致"
    assert v["years"] == [2024]


def test_performance_records_indicators(values):
    v = values["performance"]
    assert v["indicators"] == 21 and v["tables"] == 3
    assert set(v["weights"].values()) == {"90"}
    assert v["below_prior"] == 6 and v["below_prior_items"][0].startswith("设备购置数量(台)")
    assert v["cost_vs_budget"]["机构运行补助经费"] == {
        "budget": "72.00",
        "costs": "72.00",
        "status": "一致",
    }
    assert v["three_public_holds"] is True


def test_explore_drills_down_with_provenance(values):
    v = values["explore"]
    assert v["classes"] == {"201": "298.75", "208": "23.12", "210": "8.18", "221": "12.27"}
    assert v["drill_parent"] == "201" and v["drill"] == {"20103": "298.75"}
    assert v["behind_code"] == "2010302"
    assert "expenditure/total=182.00@164" in v["behind"]  # 表3 line 164
    assert "gpb_expenditure/total=72.00@237" in v["behind"]  # 表5 line 237


def test_literacy_shows_an_identity_holding_and_a_broken_copy_failing(values):
    v = values["literacy"]
    assert v["identity"]["holds"] is True and v["identity"]["sum"] == "342.31"
    assert v["findings"].get("error", 0) == 0
    assert v["broken_errors"] > 0 and "table.row_sum" in v["broken_rules"]
    assert "机关运行经费" in v["glossary_terms"] and len(v["glossary_terms"]) == 8
    assert v["exercise_public_per_staff"] == "2.43" and v["exercise_last_year"] == "312.18"
    assert v["tables"] == 11


def test_trend_finds_the_department_over_three_years(tmp_path):
    result = run_reports([WANLI_2025], tmp_path, ["trend"])
    assert result.exit_code == 0, result.summary()
    v = recorded(result.outcomes[0].ipynb)
    assert v["years"] == [2023, 2024, 2025]
    assert v["series"]["2024:expenditure_total"] == "15621.1123"  # 156,211,123 元, PDF p. 20
    assert v["series"]["2025:basic"] == "10134.1746"  # 101,341,746 元
    assert set(v["stated_vs_actual"].values()) <= {"一致", "舍入"}


def test_notebooks_are_stored_clean_with_parameters():
    for name in ALL:
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), name
        params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1, name
        for p in ("document", "corpus", "department", "year", "language"):
            assert f"\n{p} = " in "\n" + params[0].source, (name, p)
        assert max(len(c.source.splitlines()) for c in code) <= 12, name  # thin cells
