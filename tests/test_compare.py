"""Comparison across departments (analysis/compare.py) on real documents, hand-checked, and
department identity (corpus/departments.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import budgetkit.corpus
from budgetkit.analysis import compare
from budgetkit.corpus import build
from budgetkit.corpus.departments import aliases, normalise, region_of

from .conftest import SEED, SHANGHAI
from .test_corpus_build import copies

WANLI = "上海市普陀区人民政府万里街道办事处"


@pytest.fixture(scope="module")
def shanghai(tmp_path_factory):
    """The bundled Shanghai documents (PDFs and the text dump) and the seed, as one corpus."""
    out = tmp_path_factory.mktemp("sh") / "corpus"
    build([SHANGHAI, SEED], out, jobs=2)
    return budgetkit.corpus.open(out)


@pytest.mark.slow
def test_departments_of_putuo_2025(shanghai):
    peers = compare.departments(shanghai, region="上海市普陀区", year=2025)
    by = peers.set_index("department_key")
    # one document per department: 部门 before 单位, the PDF before the text dump
    assert sorted(by.index) == sorted(
        [WANLI, "上海市普陀区人民政府办公室", "上海市普陀区商务委员会", "上海市普陀区财政局"]
    )
    assert set(by["scope"]) == {"department"}
    w = by.loc[WANLI]
    assert w["total"] == Decimal("18976.7551")  # 支出预算总表 合计, p.18
    # growth on the 2024 document: (18976.7551 − 15621.1123) / 15621.1123
    assert w["growth"] == pytest.approx(21.4814, abs=1e-4)
    assert w["three_public"] == Decimal("37.91") and w["three_public_change"] == Decimal("-10")
    assert w["three_public_change_from"] == "prior document"  # 2024: 47.91
    assert w["basic_pct"] == pytest.approx(
        float(Decimal("10134.1746") / Decimal("18976.7551") * 100)
    )
    assert w["personnel"] + w["public"] == w["basic"]  # gpb_basic 合计 = 基本支出 here
    # no 2024 document for 商务委: no growth, the narrative's 三公 change instead
    s = by.loc["上海市普陀区商务委员会"]
    assert pd.isna(s["growth"]) and s["three_public_change_from"] == "narrative"
    assert by["staff"].isna().all()  # Shanghai does not print head counts


@pytest.mark.slow
def test_ranking_and_position(shanghai):
    peers = compare.departments(shanghai, region="上海市普陀区", year=2025)
    r = compare.ranking(peers, "total")
    assert list(r["department_key"])[:2] == ["上海市普陀区商务委员会", WANLI]
    assert list(r["rank"]) == [1, 2, 3, 4]
    assert sum(r["share"]) == pytest.approx(100)
    pos = compare.position(peers, WANLI).set_index("measure")
    assert (pos.loc["total", "rank"], pos.loc["total", "of"]) == (2, 4)
    assert pos.loc["growth", "of"] == 1  # only 万里 has last year's document


@pytest.mark.slow
def test_panel_and_constant_prices(shanghai):
    p = compare.panel(shanghai, region="上海市普陀区", department_key=WANLI)
    tot = p[p.measure == "expenditure_total"].set_index("year")["amount"]
    assert dict(tot) == {
        2023: Decimal("16497.864"),
        2024: Decimal("15621.1123"),
        2025: Decimal("18976.7551"),
    }
    real = compare.constant_prices(p, base_year=2023)
    rt = real[real.measure == "expenditure_total"].set_index("year")["amount"]
    assert rt[2023] == Decimal("16497.864")
    # 2024 in 2023 prices: CPI 2024 = 100.2 (上年 = 100)
    assert rt[2024] == (Decimal("15621.1123") * 100 / Decimal("100.2")).quantize(Decimal("1e-6"))


def test_cpi_table_has_its_source():
    data = compare.cpi()
    assert "国家统计局" in data["source"] and data["index"][2023] == Decimal("100.2")
    assert compare.price_level(2014) == 100 and compare.price_level(2030) is None
    df = compare.constant_prices(
        pd.DataFrame({"year": [2024, 2030], "amount": [Decimal(1)] * 2}), 2024
    )
    assert df["amount"].iloc[0] == 1 and df["amount"].iloc[1] is None
    assert df.attrs["no_cpi"] == [2030]


def test_per_staff_where_staffing_is_published(tmp_path):
    copies(tmp_path / "data", 2)
    build([tmp_path / "data"], tmp_path / "c", jobs=1)
    peers = compare.departments(budgetkit.corpus.open(tmp_path / "c"), region="测试市")
    row = peers.iloc[0]
    # the seed: 在职 8 人 (概况), 支出合计 342.31, 公用经费 19.44
    assert row["staff"] == 8
    assert row["per_staff"] == pytest.approx(342.31 / 8)
    assert row["per_staff_public"] == pytest.approx(19.44 / 8)
    assert len(peers) == 2 and set(peers["year"]) == {2024}


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("中共西安市委宣传部", "西安市委宣传部"),
        ("中共上海市委办公厅", "上海市委办公厅"),
        ("上海市普陀区人民政府办公室(本级)", "上海市普陀区人民政府办公室"),
        ("西安市信访局（汇总）", "西安市信访局"),
        ("深圳市人力资源和社会保障局（含下属单位）", "深圳市人力资源和社会保障局"),
        ("上海市财政局(市级单位)", "上海市财政局"),
        ("上海市普陀区财政局部门", "上海市普陀区财政局"),
        ("上海市普陀区司法局单位", "上海市普陀区司法局"),
        ("西安市安全生产监督管理局", "西安市应急管理局"),  # an alias of the bundled table
        (" 上海市普陀区 人民政府办公室 ", "上海市普陀区人民政府办公室"),
    ],
)
def test_department_key(printed, key):
    assert aliases().key(printed) == key


def test_department_scope_words_inside_a_name_stay():
    assert normalise("上海市普陀区人民政府万里街道办事处") == WANLI
    assert normalise("国家单位管理中心") == "国家单位管理中心"  # 单位 inside a name is kept
    assert region_of("上海市普陀区司法局") == "上海市普陀区" and region_of("国家信访局") == ""


def test_corpus_alias_file_wins(tmp_path):
    (tmp_path / "departments.toml").write_text(
        '[departments."上海市应急局"]\naliases = ["西安市应急管理局"]\n', "utf-8"
    )
    a = aliases(tmp_path)
    assert a.key("西安市安全生产监督管理局") == "上海市应急局"  # alias of an alias
    (tmp_path / "departments.toml").write_text("not toml [", "utf-8")
    with pytest.raises(budgetkit.errors.BudgetkitError, match="departments.toml"):
        aliases(tmp_path)


@pytest.mark.slow
def test_compare_notebook_runs(shanghai, tmp_path):
    import papermill

    from budgetkit.present.record import recorded

    nb = Path(__file__).resolve().parents[1] / "notebooks" / "compare.ipynb"
    out = tmp_path / "compare.ipynb"
    papermill.execute_notebook(
        str(nb),
        str(out),
        parameters={"corpus": str(shanghai.path), "region": "上海市普陀区", "base_year": 2023},
        cwd=str(nb.parent),
        progress_bar=False,
        kernel_name="python3",
    )
    v = recorded(out)
    assert v["year"] == 2025 and v["departments"] == 4
    assert v["ranking_total"][0]["department_key"] == "上海市普陀区商务委员会"
    assert v["position_of"] == "上海市普陀区商务委员会"
    assert v["panel_years"] == [2023, 2024, 2025, 2026]
    html = out.read_text("utf-8")
    assert html.count("data:text/csv;charset=utf-8;base64,") >= 5  # every chart's rows as CSV
    import nbformat

    for cell in nbformat.read(out, as_version=4).cells:  # one link per chart, not two
        if "chart_with_rows" in cell.source:
            shown = "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)
            assert shown.count("data:text/csv;charset=utf-8;base64,") == 1, cell.source
