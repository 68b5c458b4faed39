"""`budgetkit parse PATH... --out DIR [--jobs N]`: read, check and write many documents.

Each job reads one file, checks it and writes its folder; only its datapackage resources
come back. Nothing but the meta of possible halves of a split publication is held per
document, so peak memory does not depend on how many there are. A file that cannot be read is
reported and the rest of the batch completes. A narrative and a tables file of one
publication are then read again as one document (`budgetkit.pairing`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BudgetkitError
from ..outputs import output_names
from .folder import RESERVED, Package, write_one


@dataclass
class ParseResult:
    written: list[tuple[str, str]] = field(default_factory=list)  # (input, folder name)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (input, message)
    package: Path | None = None
    paired: list[str] = field(default_factory=list)  # split publications read as one document
    notes: list[str] = field(default_factory=list)  # files that could have been paired, and why not


def parse_to_folder(task: tuple):
    """Job: read + check `path` (a file, or a (narrative, tables) pair of files), write
    `out/name/`; (path, name, resources | None, error, meta | None)."""
    path, name, out = task
    from ..check import run_checks
    from ..document import parse
    from ..pairing import read_pair

    try:
        parsed = read_pair(*path) if isinstance(path, tuple) else parse(path)
        resources = write_one(parsed, run_checks(parsed), Path(out), name)
        return path, name, resources, None, parsed.meta
    except BudgetkitError as exc:
        return path, name, None, str(exc), None
    except Exception as exc:  # one document's bug never stops the batch
        label = " + ".join(path) if isinstance(path, tuple) else path
        return path, name, None, f"{label}: internal error ({type(exc).__name__}: {exc})", None


def parse_batch(
    paths,
    out: str | Path,
    jobs: int | None = 1,
    progress: Callable[[int, int, str, str | None], None] | None = None,
) -> ParseResult:
    """Parse every path into `out`; the package lists the documents written by this run
    (progress(i, n, path, error) after each).

    A narrative-only and a tables-only file of one department, year, kind and scope (as
    read from them, `budgetkit.pairing`) are one document, written under the narrative's
    name: each is first written alone, then the pair replaces them (`result.paired` says so).
    """
    from ..corpus.scheduler import Crashed, scheduler
    from ..pairing import NARRATIVE, TABLES, pairing

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    seen: dict[str, str] = {}
    for p in paths:  # the same file named twice is read once
        seen.setdefault(str(Path(p).resolve()), str(p))
    todo = list(seen.values())
    names = output_names(todo, reserved=RESERVED)
    result = ParseResult()
    package = Package(out)
    halves: dict[str, tuple] = {}  # path → (resources, meta) of a file that may be half a pair
    if (jobs or 0) > 1 and len(todo) > 1:
        from ..corpus.part import warm

        warm()  # forked workers inherit the imports instead of each importing again

    def run(tasks, total: int):
        for i, r in enumerate(s.map(parse_to_folder, tasks), 1):
            if isinstance(r, Crashed):
                path, name = r.item[0], r.item[1]
                label = " + ".join(path) if isinstance(path, tuple) else path
                r = (path, name, None, f"{label}: {r.reason}", None)
            if progress:
                label = " + ".join(r[0]) if isinstance(r[0], tuple) else r[0]
                progress(i, total, label, r[3])
            yield r

    try:
        with scheduler(jobs) as s:
            tasks = ((p, names[p], str(out)) for p in todo)
            for path, name, resources, error, meta in run(tasks, len(todo)):
                if error is not None:
                    result.failed.append((path, error))
                elif meta.publication in (NARRATIVE, TABLES):
                    halves[path] = (resources, meta)  # written; listed once pairing is known
                else:
                    package.add(resources)
                    result.written.append((path, name))
            found = pairing(list(halves), meta=lambda p: halves[p][1])
            result.notes.extend(found.notes)
            pair_tasks = [(g, names[g[0]], str(out)) for g in found.pairs]
            lines = dict(zip(found.pairs, found.said, strict=True))
            for group, name, resources, error, _ in run(pair_tasks, len(pair_tasks)):
                n, t = group
                if error is None:
                    package.add(resources)
                    result.written.append((f"{n} + {t}", name))
                    result.paired.append(lines[group])
                    shutil.rmtree(out / names[t], ignore_errors=True)  # now part of the pair
                    halves.pop(n), halves.pop(t)
                else:  # each stays a document of its own
                    result.notes.append(f"not paired: {error}")
            for path, (resources, _) in halves.items():
                package.add(resources)
                result.written.append((path, names[path]))
    except BaseException:
        package.abandon()
        raise
    if result.written:
        result.package = package.close()
    else:  # nothing new: an earlier datapackage.json stays as it was
        package.abandon()
    return result
