"""Printed numbers: what a cell's text may hold and still be a figure (issue #12 items 5, 7).

A space is layout only as a thousands separator, beside the decimal point or after a sign; any
other space between digits makes the cell malformed. A malformed cell is never a figure: not
in `summary`, `amounts`, `parse`, the key figures, and no identity counts it as a blank (0).
Huge numbers are findings, never an internal error.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from budgetkit.document import read
from budgetkit.errors import MalformedNumber
from budgetkit.money import fmt_wan, looks_like_amount, parse_amount

THREE_PUBLIC_TOTAL = "合计\t4.96\t4.96"  # the 三公 table's 合计 row (total, 一般公共预算)


@pytest.mark.parametrize(
    "text, value",
    [
        ("12 672.73", "12672.73"),  # a thousands separator printed as a space
        ("12\u2009672.73", "12672.73"),  # … as a thin space
        ("1\u202f234\u00a0567", "1234567"),  # narrow no-break and no-break spaces
        ("12,672 .73", "12672.73"),  # a PDF text layer splitting "12,672" and ".73"
        ("12,672. 73", "12672.73"),
        ("1 234,567.5", "1234567.5"),
        ("- 5.00", "-5.00"),
        ("１２ ６７２．７３", "12672.73"),  # full-width digits, ideographic space
        ("4.96 万元", "4.96"),
        ("123456789012345.12", "123456789012345.12"),  # 15 integer digits: read exactly
    ],
)
def test_spaces_that_are_layout(text, value):
    assert parse_amount(text) == Decimal(value)
    assert looks_like_amount(text)


@pytest.mark.parametrize(
    "text",
    [
        "4 96",  # not a thousands grouping: issue #12 read it as 496.00
        "1 23",
        "12 3456",
        "12.34 56",  # a space in the fraction
        "201 03 02",  # a split classification code is not an amount
        "1" * 16,  # more than 15 integer digits
        "1" + "0" * 26,  # 10^26: issue #12 gave "internal error (InvalidOperation)"
        "0.123456789",  # more than 8 decimals
        "١٢٣",  # Arabic-Indic digits are not printed amounts
        "1e5",
        "NaN",
        "Infinity",
    ],
)
def test_not_a_number(text):
    with pytest.raises(MalformedNumber):
        parse_amount(text)
    assert not looks_like_amount(text)


def test_fmt_wan_never_raises_and_keeps_every_digit():
    big = Decimal("1" * 40 + ".5")
    assert fmt_wan(big) == "1" * 40 + ".50"
    assert fmt_wan(Decimal("1." + "3" * 40)) == "1." + "3" * 40
    assert fmt_wan(Decimal("37151.4655")) == "37151.4655"
    assert fmt_wan(Decimal("4.96")) == "4.96"


def _malformed(mutate, cell: str):
    return mutate(THREE_PUBLIC_TOTAL, f"合计\t{cell}\t4.96")


@pytest.mark.parametrize("cell", ["4 96", "1" + "0" * 26, "1" * 27])
def test_malformed_cell_is_never_a_figure(mutate, tmp_path, cli, cell):
    path = _malformed(mutate, cell)
    code, out, err = cli("summary", path, "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["three_public_total"] is None  # not 496.00, not 0.00
    (warning,) = [w for w in summary["warnings"] if w["figure"] == "three_public_total"]
    assert warning["reason"].startswith("read.number.malformed") and cell in warning["reason"]

    doc = read(path)  # the reports' key figures come from Document.figures()
    fig = next(f for f in doc.figures() if f.key == "three_public_total")
    assert fig.value is None and "read.number.malformed" in fig.doubt

    code, out, _ = cli("amounts", path, "--format", "csv")
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["table"] == "three_public"]
    assert rows and not [r for r in rows if r["item"] == "total" and r["measure"] == "total"]
    assert all(Decimal(r["amount"]) < 5 for r in rows)

    code, _, err = cli("parse", path, "--out", tmp_path / "out")
    assert code == 0, err
    (amounts,) = (tmp_path / "out").glob("*/amounts.csv")
    assert "496" not in amounts.read_text("utf-8") and cell not in amounts.read_text("utf-8")


def test_malformed_cell_is_not_counted_as_zero(mutate, cli):
    """Only the cell is reported: identities of its row are not checked against a 0."""
    code, out, err = cli("check", _malformed(mutate, "4 96"), "--json")
    assert code == 1 and "internal error" not in err
    errors = [f for f in json.loads(out)["findings"] if f["severity"] == "error"]
    assert [f["rule"] for f in errors] == ["read.number.malformed"]
    assert errors[0]["actual"] == "4 96" and errors[0]["table"] == "three_public"


def test_huge_total_row_is_a_finding_not_an_internal_error(mutate, cli):
    path = mutate("总计\t342.31\t160.31\t182.00", "总计\t1" + "0" * 26 + "\t160.31\t182.00")
    code, out, err = cli("check", path, "--json")
    assert code == 1 and err == ""
    rules = {f["rule"] for f in json.loads(out)["findings"] if f["severity"] == "error"}
    assert rules == {"read.number.malformed"}
    code, out, err = cli("summary", path, "--json")
    assert code == 0 and json.loads(out)["expenditure_total"] == "342.31"  # printed elsewhere


def test_huge_but_valid_amounts_are_exact(mutate, cli):
    """15 integer digits in 万元, 8 decimals: exact, and sums of them too (no rounding)."""
    big = "123456789012345.12345678"
    path = mutate(THREE_PUBLIC_TOTAL, f"合计\t{big}\t{big}")
    doc = read(path)
    fig = next(f for f in doc.figures() if f.key == "three_public_total")
    assert fig.value == Decimal(big)
    assert json.loads(cli("summary", path, "--json")[1])["three_public_total"] == big


def test_unreadable_cells_survive_parse_and_load(mutate, tmp_path, cli):
    import budgetkit

    code, _, err = cli("parse", _malformed(mutate, "4 96"), "--out", tmp_path / "out")
    assert code == 0, err
    (doc,) = budgetkit.load(tmp_path / "out")
    assert [u.printed for u in doc.parsed.unreadable] == ["4 96"]
    assert doc.summary()["three_public_total"] is None
