"""PDF and text-dump readers: golden rows checked by hand against the rendered Shanghai PDFs,
and the errors a user gets for scanned, encrypted, truncated and corrupt PDFs."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from budgetkit.errors import NeedsOCR, ReadError
from budgetkit.reader import read_source
from budgetkit.reader.lines import Line

CORPUS = Path(__file__).resolve().parents[1] / "data" / "shanghai"
PDFS = sorted(CORPUS.glob("*.pdf"))
DUMP = CORPUS / "上海市普陀区人民政府万里街道办事处25年预算.txt"

needs_corpus = pytest.mark.skipif(not PDFS, reason="Shanghai corpus not present")


@cache
def _read(name: str):
    return read_source(CORPUS / f"{name}.pdf")


def _page(name: str, page: int) -> list[tuple[str, ...]]:
    return [line.cells for line in _read(name).lines if line.page == page]


# (document, page, cells): each row was compared with the page rendered as an image.
GOLDEN = [
    # 部门支出预算总表: the x position decides 基本支出 vs 项目支出; 3-row header.
    ("上海市普陀区商务委员会25年预算", 12, ("项目", "", "", "", "支出预算", "", "")),
    (
        "上海市普陀区商务委员会25年预算",
        12,
        ("功能分类科目编码", "", "", "功能分类科目名称", "合计", "基本支出", "项目支出"),
    ),
    ("上海市普陀区商务委员会25年预算", 12, ("类", "款", "项", "", "", "", "")),
    (
        "上海市普陀区商务委员会25年预算",
        12,
        ("201", "13", "01", "行政运行", "9,389,913.00", "9,389,913.00", ""),
    ),
    (
        "上海市普陀区商务委员会25年预算",
        12,
        ("201", "13", "02", "一般行政管理事务", "4,545,000.00", "", "4,545,000.00"),
    ),
    # 部门收入预算总表 continues on p.11 without a header; its 合计 row; a wrapped header cell.
    (
        "上海市普陀区商务委员会25年预算",
        10,
        (
            "功能分类科目编码",
            "",
            "",
            "功能分类科目名称",
            "合计",
            "财政拨款收入",
            "事业收入",
            "事业单位经营收入",
            "其他收入",
        ),
    ),
    (
        "上海市普陀区商务委员会25年预算",
        11,
        ("208", "05", "06", "机关事业单位职业年金缴费支出", "705,443.00", "705,443.00", "", "", ""),
    ),
    (
        "上海市普陀区商务委员会25年预算",
        11,
        ("合计", "", "", "", "371,514,655.00", "371,514,655.00", "", "", ""),
    ),
    (
        "上海市普陀区商务委员会25年预算",
        9,
        ("收入总计", "371,514,655.00", "支出总计", "371,514,655.00"),
    ),
    ("上海市普陀区商务委员会25年预算", 9, ("编制部门：上海市普陀区商务委员会 单位：元",)),
    # 财务收支预算总表 with a 4-row header (预算数 → 合计/基本支出(人员/公用)/项目支出).
    ("上海市财政局25年预算", 7, ("本年收入", "", "本年支出", "", "", "", "")),
    ("上海市财政局25年预算", 7, ("项目", "预算数", "项目", "预算数", "", "", "")),
    ("上海市财政局25年预算", 7, ("", "", "", "合计", "基本支出", "", "项目支出")),
    ("上海市财政局25年预算", 7, ("", "", "", "", "人员经费", "公用经费", "")),
    (
        "上海市财政局25年预算",
        7,
        ("2、政府性基金", "", "三、卫生健康支出", "4,668,000", "4,620,000", "", "48,000"),
    ),
    # “三公” table in 万元 with an empty 购置费 cell.
    ("上海市财政局25年预算", 20, ("346.30", "288.70", "25.40", "32.20", "", "32.20", "2,517.78")),
    # Empty table: the 合计 row and the note (a prose line, not a cell).
    ("上海市普陀区财政局部门25年预算", 17, ("合计", "", "", "", "", "", "")),
    (
        "上海市普陀区财政局部门25年预算",
        17,
        ("注:本部门2025年无政府性基金预算财政拨款安排的预算，故本表为空表。",),
    ),
    # Names wrapped onto a second line inside their cell.
    (
        "上海市普陀区人民政府万里街道办事处23年预算",
        12,
        (
            "208",
            "05",
            "05",
            "机关事业单位基本养老保险缴费支出",
            "4,412,547",
            "4,412,547",
            "",
            "",
            "",
        ),
    ),
    (
        "上海市普陀区人民政府办公室单位25年预算",
        9,
        (
            "201",
            "03",
            "99",
            "其他政府办公厅（室）及相关机构事务支出",
            "20,120,000.00",
            "20,120,000.00",
            "",
            "",
            "",
        ),
    ),
    # 2023 project 绩效目标 table (no weights): merged cells in their first column / top row.
    (
        "上海市普陀区人民政府万里街道办事处23年预算",
        34,
        ("项目名称", "", "各类工作经费", "", "项目性质", "经常性项目", "项目类别", "特定目标类"),
    ),
    (
        "上海市普陀区人民政府万里街道办事处23年预算",
        34,
        ("", "", "其中：财政资金", "", "7595500.00", "其中：当年财政拨款", "", "7595500.00"),
    ),
    (
        "上海市普陀区人民政府万里街道办事处23年预算",
        34,
        (
            "绩效指标",
            "产出指标",
            "数量指标",
            "成立社戒社康人员习得规范小组",
            "",
            "",
            ">6.00(次)",
            "",
        ),
    ),
    # A printed inconsistency is delivered as printed (total 14,348,853.34 ≠ basic + project).
    (
        "上海市普陀区司法局单位26年预算",
        11,
        ("204", "06", "01", "行政运行", "14,348,853.34", "14,348,853.34", "64,840,547.00"),
    ),
    # Amounts without thousands separators; 0.00 printed in empty measures.
    (
        "上海市普陀区司法局26年预算",
        12,
        ("204", "06", "04", "基层司法业务", "21703947.00", "0.00", "21703947.00"),
    ),
    ("上海市普陀区社会福利院单位24年预算", 15, ("6.4", "0", "0", "6.4", "", "6.4", "0")),
    (
        "上海市普陀区人民政府万里街道办事处24年预算",
        31,
        ("47.91", "0", "1.35", "46.56", "25", "21.56", "443.18"),
    ),
    (
        "上海市普陀区人民政府万里街道办事处25年预算",
        14,
        ("201", "", "", "一般公共服务支出", "3,296,600", "0", "3,296,600"),
    ),
    (
        "上海市普陀区人民政府办公室25年预算",
        11,
        ("201", "03", "02", "一般行政管理事务", "46,140,000.00", "", "46,140,000.00"),
    ),
    (
        "上海市普陀区商务委员会单位25年预算",
        12,
        ("201", "13", "99", "其他商贸事务支出", "4,765,000.00", "", "4,765,000.00"),
    ),
]


@needs_corpus
@pytest.mark.parametrize(("name", "page", "cells"), GOLDEN, ids=lambda v: str(v)[:12])
def test_golden_rows(name, page, cells):
    assert cells in _page(name, page)


@needs_corpus
@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.stem)
def test_every_corpus_pdf_reads(path):
    src = _read(path.stem)
    assert src.format == "pdf" and src.pages and src.pages > 10
    assert all(isinstance(line, Line) for line in src.lines)
    assert {line.page for line in src.lines} <= set(range(1, src.pages + 1))
    for page in {line.page for line in src.lines}:  # lineno counts 1.. within each page
        numbers = [line.lineno for line in src.lines if line.page == page]
        assert numbers == list(range(1, len(numbers) + 1))
    rows = [line for line in src.lines if line.is_row]
    assert len(rows) > 80
    assert any(line.cells[0] in ("合计", "收入总计") for line in rows)


@needs_corpus
def test_prose_keeps_numbers_and_cjk_joined():
    text = [line.text for line in _read("上海市普陀区商务委员会25年预算").lines if line.page == 7]
    assert any("收入预算37,151.47万元" in t for t in text)
    page3 = [line.text for line in _read("上海市普陀区商务委员会25年预算").lines if line.page == 3]
    assert any("区政府工作部门，为正处级" in t for t in page3)  # no space before "，"
    assert _page("上海市普陀区商务委员会25年预算", 12)[0] == ("2025年部门支出预算总表",)


@needs_corpus
def test_continued_table_keeps_its_columns():
    p10 = [c for c in _page("上海市普陀区商务委员会25年预算", 10) if len(c) > 1]
    p11 = [c for c in _page("上海市普陀区商务委员会25年预算", 11) if len(c) > 1]
    assert {len(c) for c in p10 + p11} == {9}


# --- errors ----------------------------------------------------------------------------


def test_scanned_pdf_needs_ocr(tmp_path):
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (400, 560), "white")
    ImageDraw.Draw(img).text((40, 40), "2025 budget (scan)", fill="black")
    path = tmp_path / "scan.pdf"
    img.save(path)  # an image-only PDF: no text layer
    with pytest.raises(NeedsOCR, match="no text layer.*OCR"):
        read_source(path)


def _encrypted_pdf() -> bytes:
    """A minimal PDF with a Standard security handler whose user password is not empty."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <"
        + b"ab" * 32
        + b"> /U <"
        + b"cd" * 32
        + b"> /P -44 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    file_id = b"<0123456789abcdef0123456789abcdef>"
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [%s %s] >>\n" % (
        len(objs) + 1,
        file_id,
        file_id,
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(_encrypted_pdf())
    with pytest.raises(ReadError, match="encrypted"):
        read_source(path)


