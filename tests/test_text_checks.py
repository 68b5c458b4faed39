"""What an auditor checks in the text (`text.*`, issue 10 point 4): each rule caught on a copy
of the seed with one planted alteration, and no `text.*` finding on the unaltered seed,
Shanghai and corpus documents beyond the real ones pinned here (each seen on the page)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

import budgetkit
from budgetkit.check import text

from .conftest import SEED

ROOT = Path(__file__).resolve().parents[1]

#: The real `text.*` findings of the unaltered documents: (file, rule, page), each seen with
#: pdftotext on the page.
REAL = {
    ("data/shanghai/上海市普陀区司法局26年预算.pdf", "text.punctuation", 8),  # 支出。。2025年
    ("data/shanghai/上海市普陀区司法局单位26年预算.pdf", "text.empty_reason", 21),  # 原因是。其中
    ("data/shanghai/上海市普陀区社会福利院单位24年预算.pdf", "text.empty_reason", 16),
    # the 国有资本经营 table's note: 本部门2025年无政府性基金预算财政拨款安排的预算，故本表为空表
    ("data/shanghai/上海市普陀区财政局部门25年预算.pdf", "text.empty_note", 18),
    # p11 一般公共预算财政拨款收入与上年同期相比，增加144.81%，。
    ("data/corpus/shaanxi-xian/卫生健康委员会_2026年部门预算.pdf", "text.punctuation", 11),
}
ORIGINALS = sorted(
    str(p.relative_to(ROOT))
    for pattern in ("data/seed/*.txt", "data/shanghai/*", "data/corpus/*/*")
    for p in ROOT.glob(pattern)
    if p.suffix in (".txt", ".pdf", ".html")
)


@cache
def _parsed(rel: str):
    return budgetkit.read(ROOT / rel).parsed


@pytest.mark.parametrize("rel", ORIGINALS)
def test_no_false_text_findings_on_the_originals(rel):
    found = {(rel, f.rule, f.page) for f in text.check(_parsed(rel))}
    assert found == {r for r in REAL if r[0] == rel}


def test_text_findings_are_warnings_in_the_run():
    doc = budgetkit.read(ROOT / "data/shanghai/上海市普陀区司法局26年预算.pdf")
    hits = [f for f in doc.findings() if f.rule.startswith("text.")]
    assert [(f.rule, f.severity, f.page, f.line) for f in hits] == [
        ("text.punctuation", "warning", 8, 18)
    ]
    assert "。。" in hits[0].message


# -- planted alterations in copies of the seed ---------------------------------------------
SEED_LINES = SEED.read_text("utf-8").split("\n")
HEADING = 373  # 一、关于昌吉回族自治州人民政府驻北京联络处 2024 年收支预算情况总体说明


def _altered(tmp_path, *edits: tuple[int, str, str]) -> list:
    """The seed's `text.*` findings after replacing `old` by `new` on each 1-based line."""
    lines = list(SEED_LINES)
    for lineno, old, new in edits:
        assert old in lines[lineno - 1], (lineno, old)
        lines[lineno - 1] = lines[lineno - 1].replace(old, new)
    p = tmp_path / "altered.txt"
    p.write_text("\n".join(lines), "utf-8")
    return [f for f in budgetkit.read(p).findings() if f.rule.startswith("text.")]


def _rules(found) -> list[tuple[str, int | None]]:
    return [(f.rule, f.line) for f in found]


def test_unaltered_seed_gives_none(tmp_path):
    assert _altered(tmp_path) == []


@pytest.mark.parametrize(
    "line, old, new, printed",
    [
        (375, "342.31 万元", "XX 万元", "XX"),
        (63, "下设 2 个科室", "下设 ×× 个科室", "××"),
        (466, "昌州党机编发[2019]63 号", "昌州党机编发【】63 号", "【】"),
        (HEADING, "昌吉回族自治州人民政府驻北京联络处", "部门名称", "部门名称"),
    ],
)
def test_placeholder(tmp_path, line, old, new, printed):
    found = _altered(tmp_path, (line, old, new))
    assert _rules(found) == [("text.placeholder", line)]
    assert found[0].actual == printed and printed in found[0].message


def test_wrong_year_in_a_heading(tmp_path):
    found = _altered(tmp_path, (HEADING, "2024 年", "2023 年"))
    assert _rules(found) == [("text.year", HEADING)]
    assert (found[0].expected, found[0].actual) == ("2024", "2023") and "标题" in found[0].message


def test_wrong_year_in_a_table_title(tmp_path):
    found = _altered(tmp_path, (71, "部门收支总体情况表", "2023年部门收支总体情况表"))
    assert _rules(found) == [("text.year", 71)] and "表题" in found[0].message


def test_wrong_year_in_a_period(tmp_path):
    found = _altered(tmp_path, (508, "截至2023年底", "截至2021年底"))
    assert _rules(found) == [("text.year", 508)] and found[0].actual == "2021"


