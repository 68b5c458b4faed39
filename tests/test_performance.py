"""绩效目标表: extraction (seed text and the Shanghai 2023 填报表 layout) and checks.

Golden values checked by hand against data/seed/000_d8581a66e967af08.txt lines 526-581 and
against pages 31-35 of the 2023 万里街道 PDF.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from budgetkit.check.performance import check
from budgetkit.extract.performance import extract, parse_target
from budgetkit.model import Meta, Parsed
from budgetkit.reader import read_source
from budgetkit.reader.lines import Line

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "000_d8581a66e967af08.txt"
SH2023 = ROOT / "data" / "shanghai" / "上海市普陀区人民政府万里街道办事处23年预算.pdf"
DEPT = "昌吉回族自治州人民政府驻北京联络处"


def _parsed(path: Path) -> Parsed:
    meta = Meta(DEPT, 2024, "budget", "department", "万元", str(path), "text")
    return Parsed(meta, targets=extract(read_source(path).lines))


@pytest.fixture(scope="module")
def seed_tables():
    return extract(read_source(SEED).lines)


def _mutated(tmp_path: Path, old: str, new: str) -> Parsed:
    text = SEED.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "mutated.txt"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return _parsed(path)


# -- target parsing --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (">=3 台", ("≥", D("3"), "台")),
        ("≥4 次", ("≥", D("4"), "次")),
        ("< =7.86 万元", ("≤", D("7.86"), "万元")),
        ("< =34.6 0万元", ("≤", D("34.60"), "万元")),
        ("<=15 万元", ("≤", D("15"), "万元")),
        ("=100%", ("=", D("100"), "%")),
        ("> =95%", ("≥", D("95"), "%")),
        ("＜＝５万元", ("≤", D("5"), "万元")),
        ("≥13459.00(平方米)", ("≥", D("13459.00"), "平方米")),
        (">6.00(次)", (">", D("6.00"), "次")),
        ("90%", ("=", D("90"), "%")),
        ("100%以上", ("≥", D("100"), "%")),
        ("不低于50%", ("≥", D("50"), "%")),
        ("不超过20万元", ("≤", D("20"), "万元")),
        ("达到95%", ("≥", D("95"), "%")),
        ("居民参与率不低于100%", ("≥", D("100"), "%")),
        ("开展不低于5次的社区法治宣传活动", ("≥", D("5"), "次")),
        ("持续 增强", (None, None, None)),
        ("完善率", (None, None, None)),
        ("慰问人数不少于100人,宣传用品不少于20000份", (None, None, None)),  # two targets
        ("12月底前完成", (None, None, None)),  # a date, not a target value
    ],
)
def test_parse_target(text, expected):
    assert parse_target(text) == expected


# -- seed extraction -------------------------------------------------------------------


def test_seed_tables(seed_tables):
    assert [(t.kind, t.name, len(t.indicators)) for t in seed_tables] == [
        ("department", DEPT, 4),
        ("project", "机构运行保障经费", 8),
        ("project", "机构运行补助经费", 9),
    ]
    dept, guarantee, subsidy = seed_tables
    assert (dept.owner, dept.unit, dept.line.lineno) == ("韩莉", DEPT, 526)
    assert (dept.fiscal, dept.other, dept.total) == (D("232.31"), D("110.00"), D("342.31"))
    assert dept.goal.startswith("认真完成好驻京联络处各项工作职责。")
    assert (guarantee.owner, guarantee.unit) == ("王跃东", DEPT)
    assert (guarantee.total, guarantee.fiscal, guarantee.other) == (
        D("110.00"),
        D("0.00"),
        D("110.00"),
    )
    assert guarantee.goal.startswith("关于进一步加强自治区驻京信访工作组管理保障工作的通知》精神")
    assert (subsidy.total, subsidy.fiscal, subsidy.other) == (D("72.00"), D("72.00"), D("0.00"))


def _rows(table):
    return [
        (
            i.line.lineno,
            i.level1,
            i.level2,
            i.level3,
            i.operator,
            i.value,
            i.unit,
            i.weight,
            i.prior,
        )
        for i in table.indicators
    ]


def test_seed_department_indicators(seed_tables):
    dept = seed_tables[0]
    assert _rows(dept) == [
        (538, "履职效能", "数量指标", "提高招商引资服务工作", "≥", D(4), "次", D(20), None),
        (539, "履职效能", "数量指标", "不断推介昌吉州特色产品知名度", "≥", D(2), "次", D(20), None),
        (
            540,
            "履职效能",
            "数量指标",
            "做好昌吉籍务工人员服务管理工作",
            "≥",
            D(12),
            "次",
            D(30),
            None,
        ),
        (
            541,
            "履职效能",
            "数量指标",
            "加强自治区驻京信访工作组后勤保障",
            "≥",
            D(12),
            "次",
            D(20),
            None,
        ),
    ]
    # the 依据 wrapped onto line 543 continues the indicator of line 541; the "--" row is dropped
    assert dept.indicators[3].basis == (
        "自治区党委常委会“5.23”《会议纪要》《关于进一步加强自治区驻京信访工作管理保障工作的通知》"
        "（新信联发[2016]14号）"
    )
    assert dept.indicators[0].basis.endswith("(昌吉州党机编发[2019]63 号)")


def test_seed_project_indicators(seed_tables):
    _, guarantee, subsidy = seed_tables
    out, num, qual, cost, econ, sat = (
        "产出指标",
        "数量指标",
        "质量指标",
        "成本指标",
        "经济成本指标",
        "满意度指标",
    )
    assert _rows(guarantee) == [
        (555, out, num, "设备购置数量(台)", "≥", D(3), "台", D(10), "5 台"),
        (556, out, num, "办公室维修(护)费", "≥", D(4), "次", D(10), "8 次"),
        (557, out, num, "服务信访工作组次数(次)", "≥", D(12), "次", D(10), "12 次"),
        (558, out, qual, "政府采购率(%)", "=", D(100), "%", D(10), "100%"),
        (559, cost, econ, "办公设备购置成本", "≤", D("7.86"), "万元", D(10), "7.86"),
        (560, cost, econ, "保障经费信访工作组", "≤", D("102.14"), "万元", D(10), "102.14"),
        (561, "效益指标", "经济效益指标", "加强自治区驻京信访工作组后勤保障和昌吉籍工经商人服务管理工作",
         None, None, None, D(20), "100%"),
        (562, sat, sat, "信访工作组满意度(%)", "≥", D(95), "%", D(10), "100%"),
    ]  # fmt: skip
    assert _rows(subsidy) == [
        (573, out, num, "设备购置数量(个)", "≥", D(1), "台", D(10), "2台"),
        (574, out, num, "保障人员数(人)", "≥", D(3), "人", D(10), "5个"),
        (575, out, num, "办公室维修(护)费(次)", "≥", D(7), "次", D(10), "10次"),
        (576, out, qual, "政府采购率(%)", "=", D(100), "%", D(10), "100%"),
        (577, cost, econ, "维修(护)费", "≤", D(15), "万元", D(7), "15"),
        (578, cost, econ, "水电暖等保障运转经费", "≤", D("34.60"), "万元", D(6), "34.6"),
        (579, cost, econ, "劳务费", "≤", D("22.40"), "万元", D(7), "22.4"),
        (580, "效益指标", "经济效益指标", "加强自治区驻京信访工作组后勤保障和昌吉籍务工人员服务管理工作",
         None, None, None, D(20), "100%"),
        (581, sat, sat, "工作人员满意度(%)", "=", D(95), "%", D(10), "100%"),
    ]  # fmt: skip
    ind = subsidy.indicators[5]
    assert (ind.target, ind.basis, ind.scoring) == ("< =34.6 0万元", "计划标准", "按照完成比例赋分")
    assert guarantee.indicators[6].target == "持续 增强"


def test_title_without_indicators_gives_no_table():
    lines = [Line(("九、项目支出绩效目标表",), 1), Line(("本部门无项目支出绩效目标。",), 2)]
    assert extract(lines) == []


# -- checks on the seed ----------------------------------------------------------------


def _summary(findings):
    return sorted((f.rule, f.severity, f.code, f.location.rsplit(":", 1)[1]) for f in findings)


def test_seed_findings():
    parsed = _parsed(SEED)
    findings = list(check(parsed))
    assert _summary(findings) == sorted(
        [
            ("performance.weights.total", "info", DEPT, "line 526"),
            ("performance.weights.total", "info", "机构运行保障经费", "line 546"),
            ("performance.weights.total", "info", "机构运行补助经费", "line 564"),
            ("performance.target.below_prior", "warning", "机构运行保障经费", "line 555"),
            ("performance.target.below_prior", "warning", "机构运行保障经费", "line 556"),
            ("performance.target.below_prior", "warning", "机构运行保障经费", "line 562"),
            ("performance.target.below_prior", "warning", "机构运行补助经费", "line 573"),
            ("performance.target.below_prior", "warning", "机构运行补助经费", "line 575"),
            ("performance.target.below_prior", "warning", "机构运行补助经费", "line 581"),
            ("performance.target.prior_unit", "info", "机构运行补助经费", "line 574"),
            ("performance.target.unmeasurable", "info", "机构运行保障经费", "line 561"),
            ("performance.target.unmeasurable", "info", "机构运行补助经费", "line 580"),
        ]
    )
    w = next(f for f in findings if f.rule == "performance.weights.total")
    assert (w.expected, w.actual, w.table) == ("100", "90", "performance")
    assert "预算执行率" in w.message and "90" in w.message
    assert w.location == f"{SEED}:line 526"
    low = next(f for f in findings if f.rule == "performance.target.below_prior")
    assert (low.expected, low.actual) == ("5", "3")
    assert "≥3台" in low.message and "5台" in low.message


def test_mutated_weight_is_a_warning(tmp_path):
    parsed = _mutated(tmp_path, "年度预算(万元)", "年度预算(万元)")  # sanity: same document
    assert not [f for f in check(parsed) if f.severity == "error"]
    text_old = "管理工作\t≥12 次\t自治区党委常委会“5.23”《会议纪要》《关于进一步加强自治区驻京信访工作管理保障工作的通知》(新信联发[2016]14 号)\t30"
    parsed = _mutated(tmp_path, text_old, text_old[:-2] + "35")
    [w] = [f for f in check(parsed) if f.rule == "performance.weights.total" and f.code == DEPT]
    assert (w.severity, w.expected, w.actual) == ("warning", "100", "95")


def test_mutated_cost_above_budget_is_an_error(tmp_path):
    parsed = _mutated(tmp_path, "< =102.14 万元", "< =112.14 万元")
    [f] = [f for f in check(parsed) if f.rule.startswith("performance.cost")]
    assert (f.rule, f.severity, f.code) == ("performance.cost.total", "error", "机构运行保障经费")
    assert (f.expected, f.actual) == ("110.00", "120.00")
    assert "7.86 + 112.14" in f.message and f.location.endswith(":line 559")


def test_mutated_cost_below_budget_is_a_warning(tmp_path):
    parsed = _mutated(tmp_path, "<=15 万元", "<=14 万元")
    [f] = [f for f in check(parsed) if f.rule.startswith("performance.cost")]
    assert (f.rule, f.severity, f.expected, f.actual) == (
        "performance.cost.total",
        "warning",
        "72.00",
        "71.00",
    )


def test_mutated_cost_rounding_is_info(tmp_path):
    parsed = _mutated(tmp_path, "< =22.4 0万元", "< =22.4 1万元")
    [f] = [f for f in check(parsed) if f.rule.startswith("performance.cost")]
    assert (f.rule, f.severity, f.expected, f.actual) == (
        "performance.cost.total.rounding",
        "info",
        "72.00",
        "72.01",
    )


def test_mutated_funds_is_an_error(tmp_path):
    parsed = _mutated(tmp_path, "年度预算总额\t72.00", "年度预算总额\t75.00")
    rules = {(f.rule, f.severity) for f in check(parsed) if f.code == "机构运行补助经费"}
    assert ("performance.funds.total", "error") in rules
    assert ("performance.cost.total", "warning") in rules  # 72.00 of costs for 75.00 of budget


# -- Shanghai 2023 财政项目支出绩效目标填报表 (through a throwaway PDF adapter) ------------


def _table_lines(path: Path, pages: range) -> list[Line]:
    """Stand-in for the PDF reader: one Line per ruled table row, cells in column order,
    a merged cell's text in its first cell, wrapped text joined, empty cells as ""."""
    pdfplumber = pytest.importorskip("pdfplumber")
    out = []
    with pdfplumber.open(path) as pdf:
        for n in pages:
            for table in pdf.pages[n - 1].extract_tables():
                for i, row in enumerate(table, 1):
                    out.append(Line(tuple((c or "").replace("\n", "") for c in row), i, n))
    return out


