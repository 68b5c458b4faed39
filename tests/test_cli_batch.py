"""The CLI for daily use (issue #12 item 17): every subcommand's --help describes it;
`summary` and `check` take several paths (one JSON object per document and line, a bad file
reported while the others still print, exit status the worst); `check --min-severity`;
findings quote the table's title as printed."""

from __future__ import annotations

import json
import re

import pytest

from budgetkit.cli import build_parser, shown

from .conftest import SEED, SHANGHAI
from .test_cli import run

PDF = SHANGHAI / "上海市普陀区人民政府办公室25年预算.pdf"
QUOTED = re.compile(r"《(.+?)》")
COMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)  # noqa: SLF001


def test_every_command_is_listed():
    assert {"summary", "check", "amounts", "export", "parse", "report", "rules"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_help_has_a_description(command):
    code, out, _ = run(command, "--help")
    assert code == 0
    usage, _, rest = out.partition("\n\n")
    description = rest.split("\n\n")[0]
    assert usage.startswith("usage: budgetkit " + command)
    assert len(description.split()) >= 8 and not description.startswith(("positional", "options"))
    if command != "corpus":  # the corpus command has subcommands of its own
        assert "exit status" in out


@pytest.fixture
def bad(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    return p


def test_summary_json_lines_for_several_documents(bad):
    code, out, err = run("summary", SEED, bad, PDF, "--json")
    assert code == 2  # the worst: one file cannot be read
    lines = out.splitlines()
    assert [json.loads(x)["file"] for x in lines] == [str(SEED), str(PDF)]
    assert json.loads(lines[1])["expenditure_total"] == "9101.677535"
    assert err.count("\n") == 1 and f"budgetkit: {bad}: " in err and "empty" in err


def test_summary_text_for_several_documents():
    code, out, _ = run("summary", SEED, PDF)
    assert code == 0
    assert out.count("收入总计") == 2 and f"{SEED}: 昌吉回族自治州人民政府驻北京联络处" in out


def test_check_several_documents_worst_status(tmp_path, bad, mutate):
    wrong = mutate("收入总计\t342.31", "收入总计\t352.31", 109)
    code, out, err = run("check", SEED, wrong, "--json")
    assert code == 1  # an error finding in the second document
    docs = [json.loads(x) for x in out.splitlines()]
    assert [d["document"]["source"] for d in docs] == [str(SEED), str(wrong)]
    code, out, err = run("check", wrong, bad, SEED)
    assert code == 2 and str(bad) in err  # unreadable is worse than an error finding
    assert out.count(": ") >= 2 and f"{SEED}: 0 error" in out


def test_check_min_severity(mutate):
    wrong = mutate("收入总计\t342.31", "收入总计\t352.31", 109)
    code, out, _ = run("check", wrong, "--json", "--min-severity", "warning")
    findings = json.loads(out)["findings"]
    assert code == 1 and findings
    assert {f["severity"] for f in findings} == {"error", "warning"}
    code, out, _ = run("check", wrong, "--min-severity", "error")
    listed = [ln for ln in out.splitlines() if ln.startswith("  [")]
    assert listed and all(ln.startswith("  [error]") for ln in listed)
    assert " warning, " in out.splitlines()[0]  # the counts still count everything
    code, _, err = run("check", SEED, "--min-severity", "bogus")
    assert code == 2 and "invalid choice" in err


def test_findings_quote_the_printed_title(tmp_path):
    """上海 prints 2025年部门支出预算总表 where the catalogue says 支出总表 (drop p. 12 so that a
    cross-table identity fails)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(PDF)
    pdf.del_page(11)
    path = tmp_path / "cut.pdf"
    pdf.save(path)
    pdf.close()
    code, out, _ = run("check", path, "--json")
    found = json.loads(out)["findings"]
    cross = [f for f in found if f["rule"] == "cross.summary_expenditure"]
    assert cross and "支出预算总表》" in cross[0]["message"]
    titles = {
        t for f in found if f["rule"].startswith("cross.") for t in QUOTED.findall(f["message"])
    }
    assert titles and all("预算" in t for t in titles), titles  # printed, not the catalogue's


def test_table_check_quotes_the_printed_title(mutate):
    code, out, _ = run("check", mutate("收入总计\t342.31", "收入总计\t352.31", 109), "--json")
    f = next(f for f in json.loads(out)["findings"] if f["rule"] == "table.balance")
    assert f["message"].startswith("《部门收支总体情况表》")  # the seed's title as printed


@pytest.mark.parametrize(
    "name, expected",
    [
        ("plain.txt", "plain.txt"),
        ("a\nb.txt", "a\\nb.txt"),
        ("evil\u202etxt.pdf", "evil\\u202etxt.pdf"),  # bidi override
        ("zero\u200bwidth.txt", "zero\\u200bwidth.txt"),
        ("预算\t表.txt", "预算\\t表.txt"),
    ],
)
def test_names_are_shown_on_one_safe_line(name, expected):
    assert shown(name) == expected


def test_a_bad_name_gives_one_line(tmp_path):
    p = tmp_path / "two\nlines\u202e.txt"
    p.write_bytes(b"")
    code, _, err = run("check", p)
    assert code == 2 and err.count("\n") == 1 and "two\\nlines\\u202e.txt" in err
