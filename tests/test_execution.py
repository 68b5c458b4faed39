"""Budget vs actual (analysis/execution.py) on the corpus's final accounts, figures checked by
hand against the rendered pages (`pdftotext -layout -f P -l P FILE -`, P cited per figure).

The corpus holds no budget of the same department and year as any of its final accounts, so
`compare` is checked on 国家信访局's 2026 budget against its 2024 final accounts under
`across_years`, and refuses that pair (and others) without it; the arithmetic on one year is
checked through `printed`, the final accounts' own 预算数 against their 决算数.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

import budgetkit
import budgetkit.corpus
from budgetkit.analysis import execution
from budgetkit.errors import BudgetkitError, NotComparable

from .conftest import SEED

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"
XINFANG = CORPUS / "central-guojia-xinfangju"
XINFANG_FINAL = XINFANG / "信访局_国家信访局2024年度部门决算公开.pdf"  # 国家信访局 2024 决算
XINFANG_BUDGET = XINFANG / "2026年武汉市信访局部门预算.pdf"  # really 国家信访局 2026 预算
FOSHAN_FINAL = CORPUS / "guangdong-foshan" / "2026年佛山市交通运输局部门预算.pdf"  # 轨道交通局 2019
XIAN_FINAL = CORPUS / "shaanxi-xian" / "卫生健康委员会_2026年部门预算.pdf"  # 卫健委 2022 决算


@cache
def doc(path: Path):
    return budgetkit.read(path)


@cache
def printed(path: Path):
    return execution.printed(doc(path))


@cache
def across_years():
    return budgetkit.compare(doc(XINFANG_BUDGET), doc(XINFANG_FINAL), across_years=True)


def _by(df, key):
    return {(r["code"] if key == "code" else r["item"]): r for r in df.to_dict("records")}


def D(s: str) -> Decimal:
    return Decimal(s)


# ---------------------------------------------------------------------------------------------
# printed: final accounts against their own 预算数


def test_three_public_table_budget_and_actual_columns():
    # p15 公开09表: 预算数 76.43 | 30.00 | 40.63 | | 40.63 | 5.80 ; 决算数 46.21 | 4.69 | 40.61 | | 40.61 | 0.90
    ex = printed(XINFANG_FINAL)
    assert ex.basis == "printed" and (ex.department, ex.year) == ("国家信访局", 2024)
    tp = _by(ex.three_public, "item")
    got = {k: (r["budget"], r["actual"], r["difference"]) for k, r in tp.items()}
    assert got["total"] == (D("76.43"), D("46.21"), D("-30.22"))
    assert got["abroad"] == (D("30.00"), D("4.69"), D("-25.31"))
    assert got["vehicle_operation"] == (D("40.63"), D("40.61"), D("-0.02"))
    assert got["reception"] == (D("5.80"), D("0.90"), D("-4.90"))
    assert {r["basis"] for r in tp.values()} == {"budget"}  # 全年预算数 (the note under the table)
    assert {r["page"] for r in tp.values()} == {15}
    # the narrative states the same rate (p24: 完成预算的60.46%; 因公出国（境）费 15.63%)
    assert round(tp["total"]["completion"], 2) == 60.46
    assert round(tp["abroad"]["completion"], 2) == 15.63
    gaps = ex.gaps[ex.gaps["view"] == "three_public"]
    assert set(gaps["item"]) == {"total", "abroad", "reception"}  # 公务用车 99.95%: no gap


def test_function_items_from_the_narrative_where_no_table_prints_a_budget():
    """国家信访局's 公开05表 prints 决算数 only; p21-23 state 年初预算 and 支出决算 per 项."""
    ex = printed(XINFANG_FINAL)
    assert ex.functions.empty  # 支出决算表: no budget column, no stated pair
    gpb = _by(ex.gpb_functions, "code")
    assert set(gpb["2014001"]) >= {"budget", "actual"}
    # p21: 行政运行（项）。年初预算为 5717.32 万元，支出决算为 5757.63 万元，完成年初预算的 100.71%
    r = gpb["2014001"]
    assert (r["budget"], r["actual"], r["difference"]) == (D("5717.32"), D("5757.63"), D("40.31"))
    assert round(r["completion"], 2) == 100.71 and r["basis"] == "initial"
    assert r["reason"] == "2024年度预算执行中追加了预算，相应增加支出" and r["page"] == 21
    # p23 top: the subject is cut by the page break (…机关事 | 业单位基本养老保险缴费支出（项）):
    # 年初预算为 899.34 万元，支出决算为 659.05 万元，完成年初预算的 73.28%
    r = gpb["2080505"]
    assert (r["budget"], r["actual"]) == (D("899.34"), D("659.05"))
    # p23: 行政单位医疗（项）。年初预算为 0 万元，支出决算为 497.53 万元 — no rate to compute
    r = gpb["2101101"]
    assert (r["budget"], r["actual"]) == (D("0"), D("497.53")) and pd.isna(r["completion"])
    # p21: 财政拨款支出年初预算为 15068.55 万元，支出决算为 13733.8 万元，完成年初预算的 91.14%
    total = ex.gpb_functions[ex.gpb_functions["item"] == "total"].iloc[0]
    assert (total["budget"], total["actual"]) == (D("15068.55"), D("13733.8"))
    assert round(total["completion"], 2) == 91.14


