"""A PDF with a page missing (issue #12 item 6): the figures the page printed are not
silently replaced by a sum of what is left.

上海市普陀区人民政府办公室 2025 部门预算: the 部门支出预算总表 runs over pp. 11-12 and its
合计 row (基本支出 24,606,775.35 元) is on p. 12 with the 210/221 类 rows. Without p. 12
the reader can only sum the 类 rows of p. 11 (19,900,576.70 元): `summary --json` must say
the figure is derived and that an identity contradicts it.
"""

from __future__ import annotations

import json

import pypdfium2 as pdfium
import pytest

from .conftest import SHANGHAI
from .test_cli import run

PDF = SHANGHAI / "上海市普陀区人民政府办公室25年预算.pdf"


def _without_page(tmp_path, page: int):
    pdf = pdfium.PdfDocument(PDF)
    pdf.del_page(page - 1)
    out = tmp_path / f"{PDF.stem}-without-p{page}.pdf"
    pdf.save(out)
    pdf.close()
    return out


@pytest.fixture(scope="module")
def summary_without_p12(tmp_path_factory):
    path = _without_page(tmp_path_factory.mktemp("pdf"), 12)
    code, out, err = run("summary", path, "--json")
    assert code == 0, err
    return json.loads(out)


def test_complete_document_has_no_warnings():
    code, out, _ = run("summary", PDF, "--json")
    summary = json.loads(out)
    assert summary["basic_expenditure"] == "2460.677535" and summary["warnings"] == []


def test_sum_of_the_remaining_rows_is_marked_derived_and_contradicted(summary_without_p12):
    s = summary_without_p12
    assert s["basic_expenditure"] == "1990.05767"  # what is left: not the true 2460.677535
    reasons = [w["reason"] for w in s["warnings"] if w["figure"] == "basic_expenditure"]
    assert any(r.startswith("derived: ") and "类" in r for r in reasons), reasons
    # the summary table's 合计 (printed on p. 8) shows the 类 rows are incomplete
    assert any(r.startswith("cross.summary_expenditure: ") and "9101.677535" in r for r in reasons)
    # a figure printed elsewhere is not doubted
    assert s["expenditure_total"] == "9101.677535"
    assert "expenditure_total" not in {w["figure"] for w in s["warnings"]}


def test_summary_text_output_shows_the_warnings(tmp_path):
    code, out, _ = run("summary", _without_page(tmp_path, 12))
    assert code == 0 and "! 基本支出: derived" in out and "cross.summary_expenditure" in out


def test_report_key_figures_mark_the_derived_and_contradicted_figure(tmp_path):
    """The structure report's key figures show the same warning as `summary --json`."""
    import budgetkit
    from budgetkit.analysis import structure
    from budgetkit.present import show

    doc = budgetkit.read(_without_page(tmp_path, 12))
    page = show.figures(structure.key_figures(doc)).data
    rows = {r.split("</td>")[0].split("<td>")[-1]: r for r in page.split("<tr")[1:]}
    assert "bk-doubt" in rows["基本支出 ⚠"] and "cross.summary_expenditure" in rows["基本支出 ⚠"]
    assert "支出总计" in rows and "bk-doubt" not in rows["支出总计"]
