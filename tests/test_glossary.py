"""名词解释 on the seed (lines 589–603) and in the Shanghai style."""

from __future__ import annotations

from pathlib import Path

from budgetkit.extract import glossary
from budgetkit.reader import read_source
from budgetkit.reader.lines import Line

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "000_d8581a66e967af08.txt"


def test_seed_glossary():
    terms = glossary.extract(read_source(SEED).lines)
    assert [t.term for t in terms] == [
        "财政拨款", "一般公共预算", "财政专户管理资金", "其他资金",
        "基本支出", "项目支出", "“三公”经费", "机关运行经费",
    ]  # fmt: skip
    assert (
        terms[0].explanation
        == "指由一般公共预算、政府性基金预算、国有资本经营预算安排的财政拨款数。"
    )
    assert terms[0].line.lineno == 589
    assert "昌吉回族自治州人民政府驻北京联络处" not in terms[-1].explanation  # the signature


def test_shanghai_style_wrapped_entries():
    lines = [
        Line(("名词解释",), 1, 6),
        Line(
            (
                "（一）财政拨款收入：是区级预算主管部门及所属预算单位本年度从本级财政部门取得的财政拨款，包括一般公共预算财政拨款、政府",
            ),
            2,
            6,
        ),
        Line(("性基金预算财政拨款和国有资本经营预算财政拨款。",), 3, 6),
        Line(("（二）事业收入：指事业单位开展专业业务活动及其辅助活动取得的收入。",), 4, 6),
    ]
    terms = glossary.extract(lines)
    assert [t.term for t in terms] == ["财政拨款收入", "事业收入"]
    assert terms[0].explanation.endswith("政府性基金预算财政拨款和国有资本经营预算财政拨款。")