def test_stated_pairs_and_the_stated_rates():
    st = printed(XINFANG_FINAL).stated
    assert len(st) == 16  # 财政拨款支出, 14 项 (p21-23), 三公 (p24)
    rated = st[st["stated_completion"].notna()]
    assert len(rated) == 15  # every pair but 行政单位医疗 (budget 0) states its rate
    for r in rated.itertuples():  # each stated rate is the figures' rate to 2 decimals
        assert abs(Decimal(str(round(r.completion, 2))) - r.stated_completion) <= D("0.01"), r
    # p21: 2.…一般行政管理事务（项）。年初预算为 590.53 万元，支出决算为 4.7 万元，完成 0.8%
    r = st[st["budget"] == D("590.53")].iloc[0]
    assert r["actual"] == D("4.7") and r["relation"] == "less"
    assert r["reason"] == "年中按规定将部门机动经费调剂用于其他科目"


def test_gaps_carry_the_stated_reasons():
    gaps = printed(XINFANG_FINAL).gaps
    coded = gaps[gaps["code"].notna()]
    reason = dict(zip(coded["code"], coded["reason"], strict=True))
    assert reason["2014004"] == "相关工作未按计划开展"  # p22: 88.87%
    assert reason["2101101"] == "2024年度预算执行中调剂了预算，相应增加支出"  # p23
    assert "2014001" not in reason  # 100.71%: within 10%
    # p21: the subject printed on the line before its figures (2.…一般行政管理事务（项）。|
    # 年初预算为 590.53 万元…0.8%) is read with them, so the gap has its code and reason
    assert reason["2014002"] == "年中按规定将部门机动经费调剂用于其他科目"
    assert reason["2014099"] == "相关工作未按计划开展"  # p22: 72.77%
    # a stated pair whose subject the tables do not name is a gap too (p23: 88.59%)
    stated = gaps[gaps["view"] == "stated"]
    assert set(stated["budget"]) == {D("371.99")}


def test_xian_three_public_printed_as_two_rows():
    """西安 p161 公开09表 prints 预算数 and 决算数 as two rows under the item columns."""
    ex = printed(XIAN_FINAL)
    tp = _by(ex.three_public, "item")
    # 预算数 593.46 | | 591.60 | 136.48 | 455.12 | 1.86 | 86.81 | 2,795.78
    # 决算数 587.55 | | 587.44 | 136.48 | 450.96 | 0.11 | 86.81 | 2,795.78
    assert (tp["total"]["budget"], tp["total"]["actual"]) == (D("593.46"), D("587.55"))
    assert (tp["reception"]["budget"], tp["reception"]["actual"]) == (D("1.86"), D("0.11"))
    assert (tp["training"]["budget"], tp["training"]["actual"]) == (D("2795.78"), D("2795.78"))
    # p21: …支出决算587.55万元，完成预算的99%，决算数较预算数减少5.91万元，主要原因是：厉行节约…
    assert tp["total"]["difference"] == D("-5.91")
    assert tp["total"]["reason"].startswith("厉行节约，压缩三公经费")
    assert set(ex.gaps[ex.gaps["view"] == "three_public"]["item"]) == {"reception"}


