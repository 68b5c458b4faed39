"""Batch reports: run each notebook on each document, write HTML + .ipynb, and an index.

Size: over its 400 lines because a run's planning, its pool, its signals and its leftovers
belong to one transaction; the pages it writes are in `report.index`.

    result = run_reports(["data/seed/000_d8581a66e967af08.txt"], "reports", jobs=2)
    result.exit_code   # 0 when every report ran, 1 when any failed

For every (document, notebook) the runner executes the notebook with papermill (parameters
injected: `document`, `corpus`, `language` when the notebook declares them, plus any given),
then writes into `OUT/<document stem>/`:

- `<notebook>.ipynb`: the executed notebook (papermill records the parameters in its metadata);
- `<notebook>.html`: one self-contained page without code cells (see `present.export`);
- `<notebook>.json`: the stamp: inputs' hash, parameters, status, timings, failing cell.

`OUT/index.html` lists every document (department, year, check findings by severity) with its
reports and failures. A report whose stamp matches the hash of its inputs (document bytes,
notebook, library sources and version, parameters) is skipped unless `force`. Every file is
written to a temporary name and renamed, stamp last, so a crash never leaves a file that looks
complete. One failure never stops the others. Heavy imports (papermill, nbconvert) happen
inside the functions: the CLI can import this module cheaply.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..catalog.rules import SEVERITIES
from ..corpus.scheduler import Crashed
from ..outputs import sweep_stale, temporary_name
from .corpus import (
    COMPARE,
    Comparison,
    CorpusPlan,
    as_printed,
    comparison_stems,
    corpus_plan,
    finding_counts,
    findings_of,
)
from .index import findings_html, index_html

NOTEBOOKS = ("structure", "trend", "performance")
#: Notebooks for final accounts (决算) only: run by default, and skipped for other documents.
FINAL_NOTEBOOKS = ("execution",)
#: What the bundled notebooks import: a prestarted kernel runs it while it waits for work.
WARM_UP = "import budgetkit.present.charts, budgetkit.present.show, budgetkit.analysis, pandas"
NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
#: Bump when the runner's outputs change shape, so old stamps stop counting as up to date.
RUNNER_VERSION = "1"


@dataclass
class DocumentInfo:
    """What the index shows for one document (read in a worker, cached in `document.json`)."""

    path: str
    stem: str
    sha256: str
    department: str | None = None
    year: int | None = None
    kind: str | None = None  # "budget" (预算) or "final" (决算)
    scope: str | None = None  # "department" (部门) or "unit" (单位)
    findings: dict[str, int] = field(default_factory=dict)
    error: str | None = None  # why the document could not be read
    check_error: str | None = None  # why `check()` failed (the reports still ran)
    sources: list[str] = field(default_factory=list)  # a split publication: narrative, tables
    total: str | None = None  # 支出合计 in 万元, as `summary()` gives it
    total_note: str | None = None  # why that figure is in doubt (derived, contradicted)


@dataclass
class ReportOutcome:
    """One (document, notebook) report: what ran, where it went, and how it ended."""

    document: str
    notebook: str
    status: str  # "ok", "skipped" (up to date), "failed"
    parameters: dict[str, Any]
    html: str | None = None
    ipynb: str | None = None
    key: str = ""
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # execute, export, ...
    cell: int | None = None  # failing cell, 0-based index in the notebook as stored
    exec_count: int | None = None
    error: str | None = None  # "ename: evalue" or the reason
    empty: bool = False  # ran, but the document has nothing this report shows

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@dataclass
class ReportResult:
    """All outcomes of a run, the documents' info and the index page."""

    outcomes: list[ReportOutcome]
    documents: list[DocumentInfo]
    index: Path
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # split publications paired (or not), why

    @property
    def failures(self) -> list[ReportOutcome]:
        return [o for o in self.outcomes if o.failed]

    @property
    def exit_code(self) -> int:
        """0 when every report exists and is current, 1 when any failed."""
        return 1 if self.failures else 0

    def summary(self) -> str:
        n = {s: sum(o.status == s for o in self.outcomes) for s in ("ok", "skipped", "failed")}
        lines = [
            f"{len(self.outcomes)} reports: {n['ok']} written, {n['skipped']} up to date, "
            f"{n['failed']} failed ({self.seconds:.1f} s) → {self.index}"
        ]
        for o in self.failures:
            where = f" at cell {o.cell}" if o.cell is not None else ""
            lines.append(
                f"FAILED {o.notebook} on {o.document}{where}: {o.error} "
                f"(parameters {json.dumps(o.parameters, ensure_ascii=False)})"
            )
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# hashing and files


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def library_fingerprint() -> str:
    """budgetkit's version plus a hash of its sources and data: any change re-runs reports."""
    import budgetkit

    root = Path(budgetkit.__file__).resolve().parent
    h = hashlib.sha256(budgetkit.__version__.encode())
    for p in sorted(root.rglob("*")):
        if p.suffix in {".py", ".toml", ".json"} and "__pycache__" not in p.parts:
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return f"{budgetkit.__version__}+{h.hexdigest()[:16]}"