@needs_corpus
def test_truncated_pdf(tmp_path):
    data = PDFS[0].read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadError, match="truncated"):
        read_source(path)


def test_corrupt_pdf(tmp_path):
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n")
    with pytest.raises(ReadError, match="corrupt"):
        read_source(path)


# --- geometry rules that the corpus does not exercise --------------------------------


def test_stacked_amounts_in_one_ruled_band_are_separate_rows():
    from budgetkit.reader.pdf import _Char, _grid_rows, _grids, _Seg

    def word(text, x, top):
        return [_Char(ch, x + 6 * i, top, x + 6 * (i + 1), top + 10) for i, ch in enumerate(text)]

    hs = [_Seg(0, 0, 200), _Seg(60, 0, 200)]
    vs = [_Seg(0, 0, 60), _Seg(100, 0, 60), _Seg(200, 0, 60)]
    (grid,) = _grids(hs, vs)
    chars = word("a", 5, 5) + word("b", 5, 25) + word("1.00", 120, 5) + word("2.00", 120, 25)
    rows = sorted(_grid_rows(grid, chars))
    assert [r[2] for r in rows] == [("a", "1.00"), ("b", "2.00")]


# --- third-party text dump -----------------------------------------------------------


@pytest.mark.skipif(not DUMP.exists(), reason="dump not present")
def test_dump_reads_as_prose_with_pages():
    src = read_source(DUMP)
    assert src.format == "dump" and src.pages == 60
    assert all(len(line.cells) == 1 for line in src.lines)  # no guessed table columns
    texts = [line.text for line in src.lines]
    assert "编制部门：上海市普陀区人民政府万里街道办事处" in texts
    assert any("购房补贴（项）”334.08万元" in t for t in texts)
    first = src.lines[0]
    assert (first.page, first.lineno, first.text) == (
        1,
        1,
        "预算主管部门：上海市普陀区人民政府万里街道办事处",
    )
    assert src.lines[1].text == "上海市普陀区2025年 部门 算 区级 预"  # scrambled as dumped
    assert min(line.page for line in src.lines if "目 录" in line.text) == 2


