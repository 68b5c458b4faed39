"""`budgetkit.read`'s opt-in parse cache (BUDGETKIT_READ_CACHE, set in report kernels): the
notebooks of one document read it once, an edited file is read again, and without the
setting every read reads."""

from __future__ import annotations

import shutil

import budgetkit
from budgetkit import document

from .conftest import SEED


def test_a_document_is_parsed_once_while_unchanged(tmp_path, monkeypatch):
    path = tmp_path / "seed.txt"
    shutil.copy(SEED, path)
    monkeypatch.setattr(document, "_parses", {})
    monkeypatch.setenv("BUDGETKIT_READ_CACHE", "2")
    a, b = budgetkit.read(path), budgetkit.read(path)
    assert a is not b and a.parsed is b.parsed  # a Document of its own, one parse
    path.write_text(SEED.read_text("utf-8") + "\n", "utf-8")
    c = budgetkit.read(path)
    assert c.parsed is not a.parsed  # edited: read again
    assert budgetkit.read(path).parsed is c.parsed


def test_without_the_setting_every_read_reads(tmp_path, monkeypatch):
    monkeypatch.delenv("BUDGETKIT_READ_CACHE", raising=False)
    monkeypatch.setattr(document, "_parses", {})
    assert budgetkit.read(SEED).parsed is not budgetkit.read(SEED).parsed
    assert document._parses == {}


def test_the_cache_keeps_only_the_last_few(tmp_path, monkeypatch):
    monkeypatch.setattr(document, "_parses", {})
    monkeypatch.setenv("BUDGETKIT_READ_CACHE", "1")
    copies = []
    for i in range(3):
        p = tmp_path / f"s{i}.txt"
        shutil.copy(SEED, p)
        copies.append(budgetkit.read(p))
    assert len(document._parses) == 1
    assert budgetkit.read(tmp_path / "s2.txt").parsed is copies[2].parsed
