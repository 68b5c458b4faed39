"""`budgetkit report --corpus DIR`: reports for every document of a corpus dataset, the index
from the dataset, trend through the department key, a comparison per region and year, and
the same reports when they run on a Dask cluster."""

from __future__ import annotations

import html
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from budgetkit.corpus import build
from budgetkit.present.record import MIME
from budgetkit.report import run_reports

from .conftest import SHANGHAI

WANLI = "上海市普陀区人民政府万里街道办事处"
FILES = (f"{WANLI}24年预算.pdf", f"{WANLI}25年预算.pdf", "上海市普陀区商务委员会25年预算.pdf")


def _records(ipynb: Path) -> dict:
    nb = json.loads(ipynb.read_text(encoding="utf-8"))
    out = {}
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            if MIME in o.get("data", {}):
                out[o["data"][MIME]["name"]] = o["data"][MIME]["value"]
    return out


def _corpus_of(root: Path, names) -> Path:
    """Copies of Shanghai documents in `root/docs`, built into `root/corpus`; the docs folder."""
    docs = root / "docs"
    docs.mkdir()
    for name in names:
        shutil.copy(SHANGHAI / name, docs / name)
    build([docs], root / "corpus", jobs=1)
    return docs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    _corpus_of(root, FILES)
    return root


@pytest.fixture(scope="module")
def reported(corpus):
    out = corpus / "reports"
    result = run_reports([], out, ["structure", "trend", "compare"], corpus=corpus / "corpus")
    return result, out


def test_every_document_and_one_comparison_per_region_and_year(reported):
    result, out = reported
    assert result.exit_code == 0, result.summary()
    by = {(Path(o.document).name, o.notebook): o for o in result.outcomes}
    for name in FILES:
        assert by[(name, "structure")].status == "ok"
        assert by[(name, "trend")].status == "ok"
    # 上海市普陀区 2025: 万里街道 and 商务委员会; 2024 has one department, no peers: no report
    compare = [o for o in result.outcomes if o.notebook == "compare"]
    assert [o.document for o in compare] == ["上海市普陀区 2025"]
    recorded = _records(Path(compare[0].ipynb))
    assert recorded["departments"] == 2 and recorded["year"] == 2025
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "部门比较" in index and "compare-上海市普陀区-2025/compare.html" in index


def test_the_index_comes_from_the_dataset(reported, corpus):
    result, out = reported
    import budgetkit.corpus

    with budgetkit.corpus.open(corpus / "corpus") as c:
        rows = {Path(r.sources).name: r for r in c.documents.itertuples()}
    for info in result.documents:
        row = rows[Path(info.path).name]
        assert (info.department, info.year, info.scope) == (row.department, row.year, row.scope)
        assert info.findings == {"error": row.errors, "warning": row.warnings, "info": row.infos}
        assert Decimal(info.total) == row.expenditure_total  # without decimal(20,6)'s zeros
        decimals = info.total.split(".")[1]  # 15621.1123 as printed, 342.31 not 342.310000
        assert len(decimals) == 2 or not decimals.endswith("0"), info.total
        page = (out / info.stem / "findings.html").read_text(encoding="utf-8")
        assert f"warning（{row.warnings}）" in page


def test_trend_finds_the_other_years_through_the_department_key(reported):
    result, _ = reported
    trend = next(o for o in result.outcomes if o.notebook == "trend" and FILES[1] in o.document)
    assert trend.parameters["corpus"].endswith("corpus")
    assert _records(Path(trend.ipynb))["years"] == [2024, 2025]


def test_stored_notebooks_leave_the_vega_bundle_to_their_html(reported):
    result, _ = reported
    o = next(o for o in result.outcomes if o.notebook == "structure")
    assert "window.vegaEmbed=" in Path(o.html).read_text(encoding="utf-8")
    stored = Path(o.ipynb).read_text(encoding="utf-8")
    assert "window.vegaEmbed=" not in stored and "Vega bundle is in this notebook's HTML" in stored


def test_a_rebuilt_corpus_reruns_only_what_it_changed(tmp_path):
    docs = _corpus_of(tmp_path, FILES[1:])
    first = run_reports([], tmp_path / "out", ["structure", "trend"], corpus=tmp_path / "corpus")
    assert {o.status for o in first.outcomes} == {"ok"}
    again = run_reports([], tmp_path / "out", ["structure", "trend"], corpus=tmp_path / "corpus")
    assert {o.status for o in again.outcomes} == {"skipped"}
    shutil.copy(SHANGHAI / FILES[0], docs)  # another year of 万里街道
    build([docs], tmp_path / "corpus", jobs=1)
    after = run_reports([], tmp_path / "out", ["structure", "trend"], corpus=tmp_path / "corpus")
    status = {(Path(o.document).name, o.notebook): o.status for o in after.outcomes}
    assert status[(FILES[2], "structure")] == "skipped"  # 商务委员会: nothing of its changed
    assert status[(FILES[1], "structure")] == "ok"  # its department has a new document
    assert status[(FILES[1], "trend")] == "ok"  # 万里 2025's series gained 2024
    assert status[(FILES[0], "structure")] == "ok"


