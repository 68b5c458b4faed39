"""Split publications (issue 9 item 4): a narrative file and a tables file of one department,
year, kind and scope read as one document — `budgetkit.read(narrative, tables)`, and paired by
`parse`, `report` and the corpus on the meta read from the documents, never on file names.

Real material: the corpus of issue 9 (`data/corpus/<region>/` or `../shared/corpus/`; tests
skip without it; MANIFEST.tsv gives each file's true department and year) and the seed cut in
two (`split_seed`). Pages cited are PDF pages (`pdftotext -layout -f N -l N`).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import budgetkit
from budgetkit import pairing
from budgetkit.check.narrative import Figures, _code
from budgetkit.document import parse
from budgetkit.errors import NotAPair, ReadError
from budgetkit.model import Meta

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "000_d8581a66e967af08.txt"
#: Where the issue-9 corpus is: copied into the repository, or the shared folder beside it.
CORPUS_DIRS = (ROOT / "data" / "corpus", ROOT.parent / "shared" / "corpus")

BJ_NARRATIVE = "beijing/2026年北京市信访办公室部门预算.pdf"
BJ_TABLES = "beijing/政府办公厅_附件2：北京市信访办公室2026年度部门预算报表.pdf"
XA_NARRATIVE = "shaanxi-xian/发展和改革局_2026年部门预算.pdf"  # 西安市发改委 2019, narrative only
XA_TABLES = "shaanxi-xian/应急管理局_2026年部门预算.pdf"  # 西安市安监局 2019, tables only
KM_NARRATIVE = "yunnan-kunming/审计局_2026年部门预算.html"  # 昆明市审计局 2026, a web page
GZ_TARGETS = "guangdong-guangzhou/2026年广州市生态环境局部门预算.pdf"  # 绩效目标表 only


def corpus_file(rel: str) -> Path:
    """A corpus document by its path under the corpus (skips the test when it is absent)."""
    for root in CORPUS_DIRS:
        if (root / rel).is_file():
            return root / rel
    pytest.skip(f"corpus document {rel} not present (data/corpus/ or ../shared/corpus/)")


@pytest.fixture(scope="module")
def beijing():
    """The Beijing 信访办 2026 publication, read as one document from its two files."""
    return budgetkit.read(corpus_file(BJ_NARRATIVE), corpus_file(BJ_TABLES))


# -- budgetkit.read(narrative, tables) on the real split publication -------------------------
def test_the_two_beijing_files_read_as_one_document(beijing):
    narrative, tables = str(corpus_file(BJ_NARRATIVE)), str(corpus_file(BJ_TABLES))
    m = beijing.meta
    assert (m.department, m.year, m.kind, m.scope) == (
        "北京市信访办公室",
        2026,
        "budget",
        "department",
    )
    assert m.publication == "split" and m.sources == (narrative, tables)
    assert m.source == narrative and m.unit_as_printed == "万元"  # the tables' unit
    # tables, amounts and table findings from the tables file; statements from the narrative
    assert set(beijing.amounts["file"]) == {tables}
    assert set(beijing.table_index["file"]) == {tables}
    assert set(beijing.statements["file"]) == {narrative} and len(beijing.statements) >= 20
    assert set(beijing.facts["file"]) == {narrative}
    # the tables file also prints the 绩效 targets (预算表12, 预算13表 p.13-17)
    assert len(beijing.targets) > 0 and set(beijing.targets["file"]) == {tables}
    assert {"summary", "income", "expenditure", "fiscal_summary", "three_public"} <= set(
        beijing.tables
    )


def test_key_figures_come_from_the_tables_file(beijing):
    s = beijing.summary()
    # 预算01表 收支总表 p.1: 收入总计 = 支出总计 9,626.777589 (six decimals, as printed)
    assert s["income_total"] == s["expenditure_total"] == "9626.777589"
    # 预算03表 支出总表 p.4, 合计 row: 9,626.777589  7,485.224572  2,141.553017
    assert (s["basic_expenditure"], s["project_expenditure"]) == ("7485.224572", "2141.553017")
    # p.1 一、一般公共预算拨款收入 9,616.338314
    assert s["gpb_appropriation"] == "9616.338314" and s["fiscal_appropriation"] == "9616.338314"
    assert Decimal(s["three_public_total"]) == Decimal("17.70")  # 预算09表 p.10: 17.700000
    tables = str(corpus_file(BJ_TABLES))
    figs = {f.key: f for f in beijing.figures()}
    assert (figs["income_total"].file, figs["income_total"].page) == (tables, 1)
    assert (figs["basic_expenditure"].file, figs["basic_expenditure"].page) == (tables, 4)
    assert (figs["three_public_total"].file, figs["three_public_total"].page) == (tables, 10)
    # read alone, the narrative only states them rounded to 0.01 (p.3-5)
    alone = budgetkit.read(corpus_file(BJ_NARRATIVE)).summary()
    assert alone["income_total"] == "9626.78" and alone["basic_expenditure"] == "7485.22"


def test_the_narrative_is_checked_against_the_other_files_tables(beijing):
    """Every figure both files print agrees: 收入预算 9626.78 (narrative p.3) = 收入总计
    9,626.777589 (tables p.1); 本年财政拨款收入 9616.34 (p.3) = 本年收入合计 9,616.338314
    (财政拨款收支总表 p.5); 支出预算 9626.78 (p.4), 基本支出 7485.22 = 77.75%, 项目支出 2141.55 =
    22.25% (p.4-5) = 支出总表 合计 (p.4); 三公 17.70, 比上年减少 1.65, 下降 8.53% (p.5) = 预算09表
    17.700000 (p.10)."""
    narrative, tables = str(corpus_file(BJ_NARRATIVE)), str(corpus_file(BJ_TABLES))
    fig = Figures(beijing.parsed)
    compared = {}
    for st in beijing.parsed.statements:
        value, row = fig.lookup(st.topic, _code(st, fig))
        if value is not None and row is not None:
            assert st.line.file == narrative and row.line.file == tables
            compared[(st.subject, st.line.page)] = (st.amount, value, row.line.page)
    assert compared[("收入预算", 3)] == (Decimal("9626.78"), Decimal("9626.777589"), 1)
    assert compared[("本年财政拨款收入", 3)] == (Decimal("9616.34"), Decimal("9616.338314"), 5)
    assert compared[("支出预算", 4)] == (Decimal("9626.78"), Decimal("9626.777589"), 4)
    assert compared[("基本支出预算", 4)] == (Decimal("7485.22"), Decimal("7485.224572"), 4)
    assert compared[("项目支出预算", 5)] == (Decimal("2141.55"), Decimal("2141.553017"), 4)
    assert compared[("财政拨款三公经费预算", 5)] == (Decimal("17.70"), Decimal("17.700000"), 10)
    found = beijing.check()
    assert not found["rule"].str.startswith("narrative.").any(), found.to_string()
    assert "completeness.tables.separate" not in set(found["rule"])  # the tables are here
    # the tables' own findings point into the tables file: 预算07表/08表 print no rows and no
    # 本表为空表 note (p.8, p.9)
    empty = found[found["rule"] == "completeness.table.unexplained_empty"]
    assert set(empty["location"]) == {f"{tables}:p.8 l.1", f"{tables}:p.9 l.1"}


def test_the_files_may_be_given_in_either_order(beijing):
    narrative, tables = corpus_file(BJ_NARRATIVE), corpus_file(BJ_TABLES)
    swapped = budgetkit.read(tables, narrative)
    assert swapped.meta.sources == beijing.meta.sources
    assert swapped.summary() == beijing.summary()
    assert budgetkit.read([narrative, tables]).summary() == beijing.summary()  # papermill: a list


# -- files that are not one publication ------------------------------------------------------
def test_files_of_another_department_and_year_are_refused_naming_both():
    narrative, tables = corpus_file(BJ_NARRATIVE), corpus_file(XA_TABLES)
    with pytest.raises(NotAPair) as e:
        budgetkit.read(narrative, tables)
    msg = str(e.value)
    assert str(narrative) in msg and str(tables) in msg
    assert "departments differ: 北京市信访办公室 ≠ 西安市安全生产监督管理局" in msg
    assert "years differ: 2026 ≠ 2019" in msg
    assert isinstance(e.value, ReadError)  # the CLI's one-line error, exit status 2


def test_same_year_and_city_but_another_department_is_refused():
    """西安市发改委's 2019 narrative ends with 附件：2019年部门综合预算公开报表, which is not in
    the corpus; 西安市安监局's 2019 报表 are: same city, year, kind and scope, not its tables."""
    with pytest.raises(NotAPair) as e:
        budgetkit.read(corpus_file(XA_NARRATIVE), corpus_file(XA_TABLES))
    msg = str(e.value)
    assert "departments differ: 西安市发展和改革委员会 ≠ 西安市安全生产监督管理局" in msg
    assert "years differ" not in msg and "kinds differ" not in msg