def report_key(doc_sha: str, notebook: Path, library: str, parameters: dict[str, Any]) -> str:
    """Hash of everything a report depends on."""
    h = hashlib.sha256()
    for part in (
        RUNNER_VERSION,
        doc_sha,
        _sha256_file(notebook),
        library,
        json.dumps(parameters, sort_keys=True, ensure_ascii=False),
    ):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write to a temporary sibling, then rename: readers see the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(temporary_name(path.name))
    if isinstance(data, str):
        data = data.encode("utf-8")
    _writing.add(str(tmp))
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        _writing.discard(str(tmp))


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


#: Files the runner keeps in `out` itself: no document folder may take their names.
RESERVED = ("index.html", "index", "document.json")


def _stems(paths: Sequence[Path], reserved: Sequence[str] = ()) -> list[str]:
    """Output folder name per document (`budgetkit.outputs.output_names`, shared with
    `parse`): safe, inside `out`, distinct per input and the same from run to run."""
    from ..outputs import output_names

    names = output_names(paths, reserved=(*RESERVED, *reserved))
    return [names[str(p)] for p in paths]


def _accepted(wanted: dict[str, Any], declared: set[str], given: dict | None) -> dict[str, Any]:
    """The parameters a notebook takes: those it declares, and any the caller gave."""
    return {k: v for k, v in wanted.items() if k in declared or k in (given or {})}


def _budget_parameter(files: list[Path] | None) -> dict[str, Any]:
    if not files:
        return {}
    return {"budget": str(files[0]) if len(files) == 1 else [str(p) for p in files]}


def resolve_notebook(name: str | Path) -> Path:
    """A notebook by name (`structure`) from `notebooks/`, or by path."""
    p = Path(name)
    if p.suffix == ".ipynb" and p.exists():
        return p.resolve()
    candidate = NOTEBOOK_DIR / f"{name}.ipynb"
    if candidate.exists():
        return candidate
    from ..errors import BudgetkitError

    raise BudgetkitError(f"no notebook {name!r}: expected {candidate} or a path to an .ipynb file")


# ---------------------------------------------------------------------------------------------
# work done in worker processes


def document_info(
    path: str, stem: str, sha: str, library: str, out: str, tables: str | None = None
) -> DocumentInfo:
    """Read and check one document for the index (cached beside its reports); `tables`: the
    tables file of a split publication whose narrative `path` is."""
    cache = Path(out) / stem / "document.json"
    cached = _read_json(cache)
    if cached and cached.get("sha256") == sha and cached.get("library") == library:
        cached.pop("library")
        return DocumentInfo(**cached)
    info = DocumentInfo(path=path, stem=stem, sha256=sha, sources=[path, tables] if tables else [])
    try:
        import budgetkit

        doc = budgetkit.read(path, tables) if tables else budgetkit.read(path)
        m = doc.meta
        info.department, info.year, info.kind, info.scope = m.department, m.year, m.kind, m.scope
    except Exception as e:  # a bad document is reported, never fatal
        info.error = f"{type(e).__name__}: {e}"
    else:
        try:
            summary = doc.summary()
            info.total = summary.get("expenditure_total")
            notes = [w["reason"] for w in summary["warnings"] if w["figure"] == "expenditure_total"]
            info.total_note = "; ".join(notes) or None
        except Exception:  # the index shows "–"
            info.total = None
        try:
            findings = doc.check()
            counts = findings["severity"].value_counts() if len(findings) else {}
            info.findings = {s: int(counts.get(s, 0)) for s in SEVERITIES}
            write_atomic(Path(out) / stem / "findings.html", findings_html(info, findings))
        except Exception as e:  # the reports still run; the index says the check failed
            info.check_error = f"{type(e).__name__}: {e}"
    write_atomic(
        cache, json.dumps({**asdict(info), "library": library}, ensure_ascii=False, indent=1)
    )
    return info


