"""What a corpus is built from: the files under the given paths, grouped into documents.

A *document* is one publication: usually one file, sometimes two (a narrative and its tables
published separately). `units(paths)` finds the files (folders recursively, hidden files and
folders skipped) and groups them with `pair`; `read_unit` reads one unit into a `Document`.

Pairing hook: the reader is gaining `budgetkit.read(narrative_path, tables_path)` and a
function that pairs such files. `pair` uses it when present (`budgetkit.reader.pairing.pair`
or `budgetkit.pair_sources`, returning groups of paths); until then each file is a document.
"""

from __future__ import annotations

import hashlib
import inspect
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReadError

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


def pair(paths: list[Path]) -> list[tuple[Path, ...]]:
    """Group files into documents (1 or 2 files each) with the reader's pairing function
    where it exists; each file alone otherwise."""
    fn = _reader_pairing()
    if fn is None:
        return [(p,) for p in paths]
    groups = [tuple(Path(x) for x in g) for g in fn(list(paths))]
    covered = {p for g in groups for p in g}
    return groups + [(p,) for p in paths if p not in covered]


def _reader_pairing():
    try:
        from ..reader.pairing import pair as fn  # the lead's pairing function, when it lands
    except ImportError:
        import budgetkit

        fn = getattr(budgetkit, "pair_sources", None)
    return fn


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
    """Documents under `paths`, sorted by their source paths (a stable order)."""
    found = [tuple(display_path(p) for p in g) for g in pair(files(paths, exclude))]
    return sorted((Unit(g, content_hash(g)) for g in found), key=lambda u: u.paths)


def read_unit(unit: Unit):
    """Read a unit (1 file, or narrative + tables) into a `Document`."""
    import budgetkit

    if len(unit.paths) == 1:
        return budgetkit.read(unit.paths[0])
    params = inspect.signature(budgetkit.read).parameters
    if len(params) < len(unit.paths):
        raise ReadError(" + ".join(unit.paths), "this budgetkit cannot read a split publication")
    return budgetkit.read(*unit.paths)
