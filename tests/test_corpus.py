"""The Shanghai corpus read exactly: golden figures, rows and findings checked by hand against
the rendered PDF pages (tests/golden/shanghai.toml says where each figure is printed)."""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

import budgetkit
from budgetkit.figures import key_figures
from budgetkit.money import fmt_wan

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "shanghai"
GOLDEN = tomllib.loads((Path(__file__).parent / "golden" / "shanghai.toml").read_text("utf-8"))[
    "docs"
]
NAMES = sorted(GOLDEN)
DUMP = CORPUS / "上海市普陀区人民政府万里街道办事处25年预算.txt"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="Shanghai corpus not present")


@pytest.fixture(scope="module")
def docs():
    cache: dict[str, budgetkit.Document] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = budgetkit.read(CORPUS / name)
        return cache[name]

    return get


def test_golden_covers_every_pdf():
    assert sorted(p.name for p in CORPUS.glob("*.pdf")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_meta(docs, name):
    g, meta = GOLDEN[name], docs(name).meta
    assert (meta.department, meta.year, meta.scope, meta.kind) == (
        g["department"],
        g["year"],
        g["scope"],
        "budget",
    )
    assert meta.unit_as_printed == "元"


@pytest.mark.parametrize("name", NAMES)
def test_summary_figures(docs, name):
    figures = key_figures(docs(name).parsed)
    expected = {k: Decimal(v) for k, v in GOLDEN[name]["summary"].items()}
    assert figures == expected
    for k, v in GOLDEN[name]["summary"].items():  # the `summary --json` strings, exactly
        assert fmt_wan(figures[k]) == v, k


@pytest.mark.parametrize("name", NAMES)
def test_golden_rows(docs, name):
    parsed = docs(name).parsed
    for table, key, measure, value, page in GOLDEN[name]["rows"]:
        hits = [
            a
            for a in parsed.amounts
            if a.table == table
            and a.measure == measure
            and (a.code == key if key.isdigit() else (a.code is None and a.item == key))
        ]
        assert hits, (table, key, measure)
        assert {a.value for a in hits} == {Decimal(value)}, (table, key, measure)
        assert page in {a.line.page for a in hits}, (table, key, measure, page)


@pytest.mark.parametrize("name", NAMES)
def test_findings(docs, name):
    """Every error and warning is one of the document's own inconsistencies (see golden)."""
    found = docs(name).check()

    def of(severity):
        rows = found[found.severity == severity]
        return sorted(
            (r.rule, int(r.location.rsplit(":p.", 1)[1].split()[0])) for r in rows.itertuples()
        )

    assert of("error") == sorted(tuple(x) for x in GOLDEN[name]["errors"])
    assert of("warning") == sorted(tuple(x) for x in GOLDEN[name]["warnings"])
    assert not found.rule.str.startswith("read.").any()


@pytest.mark.parametrize("name", NAMES)
def test_three_public_items_are_rows(docs, name):
    """上海 prints the 三公 items as columns: each becomes a row with its item id, and the
    合计 under “三公”经费预算数 is the item total (= 出国 + 接待 + 公务用车)."""
    t = docs(name).table("three_public")
    items = dict(zip(t["item"], t["total"], strict=True))
    assert items["total"] == sum(
        (items.get(k, Decimal(0)) for k in ("abroad", "reception", "vehicle")), Decimal(0)
    )
    assert "operating_costs" in items


def test_wanli_trend(docs):
    """万里街道 2023–2025: one department, three years, complete tables (hand-checked totals)."""
    names = [f"上海市普陀区人民政府万里街道办事处{y}年预算.pdf" for y in (23, 24, 25)]
    ds = [docs(n) for n in names]
    assert {d.meta.department for d in ds} == {"上海市普陀区人民政府万里街道办事处"}
    assert [d.meta.year for d in ds] == [2023, 2024, 2025]

    def total(d, table, measure="total"):
        t = d.table(table)
        row = t[(t["item"] == "total") & t["code"].isna()]
        assert len(row) == 1, table
        return row.iloc[0][measure]

    # p.18/p.20/p.18 支出预算总表 合计; p.14/p.15/p.13 收入预算总表 合计; 一般公共预算支出 合计
    assert [total(d, "expenditure") for d in ds] == [
        Decimal("16497.864"),
        Decimal("15621.1123"),
        Decimal("18976.7551"),
    ]
    assert [total(d, "expenditure", "basic") for d in ds] == [
        Decimal("9940.6297"),
        Decimal("9970.602"),
        Decimal("10134.1746"),
    ]
    assert [total(d, "income") for d in ds] == [total(d, "expenditure") for d in ds]
    assert [total(d, "gpb_expenditure") for d in ds] == [total(d, "expenditure") for d in ds]
    # every 类 of each year's expenditure is in its income and gpb tables, with equal totals
    for d in ds:
        e, i, g = (d.table(t) for t in ("expenditure", "income", "gpb_expenditure"))
        lv1 = lambda t: dict(zip(t[t.level == 1].code, t[t.level == 1].total, strict=True))  # noqa: E731
        assert lv1(e) == lv1(i) == lv1(g)
    # 城乡社区支出 (212) over the years: p.16/p.17 of 2024/2025, p.17 of 2023
    e212 = [d.table("expenditure").set_index("code").loc["212", "total"] for d in ds]
    assert e212 == [Decimal("12131.9878"), Decimal("11938.5303"), Decimal("15436.9326")]


def test_dump_reads_as_prose_only():
    """The third-party text dump: prose is read, tables are not guessed; one clear error."""
    d = budgetkit.read(DUMP)
    assert d.meta.format == "dump"
    assert len(d.parsed.amounts) == 0
    f = d.check()
    errors = f[f.severity == "error"]
    assert list(errors.rule) == ["completeness.tables.unrecoverable"]
    assert all(v is None for k, v in key_figures(d.parsed).items())


def test_dump_cli_exit_and_summary(capsys):
    from budgetkit.cli import main

    assert main(["check", str(DUMP)]) == 1
    assert "无法还原" in capsys.readouterr().out
    assert main(["summary", str(DUMP), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["year"] == 2025 and out["income_total"] is None


def test_total_derived_when_no_total_row_is_printed(docs):
    """A classified table printed without its 合计 row: the key figures and the cross checks
    use Σ 类 (exact), and an info finding says the row is missing."""
    from dataclasses import replace

    from budgetkit.check import run_checks

    parsed = docs("上海市普陀区人民政府万里街道办事处24年预算.pdf").parsed
    amounts = [a for a in parsed.amounts if not (a.table == "expenditure" and a.item == "total")]
    cut = replace(parsed, amounts=amounts)
    figs = key_figures(cut)
    assert (figs["basic_expenditure"], figs["project_expenditure"]) == (
        Decimal("9970.602"),
        Decimal("5650.5103"),
    )
    found = run_checks(cut)
    assert [f.rule for f in found if f.table == "expenditure"] == [
        "completeness.table.no_total_row"
    ]
    # a wrong 类 now shows up against the summary total
    bad = [
        replace(a, value=a.value + 1)
        if (a.table, a.code, a.measure) == ("expenditure", "212", "total")
        else a
        for a in amounts
    ]
    rules = {f.rule for f in run_checks(replace(parsed, amounts=bad)) if f.severity == "error"}
    assert "cross.summary_expenditure" in rules


def test_code_cells():
    from budgetkit.extract.codes import bad_code_cells, code_from_context, inherit, split_code

    assert split_code(["301", "2"], "津贴补贴") == ("30102", "津贴补贴")  # 款 printed as a number
    assert split_code(["201", "06", "01"], "行政运行") == ("2010601", "行政运行")
    assert split_code([], "[2014001]行政运行") == ("2014001", "行政运行")  # 广州
    assert split_code([], "2010301-行政运行") == ("2010301", "行政运行")  # 北京
    assert bad_code_cells(["7", "11", "02"]) is not None
    assert bad_code_cells(["合计", "", ""]) is None
    assert bad_code_cells(["", "05", ""]) is None
    assert code_from_context(["7", "11", "02"], "21011") == "2101102"
    assert code_from_context(["7", "11", "02"], "20805") is None  # context does not fit
    assert inherit(["", "05", ""], "208") == "20805"
    assert inherit(["", "", "02"], "20805") == "2080502"


def test_header_roles_are_general():
    from budgetkit.catalog.templates import template
    from budgetkit.extract.columns import resolve
    from budgetkit.extract.labels import header_role

    tpl = template("standard")
    assert header_role("gpb_basic", "部门经济分类科目名称", tpl) == "name"
    assert header_role("income", "支出功能分类科目代码", tpl) == "code"
    assert header_role("expenditure", "项目名称", tpl) == "project_name"
    res = lambda path, kind="budget": resolve(path, "three_public", tpl, kind=kind, year=2024)  # noqa: E731
    assert res(["2024年机关运行经费预算数"]) == ("total", "operating_costs")
    assert res(["2024年“三公”经费预算数", "合计"]) == ("total", "total")
    assert res(["2023年执行数"])[0] == "prior_actual.total"
    assert res(["预算数", "公务用车购置及运行费", "小计"], "final") == ("budget.total", "vehicle")
    assert res(["决算数", "公务接待费"], "final") == ("total", "reception")
