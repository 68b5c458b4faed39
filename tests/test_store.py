"""`budgetkit parse --out DIR` output: datapackage, CSV/Parquet, idempotence, round trip."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pandas as pd
import pytest

import budgetkit
from budgetkit.store import write

from .conftest import SEED, SHANGHAI
from .test_cli import run


def _digest(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_round_trip_and_idempotence(tmp_path):
    doc = budgetkit.read(SEED)
    out = tmp_path / "parsed"
    write([doc], out)
    first = _digest(out)
    write([doc], out)
    assert _digest(out) == first  # re-running is idempotent, byte for byte
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary leftovers

    back = budgetkit.load(out / SEED.stem)
    assert back.meta == doc.meta
    pd.testing.assert_frame_equal(back.table("expenditure"), doc.table("expenditure"))
    assert [(a.table, a.code, a.measure, a.value, a.line.lineno) for a in back.parsed.amounts] == [
        (a.table, a.code, a.measure, a.value, a.line.lineno) for a in doc.parsed.amounts
    ]
    assert list(back.check()["rule"]) == list(doc.check()["rule"])
    assert [d.meta.source for d in budgetkit.load(out)] == [doc.meta.source]


def test_datapackage_describes_every_csv(tmp_path):
    write([budgetkit.read(SEED)], tmp_path)
    pkg = json.loads((tmp_path / "datapackage.json").read_text("utf-8"))
    assert pkg["profile"] == "tabular-data-package"
    paths = {r["path"] for r in pkg["resources"]}
    assert {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.csv")} == paths
    exp = next(r for r in pkg["resources"] if r["path"].endswith("table_expenditure.csv"))
    fields = {f["name"]: f for f in exp["schema"]["fields"]}
    assert fields["basic"]["type"] == "number" and fields["basic"]["title"] == "基本支出"
    csv = pd.read_csv(tmp_path / exp["path"], dtype=str)
    assert list(csv.columns) == list(fields)
    parquet = pd.read_parquet(tmp_path / exp["path"].replace(".csv", ".parquet"))
    assert parquet.loc[0, "total"] == Decimal("342.31")  # decimal(20,6): one type for all


def test_rows_are_the_document_views(tmp_path):
    """store.rows builds each view without pandas: the same values as the Document's frames."""
    from budgetkit.store.rows import DOCUMENT_VIEWS, view_data, wide_tables

    for path in (SEED, SHANGHAI / "上海市普陀区人民政府万里街道办事处23年预算.pdf"):
        doc = budgetkit.read(path)
        for view in DOCUMENT_VIEWS:
            df = doc.check() if view == "findings" else getattr(doc, view)
            data = view_data(doc.parsed, view, doc.findings())
            assert list(data) == list(df.columns), view
            for c in df.columns:
                want = [None if pd.isna(v) else v for v in df[c]]
                assert data[c] == want, (view, c)
        for tid, (_, data) in wide_tables(doc.parsed).items():
            df = doc.table(tid)
            assert list(data) == list(df.columns), tid
            assert data["name"] == list(df["name"]), tid


def _frictionless_errors(pkg):
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(pkg))
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.slow
def test_parse_output_passes_frictionless(tmp_path):
    """Issue 12 item 12: ASCII resource names, tabular-data-resource profiles, typed columns."""
    docs = [SEED, SHANGHAI / "上海市普陀区人民政府万里街道办事处23年预算.pdf"]
    code, _, err = run("parse", *docs, "--out", tmp_path / "out", "--jobs", "2")
    assert code == 0, err
    assert _frictionless_errors(tmp_path / "out" / "datapackage.json") == []
    staffing = (tmp_path / "out" / SEED.stem / "staffing.csv").read_text("utf-8")
    assert ".0," not in staffing and ".0\n" not in staffing  # integers written as integers


@pytest.mark.slow
def test_distinct_inputs_get_distinct_folders(tmp_path):
    """Issue 12 item 3: d1/doc.txt d2/doc.txt doc.txt → three folders, three documents."""
    for d in ("d1", "d2", "."):
        (tmp_path / d).mkdir(exist_ok=True)
        (tmp_path / d / "doc.txt").write_bytes(SEED.read_bytes())
    code, out, _ = run("parse", "d1/doc.txt", "d2/doc.txt", "doc.txt", "--out", "out", cwd=tmp_path)
    assert code == 0 and "wrote 3 document(s)" in out
    folders = sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir())
    assert len(folders) == 3 and all(f.startswith("doc-") for f in folders)
    pkg = json.loads((tmp_path / "out" / "datapackage.json").read_text("utf-8"))
    paths = [r["path"] for r in pkg["resources"]]
    assert len(paths) == len(set(paths)) and {p.split("/")[0] for p in paths} == set(folders)
    again = run("parse", "d1/doc.txt", "d2/doc.txt", "doc.txt", "--out", "out", cwd=tmp_path)
    assert again[0] == 0  # stable: the same names on a re-run
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir()) == folders


def test_dot_names_stay_inside_out(tmp_path):
    """Issue 12 item 2: `..txt` (stem `.`) and `...txt` (stem `..`) never touch --out itself."""
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "earlier.txt").write_text("kept", "utf-8")
    for name in ("..txt", "...txt"):
        (tmp_path / name).write_bytes(SEED.read_bytes())
    code, out, err = run("parse", "..txt", "...txt", "--out", "out", cwd=tmp_path)
    assert code == 0, err
    assert (tmp_path / "out" / "earlier.txt").read_text("utf-8") == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["...txt", "..txt", "out"]
    inside = [p for p in (tmp_path / "out").iterdir() if p.is_dir()]
    assert len(inside) == 2 and not any(p.name.startswith(".") for p in inside)


def test_parse_reports_a_bad_file_and_writes_the_rest(tmp_path):
    (tmp_path / "bad.txt").write_text("不是预算\n", "utf-8")
    code, out, err = run(
        "parse", tmp_path / "bad.txt", SEED, "--out", tmp_path / "o", "--jobs", "2"
    )
    assert code == 2 and "wrote 1 document(s)" in out
    assert err.startswith(f"budgetkit: {tmp_path / 'bad.txt'}: not a budget disclosure")


def test_output_names():
    from budgetkit.outputs import output_names

    names = output_names(["a/X.pdf", "a/X.txt", "..txt", "...txt", "d1/doc.txt", "d2/doc.txt"])
    assert names["a/X.pdf"] == "X-pdf" and names["a/X.txt"] == "X-txt"
    assert len(set(names.values())) == len(names)
    assert all(n and not n.startswith(".") and "/" not in n for n in names.values())
    assert output_names(["d1/doc.txt", "d2/doc.txt"]) == {
        k: v for k, v in names.items() if k.startswith("d")
    }


def test_a_document_never_takes_the_name_of_the_folders_own_files(tmp_path):
    """`datapackage.json.txt` must not become a folder where datapackage.json is written."""
    (tmp_path / "datapackage.json.txt").write_text(SEED.read_text("utf-8"), "utf-8")
    code, out, err = run("parse", "datapackage.json.txt", "--out", "o", cwd=tmp_path)
    assert code == 0, err
    assert (tmp_path / "o" / "datapackage.json").is_file()