def _call(job: tuple) -> Any:
    """`fn(*args)` for a `(fn, args)` job (what a cluster's `map` runs)."""
    fn, args = job
    return fn(*args)


def run_batch(jobs: list[dict[str, Any]]) -> list[ReportOutcome]:
    """The reports of one document, one after another in this worker (`run_one` each)."""
    return [run_one(job) for job in jobs]


_thread = threading.local()


def run_batch_in_thread(jobs: list[dict[str, Any]]) -> list[ReportOutcome]:
    """`run_batch` in a context of this thread's own (a cluster worker's thread): Jupyter
    keeps its event loop in a context variable, and a task's context is copied from the
    client's, so two worker threads would otherwise share one loop. The thread keeps its
    context, hence its loop and its warm kernel, from one report to the next."""
    context = getattr(_thread, "context", None)
    if context is None:
        context = _thread.context = contextvars.Context()
    return context.run(run_batch, jobs)


def _lost(jobs: list[dict[str, Any]], result: Any) -> list[ReportOutcome]:
    """A cluster's result for a batch: its outcomes, or failed ones when its worker died."""
    if not isinstance(result, Crashed):
        return result
    return [
        ReportOutcome(
            job["document"],
            job["notebook"],
            "failed",
            job["parameters"],
            key=job["key"],
            error=f"worker lost: {result.reason}",
        )
        for job in jobs
    ]


def _crashed_info(crash: Any, path: Path, stem: str, sha: str) -> DocumentInfo:
    """The index row of a document whose worker died while reading it."""
    return DocumentInfo(str(path), stem, sha, error=f"worker lost: {crash.reason}")


def _corpus_infos(
    plan: CorpusPlan, stems: list[str], out: Path, library: str
) -> dict[str, DocumentInfo]:
    """Stem → index row of each document of a corpus, from its dataset: the documents table
    and, for `<stem>/findings.html`, the findings table (no document is read)."""
    import pandas as pd

    findings = findings_of(plan.corpus, [d.document for d in plan.documents])
    empty = pd.DataFrame(columns=["severity", "rule", "message", "page", "line"])
    infos = {}
    for d, stem in zip(plan.documents, stems, strict=True):
        r = d.row
        total = r.get("expenditure_total")
        info = DocumentInfo(
            path=str(d.paths[0]),
            stem=stem,
            sha256=d.sha,
            department=r.get("department"),
            year=None if pd.isna(r.get("year")) else int(r["year"]),
            kind=r.get("kind"),
            scope=r.get("scope"),
            findings=finding_counts(r),
            sources=[str(p) for p in d.paths] if len(d.paths) > 1 else [],
            total=None if total is None or pd.isna(total) else as_printed(total),
        )
        write_atomic(
            out / stem / "findings.html", findings_html(info, findings.get(d.document, empty))
        )
        write_atomic(
            out / stem / "document.json",
            json.dumps({**asdict(info), "library": library}, ensure_ascii=False, indent=1),
        )
        infos[stem] = info
    return infos


# ---------------------------------------------------------------------------------------------
# ending: a killed run leaves no worker, kernel or temporary file behind

#: Signals that end a run as Ctrl-C does, cleaning up (SIGKILL cannot be caught: the workers
#: then follow their parent through PR_SET_PDEATHSIG, and the next run sweeps the files).
_ENDING = ("SIGTERM", "SIGHUP")


def _die_with_parent(parent: int) -> None:
    """Ask Linux to send this process SIGTERM when its parent dies (even by SIGKILL)."""
    import signal

    if sys.platform.startswith("linux"):
        import contextlib
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before we asked
        os.kill(os.getpid(), signal.SIGTERM)


def _worker_ends(signum, frame) -> None:
    """A pool worker told to end: kill its kernels, remove its half-written files, exit."""
    from . import kernel

    kernel.kill_now()
    for path in _writing:
        Path(path).unlink(missing_ok=True)
    os._exit(128 + signum)


_writing: set[str] = set()  # temporary files this process is writing now


def _ignore(signum, frame) -> None:
    """Ctrl-C in a pool worker: nothing (the parent ends the run)."""


