"""`budgetkit corpus build PATH... --out DIR`: many documents → one dataset, atomically.

Size: the build's one transaction (plan, read in parallel, write a generation, switch the
link) kept in one place so its atomicity can be read top to bottom.

    DIR/current -> generations/<id>      the dataset readers see (a symlink, switched atomically)
    DIR/tables -> current/tables         <table>/year-<Y>.parquet, one fixed type per column
    DIR/corpus.duckdb -> current/…       DuckDB views over the tables
    DIR/datapackage.json -> current/…    Frictionless description of every file
    DIR/cache/<key>.part|.fail           each document read once: Arrow tables or its failure
    DIR/departments.toml                 (optional, yours) department aliases for this corpus

Two phases. *Read*: every document whose (paths, content hash, budgetkit version) has no
cache entry is read by a job (in this process, a local pool or a Dask cluster) and its part
stored in the cache atomically — a crash loses at most the documents in flight, and a
re-run reads only what is missing (resumable; incremental). *Assemble*: a new generation
folder is written from the cache in document order (the same bytes whatever ran the jobs),
then `current` is switched to it with one rename. A reader never sees a half-built dataset;
a build killed at any point leaves the previous generation in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..errors import BudgetkitError
from ..store import schema
from . import tables
from .departments import aliases as load_aliases
from .part import failure, part_header, read_part, table_of, unpack, warm
from .scheduler import Crashed, default_jobs, scheduler
from .sources import Unit, pair_units, units

if TYPE_CHECKING:
    import pyarrow.parquet as pq

ROW_GROUP = 32_768  # rows buffered per (table, year) before a row group is written
KEEP_GENERATIONS = 2  # the current one and the one before (a reader may still be in it)


@dataclass
class BuildResult:
    out: Path
    generation: str
    documents: int = 0  # in the dataset
    read: int = 0  # read in this run
    reused: int = 0  # taken from the cache
    failed: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    unchanged_files: int = 0  # Parquet files taken over from the previous generation
    paired: list[str] = field(default_factory=list)  # split publications read as one document
    notes: list[str] = field(default_factory=list)  # files that could have been paired, and why not

    def summary(self) -> str:
        pairs = f", {len(self.paired)} of them split into two files" if self.paired else ""
        return (
            f"{self.documents} document(s) in {self.out} ({self.read} read, {self.reused} "
            f"unchanged, {len(self.failed)} failed{pairs}) in {self.seconds:.1f} s"
        )


#: progress(phase, done, total, path, error): phase "read" per document, "assemble" once.
Progress = Callable[[str, int, int, str, str | None], None]


def cache_key(unit: Unit) -> str:
    """Changes when a file's content, its path or budgetkit's version does."""
    text = "\n".join([__version__, unit.sha256, *unit.paths])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:  # no fsync: a kill cannot lose it, a damaged one is re-read
        f.write(data)
    os.replace(tmp, path)


@contextlib.contextmanager
def _lock(out: Path):
    """One build at a time per corpus (released by the OS if the build is killed)."""
    import fcntl

    f = open(out / ".build.lock", "w")  # noqa: SIM115 - held for the whole build
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BudgetkitError(f"{out}: another `corpus build` is running on it") from None
        yield
    finally:
        f.close()


def build(
    paths,
    out: str | Path,
    jobs: int | None = None,
    address=None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build (or bring up to date) the corpus dataset in `out` from the documents in `paths`."""
    t0 = time.perf_counter()
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "cache").mkdir(exist_ok=True)
        (out / "generations").mkdir(exist_ok=True)
    except OSError as exc:
        raise BudgetkitError(f"{out}: cannot write the corpus here ({exc.strerror})") from None
    with _lock(out):
        for stale in (out / "generations").glob(".tmp-*"):  # left by a killed build
            shutil.rmtree(stale, ignore_errors=True)
        found = units(paths, exclude=out)
        if not found:  # a mistyped path must not replace a corpus with an empty one
            where = ", ".join(map(str, paths)) or "(no paths)"
            raise BudgetkitError(f"{where}: no documents found (.pdf, .txt, .html files)")
        result = BuildResult(out, "")
        _read_missing(found, out / "cache", jobs, address, progress, result)
        every = list(found)  # single files stay cached even when read as half of a pair
        found, pairs = _pair(found, out, jobs, address, progress, result)
        every += pairs
        if progress:
            progress("assemble", 0, len(found), "", None)
        result.generation = _assemble(found, out, result, jobs if address is None else 1)
        _collect_garbage(out, every)
    result.seconds = time.perf_counter() - t0
    return result


