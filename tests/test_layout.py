"""Layout of tables that continue over pages, and the columns of a list table that are not
money (issue 9: a 政府采购预算表 whose unit line is wrapped in its cell, continued on the next
page without its title or header, with code, quantity and date columns beside 预算金额).

Real material: 西安市安全生产监督管理局 2019 (data/corpus/shaanxi-xian/应急管理局_2026年部门预算.pdf),
表12 on pp.30-31 (rendered with pdftoppm -r 80 -f 30 -l 31): its unit is printed 单位：万 over
元 in a narrow cell; 合计 192.13 (数量 86) = the 14 printed 预算金额 of the item rows.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetkit.catalog import templates
from budgetkit.document import parse
from budgetkit.extract.tables import normalise
from budgetkit.layout import segment
from budgetkit.reader.lines import Line

from .test_pairing import XA_TABLES, corpus_file

HEADER = (
    "科目编码", "", "", "单位编码", "采购项目", "采购目录", "规格型号", "数量",
    "部门经济科目", "", "采购时间", "预算金额", "说明",
)  # fmt: skip
SUBHEADER = ("类", "款", "项", "", "", "", "", "", "类", "款", "", "", "")


def _row(code, unit, name, qty, econ, date, amount):
    return (*code.split(), unit, name, "其他货物", "", qty, *econ.split(), date, amount, "")


def _procurement_lines(date: str = "2019-03-10") -> list[Line]:
    rows = [
        ("", "", "", "", "合计", "", "", "5", "", "", "", "30.50", ""),
        _row("224 01 06", "125001", "执法终端", "2", "310 03", date, "20.00"),
        _row("224 01 06", "125001", "一体机", "1", "310 02", date, ""),
    ]
    more = [_row("224 01 09", "125004", "防化服", "2", "302 99", date, "10.50")]
    lines = [
        Line(("表12",), 1, 30),
        Line(("2019年部门综合预算政府采购（资产配置、购买服务）预算表",), 2, 30),
        Line(("单位：万",), 3, 30),  # the unit wrapped in a narrow cell
        Line(("元",), 4, 30),
        Line(HEADER, 5, 30),
        Line(SUBHEADER, 6, 30),
        *(Line(r, 7 + k, 30) for k, r in enumerate(rows)),
        Line(("第30页，共45页",), 20, 30),
        *(Line(r, 1 + k, 31) for k, r in enumerate(more)),  # no title, no header repeated
        Line(("第31页，共45页",), 10, 31),
    ]
    return lines


def test_a_unit_wrapped_in_its_cell_and_a_table_continued_over_a_page():
    tpl = templates.template()
    lay = segment(_procurement_lines(), tpl)
    (block,) = lay.blocks
    assert block.table == "procurement" and block.unit == "万元"
    assert block.pages == [30, 31] and len(block.body) == 4
    assert lay.stray == []


@pytest.mark.parametrize("date", ["2019-03-10", "201903", "1月-12月"])
def test_only_the_amount_column_of_a_procurement_list_is_money(date):
    """Codes (科目编码, 单位编码, 部门经济科目 类/款), quantities (数量) and dates (采购时间, even
    printed as a bare number) are not amounts: neither read nor counted as printed amounts."""
    tpl = templates.template()
    (block,) = segment(_procurement_lines(date), tpl).blocks
    amounts, info, findings = normalise(block, "x.pdf", None, tpl)
    assert [(a.code, a.value) for a in amounts] == [
        (None, Decimal("30.50")),
        ("2240106", Decimal("20.00")),
        ("2240109", Decimal("10.50")),
    ]
    assert {a.measure for a in amounts} == {"total"}
    assert info.cells == info.read == 3 and info.unmapped == ()
    assert not [f for f in findings if f.severity == "error"]


@pytest.fixture(scope="module")
def xian():
    return parse(corpus_file(XA_TABLES))


def test_the_xian_procurement_table_is_read_over_both_pages(xian):
    """表12 pp.30-31 (rendered page): 合计 192.13 and 14 item amounts, 9 of them on p.31."""
    (info,) = [t for t in xian.tables if t.table == "procurement"]
    assert info.pages == (30, 31) and info.unit == "万元" and info.read == info.cells == 15
    got = [a for a in xian.amounts if a.table == "procurement"]
    total = next(a.value for a in got if a.item == "total")
    assert total == Decimal("192.13") == sum(a.value for a in got if a.item != "total")
    assert sum(1 for a in got if a.line.page == 31) == 9
    assert not [ln for ln in xian.stray if ln.page in (30, 31)]