def _worker_start(parent: int, warm: tuple[list[str], list[str]], warm_up: str) -> None:
    """Pool worker initializer: end with the parent and on SIGTERM, claim the process for
    notebooks run in it, then get their shell or kernels ready."""
    import signal

    for name in _ENDING:
        signal.signal(getattr(signal, name), _worker_ends)
    # The parent handles Ctrl-C and ends us. A handler, not SIG_IGN: an ignored signal stays
    # ignored in the kernels this process starts, a handler does not survive their exec.
    signal.signal(signal.SIGINT, _ignore)
    _die_with_parent(parent)
    from . import inprocess

    inprocess.claim()  # this process is the run's: notebooks may run in it
    _warm(*warm, warm_up)


def _in_process(kernel_name: str) -> bool:
    """Whether a shared-kernel report runs in this process (`report.inprocess`): the default
    `python3` kernel, where this thread may (another kernel name runs in that kernel)."""
    from . import inprocess

    return kernel_name == "python3" and inprocess.available()


def _warm(kernels: list[str], here: list[str], warm_up: str) -> None:
    """Get ready for the reports that share a kernel: prestart the `kernels` (names), and
    for notebooks that may run in process (`here`, their kernel names) this process's shell
    with `warm_up` imported, or their kernels where this thread cannot run them itself."""
    from . import inprocess

    kept = [n for n in here if _in_process(n)]
    if kept:
        inprocess.run_cell(inprocess.shell(), warm_up)
    names = sorted({*kernels, *(n for n in here if n not in kept)})
    if names:
        _kernel_module().prestart(names, warm_up)


class Ended(SystemExit):
    """The run was told to end by a signal (exit status 128 + its number)."""


def _end_run(signum, frame) -> None:
    raise Ended(128 + signum)


def _catch_ending() -> dict:
    """Turn SIGTERM/SIGHUP into `Ended` in this (main) thread; returns the old handlers."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return {}
    old = {}
    for name in _ENDING:
        sig = getattr(signal, name)
        old[sig] = signal.signal(sig, _end_run)
    return old


def _restore(handlers: dict) -> None:
    import signal

    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def _stop_pool(pool: ProcessPoolExecutor, abort: bool) -> None:
    """Shut the pool down; when the run is aborted, end its workers now (SIGTERM: each
    kills its kernels) instead of waiting for their reports."""
    procs = list((getattr(pool, "_processes", None) or {}).values())  # no public API for it
    if abort:
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            p.join(10)
            if p.is_alive():
                p.kill()
    pool.shutdown(wait=not abort, cancel_futures=True)


def sweep(out: str | Path) -> list[Path]:
    """Remove what killed runs left: temporary files in `out`, its document folders and its
    pairing cache, and connection files of kernels whose process is gone."""
    removed = sweep_stale(out, depth=1)
    removed += _kernel_module().sweep_connection_files()
    return removed


def _kernel_env() -> None:
    """Let the kernel import the same budgetkit as this process, installed or not."""
    import budgetkit

    root = str(Path(budgetkit.__file__).resolve().parent.parent)
    parts = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if root not in parts:
        os.environ["PYTHONPATH"] = os.pathsep.join([root, *[p for p in parts if p]])


def _failing_cell(nb: Any, exec_index: int | None) -> int | None:
    """Index of a failing cell in the stored notebook (papermill inserts one parameters cell)."""
    if exec_index is None:
        return None
    for i, cell in enumerate(nb.cells):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            return exec_index - 1 if exec_index > i else exec_index
    return exec_index


def _kernel_module():
    """`budgetkit.report.kernel` (papermill, nbformat and the warm-kernel engine), imported after
    `budgetkit.present`, which spares jsonschema's slow rfc3987 import."""
    from .. import present  # noqa: F401

    # isort: split
    from . import kernel

    return kernel


def _preload() -> None:
    """Import the execution stack once per process (before forking workers, they share it)."""
    import pandas  # noqa: F401  (documents are checked in every worker)

    _kernel_module()
    from ..present.export import html_exporter

    html_exporter()