def test_xian_function_items_keep_their_printed_codes():
    gpb = _by(printed(XIAN_FINAL).gpb_functions, "code")
    # p17: 突发公共卫生事件应急处理（2100410）年初预算 1361.46 万元，支出决算 77024.07 万元
    r = gpb["2100410"]
    assert (r["budget"], r["actual"]) == (D("1361.46"), D("77024.07"))
    assert round(r["completion"], 2) == 5657.46
    assert r["reason"].startswith("西安市中心血站追加")


def test_foshan_budget_of_zero():
    """佛山 p21 表7: every 预算数 0.00; 决算数 0.16 (公务接待费 0.16): no rate, and a gap."""
    ex = printed(FOSHAN_FINAL)
    tp = _by(ex.three_public, "item")
    assert (tp["total"]["budget"], tp["total"]["actual"]) == (D("0.00"), D("0.16"))
    assert pd.isna(tp["total"]["completion"]) and pd.isna(tp["abroad"]["completion"])
    assert set(ex.gaps["item"]) == {"total", "reception"}


# ---------------------------------------------------------------------------------------------
# compare: a budget document against final accounts


def test_compare_refuses_other_years_without_leave():
    with pytest.raises(NotComparable, match="2026.*2024.*across_years"):
        budgetkit.compare(doc(XINFANG_BUDGET), doc(XINFANG_FINAL))


def test_compare_refuses_another_department_and_the_wrong_kinds():
    seed = doc(SEED)  # 昌吉回族自治州人民政府驻北京联络处 2024 预算
    with pytest.raises(NotComparable, match="another department"):
        budgetkit.compare(seed, doc(XINFANG_FINAL))
    with pytest.raises(NotComparable, match="must be a budget"):
        budgetkit.compare(doc(XINFANG_FINAL), doc(XINFANG_FINAL))
    with pytest.raises(NotComparable, match="must be a final"):
        budgetkit.compare(seed, seed)
    with pytest.raises(NotComparable):
        execution.printed(seed)
    assert issubclass(NotComparable, BudgetkitError)


def test_compare_across_years_by_function():
    ex = across_years()
    assert (ex.basis, ex.year, ex.budget_year) == ("document", 2024, 2026)
    gpb = _by(ex.gpb_functions, "code")
    # budget p10 一般公共预算支出表, 2026 年预算数: 2014001 行政运行 5,826.21; final p11 公开05表 5,757.63
    r = gpb["2014001"]
    assert (r["budget"], r["actual"], r["difference"]) == (D("5826.21"), D("5757.63"), D("-68.58"))
    assert (r["budget_page"], r["page"]) == (10, 11)
    # budget p10: 2014050 事业运行 605.40; the final accounts print no such row: 0
    assert (gpb["2014050"]["actual"], gpb["2014050"]["note"]) == (D("0"), "决算表未列")
    # budget p11: 2101101 行政单位医疗 printed with an empty 2026 column; final p11: 497.53
    assert (gpb["2101101"]["budget"], gpb["2101101"]["note"]) == (D("0"), None)
    # 合计: budget p11 16,474.82; final p11 13,733.80
    t = ex.gpb_functions[ex.gpb_functions["item"] == "total"].iloc[0]
    assert (t["budget"], t["actual"], t["difference"]) == (
        D("16474.82"),
        D("13733.80"),
        D("-2741.02"),
    )
    # every row: difference = actual − budget, exactly
    for df in (ex.functions, ex.gpb_functions, ex.sources, ex.three_public):
        for r in df.itertuples():
            assert r.difference == r.actual - r.budget


