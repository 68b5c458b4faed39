"""Shared fixtures: the seed disclosure and mutated copies of it."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "000_d8581a66e967af08.txt"
SHANGHAI = ROOT / "data" / "shanghai"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text("utf-8")


@pytest.fixture
def mutate(tmp_path, seed_text):
    """Write a copy of the seed with one exact substring replaced (once, at a given line)."""

    def _mutate(old: str, new: str, lineno: int | None = None, encoding: str = "utf-8") -> Path:
        lines = seed_text.split("\n")
        idx = [i for i, ln in enumerate(lines) if old in ln and (lineno is None or i + 1 == lineno)]
        assert len(idx) == 1, f"{old!r} must occur on exactly one line, found {len(idx)}"
        lines[idx[0]] = lines[idx[0]].replace(old, new, 1)
        p = tmp_path / "mutated.txt"
        p.write_bytes("\n".join(lines).encode(encoding))
        return p

    return _mutate


@pytest.fixture
def cli(capsys):
    """Run the CLI in process (much faster than a subprocess): (exit status, stdout, stderr)."""
    from budgetkit.cli import main

    def _run(*args) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run