def run_one(job: dict[str, Any]) -> ReportOutcome:
    """Execute one notebook on one document and write its outputs (in a worker process)."""
    _preload()
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from ..present.export import has_content, notebook_to_html
    from ..present.render import without_bundle
    from . import inprocess
    from .kernel import ENGINE, KERNEL_ARGUMENTS

    _kernel_env()
    shared = job.get("warm") or None  # the kernel name reports share, if this one may
    here = shared and job.get("in_process") and _in_process(shared)
    engine = inprocess.ENGINE if here else ENGINE if shared else None
    t0 = time.perf_counter()
    out_dir, name = Path(job["out_dir"]), job["notebook"]
    final_nb, final_html, stamp = (out_dir / f"{name}.{ext}" for ext in ("ipynb", "html", "json"))
    tmp_nb = out_dir / temporary_name(name, "run.ipynb")
    out_dir.mkdir(parents=True, exist_ok=True)
    _writing.add(str(tmp_nb))
    outcome = ReportOutcome(
        document=job["document"],
        notebook=name,
        status="ok",
        parameters=job["parameters"],
        key=job["key"],
    )
    nb = None
    try:
        try:
            pm.execute_notebook(
                job["notebook_path"],
                None if here else str(tmp_nb),  # in process: kept in memory
                parameters=job["parameters"],
                kernel_name=job.get("kernel"),
                engine_name=engine,
                extra_arguments=KERNEL_ARGUMENTS,
                **({"workdir": str(Path(job["notebook_path"]).parent)} if engine else {}),
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                cwd=str(Path(job["notebook_path"]).parent),
                execution_timeout=job.get("timeout"),
            )
        except PapermillExecutionError as e:
            outcome.status = "failed"
            outcome.exec_count = e.exec_count
            outcome.error = f"{e.ename}: {e.evalue}"
            outcome.cell = e.cell_index
        outcome.timings["execute"] = time.perf_counter() - t0
        nb = inprocess.last_notebook() if here else nbformat.read(tmp_nb, as_version=4)
        without_bundle(nb)  # the HTML gets it back; the stored notebook need not (0.9 MB)
        if outcome.failed:
            outcome.cell = _failing_cell(nb, outcome.cell)
        nb.metadata.setdefault("budgetkit", {}).update(
            {
                "parameters": job["parameters"],
                "key": job["key"],
                "library": job["library"],
                "status": outcome.status,
            }
        )
        t1 = time.perf_counter()
        page = notebook_to_html(
            nb,
            title=job["title"],
            parameters=job["parameters"],
            generated={
                "budgetkit": job["library"],
                "notebook": name,
                "status": outcome.status
                if not outcome.failed
                else f"FAILED at cell {outcome.cell}: {outcome.error}",
            },
        )
        outcome.timings["export"] = time.perf_counter() - t1
        outcome.empty = not outcome.failed and not has_content(nb)
        write_atomic(final_nb, nbformat.writes(nb))
        write_atomic(final_html, page)
        outcome.ipynb, outcome.html = str(final_nb), str(final_html)
    except Exception as e:
        outcome.status = "failed"
        outcome.error = outcome.error or f"{type(e).__name__}: {e}"
        outcome.timings["traceback"] = 0.0
        print(traceback.format_exc(), file=sys.stderr) if os.environ.get(
            "BUDGETKIT_DEBUG"
        ) else None
    finally:
        tmp_nb.unlink(missing_ok=True)
        _writing.discard(str(tmp_nb))
    outcome.seconds = time.perf_counter() - t0
    write_atomic(stamp, json.dumps(asdict(outcome), ensure_ascii=False, indent=1))
    return outcome


# ---------------------------------------------------------------------------------------------
# the run


def _declared(notebook: Path) -> set[str]:
    from papermill.inspection import inspect_notebook

    return set(inspect_notebook(str(notebook)))


def _up_to_date(out_dir: Path, name: str, key: str) -> ReportOutcome | None:
    stamp = _read_json(out_dir / f"{name}.json")
    if not stamp or stamp.get("key") != key or stamp.get("status") != "ok":
        return None
    if not ((out_dir / f"{name}.html").exists() and (out_dir / f"{name}.ipynb").exists()):
        return None
    stamp["status"] = "skipped"
    return ReportOutcome(**stamp)


def print_progress(outcome: ReportOutcome, done: int, total: int) -> None:
    """Default progress line on stderr: `[3/12] ok  structure  000_… (2.1 s)`."""
    where = f" at cell {outcome.cell}" if outcome.cell is not None else ""
    extra = f"{where}: {outcome.error}" if outcome.failed else ""
    print(
        f"[{done}/{total}] {outcome.status:7} {outcome.notebook:12} {Path(outcome.document).name}"
        f" ({outcome.seconds:.1f} s){extra}",
        file=sys.stderr,
        flush=True,
    )


