"""`budgetkit parse PATH... --out DIR [--jobs N]`: read, check and write many documents.

Each job reads one file, checks it and writes its folder; only its datapackage resources
come back. Nothing is held per document, so peak memory does not depend on how many there
are. A file that cannot be read is reported and the rest of the batch completes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BudgetkitError
from ..outputs import output_names
from .folder import Package, write_one


@dataclass
class ParseResult:
    written: list[tuple[str, str]] = field(default_factory=list)  # (input, folder name)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (input, message)
    package: Path | None = None


def parse_to_folder(task: tuple[str, str, str]):
    """Job: read + check `path`, write `out/name/`; (path, name, resources | None, error)."""
    path, name, out = task
    from ..check import run_checks
    from ..document import parse

    try:
        parsed = parse(path)
        return path, name, write_one(parsed, run_checks(parsed), Path(out), name), None
    except BudgetkitError as exc:
        return path, name, None, str(exc)
    except Exception as exc:  # one document's bug never stops the batch
        return path, name, None, f"{path}: internal error ({type(exc).__name__}: {exc})"


def parse_batch(
    paths,
    out: str | Path,
    jobs: int | None = 1,
    progress: Callable[[int, int, str, str | None], None] | None = None,
) -> ParseResult:
    """Parse every path into `out`; the package lists the documents written by this run
    (progress(i, n, path, error) after each)."""
    from ..corpus.scheduler import Crashed, scheduler

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    seen: dict[str, str] = {}
    for p in paths:  # the same file named twice is read once
        seen.setdefault(str(Path(p).resolve()), str(p))
    todo = list(seen.values())
    names = output_names(todo)
    result = ParseResult()
    package = Package(out)
    if (jobs or 0) > 1 and len(todo) > 1:
        from ..corpus.part import warm

        warm()  # forked workers inherit the imports instead of each importing again
    try:
        with scheduler(jobs) as s:
            tasks = ((p, names[p], str(out)) for p in todo)
            for i, r in enumerate(s.map(parse_to_folder, tasks), 1):
                if isinstance(r, Crashed):
                    path, name, resources, error = r.item[0], r.item[1], None, r.reason
                    error = f"{path}: {error}"
                else:
                    path, name, resources, error = r
                if error is None:
                    package.add(resources)
                    result.written.append((path, name))
                else:
                    result.failed.append((path, error))
                if progress:
                    progress(i, len(todo), path, error)
    except BaseException:
        package.abandon()
        raise
    if result.written:
        result.package = package.close()
    else:  # nothing new: an earlier datapackage.json stays as it was
        package.abandon()
    return result