def test_two_narratives_are_not_a_pair():
    with pytest.raises(NotAPair, match="not a tables file"):
        budgetkit.read(corpus_file(BJ_NARRATIVE), corpus_file(KM_NARRATIVE))


def test_parse_leaves_another_departments_tables_alone(cli, tmp_path):
    code, _, err = cli(
        "parse", corpus_file(BJ_NARRATIVE), corpus_file(XA_TABLES), "--out", tmp_path / "o"
    )
    assert code == 0 and "paired" not in err  # two documents, each alone
    assert len(list((tmp_path / "o").glob("*/records.json"))) == 2


def test_lone_narratives_stay_narrative_only():
    """Their tables are not in the corpus: 西安市发改委 2019 (28 pp., Word) and 昆明市审计局 2026
    (a web page whose 17 tables are an .xlsx attachment)."""
    docs = [budgetkit.read(corpus_file(p)) for p in (XA_NARRATIVE, KM_NARRATIVE)]
    assert [d.meta.publication for d in docs] == ["narrative", "narrative"]
    for d in docs:
        assert "completeness.tables.separate" in set(d.check()["rule"])
    others = [parse(corpus_file(p)).meta for p in (XA_TABLES, BJ_TABLES)]
    assert pairing.pair([d.meta for d in docs] + others) == [(d.meta,) for d in docs] + [
        (m,) for m in others
    ]


