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


#: The seed cut in two as split publications are (issue 9 item 4): its cover, 目录, 概况,
#: 情况说明, 绩效目标 and 名词解释 in one file, its cover and 公开表 in the other.
SEED_NARRATIVE = (slice(0, 66), slice(370, None))  # seed lines 1-66 and 371-606
SEED_TABLES = (slice(0, 6), slice(66, 370))  # seed lines 1-6 and 67-370


@pytest.fixture
def split_seed(tmp_path, seed_text):
    """(narrative file, tables file): the seed published as two files (narrative.txt and
    tables.txt in `tmp_path`)."""

    def _write(name: str, parts) -> Path:
        lines = seed_text.split("\n")
        p = tmp_path / name
        p.write_text("\n".join(x for part in parts for x in lines[part]), "utf-8")
        return p

    return _write("narrative.txt", SEED_NARRATIVE), _write("tables.txt", SEED_TABLES)


# Modules that run notebooks, kernels, browsers or whole-corpus reads: `make test-fast`
# (-m "not slow") leaves them out; `make test` runs everything.
SLOW_MODULES = {
    "test_report",
    "test_notebooks",
    "test_offline",
    "test_corpus_golden",
    "test_corpus_build",
    "test_explorer_lab",
    "test_report_corpus",
    "test_execution_notebook",
}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.module is not None and item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
