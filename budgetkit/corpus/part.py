"""One document read into its rows of every corpus table: the unit of work of a build.

A job (`read_part`) reads a unit, checks it and returns its tables as Arrow IPC bytes in one
`part` blob, or the reason it could not be read. The build stores each blob in its cache,
keyed by the content hash and budgetkit's version, so an unchanged file is never re-read.
Nothing here touches the output folder: a job can run on any worker that can read the file.
"""

from __future__ import annotations

import json
import struct
from collections import Counter
from typing import TYPE_CHECKING

from .. import __version__
from ..errors import BudgetkitError
from ..store import schema
from ..store.rows import DOCUMENT_VIEWS, view_data
from . import tables
from .sources import Unit, read_unit

if TYPE_CHECKING:
    import pyarrow as pa

_MAGIC = b"BKPART1\n"


def pack(blobs: dict[str, bytes], meta: dict) -> bytes:
    """Tables (name → IPC stream bytes) and a small JSON header in one blob."""
    header = json.dumps(
        {"meta": meta, "tables": {k: len(v) for k, v in blobs.items()}}, ensure_ascii=False
    ).encode("utf-8")
    return b"".join([_MAGIC, struct.pack("<Q", len(header)), header, *blobs.values()])


def unpack(data: bytes) -> tuple[dict, dict[str, memoryview]]:
    """The header's meta and each table's IPC bytes (views into `data`, not copies)."""
    if not data.startswith(_MAGIC):
        raise ValueError("not a corpus part")
    n = struct.unpack_from("<Q", data, len(_MAGIC))[0]
    start = len(_MAGIC) + 8
    header = json.loads(bytes(data[start : start + n]))
    view, pos, out = memoryview(data), start + n, {}
    for name, size in header["tables"].items():
        out[name] = view[pos : pos + size]
        pos += size
    return header["meta"], out


def part_header(path) -> dict:
    """The meta of a stored part (its year, department) without reading its tables."""
    with open(path, "rb") as f:
        head = f.read(len(_MAGIC) + 8)
        if not head.startswith(_MAGIC) or len(head) < len(_MAGIC) + 8:
            raise ValueError("not a corpus part")
        n = struct.unpack_from("<Q", head, len(_MAGIC))[0]
        return json.loads(f.read(n))["meta"]


def table_of(blob) -> pa.Table:
    """An Arrow table from its IPC bytes, copied: it must not keep the whole part alive."""
    import pyarrow as pa

    return pa.ipc.open_stream(pa.py_buffer(bytes(blob))).read_all()


def _ipc(table) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return sink.getvalue().to_pybytes()


def _tables(unit: Unit, doc) -> tuple[dict[str, bytes], dict]:
    parsed, findings = doc.parsed, doc.findings()
    m = parsed.meta
    key = unit.document
    blobs = {}
    for view in DOCUMENT_VIEWS:
        data = view_data(parsed, view, findings)
        n = len(next(iter(data.values()), []))
        data = {"document": [key] * n, "year": [m.year] * n, **data}
        blobs[view] = _ipc(schema.arrow_table(tables.columns(view), data))
    counts = Counter(f.severity for f in findings)
    figures = {f.key: f.value for f in doc.figures()}
    row = {
        "document": key,
        "department": m.department,
        "department_key": None,  # set when the dataset is assembled (aliases may change)
        "region": None,
        "year": m.year,
        "kind": m.kind,
        "scope": m.scope,
        "unit_as_printed": m.unit_as_printed,
        "format": m.format,
        "publication": m.publication,
        "sources": " | ".join(unit.paths),
        "sha256": unit.sha256,
        "budgetkit": __version__,
        "errors": counts.get("error", 0),
        "warnings": counts.get("warning", 0),
        "infos": counts.get("info", 0),
        **figures,
    }
    cols = tables.columns("documents")
    blobs["documents"] = _ipc(schema.arrow_table(cols, {c.name: [row.get(c.name)] for c in cols}))
    prof = parsed.profile
    profile = {
        "document": [key],
        "year": [m.year],
        "functions": [prof.functions if prof else None],
        "institutions": [prof.institutions if prof else None],
    }
    blobs["profile"] = _ipc(schema.arrow_table(tables.columns("profile"), profile))
    header = {"year": m.year, "department": m.department, "kind": m.kind, "scope": m.scope}
    return blobs, {**header, "publication": m.publication, "format": m.format}


def warm() -> None:
    """Import and load what reading needs (before forking workers, so each inherits it
    instead of paying ~0.4 s of imports on its first document)."""
    import importlib
    import pkgutil

    import pandas  # noqa: F401 - the checks' frames
    import pyarrow  # noqa: F401

    import budgetkit

    from ..catalog import catalog
    from ..catalog.fields import fields

    for stage in ("reader", "layout", "extract", "check"):
        pkg = importlib.import_module(f"budgetkit.{stage}")
        for m in pkgutil.iter_modules(pkg.__path__):
            importlib.import_module(f"budgetkit.{stage}.{m.name}")
    importlib.import_module("budgetkit.document")
    catalog(), fields(), budgetkit


def read_part(unit: Unit) -> tuple[Unit, bytes | None, dict | None]:
    """Job: (unit, part blob, None) or (unit, None, failure row). Never raises."""
    try:
        doc = read_unit(unit)
        blobs, meta = _tables(unit, doc)
        return unit, pack(blobs, meta), None
    except BudgetkitError as exc:
        return unit, None, failure(unit, type(exc).__name__, _reason(exc, unit))
    except Exception as exc:  # a bug on one document never stops the build
        return unit, None, failure(unit, "InternalError", f"{type(exc).__name__}: {exc}")


def _reason(exc: BudgetkitError, unit: Unit) -> str:
    reason = getattr(exc, "reason", None) or str(exc)
    return reason if reason else " + ".join(unit.paths)


def failure(unit: Unit, error: str, reason: str) -> dict:
    return {
        "path": " | ".join(unit.paths),
        "sha256": unit.sha256,
        "budgetkit": __version__,
        "error": error,
        "reason": reason,
    }
