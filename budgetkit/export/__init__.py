"""Export stage: documents → files for other tools (an Excel workbook), written atomically."""

from __future__ import annotations

from .atomic import write_atomically, write_text_atomically
from .xlsx import write_xlsx

__all__ = ["write_atomically", "write_text_atomically", "write_xlsx"]