def test_compare_needs_a_corpus_and_documents_or_corpus_not_both(tmp_path, corpus):
    from budgetkit.errors import BudgetkitError

    with pytest.raises(BudgetkitError, match="needs a corpus"):
        run_reports([SHANGHAI / FILES[0]], tmp_path, ["compare"])
    with pytest.raises(BudgetkitError, match="not both"):
        run_reports([SHANGHAI / FILES[0]], tmp_path, ["structure"], corpus=corpus / "corpus")
    with pytest.raises(BudgetkitError, match="not a corpus"):
        run_reports([], tmp_path, ["structure"], corpus=corpus / "docs")


def test_dask_writes_the_same_reports_as_the_local_run(reported, corpus, tmp_path):
    distributed = pytest.importorskip("distributed")
    local, _ = reported
    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False) as cluster,
        distributed.Client(cluster),
    ):
        remote = run_reports(
            [],
            tmp_path / "dask",
            ["structure", "trend", "compare"],
            corpus=corpus / "corpus",
            address=cluster.scheduler_address,
        )
        files = run_reports(  # documents given by path: read for the index on the cluster too
            [SHANGHAI / FILES[2]],
            tmp_path / "files",
            ["performance"],
            address=cluster.scheduler_address,
        )
    assert files.exit_code == 0 and files.documents[0].department == "上海市普陀区商务委员会"
    assert remote.exit_code == 0, remote.summary()
    mine = {(Path(o.document).name, o.notebook): o for o in local.outcomes}
    theirs = {(Path(o.document).name, o.notebook): o for o in remote.outcomes}
    assert mine.keys() == theirs.keys()
    for k, o in theirs.items():
        assert o.key == mine[k].key, k
        assert _records(Path(o.ipynb)) == _records(Path(mine[k].ipynb)), k


def test_cli_report_corpus(cli, corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # --out defaults to ./reports
    code, out, err = cli("report", "--corpus", corpus / "corpus", "--notebooks", "performance")
    assert code == 0, err
    assert "3 reports: 3 written" in out
    assert (tmp_path / "reports" / "index.html").is_file()
    code, _, err = cli("report", "--out", tmp_path / "x")
    assert code == 2 and "give documents (PATH...) or --corpus DIR" in err


def test_a_final_account_is_paired_with_its_departments_budget_of_the_same_year():
    """`execution` in a corpus gets the same year's budget of the department (the same scope
    first). The bundled data has no such pair (国家信访局: 决算 2024, 预算 2026), so this is a
    `documents` table of the corpus's shape with a 2024 budget beside the 决算."""
    import pandas as pd

    from budgetkit.report.corpus import _budgets

    class Paths:
        def paths(self, sources):
            return [Path(s) for s in sources.split(" | ")]

    docs = pd.DataFrame(
        [
            ("f", "国家信访局", 2024, "final", "department", "决算.pdf"),
            ("b1", "国家信访局", 2024, "budget", "unit", "单位预算.pdf"),
            ("b2", "国家信访局", 2024, "budget", "department", "部门预算.pdf"),
            ("b3", "国家信访局", 2026, "budget", "department", "2026.pdf"),
            ("x", "西安市应急管理局", 2024, "budget", "department", "other.pdf"),
        ],
        columns=["document", "department_key", "year", "kind", "scope", "sources"],
    )
    assert _budgets(Paths(), docs) == {"f": [Path("部门预算.pdf")]}
    assert _budgets(Paths(), docs[docs["document"] != "b2"]) == {"f": [Path("单位预算.pdf")]}
    assert _budgets(Paths(), docs[docs["year"] != 2024]) == {}


def test_comparison_folders_are_safe_and_distinct():
    """A region's name comes from documents: it never becomes a path, and two names made
    safe alike still get folders of their own."""
    from budgetkit.report.corpus import Comparison, comparison_stems

    stems = [
        s
        for _, s in comparison_stems(
            [Comparison(r, 2025, 2, "") for r in ("../../etc/x", "a/b", "a b", "上海市普陀区")]
        )
    ]
    assert stems[3] == "compare-上海市普陀区-2025"
    assert all("/" not in s and not s.startswith(".") for s in stems)
    assert len({s.casefold() for s in stems}) == 4


def test_a_document_gone_since_the_build_is_said_and_the_rest_reported(tmp_path):
    docs = _corpus_of(tmp_path, FILES[1:])
    (docs / FILES[2]).unlink()
    result = run_reports([], tmp_path / "out", ["performance"], corpus=tmp_path / "corpus")
    assert result.exit_code == 0
    assert [Path(o.document).name for o in result.outcomes] == [FILES[1]]
    assert any(FILES[2] in n and "no longer on disk" in n for n in result.notes)


def test_a_file_the_corpus_could_not_read_is_a_row_of_the_index(tmp_path):
    docs = _corpus_of(tmp_path, FILES[2:])
    (docs / "菜单.txt").write_text("今日菜单：米饭 2 元，面条 3 元。\n", "utf-8")  # no disclosure
    build([docs], tmp_path / "corpus", jobs=1)
    result = run_reports([], tmp_path / "out", ["performance"], corpus=tmp_path / "corpus")
    assert [Path(o.document).name for o in result.outcomes] == [FILES[2]]
    bad = [i for i in result.documents if i.error]
    assert [Path(i.path).name for i in bad] == ["菜单.txt"]
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "菜单.txt" in index and html.escape(bad[0].error) in index
