"""Planted alterations in a copy of real final accounts (issue 10, "Done when"): 国家信访局
2024年度部门决算 (data/corpus), its lines as the PDF reader gives them, one line altered before
the document is parsed. Each alteration is caught by a finding that names it, and none of
those findings is given by the unaltered original."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path
from unittest import mock

import pytest

import budgetkit
import budgetkit.document as document
from budgetkit.reader import read_source

ROOT = Path(__file__).resolve().parents[1]
FINAL = ROOT / "data/corpus/central-guojia-xinfangju/信访局_国家信访局2024年度部门决算公开.pdf"


@cache
def _source():
    return read_source(FINAL)


def _findings(edit=None) -> set[tuple[str, int | None, int | None]]:
    """(rule, page, line) of every finding of the document, its lines passed through `edit`."""
    src = _source()
    if edit is not None:
        src = replace(src, lines=edit(list(src.lines)))
    with mock.patch.object(document, "read_source", lambda _path: src):
        doc = budgetkit.read(FINAL)
    assert doc.meta.kind == "final" and doc.meta.year == 2024
    return {(f.rule, f.page, f.line) for f in doc.findings()}


@cache
def _original() -> frozenset:
    return frozenset(_findings())


def _cell(page: int, lineno: int, old: str, new: str, index: int | None = None):
    """An edit replacing `old` by `new` in one cell of the line printed at page/lineno."""

    def edit(lines):
        out, hit = [], 0
        for ln in lines:
            if ln.page == page and ln.lineno == lineno:
                cells = list(ln.cells)
                k = index if index is not None else next(i for i, c in enumerate(cells) if old in c)
                assert old in cells[k], (page, lineno, cells)
                cells[k] = cells[k].replace(old, new, 1)
                ln, hit = replace(ln, cells=tuple(cells)), hit + 1
            out.append(ln)
        assert hit == 1, (page, lineno)
        return out

    return edit


def _without_page(page: int):
    return lambda lines: [ln for ln in lines if ln.page != page]


ALTERATIONS = {
    # p21 l1 国家信访局2024年度财政拨款支出13733.8万元 (公开04表 prints 13,733.80)
    "a total in the narrative": (
        _cell(21, 1, "13733.8", "13773.8"),
        {("narrative.amount", 21, 1)},
    ),
    # p17 l2 收、支总计22066.59万元 (公开01表 总计 22,066.59), and the 本年收入合计 / 本年支出合计
    # of p19 (公开01表 20,451.35 / 14,572.53)
    "the grand total in the narrative": (
        _cell(17, 2, "22066.59", "22166.59"),
        {("narrative.amount", 17, 2)},
    ),
    "本年收入合计 in the narrative": (
        _cell(19, 1, "20451.35", "20451.53"),
        {("narrative.amount", 19, 1)},
    ),
    "本年支出合计 in the narrative": (
        _cell(19, 6, "14572.53", "14752.53"),
        {("narrative.amount", 19, 6)},
    ),
    # p21 l17 决算数大于预算数 for 行政运行: 5757.63 against a budget of 5717.32
    "大于 turned 小于": (_cell(21, 17, "大于", "小于"), {("narrative.relation", 21, 16)}),
    # p15 l8 公开09表 预算数 因公出国（境）费 30.00 left blank: the items no longer add up, and
    # p24 states a completion rate of a 0 budget
    "a blanked 三公 budget figure": (
        _cell(15, 8, "30.00", "", index=1),
        {("table.items", 15, 8), ("narrative.completion.zero_budget", 24, 18)},
    ),
    # p13 公开07表 政府性基金预算财政拨款收入支出决算表 deleted (the 目录 on p2 lists it)
    "a deleted table": (
        _without_page(13),
        {("completeness.table.missing", None, None), ("text.contents", 2, 13)},
    ),
    "a placeholder": (_cell(17, 5, "为国家信访局", "为XX局"), {("text.placeholder", 17, 5)}),
    # p16 第三部分 国家信访局2024年度部门决 | 算情况说明
    "a wrong year in a heading": (_cell(16, 2, "2024", "2023"), {("text.year", 16, 2)}),
    "a doubled 。": (_cell(17, 8, "支出。", "支出。。"), {("text.punctuation", 17, 8)}),
}


@pytest.mark.parametrize("name", ALTERATIONS)
def test_alteration_is_caught(name):
    edit, expected = ALTERATIONS[name]
    new = _findings(edit) - _original()
    assert expected <= new, (name, sorted(new))


def test_the_original_gives_none_of_them():
    caught = set().union(*(e for _, e in ALTERATIONS.values()))
    assert not caught & _original()
    assert not {r for r, _, _ in _original() if r.startswith("text.")}