@pytest.fixture(scope="module")
def shanghai_tables():
    if not SH2023.exists():
        pytest.skip("Shanghai corpus not present")
    return extract(_table_lines(SH2023, range(26, 36)))


def test_shanghai_2023_tables(shanghai_tables):
    unit = "上海市普陀区人民政府万里街道办事处"
    assert [(t.kind, t.name, len(t.indicators), t.line.page) for t in shanghai_tables] == [
        ("project", "新建万里街道社区公共服务中心", 5, 31),
        ("project", "就业援助基地补贴", 4, 32),
        ("project", "社区环境整治和建设经费", 4, 33),
        ("project", "各类工作经费", 43, 34),
        ("project", "公共服务设施运行经费", 9, 35),
    ]
    assert all(t.unit == unit and t.owner is None for t in shanghai_tables)
    first, *_, last = shanghai_tables
    # 项目资金（元）: 4,100,000.00 元 = 410 万元
    assert (first.total, first.fiscal, first.other, first.carryover) == (D(410), D(410), 0, 0)
    assert first.goal.startswith("建成后作为万里街道社区事务受理")
    assert (last.total, last.fiscal) == (D("1090.3043"), D("1141.9043"))
    i = first.indicators[0]
    assert (i.level1, i.level2, i.level3, i.operator, i.value, i.unit, i.weight) == (
        "产出指标", "数量指标", "规划建筑面积", "≥", D("13459.00"), "平方米", None,
    )  # fmt: skip
    assert [(i.level1, i.level2, i.level3, i.target, i.operator) for i in last.indicators[-3:]] == [
        ("效益指标", "社会效益指标", "安全责任事故", "安全无事故", None),
        ("满意度指标", "服务对象满意度指标", "居民满意度", "90%", "="),
        ("满意度指标", "服务对象满意度指标", "工作人员满意度", "≥95.00(%)", "≥"),
    ]