@pytest.mark.slow
def test_a_file_of_targets_only_is_never_half_of_a_pair():
    """广州市生态环境局 2026 (140 pp.) is its 项目支出绩效目标表 attachment only."""
    m = parse(corpus_file(GZ_TARGETS)).meta
    assert m.publication == "targets"
    twin = Meta(
        m.department, m.year, m.kind, m.scope, None, "n.pdf", "pdf", publication="narrative"
    )
    assert pairing.pair([twin, m]) == [(twin,), (m,)]


# -- pairing on meta -------------------------------------------------------------------------
def _meta(
    source, publication, department="测试市第1局", year=2024, kind="budget", scope="department"
):
    return Meta(department, year, kind, scope, None, source, "pdf", publication=publication)


def test_pair_groups_on_meta_never_on_file_names():
    n = _meta("2026年北京市信访办公室部门预算.pdf", "narrative")  # a misleading name
    t = _meta("附件2.pdf", "tables")
    other = _meta("x.pdf", "tables", department="测试市第2局")
    unit = _meta("u.pdf", "tables", scope="unit")  # 单位预算 / 本级: another publication
    full = _meta("f.pdf", "full")
    found = pairing.pairing([other, n, full, unit, t])
    assert found.groups == [(other,), (n, t), (full,), (unit,)]
    assert found.said == [
        "paired 2026年北京市信访办公室部门预算.pdf (narrative) + 附件2.pdf (tables): "
        "one document, 测试市第1局 2024 部门预算"
    ]


