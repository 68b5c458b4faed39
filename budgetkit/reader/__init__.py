"""Read stage: a file → `Source` (lines of cells with provenance), whatever its format."""

from __future__ import annotations

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


def read_source(path: str | Path) -> Source:
    """Read any supported file (text, PDF, third-party text dump) into a `Source`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except IsADirectoryError:
        raise ReadError(p, "is a directory, not a file") from None
    except OSError as exc:
        raise ReadError(p, f"cannot open: {exc.strerror or exc}") from None
    if is_pdf(data):
        from .pdf import read_pdf  # pypdfium2 is imported only for PDFs

        return read_pdf(p, data)
    from .dump import is_dump, read_dump

    if is_dump(data):  # a third-party PDF-to-text dump with `-- PAGE_BREAK --` markers
        return read_dump(p, data)
    from .text import read_text

    return read_text(p, data)
