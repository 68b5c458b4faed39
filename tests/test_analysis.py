"""Analysis functions: hand-checked values on the seed (data/seed/000_…txt) and Shanghai PDFs.

Every expected value below was read off the document by hand (seed line numbers in comments;
Shanghai figures off the rendered PDF pages, amounts printed in 元 → 万元 = 元 ÷ 10000).
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

import budgetkit
from budgetkit.analysis import indicators, structure, trend
from budgetkit.money import fmt_wan

from .conftest import SEED, SHANGHAI

WANLI = "上海市普陀区人民政府万里街道办事处"


@pytest.fixture(scope="module")
def doc():
    return budgetkit.read(SEED)


@pytest.fixture(scope="module")
def wanli():
    return trend.find_documents(SHANGHAI, WANLI)


# -- shares --------------------------------------------------------------------------------


def test_largest_remainder_adds_to_exactly_100():
    assert structure.largest_remainder([D("232.31"), D("110.00")]) == [D("67.87"), D("32.13")]
    # three equal thirds: plain rounding gives 99.99; the largest remainder gives 100.00
    thirds = structure.largest_remainder([1, 1, 1])
    assert thirds == [D("33.34"), D("33.33"), D("33.33")] and sum(thirds) == 100
    assert structure.largest_remainder([D(1), None, D(3)]) == [D("25.00"), None, D("75.00")]
    assert structure.largest_remainder([0, 0]) == [None, None]


# -- structure (seed) ----------------------------------------------------------------------


def test_funding_sources(doc):
    # 表2 总计 line 122: 342.31 = 一般公共预算 232.31 + 单位资金 110.00; 情况说明 says 67.87% / 32.13%
    s = structure.funding_sources(doc)
    assert list(s["label"]) == ["一般公共预算", "单位资金"]
    assert list(s["amount"]) == [D("232.31"), D("110.00")]
    assert list(s["pct"]) == [D("67.87"), D("32.13")] and sum(s["pct"]) == 100
    assert s["share"].sum() == pytest.approx(1.0)
    assert set(s["line"]) == {122}


def test_by_function_levels(doc):
    classes = structure.by_function(doc, level=1)  # 表3 lines 162–176
    assert dict(zip(classes["code"], classes["amount"], strict=True)) == {
        "201": D("298.75"),
        "208": D("23.12"),
        "210": D("8.18"),
        "221": D("12.27"),
    }
    assert sum(classes["pct"]) == 100
    items = structure.by_function(doc, level=3)
    assert len(items) == 9 and items.loc[items["code"] == "2010302", "project"].item() == D(
        "182.00"
    )
    assert items.loc[items["code"] == "2010302", "parent"].item() == "20103"
    gpb = structure.by_function(doc, level=3, table="gpb_expenditure")  # 表5: 72.00 not 182.00
    assert gpb.loc[gpb["code"] == "2010302", "amount"].item() == D("72.00")
    assert gpb.loc[gpb["code"] == "2010302", "line"].item() == 237


def test_by_economic(doc):
    econ = structure.by_economic(doc, level=1)  # 表6 lines 266, 277, 287
    assert list(econ["amount"]) == [D("140.35"), D("19.44"), D("0.53")]
    kuan = structure.by_economic(doc, level=2)
    assert kuan.loc[kuan["code"] == "30217", "amount"].item() == D("0.16")  # 公务接待费
    assert len(kuan) == 21


def test_basic_project_personnel_public(doc):
    bp = structure.basic_vs_project(doc)  # 表3 总计 line 161; 情况说明 46.83% / 53.17%
    assert list(bp["amount"]) == [D("160.31"), D("182.00")]
    assert list(bp["pct"]) == [D("46.83"), D("53.17")]
    pp = structure.personnel_vs_public(doc)  # 表6 总计 line 265 (140.88 + 19.44 = 160.32 ≈ 160.31)
    assert list(pp["amount"]) == [D("140.88"), D("19.44")]
    assert list(pp["pct"]) == [D("87.87"), D("12.13")]
    assert pp.attrs["total"] == D("160.31")


def test_three_public_and_operating_costs(doc):
    tp = structure.three_public(doc).set_index("item")  # 表10 lines 349–354; narrative line 486–488
    assert tp.loc["total", "amount"] == D("4.96")
    assert tp.loc["vehicle_operation", "amount"] == D("4.80")
    assert tp.loc["reception", "amount"] == D("0.16")
    assert tp.loc["abroad", "amount"] == 0  # blank row in the table, "0 万元" in the narrative
    assert tp.loc["total", "change"] == D("0.00") and tp.loc["total", "last_year"] == D("4.96")
    oc = structure.operating_costs(doc)  # line 498: 19.44, 增加 0.74 ⇒ 18.70 last year
    assert oc == {
        "amount": D("19.44"),
        "change": D("0.74"),
        "growth": D("3.96"),
        "last_year": D("18.70"),
        "public": D("19.44"),
        "equals_public": True,
    }


def test_procurement_assets_per_staff(doc):
    p = structure.procurement(doc)  # line 502: 102.93 = 59.77 + 0 + 43.16
    assert list(p["label"]) == ["货物", "工程", "服务"]
    assert list(p["amount"]) == [D("59.77"), D("0"), D("43.16")]
    assert list(p["pct"]) == [D("58.07"), D("0.00"), D("41.93")]
    assert p.attrs["total"] == D("102.93") and p.attrs["sum_ok"] is True
    a = structure.assets(doc).set_index("item")  # lines 510–516
    assert (
        a.loc["houses_area", "value"] == D("3287.52") and a.loc["houses_area", "unit"] == "平方米"
    )
    assert a.loc["vehicles_count", "value"] == 3 and a.loc["vehicles_value", "value"] == D("125.46")
    assert structure.asset_values(doc)["amount"].sum() == D("1296.76")  # 652.09+125.46+15.15+504.06
    per = structure.per_staff(doc).set_index("figure")  # 在职 8 人 (line 65)
    assert per.loc["public", "per_person"] == D("2.43")  # 19.44 / 8
    assert per.loc["personnel", "per_person"] == D("17.61")  # 140.88 / 8
    assert per.loc["basic", "per_person"] == D("20.04")  # 160.31 / 8 = 20.03875, half-up
    assert set(per["staff"]) == {8}


def test_key_figures(doc):
    k = dict(zip(*structure.key_figures(doc)[["key", "value"]].T.values, strict=True))
    assert k["income_total"] == k["expenditure_total"] == D("342.31")
    assert k["three_public_total"] == D("4.96") and k["staff"] == 8


@pytest.mark.slow
def test_report_key_figures_are_the_summary_figures_of_every_bundled_document():
    for path in [SEED, *sorted(SHANGHAI.glob("*.pdf"))]:
        doc = budgetkit.read(path)
        summary = doc.summary()
        key = structure.key_figures(doc).set_index("key")["value"]
        for k, v in summary.items():
            if k in key.index:
                assert fmt_wan(key[k]) == v, (path.name, k)


def test_a_contradicted_total_is_the_same_everywhere_and_flagged(mutate):
    # 表1 收入总计 changed to 343.31 (line 109): summary and report once disagreed
    doc = budgetkit.read(mutate("收入总计\t342.31", "收入总计\t343.31"))
    summary = doc.summary()
    key = dict(zip(*structure.key_figures(doc)[["key", "value"]].T.values, strict=True))
    assert summary["income_total"] == fmt_wan(key["income_total"]) == "343.31"
    warned = {w["figure"]: w["reason"] for w in summary["warnings"]}
    assert "table.balance" in warned["income_total"] or "table.side_sum" in warned["income_total"]


# -- structure (Shanghai) ----------------------------------------------------------------


def test_structure_on_a_shanghai_pdf():
    # 上海市普陀区商务委员会 2025 部门预算: 部门支出预算总表 合计 371,514,655 元 =
    # 基本支出 19,830,655 + 项目支出 351,684,000 (PDF p. 16)
    doc = budgetkit.read(SHANGHAI / "上海市普陀区商务委员会25年预算.pdf")
    bp = structure.basic_vs_project(doc)
    assert list(bp["amount"]) == [D("1983.0655"), D("35168.4000")]
    assert list(bp["pct"]) == [D("5.34"), D("94.66")]
    classes = structure.by_function(doc, level=1)
    assert classes.loc[classes["code"] == "215", "amount"].item() == D("29381.000000")
    assert sum(classes["pct"]) == 100
    assert structure.per_staff(doc).empty  # Shanghai documents state no staff count
    p = structure.procurement(doc)  # 38.20 = 货物 7.80 + 工程 0 + 服务 30.40 万元 (p. 22)
    assert list(p["amount"]) == [D("7.80"), D("0"), D("30.40")]


# -- trend ------------------------------------------------------------------------------


def test_reconstruction_of_last_year(doc):
    r = trend.reconstruct(doc).set_index("topic")
    assert r.loc["expenditure.basic", "last_year"] == D("168.18")  # 160.31 − (−7.87), line 401
    assert r.loc["expenditure.project", "last_year"] == D("144.00")  # 182.00 − 38.00, line 403
    assert r.loc["income.gpb", "last_year"] == D("202.18")  # 232.31 − 30.13, line 383
    assert r.loc["income.unit_funds", "last_year"] == D("110.00")
    assert r.loc["expenditure.basic", "growth_stated"] == pytest.approx(-4.68)
    assert r.loc["expenditure.basic", "growth_implied"] == pytest.approx(-7.87 / 168.18 * 100)
    assert trend.last_year_totals(doc) == {
        "basic": D("168.18"),
        "project": D("144.00"),
        "total": D("312.18"),
    }
    checks = trend.reconstruction_check(doc).set_index("check")
    first = checks.loc["上年支出 = 上年收入"]
    assert first["left"] == first["right"] == D("312.18") and first["status"] == "一致"
    assert set(checks["status"]) == {"一致"} and len(checks) == 4


def test_bridges(doc):
    b = trend.bridge(doc)
    assert list(b["label"]) == ["基本支出", "项目支出"]
    assert list(b["change"]) == [D("-7.87"), D("38.00")]
    assert b.attrs == {"start": D("312.18"), "end": D("342.31")}
    inc = trend.bridge(doc, by="income")
    assert inc.attrs["start"] == D("312.18")
    assert inc.loc[inc["label"] == "一般公共预算", "change"].item() == D("30.13")


def test_series_of_wanli_over_three_years(wanli):
    assert [d.meta.year for d in wanli] == [2023, 2024, 2025]
    assert all(d.meta.source.endswith(".pdf") for d in wanli)  # the PDF beats the text dump
    s = trend.series(wanli)
    total = s[s["measure"] == "expenditure_total"].set_index("year")
    # 部门支出预算总表 合计 (PDF pp. 18, 20, 18): 164,978,640 / 156,211,123 / 189,767,551 元
    assert list(total["amount"]) == [D("16497.8640"), D("15621.1123"), D("18976.7551")]
    assert total.loc[2024, "change"] == D("-876.7517")
    assert total.loc[2025, "change"] == D("3355.6428")
    assert total.loc[2023, "growth"] != total.loc[2023, "growth"]  # NaN: no earlier year
    basic = s[s["measure"] == "basic"].set_index("year")["amount"]
    assert list(basic) == [D("9940.6297"), D("9970.6020"), D("10134.1746")]
    wide = trend.series_table(s)
    assert list(wide.columns) == ["2023年", "2024年", "2025年"]


def test_stated_changes_agree_with_last_years_document(wanli):
    # 2024 narrative: 财政拨款 15621.11 万元, 比上年减少 876.75 ⇒ 16497.86 ≈ 2023's 16497.8640
    sva = trend.stated_vs_actual(wanli)
    row = sva[(sva["year"] == 2024) & (sva["label"] == "财政拨款")].iloc[0]
    assert row["stated_change"] == D("-876.75") and row["status"] == "舍入"
    assert set(sva["status"]) <= {"一致", "舍入"}
    b = trend.bridge_between(wanli[0], wanli[1])
    assert b.attrs["start"] == D("16497.8640") and b.attrs["end"] == D("15621.1123")
    assert b.loc[b["code"] == "204", "change"].item() == D("38.0700")  # 125.23 → 163.30


def test_stated_changes_of_text_documents_without_pages(tmp_path, seed_text):
    """Text files have no page numbers (NA): the earliest statement is still found by line.
    Two years of the seed: the 2023 copy prints the same figures as 2024, so the implied prior
    differs from it by exactly the stated change (三公: no change, stated 0)."""
    docs = []
    for year in (2023, 2024):
        p = tmp_path / f"seed{year}.txt"
        p.write_text(seed_text.replace("2024", str(year)), "utf-8")
        docs.append(budgetkit.read(p))
    sva = trend.stated_vs_actual(docs).set_index("label")
    assert set(sva["year"]) == {2024}
    # the seed's 基本支出 160.31, 比上年减少 7.87 ⇒ 168.18; the 2023 copy prints 160.31
    assert sva.loc["基本支出", "implied_prior"] == D("168.18")
    assert sva.loc["基本支出", "difference"] == D("7.87")
    assert sva.loc["“三公”经费", "status"] == "一致"


def test_compare_departments():
    docs = [
        budgetkit.read(SHANGHAI / n)
        for n in ("上海市普陀区商务委员会25年预算.pdf", "上海市普陀区财政局部门25年预算.pdf")
    ]
    c = trend.compare(docs).set_index("department")
    assert c.loc["上海市普陀区商务委员会", "total"] == D("37151.465500")
    assert c.loc["上海市普陀区财政局", "year"] == 2025
    assert c.loc["上海市普陀区商务委员会", "project_share"] == pytest.approx(35168.4 / 37151.4655)


@pytest.mark.slow
def test_select_by_department_and_year():
    doc, docs = trend.select(None, SHANGHAI, WANLI, 2024)
    assert doc.meta.year == 2024 and len(docs) == 3
    with pytest.raises(ValueError):
        trend.select(None, SHANGHAI, "没有这个部门")


# -- indicators -----------------------------------------------------------------------------


def test_indicator_hierarchy_and_counts(doc):
    ind = indicators.indicators(doc)
    assert len(ind) == 21  # 4 (部门整体) + 8 + 9 (two projects), lines 538–581
    c = indicators.counts(doc, by=("level1",)).set_index("level1")
    assert c.loc["产出指标", "indicators"] == 8 and c.loc["成本指标", "indicators"] == 5
    assert c.loc["效益指标", "qualitative"] == 2  # "持续 增强" twice
    q = indicators.quantification(doc).set_index("project")
    assert list(q.loc["机构运行补助经费", ["quantified", "qualitative"]]) == [8, 1]


def test_weights_total_90(doc):
    w = indicators.weights(doc)
    assert set(w["total"]) == {D(90)}
    assert set(w["verdict"]) == {"90（预留10分给预算执行率）"}


def test_targets_below_last_year(doc):
    low = indicators.below_prior(doc)
    first = low.iloc[0]  # line 555: 设备购置数量(台) >=3 台, 上年完成值 5 台
    assert (first["level3"], first["value"], first["prior_value"], first["unit"]) == (
        "设备购置数量(台)",
        D(3),
        D(5),
        "台",
    )
    assert len(low) == 6 and first["line"] == 555


def test_cost_indicators_against_budget(doc):
    c = indicators.cost_vs_budget(doc).set_index("project")
    assert c.loc["机构运行补助经费", "costs"] == D("72.00")  # 15 + 34.60 + 22.40, lines 577–579
    assert c.loc["机构运行补助经费", "items"] == "15 + 34.60 + 22.40"
    assert c.loc["机构运行保障经费", "costs"] == D("110.00")  # 7.86 + 102.14
    assert set(c["status"]) == {"一致"}


def test_three_public_only_decrease(doc, wanli):
    yoy = indicators.three_public_yoy(doc).set_index("item")  # line 488: all 增加 0.00
    assert set(yoy["change"]) == {D("0.00")} and yoy["holds"].all()
    assert set(yoy["verdict"]) == {"持平"}
    w24 = indicators.three_public_yoy(wanli[1]).set_index("item")  # 2024: 购置公务用车 +25 万元
    assert w24.loc["vehicle_purchase", "change"] == 25 and not w24.loc["vehicle_purchase", "holds"]
    assert w24.loc["total", "last_year"] == D("22.91")
