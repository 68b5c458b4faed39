"""One error hierarchy. Every message names the file and what was wrong, so the CLI can print
it on one line without a traceback."""

from __future__ import annotations

from pathlib import Path


class BudgetkitError(Exception):
    """Base class of every error budgetkit raises on purpose."""


class ReadError(BudgetkitError):
    """A file cannot be read as a budget disclosure (exit status 2 in the CLI)."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class NotADisclosure(ReadError):
    """The file reads as text but is not a 部门预算/决算 disclosure."""


class NeedsOCR(ReadError):
    """A PDF without a text layer (a scan): it must go through OCR first."""


class NotAPair(ReadError):
    """Two files given as one split publication (narrative + tables) that are not its two
    halves: another department, year, kind or scope, or not a narrative and a tables file.
    `path` names both files."""


class MalformedNumber(BudgetkitError):
    """A cell or sentence holds something that should be an amount but is not one."""

    def __init__(self, text: str, where: str = ""):
        self.text = text
        self.where = where
        super().__init__(f"malformed number {text!r}" + (f" at {where}" if where else ""))


class StoreError(BudgetkitError):
    """A folder written by `budgetkit parse` is missing or damaged."""


class WriteError(BudgetkitError):
    """An output file cannot be written (a missing or read-only folder, a full disk…): the
    message names the output, not the input documents."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class NotComparable(BudgetkitError):
    """Two documents compared as a budget and its final accounts that are not: another
    department, scope or year, or not a 预算 and a 决算 (`budgetkit.compare`)."""