def _pair(found: list[Unit], out: Path, jobs, address, progress, result: BuildResult):
    """(units to assemble, pair units): the narrative-only and tables-only files of one
    publication, as the read files' cached headers say (`pairing`), are read as one unit
    that replaces them. A pair that cannot be read leaves its two files as they were."""
    cache = out / "cache"
    singles = []
    for u in found:
        part = cache / f"{cache_key(u)}.part"
        with contextlib.suppress(OSError, ValueError, KeyError):  # not read, or damaged
            singles.append((u, part_header(part)))
    pairs, grouping = pair_units(singles, load_aliases(out))
    result.notes.extend(grouping.notes)
    if not pairs:
        return found, pairs
    before = len(result.failed)
    _read_missing(pairs, cache, jobs, address, progress, result)
    for crash in result.failed[before:]:  # its files are still read one by one
        result.notes.append(f"not paired: {crash['path']}: {crash['reason']}")
    del result.failed[before:]
    taken: set[Unit] = set()
    joined: list[Unit] = []
    for unit, (n, t), line in zip(pairs, grouping.pairs, grouping.said, strict=True):
        if not (cache / f"{cache_key(unit)}.part").exists():
            result.notes.append(f"not paired: {' + '.join(unit.paths)} could not be read as one")
            continue
        taken.update((n, t))
        joined.append(unit)
        result.paired.append(line)
    kept = [u for u in found if u not in taken] + joined
    return sorted(kept, key=lambda u: u.paths), pairs


def _read_missing(found, cache: Path, jobs, address, progress, result: BuildResult) -> None:
    todo = [u for u in found if not _cached(cache, u)]
    result.reused += len(found) - len(todo)
    if not todo:
        return
    here = address is None  # a local pool's workers write the cache themselves
    if here:
        warm()  # forked workers inherit the imports instead of each importing again
    items = [(u, str(cache)) for u in todo] if here else todo
    with scheduler(jobs, address) as s:
        for i, r in enumerate(s.map(read_and_store if here else read_part, items), 1):
            if isinstance(r, Crashed):  # not cached: a crash may not happen again
                unit = r.item[0] if here else r.item
                fail = failure(unit, "WorkerCrashed", r.reason)
                result.failed.append(fail)
            else:
                unit, blob, fail = r
                if not here:
                    _store(cache, unit, blob, fail)
            result.read += 1
            if progress:
                progress("read", i, len(todo), " | ".join(unit.paths), fail and fail["reason"])


def _store(cache: Path, unit: Unit, blob: bytes | None, fail: dict | None) -> None:
    key = cache_key(unit)
    if blob is not None:
        _write_atomic(cache / f"{key}.part", blob)
    else:
        _write_atomic(cache / f"{key}.fail", json.dumps(fail).encode("utf-8"))


def read_and_store(job: tuple[Unit, str]) -> tuple[Unit, None, dict | None]:
    """Job of a local build: read the unit and write its cache entry in the worker, so that
    the part (50–300 KB) is neither pickled to the parent nor written by it: the parent's
    share of the cores stays with the reading. Returns the failure, if any."""
    unit, cache = job
    unit, blob, fail = read_part(unit)
    _store(Path(cache), unit, blob, fail)
    return unit, None, fail


def _cached(cache: Path, unit: Unit) -> bool:
    key = cache_key(unit)
    return (cache / f"{key}.part").exists() or (cache / f"{key}.fail").exists()


def bucket_count(documents: int) -> int:
    """Files per (table, year): 1 up to 128 documents, doubling with size (at most 64), so
    a rebuild after one change rewrites only the few files that hold that document."""
    n = 1
    while n < 64 and documents > 128 * n:
        n *= 2
    return n


def group_file(year: int | None, bucket: int, buckets: int) -> str:
    base = f"year-{year if year is not None else 'unknown'}"
    return f"{base}.parquet" if buckets == 1 else f"{base}-{bucket:02d}.parquet"


class _GroupWriter:
    """One group's Parquet file per table, written in row groups as rows arrive."""

    def __init__(self, root: Path, name: str):
        self.root, self.name = root, name
        self.buffers: dict[str, list] = {}
        self.rows: dict[str, int] = {}
        self.writers: dict[str, pq.ParquetWriter] = {}

    def add(self, table: str, data) -> None:
        if data.num_rows == 0:
            return
        self.buffers.setdefault(table, []).append(data)
        self.rows[table] = self.rows.get(table, 0) + data.num_rows
        if self.rows[table] >= ROW_GROUP:
            self._flush(table)

    def _flush(self, table: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        data = pa.concat_tables(self.buffers.pop(table))
        self.rows[table] = 0
        w = self.writers.get(table)
        if w is None:
            folder = self.root / table
            folder.mkdir(parents=True, exist_ok=True)
            w = self.writers[table] = pq.ParquetWriter(folder / self.name, data.schema)
        w.write_table(data, row_group_size=ROW_GROUP)

    def close(self) -> list[str]:
        """Finish the files; the tables that have one."""
        for t in list(self.buffers):
            self._flush(t)
        for w in self.writers.values():
            w.close()
        return sorted(self.writers)


def _previous_groups(out: Path) -> tuple[Path | None, dict]:
    try:
        gen = (out / "current").resolve(strict=True)
        return gen, json.loads((gen / "manifest.json").read_text("utf-8")).get("groups", {})
    except (OSError, ValueError):
        return None, {}


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)  # the same bytes: no copy
    except OSError:
        shutil.copy2(src, dst)


