"""budgetkit: read Chinese budget disclosures (部门预算公开) into exact, checked tables.

import budgetkit
doc = budgetkit.read("data/seed/000_d8581a66e967af08.txt")
doc.table("expenditure"); doc.check()
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["read", "load", "write", "compare", "Document", "__version__"]


def read(*paths):
    """Read one disclosure (text, PDF, web page or text dump) into a `Document`;
    `read(narrative, tables)`: a publication split into two files, as one document."""
    from .document import read as _read

    return _read(*paths)


def load(directory):
    """Documents from a folder written by `budgetkit parse` (no re-reading of sources)."""
    from .store import load as _load

    return _load(directory)


def write(docs, out):
    """Write documents to a folder as `budgetkit parse` does (CSV + Parquet + datapackage.json)."""
    from .store import write as _write

    return _write(docs, out)


def compare(budget_doc, final_doc, **options):
    """Budget vs actual of one department (`analysis.execution.compare`): by function, by
    source of funds, 三公, with the final accounts' stated reasons for large gaps."""
    from .analysis.execution import compare as _compare

    return _compare(budget_doc, final_doc, **options)


def __getattr__(name):
    if name == "Document":
        from .document import Document

        return Document
    raise AttributeError(name)
