"""Reading a corpus: `budgetkit.corpus.open(DIR)` → DataFrames and a DuckDB connection.

    c = budgetkit.corpus.open("corpus/")
    c.documents                      # a DataFrame per table (amounts, findings, …)
    c.sql("SELECT … FROM amounts")   # a DataFrame
    c.connection                     # duckdb connection with a view per table

The connection is in memory, with views over the generation that was current when the corpus
was opened: a build running meanwhile does not change what this object sees, and a moved
corpus folder still opens (corpus.duckdb holds absolute paths for outside tools).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from ..errors import BudgetkitError
from . import tables
from .build import current, views_sql


def _pandas(table):
    """Arrow → pandas as the Document's frames are: Decimal money, nullable Int64 integers."""
    import pandas as pd
    import pyarrow as pa

    ints = {pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    return table.to_pandas(types_mapper=ints.get)


class Corpus:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.generation = current(self.path)
        self._con = None

    def __repr__(self) -> str:
        return f"<Corpus {self.path} ({self.generation.name})>"

    @cached_property
    def manifest(self) -> dict:
        """The generation's manifest (budgetkit version, counts, files, build folder)."""
        import json

        try:
            return json.loads((self.generation / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError):
            return {}

    def paths(self, sources: str) -> list[Path]:
        """A document's files from its `sources` value (`a.pdf | b.pdf`): absolute, relative
        paths taken from the folder the corpus was built in (else the working folder)."""
        root = Path(self.manifest.get("root") or ".")
        out = []
        for s in sources.split(" | "):
            p = Path(s)
            if not p.is_absolute():
                p = root / p if (root / p).exists() or not p.exists() else p.absolute()
            out.append(p)
        return out

    def department_documents(self, key: str, kind: str | None = "budget") -> list[dict]:
        """The documents (rows of `documents`, as dicts) of the department `key`, by year;
        `kind` ("budget"/"final"/None for both) narrows them."""
        rows = self.connection.execute(
            "SELECT * FROM documents WHERE department_key = ? AND (? IS NULL OR kind = ?) "
            "ORDER BY year, scope, document",
            [key, kind, kind],
        ).fetchall()
        names = [d[0] for d in self.connection.description]
        return [dict(zip(names, r, strict=True)) for r in rows]

    def files(self, table: str) -> list[Path]:
        if table not in tables.TABLES:
            raise BudgetkitError(f"{table!r}: no such corpus table ({', '.join(tables.TABLES)})")
        return sorted((self.generation / "tables" / table).glob("*.parquet"))

    @property
    def connection(self):
        """A DuckDB connection with one view per table."""
        if self._con is None:
            import duckdb

            con = duckdb.connect()
            for stmt in views_sql(self.generation, tables.TABLES):
                con.execute(stmt)
            self._con = con
        return self._con

    def sql(self, query: str):
        """Run SQL over the tables; a DataFrame (decimals stay exact `Decimal`)."""
        import duckdb

        try:
            rel = self.connection.sql(query)
            return _pandas(rel.to_arrow_table()) if rel is not None else None
        except duckdb.Error as exc:
            raise BudgetkitError(f"query failed: {exc}") from None

    def table(self, name: str):
        """One table as a DataFrame (all years)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        return _pandas(pa.concat_tables([pq.read_table(f) for f in self.files(name)]))

    def __getattr__(self, name: str):
        if name in tables.TABLES:
            return self.table(name)
        raise AttributeError(name)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def is_corpus(path: str | Path) -> bool:
    """Whether `path` is a corpus folder (built by `budgetkit corpus build`), not documents."""
    p = Path(path)
    return (p / "current").is_symlink() and (p / "current" / "manifest.json").is_file()


def open(path: str | Path) -> Corpus:  # noqa: A001 - budgetkit.corpus.open, like io.open
    """The corpus built in `path` by `budgetkit corpus build`."""
    return Corpus(path)