def _assemble(found: list[Unit], out: Path, result: BuildResult, jobs: int | None = 1) -> str:
    import pyarrow.parquet as pq

    gen = f"{time.strftime('%Y%m%dT%H%M%S')}.{time.time_ns() % 10**9:09d}-{os.getpid()}"
    tmp = out / "generations" / f".tmp-{gen}"
    tmp.mkdir()
    names = load_aliases(out)
    failures = list(result.failed)
    crashed = {f["path"] for f in result.failed}
    cache = out / "cache"
    readable: list[tuple[Unit, str, int | None]] = []
    for unit in found:
        key = cache_key(unit)
        part = cache / f"{key}.part"
        if part.exists():
            try:
                readable.append((unit, key, part_header(part)["year"]))
                continue
            except (OSError, ValueError, KeyError):  # e.g. cut short by a power loss
                part.unlink(missing_ok=True)
                failures.append(
                    failure(unit, "Damaged", "its cache entry was damaged: build again")
                )
                continue
        fail = cache / f"{key}.fail"
        if fail.exists():
            failures.append(json.loads(fail.read_text("utf-8")))
        elif " | ".join(unit.paths) not in crashed:
            failures.append(failure(unit, "Missing", "not read (the build was interrupted)"))
    buckets = bucket_count(len(readable))
    groups: dict[str, list[tuple[Unit, str]]] = {}
    for unit, key, year in readable:
        name = group_file(year, int(unit.document, 16) % buckets, buckets)
        groups.setdefault(name, []).append((unit, key))
    prev_gen, prev = _previous_groups(out)
    manifest_groups = {}
    files: dict[str, list[str]] = {t: [] for t in tables.TABLES}
    order = sorted(groups, key=_group_order)
    prints, todo = {}, []
    for name in order:
        prints[name] = hashlib.sha256(
            "\n".join([__version__, names.fingerprint(), *(k for _, k in groups[name])]).encode()
        ).hexdigest()
        old = prev.get(name)
        if not (old and old["fingerprint"] == prints[name] and prev_gen is not None):
            todo.append((tmp / "tables", name, groups[name], cache, names))
    fresh = _write_groups(todo, jobs)
    for name in order:
        members, fp = groups[name], prints[name]
        if name in fresh:
            written = fresh[name]
        else:
            assert prev_gen is not None  # a group is taken over only from a generation
            written = prev[name]["tables"]
            for t in written:
                _link(prev_gen / "tables" / t / name, tmp / "tables" / t / name)
            result.unchanged_files += len(written)
        manifest_groups[name] = {"fingerprint": fp, "tables": written}
        for t in written:
            files[t].append(name)
        result.documents += len(members)
    for t, fnames in files.items():
        if not fnames and t != "failures":  # no rows: still its schema, for queries and views
            folder = tmp / "tables" / t
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(
                schema.arrow_schema(tables.columns(t)).empty_table(), folder / "empty.parquet"
            )
            fnames.append("empty.parquet")
    fcols = tables.columns("failures")
    rows = {c.name: [f.get(c.name) for f in failures] for c in fcols}
    (tmp / "tables" / "failures").mkdir(parents=True, exist_ok=True)
    pq.write_table(
        schema.arrow_table(fcols, rows), tmp / "tables" / "failures" / "failures.parquet"
    )
    files["failures"] = ["failures.parquet"]
    result.failed = failures
    final = out / "generations" / gen
    _describe(tmp, files)
    tmp.rename(final)  # not current yet: views need the final paths, the manifest comes last
    _views(final, files)
    manifest = {
        "budgetkit": __version__,
        "generation": gen,
        "root": Path.cwd().as_posix(),  # where relative `sources` are (`Corpus.paths`)
        "documents": result.documents,
        "failures": len(result.failed),
        "tables": files,
        "groups": manifest_groups,
    }
    _write_atomic(final / "manifest.json", json.dumps(manifest, indent=1).encode("utf-8"))
    _switch(out, gen)
    return gen


def _group_order(name: str):
    return (name.startswith("year-unknown"), name)