def test_compare_across_years_three_public_and_sources():
    ex = across_years()
    tp = _by(ex.three_public, "item")
    # budget p16 部门公开表9: 112.61 | 68.50 | 38.60 | | 38.60 | 5.51 ; final p15: 46.21 …
    assert (tp["total"]["budget"], tp["total"]["actual"]) == (D("112.61"), D("46.21"))
    assert (tp["abroad"]["budget"], tp["abroad"]["actual"]) == (D("68.50"), D("4.69"))
    src = _by(ex.sources, "item")
    # budget p5 收支总表: 一般公共预算拨款收入 16,474.82, 其他收入 31,888.00, 上年结转 2,254.12;
    # final p7 公开01表: 19,572.91, 878.44, 年初结转和结余 1,615.24
    assert (src["gpb"]["budget"], src["gpb"]["actual"]) == (D("16474.82"), D("19572.91"))
    assert (src["other"]["budget"], src["other"]["actual"]) == (D("31888.00"), D("878.44"))
    assert (src["carryover"]["budget"], src["carryover"]["actual"]) == (D("2254.12"), D("1615.24"))
    assert ex.totals()["view"].tolist() == ["functions", "gpb_functions", "sources", "three_public"]


def test_subject_code_resolves_what_the_narrative_names():
    names = execution.names_from(doc(XINFANG_FINAL).parsed.amounts)
    assert (
        execution.subject_code("一般公共服务（类）信访事务（款）行政运行（项）", names) == "2014001"
    )
    assert execution.subject_code("业单位基本养老保险缴费支出（项）", names) == "2080505"
    assert execution.subject_code("缴费支出（项）", names) is None  # 2080505 or 2080506
    assert execution.subject_code("住房改革支出（款）提租补贴（项）", names) is None  # no 类
    assert execution.subject_code("", names) is None


# ---------------------------------------------------------------------------------------------
# a corpus, the notebook and the report


@pytest.fixture(scope="module")
def xinfang_corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("exec") / "corpus"
    budgetkit.corpus.build([XINFANG], out, jobs=2)
    return budgetkit.corpus.open(out)


def test_pairs_of_a_corpus(xinfang_corpus):
    assert execution.pairs(xinfang_corpus).empty  # 2026 budget, 2024 final accounts
    p = execution.pairs(xinfang_corpus, "国家信访局", 2024, across_years=True)
    assert len(p) == 1
    row = p.iloc[0]
    assert (row["department_key"], row["year"], row["budget_year"]) == ("国家信访局", 2024, 2026)
    assert Path(row["final"][0]).name == XINFANG_FINAL.name
    assert Path(row["budget"][0]).name == XINFANG_BUDGET.name
    assert execution.pairs(xinfang_corpus, "西安市卫生健康委员会", across_years=True).empty


@pytest.mark.slow
def test_execution_notebook_and_report_on_final_accounts_only(tmp_path):
    """`budgetkit report` runs execution.ipynb on final accounts and skips it for a budget."""
    from budgetkit.present.record import recorded
    from budgetkit.report import run_reports

    result = run_reports([SEED, XINFANG_FINAL], tmp_path / "out", ["execution"], jobs=1)
    assert result.exit_code == 0, result.summary()
    assert [Path(o.document).name for o in result.outcomes] == [XINFANG_FINAL.name]
    v = recorded(result.outcomes[0].ipynb)
    assert (v["department"], v["year"], v["basis"]) == ("国家信访局", 2024, "printed")
    assert v["three_public"]["total"]["budget"] == "76.43"
    assert v["three_public"]["total"]["actual"] == "46.21"
    assert v["three_public"]["total"]["completion"] == 60.46  # p24: 完成预算的60.46%
    assert v["totals"]["gpb_functions"]["completion"] == 91.14  # p21: 完成年初预算的91.14%
    assert v["gpb_items"]["2014001"] == {"budget": "5717.32", "actual": "5757.63"}
    assert v["stated"] == 16
    assert "gpb_functions:2014004" in v["gaps"] and "three_public:abroad" in v["gaps"]
    page = Path(result.outcomes[0].html).read_text("utf-8")
    assert "相关工作未按计划开展" in page and "import budgetkit" not in page
