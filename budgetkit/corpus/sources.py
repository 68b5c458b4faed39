"""What a corpus is built from: the files under the given paths, grouped into documents.

A *document* is one publication: usually one file, sometimes two (a narrative and its tables
published separately). `units(paths)` finds the files (folders recursively, hidden files and
folders skipped), one unit each; once they are read, `pair_units` joins the narrative-only and
tables-only files whose meta agree (department, year, kind, scope: `budgetkit.pairing`, never
file names) into a unit of two files; `read_unit` reads a unit into a `Document`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

#: File kinds a disclosure comes in (anything else in a folder is not looked at).
SUFFIXES = (".pdf", ".txt", ".text", ".tsv", ".htm", ".html")
_NOT_DOCUMENTS = {"manifest.tsv", "readme.txt"}


@dataclass(frozen=True)
class Unit:
    """One document to read: its file(s) (as stored in provenance) and content hash."""

    paths: tuple[str, ...]
    sha256: str  # of the files' contents, in order

    @property
    def document(self) -> str:
        """The document's key in the dataset: a hash of its source paths (not of content,
        so an edited file stays the same document)."""
        return hashlib.sha256("\n".join(self.paths).encode("utf-8", "surrogatepass")).hexdigest()[
            :16
        ]


def display_path(path: Path) -> str:
    """The path as provenance shows it: relative to the working folder when inside it."""
    p = path.absolute()
    try:
        return p.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return p.as_posix()


def files(paths, exclude: Path | None = None) -> list[Path]:
    """Every candidate file under `paths` (a file given by name is always taken), except
    under `exclude` (the corpus's own folder, when it sits among the inputs)."""
    out: list[Path] = []
    skip = exclude.resolve() if exclude is not None else None
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(
                    d for d in dirs if not d.startswith(".") and (Path(root) / d).resolve() != skip
                )
                for n in sorted(names):
                    if n.startswith(".") or n.casefold() in _NOT_DOCUMENTS:
                        continue
                    if n.casefold().endswith(SUFFIXES):
                        out.append(Path(root) / n)
        else:
            out.append(p)
    seen: dict[str, Path] = {}
    for f in out:
        seen.setdefault(str(f.resolve()), f)
    return list(seen.values())


def content_hash(paths) -> str:
    h = hashlib.sha256()
    for p in paths:
        try:
            with open(p, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
        except OSError:
            h.update(b"\0unreadable\0" + str(p).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def units(paths, exclude: Path | None = None) -> list[Unit]:
    """One unit per file under `paths`, sorted by path (a stable order)."""
    found = [(display_path(p),) for p in files(paths, exclude)]
    return sorted((Unit(g, content_hash(g)) for g in found), key=lambda u: u.paths)


def meta_of(header: dict, unit: Unit):
    """The `Meta` pairing needs, from a cached part's header (see `part._tables`)."""
    from ..model import Meta

    return Meta(
        header.get("department"),
        header.get("year"),
        header.get("kind", "budget"),
        header.get("scope", "department"),
        None,
        unit.paths[0],
        header.get("format", ""),
        publication=header.get("publication", "full"),  # an old part: never paired
    )


def pair_units(singles: list[tuple[Unit, dict]], names=None):
    """(pair units, `Pairing` of the single units): a unit of (narrative, tables) for each
    narrative-only and tables-only file of one publication, from the read files' headers."""
    from ..pairing import pairing

    metas = {u: meta_of(h, u) for u, h in singles}
    found = pairing([u for u, _ in singles], meta=metas.__getitem__, names=names)
    pairs = []
    for n, t in found.pairs:
        paths = (*n.paths, *t.paths)
        pairs.append(Unit(paths, content_hash(paths)))
    return pairs, found


def read_unit(unit: Unit):
    """Read a unit (1 file, or narrative + tables) into a `Document`."""
    import budgetkit

    return budgetkit.read(*unit.paths)
