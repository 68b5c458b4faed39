"""Notebook tables: headers from the shared vocabulary, exact amounts, figures from tuples."""

from __future__ import annotations

import pytest

import budgetkit
from budgetkit.analysis import structure
from budgetkit.present import show

from .conftest import SEED, SHANGHAI


@pytest.fixture(scope="module")
def doc():
    return budgetkit.read(SEED)


def test_table_headers_come_from_labels_with_overrides(doc):
    items = structure.by_function(doc, level=3)
    page = show.table(
        items, ["code", "name", "amount", "pct"], labels={"amount": "合计（万元）"}
    ).data
    head = page.split("<thead>")[1].split("</thead>")[0]
    assert head == ("<tr><th>科目编码</th><th>科目名称</th><th>合计（万元）</th><th>占比</th></tr>")
    assert '<td class="n">182.00</td>' in page  # 一般行政管理事务, exact as printed


def test_figures_from_tuples_match_the_dataframe_form(doc):
    key = structure.key_figures(doc)
    rows = list(key[["label", "value", "unit"]].itertuples(index=False, name=None))
    assert show.figures(rows).data == show.figures(key).data
    assert show.yes_no(True) == "是" and show.yes_no(None) == "无法比较"


def test_amounts_converted_from_yuan_print_without_trailing_zeros():
    """元 → 万元 gives 37151.465500 (six places); tables show 37,151.4655 like the key figures."""
    from budgetkit.analysis import structure as st

    doc = budgetkit.read(SHANGHAI / "上海市普陀区商务委员会25年预算.pdf")
    page = show.table(st.funding_sources(doc), ["label", "amount", "pct"]).data
    assert '<td class="n">37,151.4655</td>' in page and "465500" not in page


def _columns(page: str) -> list[list[str]]:
    """The cells of an HTML table, column by column."""
    import re

    body = page.split("<tbody>")[1].split("</tbody>")[0]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in body.split("</tr>") if "<td" in r]
    return [list(c) for c in zip(*rows, strict=True)]


def test_numbers_have_one_format_per_column():
    """Issue 12 item 14: a column shows every amount with the same decimals (the widest
    printed), thousands separators, and every positive change signed."""
    from decimal import Decimal as D

    import pandas as pd

    df = pd.DataFrame(
        {
            "label": ["a", "b", "c"],
            "amount": [D("16497.864"), D("19.4"), 3],
            "change": [D("-7.87"), D("38"), D("0")],
            "pct": [D("1.5"), D("20"), D("78.5")],
        }
    )
    _, amount, change, pct = _columns(show.table(df).data)
    assert amount == ["16,497.864", "19.400", "3.000"]
    assert change == ["-7.87", "+38.00", "0.00"]
    assert pct == ["1.5%", "20.0%", "78.5%"]


def test_seed_tables_align_their_decimals(doc):
    items = structure.by_function(doc, level=3)
    cols = _columns(show.table(items, ["name", "amount", "basic", "project"]).data)
    for col in cols[1:]:
        decimals = {len(v.split(".")[1]) for v in col if v}
        assert decimals == {2}, col