def test_dump_marker_in_gbk(tmp_path):
    path = tmp_path / "d.txt"
    path.write_bytes("第一页\n-- PAGE_BREAK --\n单位：元\t\n".encode("gb18030"))
    src = read_source(path)
    assert src.format == "dump" and src.encoding == "gb18030"
    assert [(line.page, line.lineno, line.cells) for line in src.lines] == [
        (1, 1, ("第一页",)),
        (2, 1, ("单位：元",)),
    ]


@needs_corpus
@pytest.mark.parametrize(("ccw", "rotate"), [(True, 90), (False, 270)])
def test_rotated_page_with_content_in_a_form_xobject(ccw, rotate):
    """A landscape table stored as a portrait page with /Rotate (content drawn turned, inside
    a form XObject) reads exactly like the upright page."""
    import io

    import pypdfium2 as pdfium

    from budgetkit.reader.pdf import read_pdf

    name = "上海市普陀区商务委员会25年预算"
    src = pdfium.PdfDocument(CORPUS / f"{name}.pdf")
    width, height = src[11].get_size()
    new = pdfium.PdfDocument.new()
    obj = src.page_as_xobject(11, new).as_pageobject()
    obj.transform(pdfium.PdfMatrix().rotate(90, ccw=ccw).translate(height, 0))
    page = new.new_page(height, width)
    page.insert_obj(obj)
    page.gen_content()
    page.set_rotation(rotate)
    buf = io.BytesIO()
    new.save(buf)
    out = [line.cells for line in read_pdf("rotated.pdf", buf.getvalue()).lines]
    assert out == _page(name, 12)


@pytest.mark.parametrize(
    ("name", "text", "page"),
    [
        # p.7 carries a copy of p.8's first lines, clipped out of view
        ("上海市普陀区财政局部门25年预算", "住房公积金（项）”204.91万元", 8),
        # p.3 carries a copy of the list of functions that p.4 prints
        ("上海市普陀区商务委员会25年预算", "13、完成区委、区政府交办的其他任务。", 4),
    ],
)
def test_text_clipped_out_of_view_is_not_read(name, text, page):
    pages = [line.page for line in _read(name).lines if text in "".join(line.cells)]
    assert pages == [page]