def _write_groups(todo: list[tuple], jobs: int | None) -> dict[str, list[str]]:
    """Write the groups' Parquet files (each its own files: they can be written at once, in
    a local pool when there are several); group name → the tables written."""
    if len(todo) < 2 or (jobs or default_jobs()) < 2:
        return {job[1]: _write_group(*job) for job in todo}
    out = {}
    with scheduler(jobs) as s:
        for job, r in zip(todo, s.map(_write_group_job, todo), strict=True):
            if isinstance(r, Crashed | str):
                raise BudgetkitError(r.reason if isinstance(r, Crashed) else r)
            out[job[1]] = r
    return out


def _write_group_job(job: tuple) -> list[str] | str:
    """`_write_group` as a pool job: the tables written, or why it could not write them."""
    try:
        return _write_group(*job)
    except BudgetkitError as exc:
        return str(exc)


def _write_group(root: Path, name: str, members, cache: Path, names) -> list[str]:
    """Write one group's files from the cache, documents in order; the tables written."""
    import pyarrow as pa

    key_col = [c.name for c in tables.columns("documents")].index("department_key")
    w = _GroupWriter(root, name)
    for _, key in members:
        try:
            meta, blobs = unpack((cache / f"{key}.part").read_bytes())
        except (OSError, ValueError, KeyError) as exc:
            raise BudgetkitError(
                f"{cache / key}.part: damaged cache entry ({exc}); delete it and build again"
            ) from None
        for table, blob in blobs.items():
            t = table_of(blob)
            if table == "documents":  # the department key: from today's alias table
                dk = names.key(meta["department"]) or None
                region = (names.region(dk) or None) if dk else None
                t = t.set_column(key_col, "department_key", pa.array([dk], pa.string()))
                t = t.set_column(key_col + 1, "region", pa.array([region], pa.string()))
            w.add(table, t)
    return w.close()


def _describe(tmp: Path, files: dict[str, list[str]]) -> None:
    """datapackage.json of a generation: every file with its Frictionless schema."""
    resources = []
    for t, names in files.items():
        for n in names:
            resources.append(
                {
                    "name": f"{t.replace('_', '-')}-{n.removesuffix('.parquet')}",
                    "title": f"{t} · {n}",
                    "profile": "tabular-data-resource",
                    "path": f"tables/{t}/{n}",
                    "format": "parquet",
                    "mediatype": "application/vnd.apache.parquet",
                    "description": tables.description(t),
                    "schema": schema.frictionless_schema(tables.columns(t)),
                }
            )
    package = {
        "profile": "tabular-data-package",
        "name": "budgetkit-corpus",
        "budgetkit": __version__,
        "resources": resources,
    }
    (tmp / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=1), "utf-8"
    )


def views_sql(generation: Path, names) -> list[str]:
    """CREATE VIEW statements over a generation's files (absolute paths)."""
    out = []
    for t in names:
        glob = (generation.absolute() / "tables" / t / "*.parquet").as_posix().replace("'", "''")
        out.append(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{glob}')")
    return out


def _views(final: Path, files) -> None:
    import duckdb

    con = duckdb.connect(str(final / "corpus.duckdb"))
    try:
        for stmt in views_sql(final, files):
            con.execute(stmt)
    finally:
        con.close()


def _symlink_atomic(target: str, link: Path) -> None:
    tmp = link.with_name(f".{link.name}.{os.getpid()}.lnk")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _switch(out: Path, gen: str) -> None:
    """Point `current` at the new generation (one atomic rename), stable links beside it."""
    _symlink_atomic(f"generations/{gen}", out / "current")
    for name in ("tables", "corpus.duckdb", "datapackage.json"):
        link = out / name
        if not link.is_symlink():
            if link.exists():
                raise BudgetkitError(f"{link}: exists and is not the corpus's link; move it away")
            _symlink_atomic(f"current/{name}", link)
    gens = sorted(p for p in (out / "generations").iterdir() if not p.name.startswith("."))
    complete = [p for p in gens if (p / "manifest.json").exists()]
    doomed = complete[:-KEEP_GENERATIONS] + [p for p in gens if p not in complete]
    for old in doomed:
        if old.name != gen:
            shutil.rmtree(old, ignore_errors=True)


def _collect_garbage(out: Path, found: list[Unit]) -> None:
    """Drop cache entries no document of this build uses (edited or removed files)."""
    keep = {cache_key(u) for u in found}
    for p in (out / "cache").iterdir():
        if (
            p.suffix in (".part", ".fail")
            and p.stem not in keep
            or p.name.startswith(".")
            and p.name.endswith(".tmp")
        ):
            with contextlib.suppress(OSError):
                p.unlink()


def current(out: str | Path) -> Path:
    """The generation folder readers see now."""
    out = Path(out)
    link = out / "current"
    if not link.is_symlink() and not link.is_dir():
        raise BudgetkitError(f"{out}: not a corpus (run `budgetkit corpus build … --out {out}`)")
    return link.resolve()
