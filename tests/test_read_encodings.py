"""Valid files that other readers open are read (issue #12 item 8): PDFs with whitespace
before `%PDF-` or padding after `%%EOF`, text in UTF-16/32 (with or without a byte-order
mark), GB18030, CR or CRLF line ends; full-width digits in the cover year. Files that cannot
be read say why, and a Big5 file's message names its encoding."""

from __future__ import annotations

import json

import pytest

from budgetkit.document import read
from budgetkit.errors import NotADisclosure, ReadError
from budgetkit.reader import is_pdf, read_source
from budgetkit.reader.text import decode

from .conftest import SEED, SHANGHAI
from .test_cli import run

PDF = SHANGHAI / "上海市普陀区社会福利院单位24年预算.pdf"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.fixture(scope="module")
def pdf_figures():
    return read(PDF).summary()


@pytest.mark.parametrize(
    "name, wrap",
    [
        ("leading-whitespace", lambda d: b"\r\n  \n\t" + d),
        ("leading-bom", lambda d: b"\xef\xbb\xbf" + d),
        ("leading-junk", lambda d: b"Content-Type: application/pdf\r\n\r\n" + d),
        ("trailing-nuls", lambda d: d + b"\x00" * 9000),
        ("trailing-spaces", lambda d: d + b" " * 5000 + b"\r\n"),
    ],
)
def test_pdf_that_readers_open_is_read(tmp_path, pdf_figures, name, wrap):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(wrap(PDF.read_bytes()))
    assert read(path).summary() == {**pdf_figures}


def test_text_mentioning_the_pdf_header_stays_text():
    text = "说明：附件为 %PDF-1.7 格式。\n".encode() + SEED.read_bytes()
    assert not is_pdf(text)
    assert is_pdf(b"%PDF-1.4\n...")


def test_truncated_pdf_padded_with_nuls_is_still_truncated(tmp_path):
    data = PDF.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2] + b"\x00" * 100)
    with pytest.raises(ReadError, match="truncated"):
        read_source(path)


@pytest.fixture(scope="module")
def seed_figures():
    return read(SEED).summary()


@pytest.mark.parametrize(
    "name, encode",
    [
        ("utf-16-bom", lambda s: s.encode("utf-16")),
        ("utf-16-le", lambda s: s.encode("utf-16-le")),
        ("utf-16-be", lambda s: s.encode("utf-16-be")),
        ("utf-16-be-bom", lambda s: b"\xfe\xff" + s.encode("utf-16-be")),
        ("utf-32-bom", lambda s: s.encode("utf-32")),
        ("utf-8-bom", lambda s: s.encode("utf-8-sig")),
        ("gb18030", lambda s: s.encode("gb18030")),
        ("crlf", lambda s: s.replace("\n", "\r\n").encode()),
        ("cr", lambda s: s.replace("\n", "\r").encode()),
        ("utf-16-crlf", lambda s: s.replace("\n", "\r\n").encode("utf-16-le")),
    ],
)
def test_text_encodings_and_line_ends(tmp_path, seed_text, seed_figures, name, encode):
    path = tmp_path / f"{name}.txt"
    path.write_bytes(encode(seed_text))
    assert read(path).summary() == {**seed_figures}


def test_encoding_is_reported(tmp_path, seed_text):
    for enc, name in (("utf-16-le", "utf-16-le"), ("gb18030", "gb18030"), ("utf-8", "utf-8")):
        path = tmp_path / f"{enc}.txt"
        path.write_bytes(seed_text.encode(enc))
        assert decode(path.read_bytes(), path)[1] == name


TRADITIONAL = (
    "臺北市政府一一四年度單位預算\n歲入歲出簡明比較分析表\n單位：新臺幣千元\n"
    "科目\t本年度預算數\t上年度預算數\n歲入合計\t1,234\t1,100\n"
    "說明：本機關預算編列係依據相關法令辦理，經費支出均按照規定程序執行。\n"
) * 10


def test_big5_is_decoded_and_its_message_names_the_encoding(tmp_path):
    path = tmp_path / "big5.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    assert decode(path.read_bytes(), path) == (TRADITIONAL, "big5")
    with pytest.raises(NotADisclosure, match="Big5.*Traditional Chinese"):
        read(path)
    code, _, err = run("check", path)
    assert code == 2 and str(path) in err and "Big5" in err and err.count("\n") == 1


def test_gbk_simplified_text_is_not_taken_for_big5(tmp_path, seed_text):
    data = seed_text.encode("gbk")
    assert decode(data, "x.txt")[1] == "gb18030"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"\xff\xfe" + b"\x00\xd8" * 10, "byte-order mark says UTF-16 LE but it is not valid"),
        ("   \n\t ".encode("utf-16"), "empty"),
        (bytes(range(256)) * 8, "binary"),
        (b"\x00" * 4096, "binary"),
    ],
)
def test_undecodable_text_says_why(tmp_path, data, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(ReadError, match=reason):
        read_source(path)


def test_fullwidth_digits_give_the_year(tmp_path, seed_text):
    path = tmp_path / "fullwidth.txt"
    path.write_text(seed_text.translate(FULLWIDTH), "utf-8")
    code, out, _ = run("summary", path, "--json")
    summary = json.loads(out)
    assert code == 0 and summary["year"] == 2024 and summary["income_total"] == "342.31"


def test_a_stray_nul_late_in_utf8_text_is_not_taken_for_utf16(seed_text):
    data = seed_text.encode()
    at = data.index(b"\n", 6000) + 1  # past the binary window, at a line start: one NUL
    data = data[:at] + b"\x00" + data[at:]
    text, enc = decode(data, "x.txt")
    assert enc == "utf-8" and "昌吉回族自治州" in text