def test_shanghai_2023_findings(shanghai_tables):
    meta = Meta(None, 2023, "budget", "department", "元", str(SH2023), "pdf")
    findings = list(check(Parsed(meta, targets=shanghai_tables)))
    rules = {}
    for f in findings:
        rules[f.rule, f.severity] = rules.get((f.rule, f.severity), 0) + 1
    assert rules.pop(("performance.weights.absent", "info")) == 1
    assert set(rules) == {
        ("performance.target.unmeasurable", "info"),
        ("performance.funds.total", "error"),
    }
    # p.35: 当年财政拨款 11,419,043.00 元 but 年度资金申请总额 10,903,043.00 元 (a real inconsistency)
    [err] = [f for f in findings if f.severity == "error"]
    assert (err.code, err.expected, err.actual) == (
        "公共服务设施运行经费",
        "1090.3043",
        "1141.9043",
    )
    assert err.location.endswith(":p.35 l.1")


def test_table_continues_over_a_page_break():
    """Running header and page number at the break are skipped; the repeated indicator header
    is not an indicator; a wrapped 三级指标 continues the indicator above; a 合计 row is
    dropped; a row of a different shape after the next page break ends the table."""

    def row(page, n, *cells):
        return Line(cells, n, page)

    lines = [
        Line(("项目支出绩效目标表",), 1, 1),
        row(1, 2, "项目名称", "", "测试项目", "", "项目负责人", "张三"),
        row(1, 3, "项目资金（元）", "", "年度资金总额", "12,000.00", "其中：财政拨款", "12,000.00"),
        row(1, 4, "一级指标", "二级指标", "三级指标", "指标值", "", "分值"),
        row(1, 5, "产出指标", "数量指标", "培训人数", "不少于 30人", "", "50"),
        Line(("- 1 -",), 6, 1),
        Line(("某某单位2024年部门预算",), 1, 2),
        row(2, 2, "一级指标", "二级指标", "三级指标", "指标值", "", "分值"),
        row(2, 3, "", "成本指标", "培训", "≤1.2 万元", "", "50"),
        row(2, 4, "", "", "费用", "", "", ""),
        row(2, 5, "合计", "", "", "", "", "100"),
        Line(("下一部分",), 1, 3),
        row(3, 2, "项目", "金额"),
    ]
    [t] = extract(lines)
    assert (t.name, t.owner, t.total, t.fiscal) == ("测试项目", "张三", D("1.2"), D("1.2"))
    assert [
        (i.level1, i.level2, i.level3, i.operator, i.value, i.unit, i.weight) for i in t.indicators
    ] == [
        ("产出指标", "数量指标", "培训人数", "≥", D(30), "人", D(50)),
        ("产出指标", "成本指标", "培训费用", "≤", D("1.2"), "万元", D(50)),
    ]
    meta = Meta(None, 2024, "budget", "unit", "元", "x.pdf", "pdf")
    assert [(f.rule, f.severity) for f in check(Parsed(meta, targets=[t]))] == []


