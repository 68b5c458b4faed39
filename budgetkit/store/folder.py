"""Write parsed documents to a folder (CSV + Parquet + Frictionless datapackage.json) and
load them back without re-reading the sources.

Layout of `budgetkit parse … --out DIR`:

    DIR/datapackage.json          every resource of every document, with its schema
    DIR/<doc>/meta.json           metadata; records.json holds every record exactly
    DIR/<doc>/<table>.csv|.parquet  canonical tables, amounts, statements, targets, findings…

`<doc>` comes from `budgetkit.outputs.output_names`: safe, inside DIR, distinct per input.
Writing is atomic per document folder (a temporary sibling replaces the old folder only when
complete) and for datapackage.json. Memory does not grow with the number of documents: each
is written and dropped, and the package's resources are spilled to a temporary file.
Column types come from data/fields.toml (`store.schema`), the same for every document.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from decimal import Decimal
from pathlib import Path

from .. import __version__, model
from ..catalog import catalog
from ..catalog.fields import fields as fields_of
from ..errors import StoreError
from ..outputs import output_names, path_hash, safe_stem
from ..reader.lines import Line
from . import schema
from .rows import DOCUMENT_VIEWS, view_data, wide_tables

#: Files `parse` keeps in `out` itself: no document folder may take their names.
RESERVED = ("datapackage.json",)


def doc_id(meta: model.Meta) -> str:
    """Folder name of a document written alone: the source file's safe stem."""
    return safe_stem(meta.source)


def resource_name(folder: str, table: str) -> str:
    """A Frictionless resource name (`^[-a-z0-9._/]+$`) for a document's table: the folder
    name when it is plain ASCII, else a hash of it (the folder is in the resource's title)."""
    slug = re.sub(r"[^a-z0-9.-]+", "-", folder.lower()).strip("-.")
    if not slug or not folder.isascii():
        slug = f"{slug[:40].strip('-.') + '-' if slug else ''}doc-{path_hash(folder, 10)}"
    return f"{slug}-{table.replace('_', '-')}"


# -- exact JSON codec of the records --------------------------------------------------------
def _enc(obj):
    if isinstance(obj, Decimal):
        return {"$d": str(obj)}
    if isinstance(obj, Line):  # the file only in a document read from two files
        return {"$line": [obj.lineno, obj.page, *((obj.file,) if obj.file else ())]}
    if is_dataclass(obj):
        return {
            "$t": type(obj).__name__,
            **{f.name: _enc(getattr(obj, f.name)) for f in fields(obj)},
        }
    if isinstance(obj, list | tuple):
        return [_enc(x) for x in obj]
    return obj


def _record_class(name: str):
    """A record type by name: only those of the model (and the layout's 目录 entries), never
    an arbitrary class named in a file."""
    from ..layout import blocks

    cls = getattr(model, name, None) or getattr(blocks, name, None)
    if cls is None or not is_dataclass(cls):
        raise TypeError(f"unknown record type {name!r}")
    return cls


def _dec(obj):
    if isinstance(obj, dict):
        if "$d" in obj:
            return Decimal(obj["$d"])
        if "$line" in obj:
            return Line((), *obj["$line"][:3])
        cls = _record_class(obj["$t"])
        args = {k: _dec(v) for k, v in obj.items() if k != "$t"}
        for f in fields(cls):  # tuples were written as lists
            if isinstance(args.get(f.name), list) and "tuple" in str(f.type):
                args[f.name] = tuple(args[f.name])
        return cls(**args)
    if isinstance(obj, list):
        return [_dec(x) for x in obj]
    return obj


# -- writing one document --------------------------------------------------------------------
def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def _write_table(folder: Path, name: str, cols, data: dict[str, list]) -> None:
    import pyarrow.parquet as pq

    table = schema.arrow_table(cols, data)  # checks every decimal fits its declared type
    with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([c.name for c in cols])
        w.writerows(zip(*([_cell(v) for v in data[c.name]] for c in cols), strict=True))
    pq.write_table(table, folder / f"{name}.parquet")


def _frames(parsed, findings) -> list[tuple[str, tuple, dict, str]]:
    """(file name, columns, column lists, description) of every table written per document."""
    cat = catalog()
    out = []
    for tid, (measures, data) in wide_tables(parsed).items():
        desc = f"{cat.tables[tid].zh} ({cat.tables[tid].en}), 万元"
        out.append((f"table_{tid}", schema.wide_columns(measures), data, desc))
    views = fields_of().views
    for v in DOCUMENT_VIEWS:
        out.append((v, schema.columns_of(v), view_data(parsed, v, findings), views[v].description))
    return out