def run_reports(
    paths: Sequence[str | Path],
    out: str | Path,
    notebooks: Sequence[str] | None = None,
    jobs: int = 1,
    force: bool = False,
    progress: Callable[[ReportOutcome, int, int], None] | None = None,
    *,
    parameters: dict[str, Any] | None = None,
    kernel: str | None = None,
    timeout: int | None = 600,
    reuse_kernel: bool = True,
    language: str = "zh",
    corpus: str | Path | None = None,
    address: Any = None,
) -> ReportResult:
    """Run `notebooks` (names or .ipynb paths; default structure, trend, performance, and
    execution on final accounts) on each document in `paths`, writing reports under `out`
    with `jobs` parallel processes (or on the Dask cluster whose scheduler is at `address`).

    With `corpus` (a folder built by `budgetkit corpus build`) instead of `paths`: every
    document of the dataset, the index from the dataset (nothing read twice), trend finding
    other years through the department key, and the `compare` notebook once per region and
    year with two or more departments (see `report.corpus`).

    `parameters` are extra papermill parameters for every report; `progress(outcome, done,
    total)` is called as each report ends. Notebooks that declare it (the bundled ones) run in
    the worker's own process (`report.inprocess`) or share one warm kernel per worker,
    namespace cleared in between (see `budgetkit.report.kernel`);
    `reuse_kernel=False` starts a fresh kernel for every report instead. `language` (zh, en
    or both) is the notebooks' `language` parameter. Never raises for a failing document or
    notebook: see `ReportResult.failures` and `.exit_code`.
    """
    from ..errors import BudgetkitError
    from ..present.show import LANGUAGES

    if language not in LANGUAGES:
        raise BudgetkitError(f"language {language!r}: expected one of {', '.join(LANGUAGES)}")

    if corpus is not None and paths:
        raise BudgetkitError("give documents or a corpus (--corpus), not both")
    kernels = _kernel_module()
    start = time.perf_counter()
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    sweep(out)
    default = (*NOTEBOOKS, *FINAL_NOTEBOOKS, *((COMPARE,) if corpus is not None else ()))
    nb_paths = [resolve_notebook(n) for n in (notebooks or default)]
    compare_nbs = [nb for nb in nb_paths if nb.stem == COMPARE]
    nb_paths = [nb for nb in nb_paths if nb.stem != COMPARE]
    library = library_fingerprint()
    given: dict[str, DocumentInfo] = {}  # stem → the index row a corpus gives
    unread: list[DocumentInfo] = []  # files the corpus could not read: rows of their own
    comparisons: list[tuple[Comparison, str]] = []
    if corpus is not None:
        plan = corpus_plan(corpus)
        comparisons = comparison_stems(plan.comparisons)
        docs = [d.paths[0] for d in plan.documents]
        tables_of = {d.paths[0]: d.paths[1] for d in plan.documents if len(d.paths) > 1}
        notes = plan.notes
        stems = _stems(docs, reserved=[s for _, s in comparisons])
        shas = [d.sha for d in plan.documents]
        folder_of = {doc: str(plan.corpus) for doc in docs}
        budget_of = {d.paths[0]: d.budget for d in plan.documents if d.budget}
        given = _corpus_infos(plan, stems, out, library)
        unread = [
            DocumentInfo(f["path"].split(" | ")[0], "", f["sha256"] or "", error=f["reason"])
            for f in plan.failures
        ]
    else:
        if compare_nbs:
            raise BudgetkitError("the compare notebook needs a corpus: --corpus DIR")
        docs = [Path(p).resolve() for p in paths]
        missing = [str(p) for p in docs if not p.is_file()]
        if missing:
            raise BudgetkitError(f"no such document: {', '.join(missing)}")
        docs, tables_of, notes = split_publications(docs, out, library, jobs)
        stems = _stems(docs)
        shas = [
            _sha256_file(p) + (_sha256_file(tables_of[p]) if p in tables_of else "") for p in docs
        ]
        folder_of = {doc: str(doc.parent) for doc in docs}
        budget_of = {}
    declared = {nb: _declared(nb) for nb in [*nb_paths, *compare_nbs]}
    plans = []  # (document, output folder name, notebook, parameters, key)
    for doc, stem, sha in zip(docs, stems, shas, strict=True):
        for nb in nb_paths:
            wanted = {
                "document": [str(doc), str(tables_of[doc])] if doc in tables_of else str(doc),
                "corpus": folder_of[doc],
                "language": language,
                **_budget_parameter(budget_of.get(doc)),  # execution: the same year's budget
                **(parameters or {}),
            }
            params = _accepted(wanted, declared[nb], parameters)
            plans.append((doc, stem, nb, params, report_key(sha, nb, library, params)))

    comparing = []  # (comparison, output folder name, notebook, parameters, key)
    for comp, stem in comparisons:
        for nb in compare_nbs:
            wanted = {
                "corpus": str(plan.corpus),
                "region": comp.region,
                "year": comp.year,
                "language": language,
                **(parameters or {}),
            }
            params = _accepted(wanted, declared[nb], parameters)
            comparing.append((comp, stem, nb, params, report_key(comp.sha, nb, library, params)))

    current = [
        None if force else _up_to_date(out / st, nb.stem, key)
        for _, st, nb, _, key in [*plans, *comparing]
    ]

    # Kernels to share, started now so that they boot while documents are read and checked.
    shared = {
        nb: reuse_kernel and kernels.warm_kernel_name(nb, kernel)
        for nb in [*nb_paths, *compare_nbs]
    }
    here = {nb: bool(shared[nb]) and kernels.runs_in_process(nb) for nb in shared}
    warm = (
        ([], [])
        if all(current)
        else (
            sorted({n for nb, n in shared.items() if n and not here[nb]}),
            sorted({n for nb, n in shared.items() if n and here[nb]}),
        )
    )
    _kernel_env()
    handlers = _catch_ending()
    cluster = None
    pool = None
    if address is not None:
        from ..corpus.scheduler import DaskCluster

        cluster = DaskCluster(address)
    else:  # even for one job: reports change module state, never the caller's
        pool = ProcessPoolExecutor(
            max(jobs, 1), initializer=_worker_start, initargs=(os.getpid(), warm, WARM_UP)
        )
    if cluster is None:
        _preload()  # before the pool's workers fork: they share it
    ended = True  # until the run completes: a signal or Ctrl-C ends the workers at once

    def make_job(document: str, nb: Path, stem: str, params: dict, key: str, title: str) -> dict:
        """What a worker needs to run one report (`run_one`)."""
        return {
            "document": document,
            "notebook": nb.stem,
            "notebook_path": str(nb),
            "out_dir": str(out / stem),
            "parameters": params,
            "key": key,
            "library": library,
            "title": title,
            "kernel": kernel,
            "warm": shared[nb] or None,
            "in_process": here[nb],
            "timeout": timeout,
        }

    def each(fn, args: list[tuple], ordered: bool) -> Iterator:
        """fn(*a) for each a: on the cluster (in order), or in the pool (as completed unless
        `ordered`). A job whose worker died yields `Crashed`."""
        if cluster is not None:
            return cluster.map(_call, [(fn, a) for a in args])
        assert pool is not None
        futures = [pool.submit(fn, *a) for a in args]
        return (f.result() for f in (futures if ordered else as_completed(futures)))

    try:
        if given:  # from the corpus dataset
            infos = [given[s] for s in stems]
        else:
            infos = list(
                each(
                    document_info,
                    [
                        (str(p), s, h, library, str(out), tables_of.get(p) and str(tables_of[p]))
                        for p, s, h in zip(docs, stems, shas, strict=True)
                    ],
                    ordered=True,
                )
            )
            infos = [
                i if isinstance(i, DocumentInfo) else _crashed_info(i, p, s, h)
                for i, p, s, h in zip(infos, docs, stems, shas, strict=True)
            ]
        info_of = {info.stem: info for info in infos}
        outcomes: list[ReportOutcome] = []
        todo: list[dict[str, Any]] = []
        for (doc, stem, nb, params, key), done in zip(plans, current[: len(plans)], strict=True):
            info, name = info_of[stem], nb.stem
            if name in FINAL_NOTEBOOKS and info.kind != "final":
                continue  # budget vs actual (execution): final accounts only
            if info.error:
                error = f"document cannot be read: {info.error}"
                outcomes.append(
                    ReportOutcome(str(doc), name, "failed", params, key=key, error=error)
                )
                continue
            if done:
                outcomes.append(done)
                continue
            title = f"{info.department or doc.stem} {info.year or ''} · {name}"
            todo.append(make_job(str(doc), nb, stem, params, key, title))
        for (comp, stem, nb, params, key), done in zip(
            comparing, current[len(plans) :], strict=True
        ):
            if done:
                outcomes.append(done)
                continue
            todo.append(make_job(comp.label, nb, stem, params, key, f"{comp.label} · 部门比较"))
        total = len(outcomes) + len(todo)
        if progress:
            for i, o in enumerate(outcomes, 1):
                progress(o, i, total)
        # With documents enough to keep every worker busy, a document's reports run one
        # after another in one worker, whose warm kernel then reads the document once
        # (budgetkit.read's cache); with few documents each report is a job of its own.
        by_doc: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for job in todo:
            by_doc.setdefault((job["document"], job["out_dir"]), []).append(job)
        workers = cluster.workers if cluster is not None else jobs
        batches = list(by_doc.values()) if len(by_doc) >= 2 * workers else [[j] for j in todo]
        runner = run_batch_in_thread if cluster is not None else run_batch
        results = each(runner, [(b,) for b in batches], ordered=False)
        if cluster is not None:  # in order: a batch whose worker died is failed reports
            results = (_lost(b, r) for b, r in zip(batches, results, strict=True))
        for batch in results:
            for outcome in batch:
                outcomes.append(outcome)
                if progress:
                    progress(outcomes[-1], len(outcomes), total)
        ended = False
    finally:
        if pool:
            _stop_pool(pool, abort=ended)  # workers stop their kernels as they exit
        elif cluster is not None:
            cluster.close()
        _restore(handlers)
    order = {
        (str(d), nb.stem): i for i, (d, nb) in enumerate((d, nb) for d in docs for nb in nb_paths)
    }
    order.update(
        {(c.label, nb.stem): len(order) + i for i, (c, _, nb, _, _) in enumerate(comparing)}
    )
    outcomes.sort(key=lambda o: order.get((o.document, o.notebook), 0))
    index = out / "index.html"
    old_infos, old_outcomes = earlier_runs(out, {i.stem for i in infos})
    infos += unread
    write_atomic(index, index_html([*infos, *old_infos], [*outcomes, *old_outcomes], out))
    return ReportResult(outcomes, infos, index, time.perf_counter() - start, notes)