def test_years_that_are_not_the_documents_are_never_flagged(tmp_path):
    # a document number, an amount, a quoted title and history in prose are not years to check
    found = _altered(
        tmp_path,
        (466, "昌州党机编发[2019]63 号", "昌州党机编发【2017】89号"),
        (375, "342.31 万元", "342.31 万元（2083.68万元）"),
        (HEADING, "情况总体说明", "情况总体说明《2019年工作要点》"),
        (63, "下设 2 个科室", "2015年起下设 2 个科室"),
    )
    assert found == []


def test_doubled_punctuation(tmp_path):
    found = _altered(tmp_path, (375, "纳入部门预算管理。", "纳入部门预算管理。。"))
    assert _rules(found) == [("text.punctuation", 375)] and found[0].actual == "。。"


def test_empty_reason(tmp_path):
    found = _altered(
        tmp_path,
        (421, "主要原因是调标增资退休人员增加 2 名，人员经费及公用经费增加。", "主要原因是。"),
    )
    assert _rules(found) == [("text.empty_reason", 421)]


def test_paragraph_printed_twice(tmp_path):
    para = SEED_LINES[374]
    found = _altered(tmp_path, (375, para, para + "\n\n" + para))
    assert _rules(found) == [("text.duplicate_paragraph", 377)]
    assert "line 375" in found[0].message


def test_department_name_in_a_heading(tmp_path):
    found = _altered(tmp_path, (HEADING, "驻北京联络处", "驻上海联络处"))
    assert _rules(found) == [("text.department_name", HEADING)]
    assert found[0].actual == "昌吉回族自治州人民政府驻上海联络处"


def test_department_name_on_a_table(tmp_path):
    found = _altered(tmp_path, (115, "驻北京联络处", "驻上海联络处"))
    assert _rules(found) == [("text.department_name", 115)] and "表中" in found[0].message


def test_unit_variants_of_the_name_are_the_same(tmp_path):
    found = _altered(
        tmp_path,
        (115, "驻北京联络处", "驻北京联络处（本级）"),
        (HEADING, "驻北京联络处", "驻北京联络处（汇总）"),
    )
    assert found == []


def test_contents_lists_a_table_not_printed_and_leaves_one_out(tmp_path):
    found = _altered(tmp_path, (26, "上年结转结余情况明细表", "政府采购预算表"))
    assert sorted((f.rule, f.table) for f in found) == [
        ("text.contents", "carryover"),
        ("text.contents", "procurement"),
    ]
    listed = next(f for f in found if f.table == "procurement")
    assert listed.line == 26 and "未见" in listed.message


WANLI_TXT = ROOT / "data/shanghai/上海市普陀区人民政府万里街道办事处25年预算.txt"


def test_empty_note_naming_another_fund(tmp_path):
    # the 国有资本经营 table's note copied from the 政府性基金 table's (as 财政局 2025 p18 has it)
    lines = WANLI_TXT.read_text("utf-8").split("\n")
    assert lines[826] == "注:本部门2025年无国有资本经营预算财政拨款安排的预算，故本表为空表。"
    lines[826] = lines[826].replace("国有资本经营", "政府性基金")
    p = tmp_path / "wanli.txt"
    p.write_text("\n".join(lines), "utf-8")
    found = [f for f in budgetkit.read(p).findings() if f.rule.startswith("text.")]
    assert [(f.rule, f.table) for f in found] == [("text.empty_note", "soe_capital")]
    assert "政府性基金" in found[0].message


def test_empty_table_the_narrative_gives_figures(tmp_path):
    found = _altered(
        tmp_path,
        (478, "没有使用政府性基金预算拨款安排的支出，", "政府性基金预算支出 50.00 万元，"),
    )
    assert ("text.empty_table_stated", "gov_fund") in [(f.rule, f.table) for f in found]


def test_leaders_and_last_closed_year_end_are_no_slips(tmp_path):
    # a run of 。 is a leader, not a doubled stop; a budget may count its assets at the last
    # closed year-end (截至2022年12月31日 in a 2024 budget)
    found = _altered(
        tmp_path,
        (16, "部门收支总体情况表", "部门收支总体情况表。。。。。。1"),
        (508, "截至2023年底", "截至2022年12月31日"),
    )
    assert found == []


def test_a_unit_the_document_names_is_no_wrong_name(tmp_path):
    # a table headed by a subordinate unit the 概况 lists is the unit's, not a slip
    found = _altered(
        tmp_path,
        (63, "分别是：办公室、业务科。", "分别是：办公室、业务科，所属昌吉州驻京服务中心。"),
        (115, "昌吉回族自治州人民政府驻北京联络处", "昌吉州驻京服务中心"),
    )
    assert found == []