def test_department_name_variants_still_pair():
    n = _meta("n.pdf", "narrative", department="中共测试市委宣传部（汇总）")
    t = _meta("t.pdf", "tables", department="测试市委宣传部")
    assert pairing.pair([n, t]) == [(n, t)]


def test_an_ambiguous_pair_is_left_alone_and_said():
    a, b = _meta("a.pdf", "narrative"), _meta("b.pdf", "narrative")
    t = _meta("t.pdf", "tables")
    found = pairing.pairing([a, b, t])
    assert found.groups == [(a,), (b,), (t,)]
    assert found.notes == [
        "not paired: 2 narrative and 1 tables files of 测试市第1局 2024 部门预算: "
        "which belong together is not clear"
    ]


def test_a_document_without_department_or_year_is_never_paired():
    n, t = _meta("n.pdf", "narrative", department=None), _meta("t.pdf", "tables", department=None)
    assert pairing.pair([n, t]) == [(n,), (t,)]


# -- the seed cut in two: the same document, each record in its own file ---------------------
def test_the_split_seed_reads_as_the_whole_seed(split_seed):
    narrative, tables = split_seed
    assert parse(narrative).meta.publication == "narrative"
    assert parse(tables).meta.publication == "tables"
    whole, split = budgetkit.read(SEED), budgetkit.read(narrative, tables)
    assert split.summary() == whole.summary()
    a, b = whole.check(), split.check()
    for df in (a, b):  # messages citing another line cite it in its half
        df["message"] = df["message"].str.replace(r"line \d+", "line N", regex=True)
    assert sorted(zip(a["rule"], a["message"], strict=True)) == sorted(
        zip(b["rule"], b["message"], strict=True)
    )
    # each finding in the file that prints it, at the line it has there
    offset = {"narrative": 304, "tables": 60}  # seed lines 371… and 67… (conftest)
    for (_, fa), (_, fb) in zip(
        a.sort_values(["rule", "message"]).iterrows(),
        b.sort_values(["rule", "message"]).iterrows(),
        strict=True,
    ):
        half = Path(fb["file"]).stem
        assert fb["line"] == fa["line"] - (offset[half] if fa["line"] > 66 else 0), fb["message"]
    assert set(b[b["rule"].str.startswith("table.")]["file"]) == {str(tables)}


def test_the_tables_names_resolve_the_narratives_codes(split_seed):
    """A 项 named in the 情况说明 (一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）
    一般行政管理事务（项）) has its code only with the tables' row names."""
    narrative, tables = split_seed
    alone = budgetkit.read(narrative).statements
    paired = budgetkit.read(narrative, tables).statements
    subject = "一般行政管理事务（项）"
    assert alone[alone["subject"].str.endswith(subject)]["code"].isna().all()
    assert set(paired[paired["subject"].str.endswith(subject)]["code"]) == {"2010302"}


def test_a_figure_the_files_disagree_on_names_both_places(split_seed):
    narrative, tables = split_seed
    text = narrative.read_text("utf-8")
    assert text.count("公务接待费 0.16 万元。") == 1
    narrative.write_text(text.replace("公务接待费 0.16 万元。", "公务接待费 0.26 万元。"), "utf-8")
    found = budgetkit.read(narrative, tables).check()
    f = found[found["rule"] == "narrative.amount"].iloc[0]
    assert f["severity"] == "error" and f["location"] == f"{narrative}:line 182"  # seed l.486
    # the 三公 table's 公务接待费 row: 表10, seed line 351
    assert f"另行公开的表中为0.16万元（{tables}:line 291）" in f["message"]


