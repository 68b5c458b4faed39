"""A warm Jupyter kernel that the reports one process runs share.

Starting a kernel and importing pandas and altair in it cost about 1.4 s, three quarters of a
report (measured by `benchmarks/bench_report.py`). A process that runs many reports therefore
keeps one kernel per kernel name and runs each notebook in it with papermill's `budgetkit-warm`
engine. Before every notebook the namespace is cleared and the working folder set (`%reset`:
globals, history and the execution count start afresh).

Imported modules stay loaded, and with them whatever a notebook changed in them (pandas
options, warnings filters, Altair themes, the decimal context…). So only notebooks that declare
themselves safe to share a kernel get one: `metadata.budgetkit.warm_kernel = true`. The bundled
notebooks do, and a test checks that they write the same reports in a warm kernel as in fresh
ones; any other notebook runs in a fresh kernel.

A report worker that runs one report at a time runs notebooks that also declare
`metadata.budgetkit.in_process` in its own process instead (`report.inprocess`, no kernel at
all); the warm kernel serves the others, and every report of a cluster worker's threads.

`prestart()` launches a process's kernel(s) before it has a notebook to run, with the
notebooks' imports queued, so that start-up overlaps other work (reading the documents).
A kernel that died, failed a report or its reset (it may be stuck), or has served `MAX_USES`
reports is killed, and the next report starts a fresh one. `shutdown()` stops them all; it
also runs when a worker process exits. A forked child never touches its parent's kernels.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing.util
import os
import re
import signal
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client import AsyncKernelManager
from jupyter_core.utils import ensure_event_loop, run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

from ..document import REPORT_CACHE

ENGINE = "budgetkit-warm"
#: Reports one kernel serves before it is replaced (bounds whatever a notebook leaves behind).
MAX_USES = 40
#: Seconds the namespace reset may take before the kernel is taken for stuck and replaced.
RESET_TIMEOUT = 30
#: Kernel command-line options: quiet (a batch's terminal shows progress, not ipykernel's
#: start-up warnings; failing cells still show in the reports) and no history database.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.hist_file=:memory:"]
_RESET = (  # a kernel asked to exit (`exit()`) stops shortly: an error here replaces it
    "import os as _os; _ip = get_ipython(); assert not _ip.exit_now, 'exiting'; "
    "_os.environ.setdefault('BUDGETKIT_READ_CACHE', '{cache}'); "  # document.REPORT_CACHE
    "_os.chdir({cwd!r}); _ip.reset(new_session=True)"
)
_log = logging.getLogger(__name__)


def _declared(notebook: str | Path) -> dict:
    return json.loads(Path(notebook).read_text(encoding="utf-8")).get("metadata", {})


def warm_kernel_name(notebook: str | Path, kernel_name: str | None = None) -> str | None:
    """The kernel the notebook may share with others (`kernel_name`, else its kernelspec's),
    or None when it does not declare `metadata.budgetkit.warm_kernel`."""
    meta = _declared(notebook)
    if not meta.get("budgetkit", {}).get("warm_kernel"):
        return None
    return kernel_name or meta.get("kernelspec", {}).get("name") or "python3"


def runs_in_process(notebook: str | Path) -> bool:
    """Whether the notebook declares it needs no kernel of its own
    (`metadata.budgetkit.in_process`: no widgets or comms), so that a report worker may run
    its cells itself (`report.inprocess`). It must share a kernel too."""
    flags = _declared(notebook).get("budgetkit", {})
    return bool(flags.get("in_process") and flags.get("warm_kernel"))


@dataclass
class _Kernel:
    name: str
    km: Any  # AsyncKernelManager
    kc: Any  # its AsyncKernelClient, channels open
    uses: int = 0
    ready: bool = False  # answered a kernel_info request


#: Connection files of budgetkit's kernels name their owner: `kernel-budgetkit-<pid>-<id>.json`.
_CONNECTION = re.compile(r"^kernel-budgetkit-(\d+)-[0-9a-f]+\.json$")


def _connection_file() -> str:
    """A connection file in Jupyter's runtime folder named for this process, so that a run
    after a kill can tell it from a living kernel's (see `sweep_connection_files`)."""
    from jupyter_core.paths import jupyter_runtime_dir

    folder = Path(jupyter_runtime_dir())
    folder.mkdir(parents=True, exist_ok=True)
    path = str(folder / f"kernel-budgetkit-{os.getpid()}-{uuid.uuid4().hex[:12]}.json")
    _connection_files.add(path)
    return path


_connection_files: set[str] = set()  # every connection file this process named


def sweep_connection_files() -> list[Path]:
    """Remove the connection files of budgetkit kernels whose owner process is dead."""
    from jupyter_core.paths import jupyter_runtime_dir

    from ..outputs import alive

    removed: list[Path] = []
    try:
        files = list(Path(jupyter_runtime_dir()).iterdir())
    except OSError:
        return removed
    for f in files:
        m = _CONNECTION.match(f.name)
        if m and not alive(int(m.group(1))):
            f.unlink(missing_ok=True)
            removed.append(f)
    return removed


async def _launch(name: str, warm_up: str = "") -> _Kernel:
    """Start a kernel process without waiting for it; `warm_up` code (imports) is queued
    for it to run as soon as it is up."""
    km = AsyncKernelManager(kernel_name=name, connection_file=_connection_file())
    await km.start_kernel(extra_arguments=KERNEL_ARGUMENTS)
    kc = km.client()
    kc.start_channels()
    if warm_up:
        kc.execute(warm_up, silent=True, store_history=False)
    return _Kernel(name, km, kc)


async def _ready(kernel: _Kernel, timeout: float) -> None:
    if not kernel.ready:
        await kernel.kc.wait_for_ready(timeout=timeout)
        kernel.ready = True


async def _reset(kernel: _Kernel, cwd: str) -> None:
    reply = await kernel.kc.execute_interactive(
        _RESET.format(cwd=cwd, cache=REPORT_CACHE),
        silent=True,
        store_history=False,
        timeout=RESET_TIMEOUT,
        output_hook=lambda msg: None,
    )
    if reply["content"].get("status") != "ok":
        raise RuntimeError(f"kernel reset failed: {reply['content'].get('evalue')}")


async def _stop(kernel: _Kernel) -> None:
    """Kill the kernel: it is idle or stuck, has nothing to save (history is in memory), and
    a polite shutdown request costs about 0.4 s of waiting per kernel."""
    kernel.kc.stop_channels()
    if await kernel.km.is_alive():
        await kernel.km.shutdown_kernel(now=True)
    else:
        await kernel.km.cleanup_resources()


#: Warm kernels by (kernel name, thread): a Dask worker runs reports in several threads,
#: each with its own kernel (an event loop and its sockets belong to one thread).
_kernels: dict[tuple[str, int], _Kernel] = {}
_inherited: list[_Kernel] = []  # a forked child's copy of its parent's kernels: never used
_finalizer: multiprocessing.util.Finalize | None = None


def _stop_quietly(kernel: _Kernel) -> None:
    _cancel_pending()
    try:
        run_sync(_stop)(kernel)
    except Exception as e:  # a kernel that is already gone has nothing left to stop
        _log.debug("stopping kernel %s: %s", kernel.name, e)


def _cancel_pending() -> None:
    """Cancel what an interrupted report left on this thread's event loop (a cell still
    waiting on the kernel), so that stopping the kernel does not print "Task exception was
    never retrieved"."""
    loop = ensure_event_loop()
    if not loop.is_running() and (pending := asyncio.all_tasks(loop)):
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


def acquire(name: str, cwd: str, timeout: float = 60) -> _Kernel:
    """A ready kernel for `name` (this thread's), namespace cleared and working folder `cwd`."""
    kernel = _kernels.pop(_key(name), None)
    if kernel is not None:
        try:
            if kernel.uses >= MAX_USES:
                raise RuntimeError(f"served {MAX_USES} reports")
            _prepare(kernel, cwd, timeout)
        except Exception as e:  # worn out, dead, exiting or stuck: replace it
            _log.debug("kernel %s not reusable: %s", name, e)
            _stop_quietly(kernel)
            kernel = None
    if kernel is None:
        kernel = run_sync(_launch)(name)
        _stop_at_exit()
        try:
            _prepare(kernel, cwd, timeout)
        except BaseException:
            _stop_quietly(kernel)
            raise
    kernel.uses += 1
    _kernels[_key(name)] = kernel
    return kernel


def _key(name: str) -> tuple[str, int]:
    import threading

    return name, threading.get_ident()


def _prepare(kernel: _Kernel, cwd: str, timeout: float) -> None:
    run_sync(_ready)(kernel, timeout)
    run_sync(_reset)(kernel, cwd)


def prestart(names: list[str], warm_up: str = "") -> None:
    """Start kernels for `names` now, to be ready (with `warm_up` run) when `acquire` asks:
    the start-up overlaps whatever this process does meanwhile. Failures are left for
    `acquire` to meet again."""
    for name in names:
        if _key(name) not in _kernels:
            try:
                _kernels[_key(name)] = run_sync(_launch)(name, warm_up)
                _stop_at_exit()
            except Exception as e:
                _log.debug("prestarting kernel %s: %s", name, e)


def _stop_at_exit() -> None:
    """Stop this process's kernels when it exits (a pool worker or the interpreter)."""
    global _finalizer
    if _finalizer is None:
        _finalizer = multiprocessing.util.Finalize(None, shutdown, exitpriority=10)


def release(kernel: _Kernel, healthy: bool) -> None:
    """Keep the kernel for the next report, or kill it if the last one failed in it."""
    if not healthy:
        if _kernels.get(_key(kernel.name)) is kernel:
            del _kernels[_key(kernel.name)]
        _stop_quietly(kernel)


def shutdown() -> None:
    """Stop every kernel this process keeps."""
    while _kernels:
        _stop_quietly(_kernels.popitem()[1])


def kill_now() -> None:
    """Kill this process's kernels at once, from a signal handler: no event loop, no
    messages; each kernel leads its own session (jupyter_client), so its group goes too."""
    while _kernels:
        kernel = _kernels.popitem()[1]
        pid = getattr(kernel.km.provisioner, "pid", None)
        if pid:
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                    break
                except OSError:
                    continue
    for f in [*_connection_files]:  # also those of a kernel starting or being reset
        if _CONNECTION.match(Path(f).name) and f"-{os.getpid()}-" in Path(f).name:
            Path(f).unlink(missing_ok=True)


def _after_fork_in_child() -> None:
    """The parent's kernels belong to the parent: keep the objects, never use or stop them."""
    global _finalizer
    _inherited.extend(_kernels.values())
    _kernels.clear()
    _finalizer = None


os.register_at_fork(after_in_child=_after_fork_in_child)


class WarmEngine(NBClientEngine):
    """papermill's nbclient engine, running the notebook in this process's warm kernel."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        # `workdir`: the notebook's folder, given by the runner (papermill chdir's this
        # process there too, but a process running reports in threads shares one cwd)
        workdir = kwargs.pop("workdir", None) or os.getcwd()
        kernel = acquire(kernel_name, workdir, start_timeout)
        final = merge_kwargs(
            remove_args(["input_path", "timeout", "startup_timeout"], **kwargs),
            timeout=execution_timeout or kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        client = PapermillNotebookClient(nb_man, km=kernel.km, **final)
        client.kc = kernel.kc  # not owned by the client: it neither starts nor stops the kernel
        healthy = False
        try:
            nb = client.execute()
            healthy = not nb.metadata.get("papermill", {}).get("exception")
            return nb
        finally:
            release(kernel, healthy)


papermill_engines.register(ENGINE, WarmEngine)