def write_document(parsed, findings, folder: Path, name: str) -> list[dict]:
    """Write one document's files into `folder` (which exists and is empty); returns its
    datapackage resources with paths under `name/`."""
    resources = []
    for fname, cols, data, desc in _frames(parsed, findings):
        _write_table(folder, fname, cols, data)
        resources.append(
            {
                "name": resource_name(name, fname),
                "title": f"{name} · {fname}",
                "profile": "tabular-data-resource",
                "path": f"{name}/{fname}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": desc,
                "schema": schema.frictionless_schema(cols),
            }
        )
    meta = {f.name: getattr(parsed.meta, f.name) for f in fields(parsed.meta)}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    (folder / "records.json").write_text(
        json.dumps({"budgetkit": __version__, "parsed": _enc(parsed)}, ensure_ascii=False),
        "utf-8",
    )
    return resources


def replace_atomically(tmp: Path, dest: Path) -> None:
    """Put the complete folder `tmp` at `dest`, replacing what was there."""
    if dest.is_dir() and not dest.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.{os.getpid()}.old-", dir=dest.parent))
        old.rmdir()
        dest.rename(old)
        tmp.rename(dest)
        shutil.rmtree(old, ignore_errors=True)
    else:
        if dest.exists() or dest.is_symlink():
            dest.unlink()
        tmp.rename(dest)


def write_one(parsed, findings, out: Path, name: str) -> list[dict]:
    """Write a document as `out/name/` atomically; returns its resources."""
    if not name or name.startswith(".") or "/" in name or "\\" in name:
        raise StoreError(f"{name!r}: not a safe output name")
    dest = out / name
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.{os.getpid()}.tmp-", dir=out))
    try:
        resources = write_document(parsed, findings, tmp, name)
        replace_atomically(tmp, dest)
        return resources
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


# -- the package -----------------------------------------------------------------------------
class Package:
    """datapackage.json written at the end from resources spilled to a temporary file, so
    holding the list costs nothing per document."""

    def __init__(self, out: Path, name: str = "budgetkit-parse"):
        self.out = out
        self.name = name
        fd, self._spill = tempfile.mkstemp(prefix=f".resources.{os.getpid()}.tmp-", dir=out)
        self._f = os.fdopen(fd, "w", encoding="utf-8")
        self.count = 0

    def add(self, resources: Iterable[dict]) -> None:
        for r in resources:
            self._f.write(json.dumps(r, ensure_ascii=False) + "\n")
            self.count += 1

    def close(self) -> Path:
        self._f.close()
        pkg = self.out / "datapackage.json"
        fd, tmpname = tempfile.mkstemp(prefix=f".datapackage.{os.getpid()}.tmp-", dir=self.out)
        try:
            with (
                os.fdopen(fd, "w", encoding="utf-8") as f,
                open(self._spill, encoding="utf-8") as s,
            ):
                head = {
                    "profile": "tabular-data-package",
                    "name": self.name,
                    "budgetkit": __version__,
                }
                f.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "resources": [')
                for i, line in enumerate(s):
                    f.write(("," if i else "") + "\n  " + line.rstrip("\n"))
                f.write("\n ]\n}\n")
            os.replace(tmpname, pkg)
        finally:
            for p in (tmpname, self._spill):
                if os.path.exists(p):
                    os.unlink(p)
        return pkg

    def abandon(self) -> None:
        self._f.close()
        if os.path.exists(self._spill):
            os.unlink(self._spill)


def write(docs, out: str | Path, names: dict[str, str] | None = None) -> Path:
    """Write documents into `out` (created if needed); returns the datapackage path.

    Folder names come from `output_names` of the documents' sources unless `names` (source →
    name) is given."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    docs = list(docs) if names is None else docs
    if names is None:
        names = output_names((d.meta.source for d in docs), reserved=RESERVED)
    package = Package(out)
    try:
        for doc in docs:
            name = names[str(doc.meta.source)]
            package.add(write_one(doc.parsed, doc.findings(), out, name))
    except BaseException:
        package.abandon()
        raise
    return package.close()


# -- loading -------------------------------------------------------------------------------
def _load_one(folder: Path):
    from ..document import Document

    try:
        data = json.loads((folder / "records.json").read_text("utf-8"))
        return Document(_dec(data["parsed"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StoreError(f"{folder}: not a readable `budgetkit parse` output ({exc})") from None


def load(path: str | Path):
    """A `Document` from one document folder, or a list of them from a `parse --out` folder."""
    p = Path(path)
    if (p / "records.json").exists():
        return _load_one(p)
    subs = sorted(d for d in p.iterdir() if (d / "records.json").exists()) if p.is_dir() else []
    if not subs:
        raise StoreError(f"{p}: no documents written by `budgetkit parse` here")
    return [_load_one(d) for d in subs]