def test_split_records_keep_their_file_through_parse_and_load(split_seed, tmp_path, cli):
    narrative, tables = split_seed
    code, out, err = cli("parse", narrative, tables, "--out", tmp_path / "out")
    assert code == 0, err
    assert f"paired {narrative} (narrative) + {tables} (tables): one document" in err
    assert "wrote 1 document(s)" in out
    assert [p.name for p in (tmp_path / "out").iterdir() if p.is_dir()] == ["narrative"]
    doc = budgetkit.load(tmp_path / "out" / "narrative")
    assert doc.meta.publication == "split" and doc.meta.sources == (str(narrative), str(tables))
    assert set(doc.amounts["file"]) == {str(tables)} and set(doc.statements["file"]) == {
        str(narrative)
    }
    assert doc.summary() == budgetkit.read(SEED).summary()
    package = json.loads((tmp_path / "out" / "datapackage.json").read_text("utf-8"))
    assert {r["path"].split("/")[0] for r in package["resources"]} == {"narrative"}


def test_batch_parse_pairs_the_beijing_folder_and_says_so(cli, tmp_path):
    folder = corpus_file(BJ_NARRATIVE).parent
    files = sorted(str(p) for p in folder.glob("*.pdf"))
    code, out, err = cli("parse", *files, "--out", tmp_path / "out", "--jobs", "2")
    assert code == 0, err
    narrative, tables = str(corpus_file(BJ_NARRATIVE)), str(corpus_file(BJ_TABLES))
    assert (
        f"paired {narrative} (narrative) + {tables} (tables): one document, "
        "北京市信访办公室 2026 部门预算"
    ) in err
    written = sorted(p.parent.name for p in (tmp_path / "out").glob("*/records.json"))
    assert written == ["2026年北京市信访办公室部门预算"] and "wrote 1 document(s)" in out
    doc = budgetkit.load(tmp_path / "out" / written[0])
    assert doc.summary()["income_total"] == "9626.777589"


def test_the_corpus_pairs_the_beijing_files(tmp_path):
    from budgetkit.corpus import build
    from budgetkit.corpus import open as open_corpus

    folder = corpus_file(BJ_NARRATIVE).parent
    result = build([folder], tmp_path / "c", jobs=1)
    assert result.documents == 1 and not result.failed and len(result.paired) == 1
    assert "1 of them split into two files" in result.summary()
    docs = open_corpus(tmp_path / "c").documents
    row = docs.iloc[0]
    assert row["publication"] == "split" and row["department"] == "北京市信访办公室"
    assert [Path(s).resolve() for s in row["sources"].split(" | ")] == [
        corpus_file(BJ_NARRATIVE).resolve(),
        corpus_file(BJ_TABLES).resolve(),
    ]
    assert row["income_total"] == Decimal("9626.777589")


@pytest.mark.slow
def test_reports_pair_and_the_index_shows_both_files(split_seed, tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from budgetkit.present.record import recorded
    from budgetkit.report import run_reports

    narrative, tables = split_seed
    params = new_code_cell('document = "x"')
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(
        cells=[
            params,
            new_code_cell(
                "import budgetkit\nfrom budgetkit.present.record import record\n"
                "doc = budgetkit.read(document)\nrecord('sources', list(doc.meta.sources))\n"
                "record('total', doc.summary()['income_total'])"
            ),
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, tmp_path / "t.ipynb")
    result = run_reports([narrative, tables], tmp_path / "out", [str(tmp_path / "t.ipynb")])
    assert result.exit_code == 0, result.summary()
    assert len(result.outcomes) == 1 and len(result.documents) == 1
    values = recorded(result.outcomes[0].ipynb)
    assert values == {"sources": [str(narrative), str(tables)], "total": "342.31"}
    assert result.notes[0].startswith(f"paired {narrative} (narrative) + {tables} (tables)")
    index = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert "narrative.txt + tables.txt（情况说明与报表分别公开，合为一份）" in index
