"""Hostile and broken inputs (issue #12): every one gives either a correct reading or one
clear line `budgetkit: <file>: <reason>` with exit status 2, never a traceback or an
"internal error", and a batch that holds it still reads the other documents.

Most cases run the CLI in process (fast); one batch runs it as a subprocess as users do.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from budgetkit.cli import shown
from budgetkit.document import read

from .conftest import SEED, SHANGHAI
from .test_cli import run
from .test_read_pdf import _encrypted_pdf

PDF = SHANGHAI / "上海市普陀区社会福利院单位24年预算.pdf"
FIGURES = (
    "income_total", "expenditure_total", "basic_expenditure", "project_expenditure",
    "fiscal_appropriation", "gpb_appropriation", "three_public_total",
)  # fmt: skip


def refused(code: int, err: str, path, *words: str) -> None:
    """Exit 2 and exactly one stderr line naming the file, with the reason's words."""
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert err.count("\n") == 1, err
    assert err.startswith(f"budgetkit: {shown(path)}: "), err
    for w in words:
        assert w.lower() in err.lower(), (w, err)


@pytest.fixture(scope="module")
def seed_figures():
    s = read(SEED).summary()
    return {k: s[k] for k in FIGURES}


def figures_of(out: str) -> dict:
    s = json.loads(out)
    return {k: s[k] for k in FIGURES}


# --- tiny hand-written PDFs ------------------------------------------------------------


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF file of the given objects (numbered from 1) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(objects) + 1, root)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def pdf_without_text() -> bytes:
    """One page that draws a framed table but has no text layer (as a scan would)."""
    content = b"1 w 50 50 m 500 50 l 500 700 l 50 700 l h S 50 400 m 500 400 l S"
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        ]
    )


def pdf_without_pages() -> bytes:
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def pdf_with_text(text: bytes) -> bytes:
    """One page of Helvetica text (a valid PDF that is not a disclosure)."""
    content = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


# --- files that must be refused with a clear line -----------------------------------


def _seed() -> str:
    return SEED.read_text("utf-8")


