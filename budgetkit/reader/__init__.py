"""Read stage: a file → `Source` (lines of cells with provenance), whatever its format."""

from __future__ import annotations

import stat
from pathlib import Path

from ..errors import ReadError
from .lines import Line, Source

__all__ = ["Line", "Source", "is_pdf", "read_source"]


#: PDF readers find the header anywhere in the first 1024 bytes (whitespace, a mail header or
#: other junk may come before it), as the PDF specification's implementation notes allow.
PDF_HEADER_WINDOW = 1024


def is_pdf(data: bytes) -> bool:
    """True when the bytes are a PDF: `%PDF-` within the first `PDF_HEADER_WINDOW` bytes,
    after nothing but whitespace, or after anything when the file also ends like a PDF
    (a text that merely mentions %PDF- stays text)."""
    at = data.find(b"%PDF-", 0, PDF_HEADER_WINDOW)
    if at < 0:
        return False
    return not data[:at].strip(b" \t\r\n\x0c\x00\xef\xbb\xbf") or b"%%EOF" in data[-4096:]


#: Bytes other formats start with → why such a file is not read (and what to do instead).
OTHER_FORMATS: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive or an Office file (.docx/.xlsx); save it as PDF or as text"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file (.doc/.xls); save it as PDF or text"),
    (b"{\\rtf", "an RTF document; save it as PDF or as text"),
    (b"\x89PNG", "an image (PNG), not a text or PDF disclosure; run OCR on it first"),
    (b"\xff\xd8\xff", "an image (JPEG), not a text or PDF disclosure; run OCR on it first"),
    (b"GIF8", "an image (GIF), not a text or PDF disclosure; run OCR on it first"),
    (b"II*\x00", "an image (TIFF), not a text or PDF disclosure; run OCR on it first"),
    (b"MM\x00*", "an image (TIFF), not a text or PDF disclosure; run OCR on it first"),
    (b"\x1f\x8b", "a gzip-compressed file; unpack it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; unpack it first"),
    (b"Rar!", "a RAR archive; unpack it first"),
)
MAX_BYTES = 512 * 1024 * 1024  # a disclosure is a few MB; larger is not one document


def other_format(data: bytes) -> str | None:
    """Why a file in another format (Office, image, archive) is not read, or None."""
    for magic, why in OTHER_FORMATS:
        if data.startswith(magic):
            return why
    return None


def read_source(path: str | Path) -> Source:
    """Read any supported file (text, PDF, third-party text dump) into a `Source`.

    Messages and provenance name the file as given (`path`, not a normalised form of it).
    """
    p = Path(path)
    try:
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            raise ReadError(path, "is a directory, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise ReadError(path, "not a regular file (a device, pipe or socket)")
        if st.st_size > MAX_BYTES:
            raise ReadError(path, f"{st.st_size / 2**20:.0f} MB is too large for one disclosure")
        data = p.read_bytes()
    except IsADirectoryError:
        raise ReadError(path, "is a directory, not a file") from None
    except OSError as exc:
        raise ReadError(path, f"cannot open: {exc.strerror or exc}") from None
    if is_pdf(data):
        from .pdf import read_pdf  # pypdfium2 is imported only for PDFs

        return read_pdf(path, data)
    why = other_format(data)
    if why:
        raise ReadError(path, why)
    from .html import is_html, read_html

    if is_html(data):  # a disclosure published as a web page
        return read_html(path, data)
    from .dump import is_dump, read_dump

    if is_dump(data):  # a third-party PDF-to-text dump with `-- PAGE_BREAK --` markers
        return read_dump(path, data)
    from .text import read_text

    return read_text(path, data)