# ---------------------------------------------------------------------------------------------
# split publications (budgetkit.pairing): a narrative file and its tables file, one document


def split_publications(
    docs: list[Path], out: Path, library: str, jobs: int
) -> tuple[list[Path], dict[Path, Path], list[str]]:
    """(documents, narrative → its tables file, lines saying so): the files paired on the meta
    read from them (cached in `OUT/.pairing/`), a pair standing where its narrative is."""
    from .. import pairing

    found = pairing.group_files([str(p) for p in docs], out / ".pairing", library, jobs)
    by_path = {str(p): p for p in docs}
    kept = [by_path[g[0]] for g in found.groups]
    tables_of = {by_path[n]: by_path[t] for n, t in found.pairs}
    return kept, tables_of, found.said + found.notes


# ---------------------------------------------------------------------------------------------
# what earlier runs left in the folder


def earlier_runs(out: Path, stems: set[str]) -> tuple[list[DocumentInfo], list[ReportOutcome]]:
    """The documents and reports earlier runs wrote into `out` that this run did not touch:
    the index lists every document in the folder, not only the last batch's."""
    infos: list[DocumentInfo] = []
    outcomes: list[ReportOutcome] = []
    try:
        folders = sorted(p for p in out.iterdir() if p.is_dir() and p.name not in stems)
    except OSError:
        return infos, outcomes
    fields = set(DocumentInfo.__dataclass_fields__)
    report_fields = set(ReportOutcome.__dataclass_fields__)
    for folder in folders:
        data = _read_json(folder / "document.json")
        if not data:
            continue
        try:
            info = DocumentInfo(**{k: v for k, v in data.items() if k in fields})
        except TypeError:
            continue
        info.stem = folder.name
        infos.append(info)
        rank = {n: i for i, n in enumerate(NOTEBOOKS)}
        stamps = sorted(folder.glob("*.json"), key=lambda p: (rank.get(p.stem, 99), p.stem))
        for stamp in stamps:
            if stamp.name == "document.json" or stamp.name.startswith("."):
                continue
            o = _read_json(stamp)
            if not o or o.get("document") != info.path:
                continue
            try:
                outcome = ReportOutcome(**{k: v for k, v in o.items() if k in report_fields})
            except TypeError:
                continue
            html_path = folder / f"{outcome.notebook}.html"
            outcome.html = str(html_path) if html_path.exists() else None
            outcomes.append(outcome)
    return infos, outcomes