def test_department_total_against_expenditure_total(seed_tables):
    from budgetkit.model import Amount

    def total(value):
        line = Line(("合计", value), 300)
        return Amount("expenditure", None, "合计", "total", D(value), value, "万元", line)

    meta = Meta(DEPT, 2024, "budget", "department", "万元", "seed.txt", "text")
    same = Parsed(meta, amounts=[total("342.31")], targets=seed_tables)
    assert not [f for f in check(same) if f.rule == "performance.budget.mismatch"]
    other = Parsed(meta, amounts=[total("342.32")], targets=seed_tables)
    [f] = [f for f in check(other) if f.rule == "performance.budget.mismatch"]
    assert (f.severity, f.expected, f.actual, f.location) == (
        "warning",
        "342.32",
        "342.31",
        "seed.txt:line 526",
    )


def test_narrative_amounts_against_tables(seed_tables):
    from budgetkit.model import Fact

    line = Line(("2024年,本部门预算绩效管理…",), 524)

    def facts(overall, fiscal, nonfiscal):
        return [
            Fact("performance", "overall_amount", D(overall), "万元", "…", line),
            Fact("performance", "fiscal_projects_amount", D(fiscal), "万元", "…", line),
            Fact("performance", "nonfiscal_projects_amount", D(nonfiscal), "万元", "…", line),
        ]

    meta = Meta(DEPT, 2024, "budget", "department", "万元", "seed.txt", "text")
    ok = Parsed(meta, facts=facts("342.31", "72.00", "110.00"), targets=seed_tables)
    assert not [f for f in check(ok) if f.rule == "performance.budget.mismatch"]
    bad = Parsed(meta, facts=facts("342.31", "70.00", "110.00"), targets=seed_tables)
    [f] = [f for f in check(bad) if f.rule == "performance.budget.mismatch"]
    assert (f.severity, f.expected, f.actual, f.location) == (
        "warning",
        "70.00",
        "72.00",
        "seed.txt:line 524",
    )
    assert "0.00 + 72.00" in f.message


