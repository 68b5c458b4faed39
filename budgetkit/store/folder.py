"""Write parsed documents to a folder (CSV + Parquet + Frictionless datapackage.json) and
load them back without re-reading the sources.

Layout of `budgetkit parse … --out DIR`:

    DIR/datapackage.json          every resource of every document, with its schema
    DIR/<doc>/meta.json           metadata; records.json holds every record exactly
    DIR/<doc>/<table>.csv|.parquet  canonical tables, amounts, statements, targets, findings…

Writing is atomic per output folder: everything goes to a temporary sibling that replaces
the old folder only when complete, so a crash never leaves a partial folder that looks done.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import fields, is_dataclass
from decimal import Decimal
from pathlib import Path

from .. import __version__, model
from ..catalog import catalog
from ..catalog.fields import fields as fields_of
from ..errors import StoreError
from ..reader.lines import Line

#: Frictionless type of each fields.toml type (money stays exact text in CSV: "number").
_FRICTIONLESS = {
    "decimal": "number",
    "number": "number",
    "integer": "integer",
    "boolean": "boolean",
}


def doc_id(meta: model.Meta) -> str:
    """Folder name of a document: the source file's stem, made filesystem-safe."""
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", Path(meta.source).stem) or "document"


# -- exact JSON codec of the records --------------------------------------------------------
def _enc(obj):
    if isinstance(obj, Decimal):
        return {"$d": str(obj)}
    if isinstance(obj, Line):
        return {"$line": [obj.lineno, obj.page]}
    if is_dataclass(obj):
        return {
            "$t": type(obj).__name__,
            **{f.name: _enc(getattr(obj, f.name)) for f in fields(obj)},
        }
    if isinstance(obj, list | tuple):
        return [_enc(x) for x in obj]
    return obj


def _dec(obj):
    if isinstance(obj, dict):
        if "$d" in obj:
            return Decimal(obj["$d"])
        if "$line" in obj:
            return Line((), obj["$line"][0], obj["$line"][1])
        cls = getattr(model, obj["$t"])
        args = {k: _dec(v) for k, v in obj.items() if k != "$t"}
        for f in fields(cls):  # tuples were written as lists
            if isinstance(args.get(f.name), list) and "tuple" in str(f.type):
                args[f.name] = tuple(args[f.name])
        return cls(**args)
    if isinstance(obj, list):
        return [_dec(x) for x in obj]
    return obj


# -- writing -------------------------------------------------------------------------------
def _schema(df) -> dict:
    cat = catalog()
    declared = fields_of().fields
    out = []
    for col in df.columns:
        f = declared.get(col)
        if col in cat.measures:
            typ, title = "number", cat.measures[col]["zh"]
        else:
            typ, title = _FRICTIONLESS.get(f.type, "string") if f else "string", f.zh if f else None
        out.append({"name": col, "type": typ, **({"title": title} if title else {})})
    return {"fields": out}


def _frames(doc) -> dict[str, tuple[object, str]]:
    cat = catalog()
    frames = {
        f"table_{t}": (doc.table(t), f"{cat.tables[t].zh} ({cat.tables[t].en}), 万元")
        for t in dict.fromkeys(i.table for i in doc.parsed.tables if i.table)
    }
    for name, v in fields_of().views.items():
        frames[name] = (doc.check() if name == "findings" else getattr(doc, name), v.description)
    return frames


def _write_doc(doc, folder: Path) -> list[dict]:
    """Write one document's files into `folder` (which exists and is empty)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    resources = []
    for name, (df, desc) in _frames(doc).items():
        df.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
        table = pa.Table.from_pandas(
            df.astype(
                {
                    c: "string"
                    for c in df.columns
                    if df[c].dtype == object and not _decimal_col(df[c])
                }
            ),
            preserve_index=False,
        )
        pq.write_table(table, folder / f"{name}.parquet")
        resources.append(
            {
                "name": f"{doc_id(doc.meta)}-{name}".lower().replace("_", "-"),
                "path": f"{folder.name}/{name}.csv",
                "format": "csv",
                "encoding": "utf-8",
                "description": desc,
                "schema": _schema(df),
            }
        )
    meta = {f.name: getattr(doc.meta, f.name) for f in fields(doc.meta)}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    (folder / "records.json").write_text(
        json.dumps({"budgetkit": __version__, "parsed": _enc(doc.parsed)}, ensure_ascii=False),
        "utf-8",
    )
    return resources


def _decimal_col(s) -> bool:
    v = s.dropna()
    return len(v) > 0 and all(isinstance(x, Decimal) for x in v)


def _replace_atomically(tmp: Path, dest: Path) -> None:
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        dest.rename(old)
        tmp.rename(dest)
        shutil.rmtree(old)
    else:
        tmp.rename(dest)


def write(docs: list, out: str | Path) -> Path:
    """Write documents into `out` (created if needed); returns the datapackage path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    resources = []
    for doc in docs:
        dest = out / doc_id(doc.meta)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=out))
        try:
            resources += _write_doc(doc, tmp)
            for r in resources:
                r["path"] = r["path"].replace(tmp.name, dest.name)
            _replace_atomically(tmp, dest)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp)
    package = {
        "profile": "tabular-data-package",
        "name": "budgetkit-parse",
        "budgetkit": __version__,
        "resources": resources,
    }
    pkg = out / "datapackage.json"
    fd, tmpname = tempfile.mkstemp(prefix=".datapackage.", dir=out)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(package, f, ensure_ascii=False, indent=1)
    os.replace(tmpname, pkg)
    return pkg


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
