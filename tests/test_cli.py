"""The CLI contract on the seed and on broken inputs: exit codes, JSON shape, no tracebacks."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal

import pytest

from budgetkit.catalog.fields import view

from .conftest import SEED


def run(*args, cwd=None):
    p = subprocess.run(
        [sys.executable, "-m", "budgetkit.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
    )
    return p.returncode, p.stdout, p.stderr


def test_summary_json():
    code, out, _ = run("summary", SEED, "--json")
    assert code == 0
    assert json.loads(out) == {
        "file": str(SEED),  # which document a line is about (several paths: JSON Lines)
        "department": "昌吉回族自治州人民政府驻北京联络处",
        "year": 2024,
        "kind": "budget",
        "unit_as_printed": "万元",
        "income_total": "342.31",
        "expenditure_total": "342.31",
        "basic_expenditure": "160.31",
        "project_expenditure": "182.00",
        "fiscal_appropriation": "232.31",
        "gpb_appropriation": "232.31",
        "three_public_total": "4.96",
        "warnings": [],
    }


def test_summary_table_is_readable():
    code, out, _ = run("summary", SEED)
    assert code == 0 and "342.31 万元" in out and "昌吉回族自治州人民政府驻北京联络处" in out


def test_check_json_shape_and_exit():
    code, out, _ = run("check", SEED, "--json")
    data = json.loads(out)
    assert data["document"]["year"] == 2024
    keys = {"rule", "severity", "table", "code", "message", "expected", "actual"}
    keys |= {"file", "page", "line", "location"}
    assert data["findings"] and all(set(f) == keys for f in data["findings"])
    assert code == (1 if any(f["severity"] == "error" for f in data["findings"]) else 0)


def test_check_exit_1_on_wrong_figure(mutate):
    code, out, _ = run("check", mutate("收入总计\t342.31", "收入总计\t352.31", 109), "--json")
    assert code == 1
    assert any(
        f["rule"] == "table.balance" and f["severity"] == "error"
        for f in json.loads(out)["findings"]
    )


def test_amounts_csv_exact():
    code, out, _ = run("amounts", SEED, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == view("amounts").columns  # the same columns as parse's amounts.csv
    assert {"file", "page", "line"} <= set(rows[0])
    total = sum(
        Decimal(r["amount"])
        for r in rows
        if r["table"] == "gpb_basic" and len(r["code"]) == 5 and r["measure"] == "total"
    )
    # by hand: 301 款 140.36 + 302 款 19.44 + 303 款 0.53 = 160.33 (the printed 总计 is 160.31)
    assert total == Decimal("160.33")


BAD = {
    "empty.txt": b"",
    "binary.bin": bytes(range(256)) * 8,
    "novel.txt": "从前有座山，山里有座庙。\n庙里有个老和尚。\n".encode(),
    "latin1.txt": "caf\xe9 cr\xe8me \xff\xfe".encode("latin-1") * 50,
}


@pytest.mark.parametrize("name", sorted(BAD))
@pytest.mark.parametrize("command", ["summary", "check", "amounts"])
def test_bad_input_is_a_clear_error(tmp_path, name, command):
    p = tmp_path / name
    p.write_bytes(BAD[name])
    code, out, err = run(command, p)
    assert code == 2
    assert "Traceback" not in err and err.count("\n") == 1
    assert str(p) in err


def test_missing_file_and_directory(tmp_path):
    for p in (tmp_path / "nope.txt", tmp_path):
        code, _, err = run("check", p)
        assert code == 2 and str(p) in err and "Traceback" not in err


def test_truncated_document_reports_missing_tables(tmp_path, seed_text):
    p = tmp_path / "truncated.txt"
    p.write_text("\n".join(seed_text.split("\n")[:230]), "utf-8")  # stops inside 表5
    code, out, err = run("check", p, "--json")
    assert code == 1, err
    missing = {
        f["table"] for f in json.loads(out)["findings"] if f["rule"] == "completeness.table.missing"
    }
    assert missing == {"gpb_basic", "gov_fund", "soe_capital", "three_public"}


def test_parse_batch_continues_past_a_bad_file(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    code, out, err = run("parse", bad, SEED, "--out", tmp_path / "out")
    assert code == 2 and "empty.txt" in err
    assert (tmp_path / "out" / SEED.stem / "table_expenditure.csv").exists()


@pytest.mark.slow
def test_report_batch_survives_missing_and_unreadable(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "rep"
    code, stdout, err = run(
        "report", tmp_path / "nope.txt", empty, SEED, "--out", out, "--notebooks", "structure"
    )
    assert code == 2 and "nope.txt: no such file" in err and "Traceback" not in err
    assert (out / SEED.stem / "structure.html").exists()
    index = (out / "index.html").read_text("utf-8")
    assert "empty.txt" in index and "昌吉回族自治州人民政府驻北京联络处" in index