def test_shanghai_2023_through_the_pdf_reader(shanghai_tables):
    """The real PDF reader delivers the layout the adapter stands in for."""
    pytest.importorskip("budgetkit.reader.pdf")
    tables = extract(read_source(SH2023).lines)
    key = [(t.name, t.total, t.fiscal, t.other, [i[:-1] for i in _rows_sh(t)]) for t in tables]
    assert key == [
        (t.name, t.total, t.fiscal, t.other, [i[:-1] for i in _rows_sh(t)]) for t in shanghai_tables
    ]


def _rows_sh(table):
    return [
        (i.level1, i.level2, i.level3, i.target, i.operator, i.value, i.unit, i.line.page)
        for i in table.indicators
    ]


def _sh2023_with_carryover(fiscal: str, carryover: str) -> list:
    """万里街道 2023 as read, with p.31's 当年财政拨款 and 上年结转资金 (0.00) replaced."""
    pytest.importorskip("budgetkit.reader.pdf")
    swap = {("当年财政拨款", "4,100,000.00"): fiscal, ("上年结转资金", "0.00"): carryover}
    lines = []
    for line in read_source(SH2023).lines:
        cells = list(line.cells)
        if line.page == 31:
            for (label, old), new in swap.items():
                if label in "".join(cells) and cells[-1] == old:
                    cells[-1] = new
        lines.append(Line(tuple(cells), line.lineno, line.page))
    return extract(lines)


def _funds_findings(tables) -> list:
    meta = Meta(None, 2023, "budget", "department", "元", str(SH2023), "pdf")
    return [
        f for f in check(Parsed(meta, targets=tables)) if f.rule.startswith("performance.funds")
    ]


def test_carryover_is_part_of_the_project_funds():
    """年度资金申请总额 = 当年财政拨款 + 上年结转资金 + 其他资金 (all 0.00 carry-overs in the corpus)."""
    tables = _sh2023_with_carryover("3,600,000.00", "500,000.00")
    first = tables[0]
    assert (first.total, first.fiscal, first.carryover, first.other) == (D(410), D(360), D(50), 0)
    assert [f.code for f in _funds_findings(tables)] == ["公共服务设施运行经费"]  # p.35 only

    wrong = _sh2023_with_carryover("4,100,000.00", "500,000.00")  # 50 万元 too many
    [f, _] = _funds_findings(wrong)
    assert (f.code, f.severity, f.expected, f.actual) == (
        "新建万里街道社区公共服务中心",
        "error",
        "410.00",
        "460.00",
    )
    assert "上年结转" in f.message
