"""概况 extraction on the seed (line 59–65 of data/seed/000_d8581a66e967af08.txt)."""

from __future__ import annotations

from pathlib import Path

from budgetkit.extract import profile
from budgetkit.reader import read_source
from budgetkit.reader.lines import Line

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "000_d8581a66e967af08.txt"


def test_seed_profile():
    p = profile.extract(read_source(SEED).lines)
    assert p.functions.startswith("负责自治州各企业事业单位招商引资的联系工作")
    assert p.functions.endswith("完成州党委、政府交办的其他工作。")
    assert (
        p.institutions
        == "昌吉回族自治州人民政府驻北京联络处无下属预算单位，下设2个科室，分别是：办公室、业务科。"
    )
    got = [(s.category, s.count, s.increase, s.line.lineno) for s in p.staffing]
    assert got == [
        ("编制数", 8, None, 65),
        ("实有人数", 11, None, 65),
        ("在职", 8, 0, 65),
        ("退休", 3, 3, 65),
        ("离休", 0, 0, 65),
    ]


def test_no_staffing_is_empty_not_an_error():
    lines = [
        Line(("上海市普陀区商务委员会主要职能",), 1, 3),
        Line(("主要职能包括：负责本区工商业。",), 2, 3),
        Line(("上海市普陀区商务委员会机构设置",), 1, 5),
        Line(("本部门中，行政单位1家，事业单位1家。",), 2, 5),
    ]
    p = profile.extract(lines)
    assert p.functions == "主要职能包括：负责本区工商业。"
    assert p.institutions == "本部门中，行政单位1家，事业单位1家。"
    assert p.staffing == ()
