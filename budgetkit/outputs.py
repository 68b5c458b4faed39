"""Output names: each input file → a safe, distinct, stable name inside an output folder.

File names are untrusted (issue 12): `..txt` has the stem `.`, `...txt` the stem `..`, and
`d1/doc.txt`, `d2/doc.txt`, `doc.pdf` share the stem `doc`. A name from `output_names` is
never empty, never starts with a dot, holds no path separator or control character, and two
distinct inputs of one batch never get the same name: names that would collide get a suffix
made from a hash of the file's resolved path (stable from run to run).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

#: Characters never kept in a name: path separators, Windows-reserved, controls, whitespace.
_UNSAFE = re.compile(r"[\\/:*?\"<>|\s\x00-\x1f\x7f]+")
MAX_LEN = 120  # bytes are what file systems limit; 120 CJK characters stay under 255 bytes


def safe_stem(path: str | Path) -> str:
    """The file's stem made safe for a folder or file name (no dots first, never empty)."""
    stem = Path(str(path)).name
    suffix = Path(stem).suffix
    if suffix and stem != suffix:
        stem = stem[: -len(suffix)]
    return safe_name(stem)


def safe_name(text: str) -> str:
    """Any text (a region's name, a stem) made safe for a folder or file name: no path
    separators or reserved characters, no dot first, never empty."""
    name = unicodedata.normalize("NFC", text)
    name = _UNSAFE.sub("_", name).lstrip(".").strip("_")[:MAX_LEN]
    return name or "document"


def resolved(path: str | Path) -> str:
    """The absolute, symlink-free path (just absolute when it cannot be resolved)."""
    try:
        return str(Path(path).resolve())
    except (OSError, ValueError):
        return os.path.abspath(str(path).replace("\x00", "\\0"))


def path_hash(path: str | Path, n: int = 8) -> str:
    """A short hash of the file's resolved path: the same file gives the same suffix."""
    digest = hashlib.sha256(resolved(path).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:n]


def _suffix(path: str) -> str:
    return _UNSAFE.sub("_", Path(path).suffix.lstrip(".").casefold()) or "none"


def output_names(paths, reserved=()) -> dict[str, str]:
    """Input path (as given) → a safe name, distinct across the batch and from `reserved`
    (names the output folder holds itself, e.g. `index.html`).

    A name used by one input only is its safe stem. Inputs sharing a stem (case-insensitively,
    for case-insensitive file systems) that differ by suffix get `stem-pdf`, `stem-txt`;
    otherwise each gets `stem-<hash of the resolved path>`. The same path given twice maps to
    one name.
    """
    paths = list(dict.fromkeys(str(p) for p in paths))
    stems = {p: safe_stem(p) for p in paths}
    by_stem: dict[str, set[str]] = {}
    for p in paths:
        by_stem.setdefault(stems[p].casefold(), set()).add(resolved(p))
    taken = {r.casefold() for r in reserved}
    names = {}
    for p in paths:
        group = by_stem[stems[p].casefold()]
        if stems[p].casefold() in taken:
            names[p] = f"{stems[p]}-{path_hash(p)}"
        elif len(group) == 1:
            names[p] = stems[p]
        elif len({Path(g).suffix.casefold() for g in group}) == len(group):
            names[p] = f"{stems[p]}-{_suffix(p)}"
        else:
            names[p] = f"{stems[p]}-{path_hash(p)}"
    return names


# -- temporary files a killed run leaves ------------------------------------------------------
#: A temporary name written by budgetkit: hidden, with the writing process's id before its
#: kind (`.structure.html.1234.tmp`, `.p01.1234.tmp-x8ab`, `.structure.1234.run.ipynb`).
_TEMPORARY = re.compile(r"^\..*\.(\d+)\.(?:tmp|old|run\.ipynb)(?:-[^/]*)?$")


def temporary_name(name: str, kind: str = "tmp") -> str:
    """The hidden temporary name of `name` for this process (`sweep_stale` knows it)."""
    return f".{name}.{os.getpid()}.{kind}"


def alive(pid: int) -> bool:
    """Whether a process with this id exists (one we may not signal counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return pid > 0
    return True


def sweep_stale(folder: str | Path, depth: int = 1) -> list[Path]:
    """Remove the temporary files and folders that processes now dead left in `folder` and
    its subfolders down to `depth` (a run killed by SIGKILL cannot clean up); a living
    writer's files are left alone. Returns what was removed."""
    import shutil

    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for p in entries:
        m = _TEMPORARY.match(p.name)
        if m and int(m.group(1)) != os.getpid() and not alive(int(m.group(1))):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
            removed.append(p)
        elif depth > 0 and p.is_dir() and not p.is_symlink():
            removed += sweep_stale(p, depth - 1)
    return removed
