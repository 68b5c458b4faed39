"""Reader for the tabular text format (the seed's): tab-separated rows, empty cells kept."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ReadError
from .lines import Line, Source

#: Byte-order marks, longest first (a UTF-32 LE mark starts like a UTF-16 LE one).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
SAMPLE = 1 << 16  # bytes looked at to tell an encoding
BINARY_WINDOW = 4096  # NUL bytes here (and not UTF-16/32 text): a binary file
GB2312_SHARE = 0.8  # simplified Chinese text in GB18030: nearly every Han character is GB2312
NAMES = {
    "utf-8": "UTF-8",
    "gb18030": "GB18030",
    "big5": "Big5",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "utf-32-le": "UTF-32 LE",
    "utf-32-be": "UTF-32 BE",
}


def _utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" when NUL bytes sit (nearly) only at odd/even offsets: the high
    byte of ASCII characters (digits, tabs, line ends) in UTF-16 text without a byte-order
    mark. A few Han characters (一 U+4E00) put a NUL at the other offset. The caller decodes
    strictly and rejects control characters, so binary data does not pass for text."""
    sample = data[:SAMPLE] if len(data) % 2 == 0 else b""
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    enough = max(1, len(sample) // 100)  # ASCII is at least 2% of the characters
    if odd >= enough and odd > 10 * even:
        return "utf-16-le"
    if even >= enough and even > 10 * odd:
        return "utf-16-be"
    return None


def _han_share_gb2312(text: str) -> float:
    """Share of the Han characters of `text` that GB2312 has (≈1 for simplified Chinese)."""
    han = [c for c in text[:SAMPLE] if "\u4e00" <= c <= "\u9fff"]
    if not han:
        return 1.0
    common = sum(1 for c in han if _in_gb2312(c))
    return common / len(han)


def _in_gb2312(c: str) -> bool:
    try:
        c.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def decode(data: bytes, path: str | Path) -> tuple[str, str]:
    """Bytes → (text, encoding): a byte-order mark (UTF-8/16/32) wins; then UTF-16 without a
    mark, UTF-8, GB18030 (⊃ GBK, GB2312) and Big5 (Traditional Chinese; bytes that decode as
    GB18030 too but into rare characters)."""
    if not data.strip():
        raise ReadError(path, "the file is empty")
    enc = next((e for bom, e in _BOMS if data.startswith(bom)), None)
    bom = enc is not None
    enc = enc or (_utf16_without_bom(data) if b"\x00" in data[:SAMPLE] else None)
    if enc is not None:
        try:
            text = data.decode(enc + "-sig" if enc == "utf-8" else enc)
        except UnicodeDecodeError:
            if bom:
                raise ReadError(
                    path, f"its byte-order mark says {NAMES[enc]} but it is not valid {NAMES[enc]}"
                ) from None
            text = None  # NULs in no UTF-16 text: binary (below)
        if text is not None and not _CONTROL.search(text[:SAMPLE]):
            text = text.lstrip("\ufeff")
            if not text.strip():
                raise ReadError(path, f"the file is empty ({NAMES[enc]} text of only spaces)")
            return text, enc
    if b"\x00" in data[:BINARY_WINDOW]:  # as before: NULs at the start
        raise ReadError(path, "binary file (NUL bytes), not a text or PDF disclosure")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is None or _han_share_gb2312(text) < GB2312_SHARE:
        try:
            return data.decode("big5"), "big5"
        except UnicodeDecodeError:
            pass
    if text is not None:
        return text, "gb18030"
    raise ReadError(path, "text is neither UTF-8, UTF-16, GB18030/GBK nor Big5")


def encoding_note(encoding: str | None) -> str:
    """How the text was decoded, for messages about a file that did not read as a disclosure
    (a wrongly guessed encoding shows): "" for UTF-8 and PDFs."""
    if encoding in (None, "utf-8"):
        return ""
    note = f"; the text was read as {NAMES.get(encoding, encoding)}"
    if encoding == "big5":
        note += " (Traditional Chinese), the templates know simplified-Chinese titles"
    return note


def lines_from_text(text: str, *, page_break: str | None = None) -> list[Line]:
    """Split text into `Line`s; tab-separated rows become cells. Optional page-break marker."""
    out: list[Line] = []
    page = 1  # counted only with a page-break marker
    page_line = 0
    for n, raw in enumerate(text.splitlines(), start=1):
        if page_break and raw.strip() == page_break:
            page += 1
            page_line = 0
            continue
        page_line += 1
        if not raw.strip():
            continue
        cells = tuple(c.strip() for c in raw.split("\t"))
        out.append(Line(cells, page_line if page_break else n, page if page_break else None))
    return out


def read_text(path: str | Path, data: bytes) -> Source:
    text, enc = decode(data, path)
    if not text.strip():  # ideographic spaces, a lone byte-order mark…
        raise ReadError(path, "the file is empty (only spaces)")
    return Source(str(path), "text", lines_from_text(text), encoding=enc)
