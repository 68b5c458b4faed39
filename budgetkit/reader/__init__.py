"""Read stage: a file → `Source` (lines of cells with provenance), whatever its format."""

from __future__ import annotations

from pathlib import Path

from ..errors import ReadError
from .lines import Line, Source

__all__ = ["Line", "Source", "read_source"]


def read_source(path: str | Path) -> Source:
    """Read any supported file (text, PDF, third-party text dump) into a `Source`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except IsADirectoryError:
        raise ReadError(p, "is a directory, not a file") from None
    except OSError as exc:
        raise ReadError(p, f"cannot open: {exc.strerror or exc}") from None
    if data[:5] == b"%PDF-":
        from .pdf import read_pdf  # pypdfium2 is imported only for PDFs

        return read_pdf(p, data)
    from .dump import is_dump, read_dump

    if is_dump(data):  # a third-party PDF-to-text dump with `-- PAGE_BREAK --` markers
        return read_dump(p, data)
    from .text import read_text

    return read_text(p, data)