REFUSED = {
    "empty.txt": (lambda: b"", ["empty"]),
    "whitespace.txt": (lambda: b" \n\t\r\n  \n", ["empty"]),
    "ideographic-spaces.txt": (lambda: "\u3000\u3000\n\u3000\n".encode(), ["empty"]),
    "bom-only.txt": (lambda: b"\xef\xbb\xbf", ["empty"]),
    "utf16-spaces.txt": (lambda: "   \n ".encode("utf-16"), ["empty"]),
    "nul-bytes.txt": (lambda: _seed()[:500].encode() + b"\x00\x00\x00" + b"x" * 100, ["binary"]),
    "all-nuls.txt": (lambda: b"\x00" * 5000, ["binary"]),
    "random.bin": (lambda: bytes((i * 7919 + 13) % 256 for i in range(20000)), ["binary"]),
    "truncated.pdf": (lambda: PDF.read_bytes()[:20000], ["truncated"]),
    "header-only.pdf": (lambda: b"%PDF-1.7\n", ["truncated"]),
    "corrupt.pdf": (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n", ["corrupt"]),
    "encrypted.pdf": (_encrypted_pdf, ["encrypted"]),
    "scan.pdf": (pdf_without_text, ["no text layer", "OCR"]),
    "no-pages.pdf": (pdf_without_pages, ["no pages"]),
    "english.pdf": (lambda: pdf_with_text(b"Quarterly report"), ["not a budget disclosure"]),
    "page.html": (
        lambda: (
            b"<!DOCTYPE html>\n<html><head><title>\xe9\xa2\x84\xe7\xae\x97</title></head>"
            b"<body><table><tr><td>1</td></tr></table></body></html>"
        ),
        ["HTML"],
    ),
    "page-no-doctype.txt": (lambda: b"\n  <html>\n<body>342.31</body></html>", ["HTML"]),
    "word.docx": (lambda: b"PK\x03\x04" + b"\x14\x00" * 200, ["Office"]),
    "sheet.xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ["Office"]),
    "photo.jpg": (lambda: b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x00" * 300, ["image"]),
    "scan.png": (lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 300, ["image"]),
    "archive.gz": (lambda: b"\x1f\x8b\x08\x00" + b"\x00" * 300, ["gzip"]),
    "novel.txt": (
        "从前有座山，山里有座庙。\n庙里有个老和尚。\n".encode,
        ["not a budget disclosure"],
    ),
    "latin1.txt": (lambda: "caf\xe9 cr\xe8me br\xfbl\xe9e\n".encode("latin-1") * 50, []),
    "big5.txt": (lambda: ("臺北市政府單位預算\n歲出機關別預算表\n" * 30).encode("big5"), ["Big5"]),
    "bad-utf16-bom.txt": (lambda: b"\xff\xfe" + b"\x00\xd8" * 20, ["UTF-16"]),
    "control-only.txt": (lambda: bytes(range(1, 32)) * 20, []),
    "huge-number-line.txt": (lambda: ("9" * 100000 + "\n").encode(), ["not a budget disclosure"]),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_with_one_clear_line(tmp_path, cli, name):
    make, words = REFUSED[name]
    path = tmp_path / name
    path.write_bytes(make())
    for command in ("summary", "check"):
        code, out, err = cli(command, path)
        refused(code, err, path, *words)
        assert out == ""


def test_missing_file(tmp_path, cli):
    path = tmp_path / "nope.txt"
    refused(*cli("check", path)[::2], path, "no such file")


def test_directory(tmp_path, cli):
    refused(*cli("summary", tmp_path)[::2], tmp_path, "directory")


def test_symlink_loop(tmp_path, cli):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.symlink_to(b)
    b.symlink_to(a)
    refused(*cli("check", a)[::2], a, "symbolic links")


def test_dangling_symlink(tmp_path, cli):
    a = tmp_path / "gone.pdf"
    a.symlink_to(tmp_path / "nowhere.pdf")
    refused(*cli("check", a)[::2], a, "no such file")


def test_device_is_not_read(cli):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    refused(*cli("check", "/dev/zero")[::2], "/dev/zero", "not a regular file")


def test_fifo_is_not_read(tmp_path, cli):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    refused(*cli("check", fifo)[::2], fifo, "not a regular file")  # and does not hang


def test_permission_denied(tmp_path, cli, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_bytes(SEED.read_bytes())
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: make the read itself fail

        def denied(self):
            raise PermissionError(13, "Permission denied", str(self))

        monkeypatch.setattr(Path, "read_bytes", denied)
    refused(*cli("check", path)[::2], path, "permission denied")


@pytest.mark.parametrize(
    "name",
    [
        "two\nlines.txt",
        "bidi\u202egnp.txt",
        "zero\u200bwidth.txt",
        "tab\there.txt",
        "ansi\x1b[31m.txt",
    ],
)
def test_hostile_file_names_stay_on_one_line(tmp_path, cli, name):
    path = tmp_path / name
    path.write_bytes(b"")
    code, _, err = cli("check", path)
    refused(code, err, path, "empty")
    assert "\x1b" not in err and "\u202e" not in err and "\u200b" not in err


def test_file_name_starting_with_a_dash(tmp_path, cli, monkeypatch, seed_figures):
    monkeypatch.chdir(tmp_path)
    Path("-x.txt").write_bytes(SEED.read_bytes())
    code, out, _ = cli("summary", "--json", "--", "-x.txt")
    assert code == 0 and figures_of(out) == seed_figures


# --- files that must be read correctly --------------------------------------------------


def _encoded(enc: str, bom: bytes = b"") -> bytes:
    return bom + _seed().encode(enc)


READ = {
    "gb18030.txt": lambda: _encoded("gb18030"),
    "gbk.txt": lambda: _encoded("gbk"),
    "utf-8-bom.txt": lambda: _encoded("utf-8-sig"),
    "utf-16-le-bom.txt": lambda: _encoded("utf-16-le", b"\xff\xfe"),
    "utf-16-be-bom.txt": lambda: _encoded("utf-16-be", b"\xfe\xff"),
    "utf-16-le.txt": lambda: _encoded("utf-16-le"),
    "utf-16-be.txt": lambda: _encoded("utf-16-be"),
    "utf-32.txt": lambda: _encoded("utf-32"),
    "crlf.txt": lambda: _seed().replace("\n", "\r\n").encode(),
    "cr.txt": lambda: _seed().replace("\n", "\r").encode(),
    "crlf-gb18030.txt": lambda: _seed().replace("\n", "\r\n").encode("gb18030"),
    "text-named.pdf": lambda: SEED.read_bytes(),  # a .pdf that is text
    "no-extension": lambda: SEED.read_bytes(),
    "trailing-garbage.txt": lambda: SEED.read_bytes() + b"\n\x7f\x7f~~~\n",
    "huge-line.txt": lambda: SEED.read_bytes() + b"\n" + "很长的一行，".encode() * 400_000,
    "wide-row.txt": lambda: SEED.read_bytes() + b"\n" + b"\t".join([b"1.00"] * 100_000),
    "many-blank-lines.txt": lambda: SEED.read_bytes() + b"\n" * 500_000,
    "control-chars.txt": lambda: (
        _seed().replace("一般公共服务支出", "一般\x07公共\x1b[2J服务支出").encode()
    ),
}


@pytest.mark.parametrize("name", sorted(READ))
def test_read_correctly(tmp_path, cli, seed_figures, name):
    path = tmp_path / name
    path.write_bytes(READ[name]())
    code, out, err = cli("summary", path, "--json")
    assert code == 0 and err == "", err
    assert figures_of(out) == seed_figures


def test_pdf_named_txt_is_read_as_a_pdf(tmp_path, cli):
    path = tmp_path / "actually-a-pdf.txt"
    path.write_bytes(PDF.read_bytes())
    code, out, err = cli("summary", path, "--json")
    assert code == 0 and err == "" and json.loads(out)["income_total"] == "1212.1164"


def test_very_long_table(tmp_path, cli):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        from bench_scaling import table
    finally:
        sys.path.pop(0)
    path = tmp_path / "long.txt"
    path.write_text(table(200), "utf-8")  # about 4000 extra rows of 类/款/项
    code, out, err = cli("check", path, "--json")
    assert code == 1 and err == ""  # its totals no longer add up: findings, not a crash
    rules = {f["rule"] for f in json.loads(out)["findings"] if f["severity"] == "error"}
    assert "table.hierarchy" in rules


@pytest.mark.parametrize(
    "department",
    [
        "../../etc/passwd",
        "C:\\Windows\\system32",
        "部门/处室\\科",
        "昌吉\u202e回族\u200b自治州",
        '"><img src=x onerror=alert(1)>',
        '=HYPERLINK("http://x")',
    ],
)
def test_hostile_department_names_are_data(tmp_path, cli, monkeypatch, department):
    """Names with path separators, bidi/zero-width characters or markup are text: printed
    escaped on the terminal, exact in JSON, and never used as a path."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "doc.txt"
    path.write_text(_seed().replace("昌吉回族自治州人民政府驻北京联络处", department), "utf-8")
    code, out, err = cli("summary", path, "--json")
    assert code == 0 and err == ""
    name = json.loads(out)["department"]  # as the reader cleans it (spaces, brackets)
    assert name == read(path).meta.department and name[-2:] == department[-2:].replace(")", "）")
    code, out, err = cli("summary", path)
    assert code == 0 and shown(name) in out and "\u202e" not in out
    code, out, err = cli("export", path, "--xlsx", tmp_path / "out.xlsx")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.txt", "out.xlsx"]


# --- a batch goes on ---------------------------------------------------------------------


@pytest.mark.slow
def test_batch_reports_every_bad_file_and_reads_the_rest(tmp_path):
    bad = []
    for name in ("empty.txt", "scan.pdf", "encrypted.pdf", "page.html", "random.bin"):
        p = tmp_path / name
        p.write_bytes(REFUSED[name][0]())
        bad.append(p)
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    missing = tmp_path / "missing.pdf"
    paths = [bad[0], SEED, bad[1], loop, bad[2], PDF, bad[3], missing, bad[4], tmp_path]
    for command in ("summary", "check"):
        code, out, err = run(command, *paths, "--json")
        assert code == 2
        lines = err.splitlines()
        assert len(lines) == 8 and all(ln.startswith("budgetkit: ") for ln in lines), err
        assert "Traceback" not in err and "internal error" not in err
        docs = [json.loads(x) for x in out.splitlines()]
        files = [d.get("file") or d["document"]["source"] for d in docs]
        assert files == [str(SEED), str(PDF)]
    code, out, err = run("export", *paths, "--xlsx", tmp_path / "batch.xlsx")
    assert code == 2 and "wrote 2 document(s)" in out and err.count("\n") == 8
