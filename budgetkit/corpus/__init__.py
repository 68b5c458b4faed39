"""Corpus: many departments and years as one dataset (Parquet + DuckDB).

    budgetkit corpus build data/ --out corpus/      # incremental, parallel, atomic
    budgetkit corpus query corpus/ "SELECT …"

    import budgetkit.corpus
    c = budgetkit.corpus.open("corpus/")            # DataFrames and a DuckDB connection

Modules: sources (files → documents), part (one document → its rows), build (cache,
generations, atomic switch), dataset (reading), departments (one key per department),
scheduler (local pool or Dask), tables (columns from data/fields.toml).
"""

from __future__ import annotations

__all__ = ["build", "open", "is_corpus", "Corpus", "TABLES"]

from .tables import TABLES


def build(paths, out, jobs=None, address=None, progress=None):
    """Build or update the corpus in `out` (see `corpus.build.build`)."""
    from .build import build as _build

    globals()["build"] = _entry  # importing the submodule `build` bound its name to it
    return _build(paths, out, jobs=jobs, address=address, progress=progress)


_entry = build


def open(path):  # noqa: A001
    """The corpus in `path`: `.documents`, `.amounts`, … DataFrames, `.sql()`, `.connection`."""
    from .dataset import open as _open

    return _open(path)


def is_corpus(path):
    """Whether `path` is a corpus folder (built by `corpus build`), not a folder of documents."""
    from .dataset import is_corpus as _is_corpus

    return _is_corpus(path)


def __getattr__(name):
    if name == "Corpus":
        from .dataset import Corpus

        return Corpus
    raise AttributeError(name)
