"""The explorer's widgets, driven from Python as the JupyterLab front end drives them.

A pick in the 下级 list is a change of `Select.value` (the front end sends `index`, which
ipywidgets turns into `value`); a click is `Button.click()`. Issue 12 item 11: the list was
always empty (ipywidgets' own observers removed), 占比 left the chart in 万元, a new file kept
the old breadcrumb, and the breadcrumb showed codes.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

import budgetkit
from budgetkit.present import explorer

from .conftest import ROOT, SEED, SHANGHAI

CAIZHENG = SHANGHAI / "上海市财政局25年预算.pdf"
BEIJING = ROOT / "data/corpus/beijing/政府办公厅_附件2：北京市信访办公室2026年度部门预算报表.pdf"


@cache
def _doc(path):
    return budgetkit.read(path)


def _app(folder, document) -> explorer.Explorer:
    app = explorer.Explorer(folder, document)
    app.widget()
    return app


def _listed(app) -> list[str]:
    """The labels the 下级 list shows (what the front end renders)."""
    return list(app.controls.children._options_labels)


def _crumbs(app) -> list[str]:
    """The breadcrumb buttons' texts (after the ↑ button)."""
    return [b.description for b in app.controls.crumbs.children[1:] if hasattr(b, "on_click")]


def _svg_texts(app) -> list[str]:
    return re.findall(r">([^<]+)</text>", app.svg)


def test_seed_drills_class_to_item_with_names_in_the_breadcrumb():
    app = _app(SEED.parent, SEED)
    assert _listed(app) == [
        "201 一般公共服务支出  298.75 万元",
        "208 社会保障和就业支出  23.12 万元",
        "210 卫生健康支出  8.18 万元",
        "221 住房保障支出  12.27 万元",
    ]
    assert _crumbs(app) == ["全部类"]
    sel = app.controls.children
    sel.index = 0  # what a click in JupyterLab sends
    assert app.parent == "201"
    assert _listed(app) == ["20103 政府办公厅（室）及相关机构事务  298.75 万元"]
    assert _crumbs(app) == ["全部类", "一般公共服务支出"]
    sel.value = "20103"
    assert _listed(app) == [
        "2010302 一般行政管理事务  182.00 万元",
        "2010350 事业运行  116.75 万元",
    ]
    assert _crumbs(app) == ["全部类", "一般公共服务支出", "政府办公厅（室）及相关机构事务"]
    assert "一般行政管理事务" in _svg_texts(app) and "182.00" in _svg_texts(app)
    sel.value = "2010302"  # a 项 has nothing below: stay, show its rows
    assert app.parent == "20103" and sel.value == "2010302"
    app.controls.crumbs.children[0].click()  # ↑ 上一级
    assert app.parent == "201" and _crumbs(app) == ["全部类", "一般公共服务支出"]
    app.controls.crumbs.children[1].click()  # 全部类
    assert app.parent is None and len(_listed(app)) == 4


def test_shanghai_pdf_drills_down():
    app = _app(SHANGHAI, CAIZHENG)
    assert _listed(app)[0] == "201 一般公共服务支出  12788.6849 万元" and len(_listed(app)) == 4
    app.controls.children.value = "201"
    assert _listed(app) == ["20106 财政事务  12788.6849 万元"]
    app.controls.children.value = "20106"
    assert len(_listed(app)) >= 2 and all(s.startswith("20106") for s in _listed(app))
    assert _crumbs(app) == ["全部类", "一般公共服务支出", "财政事务"]


def test_share_toggle_puts_the_chart_in_shares_of_the_table():
    app = _app(SEED.parent, SEED)
    app.controls.children.value = "201"
    app.controls.children.value = "20103"
    assert {"182.00", "116.75"} <= set(_svg_texts(app))
    app.controls.unit.value = "占比 %"
    texts = set(_svg_texts(app))
    # 182.00 / 342.31 and 116.75 / 342.31 of the whole 支出总表, as the list says
    assert {"53.17%", "34.11%"} <= texts and "182.00" not in texts
    assert _listed(app) == ["2010302 一般行政管理事务  53.17%", "2010350 事业运行  34.11%"]
    spec = app.chart.to_dict()
    assert [p["value"] for p in spec["params"] if p["name"] == "显示"] == ["占比"]
    app.controls.unit.value = "万元"
    assert "182.00" in _svg_texts(app)


def test_switching_file_starts_at_the_top_of_the_new_file():
    app = _app(ROOT / "data", SEED)
    app.controls.children.value = "201"
    app.controls.children.value = "20103"
    assert len(_crumbs(app)) == 3
    app.controls.pick.value = str(CAIZHENG)
    assert app.parent is None and _crumbs(app) == ["全部类"]
    assert _listed(app)[0] == "201 一般公共服务支出  12788.6849 万元"
    assert "财政事务" not in " ".join(_svg_texts(app))
    labels = {v: label for label, v in app.controls.pick.options}
    assert labels[str(CAIZHENG)] == "shanghai/上海市财政局25年预算.pdf"  # its place in the folder


def test_switching_table_keeps_a_code_it_prints():
    app = _app(SEED.parent, SEED)
    app.controls.children.value = "201"
    app.controls.table.value = "gpb_expenditure"
    assert app.parent == "201" and _crumbs(app) == ["全部类", "一般公共服务支出"]
    app.controls.children.value = "20103"
    assert _listed(app)[0] == "2010302 一般行政管理事务  72.00 万元"  # 表5 line 237


def test_top_of_a_table_printing_only_item_codes():
    """北京's 支出表 prints 7-digit codes only: the top of the drill-down is those rows."""
    kids = explorer.drill(_doc(BEIJING))
    assert len(kids) > 0 and set(kids["层级"]) == {"项"}
    assert abs(sum(kids["share"]) - 1) < 1e-9
    assert sum(kids["pct"]) > Decimal("99.9")


def test_an_unreadable_file_is_said_not_raised(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf at all")
    app = _app(tmp_path, bad)
    assert _listed(app) == [] and app.chart is None and _crumbs(app) == ["全部类"]
