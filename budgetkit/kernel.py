"""A warm Jupyter kernel that the reports run by one process share.

Starting a kernel and importing pandas and altair in it cost about 1.4 s, three quarters of a
report (measured by `benchmarks/bench_report.py`). A process that runs many reports therefore
keeps one kernel per (kernel name, working folder) and runs each notebook in it with papermill's
`budgetkit-warm` engine. Before every notebook the kernel's namespace is cleared and its folder
restored (`%reset`: globals, history and the execution count start afresh; imported modules stay
loaded), so a report sees what a fresh kernel would show it, only sooner.

A kernel that died, ran a notebook that failed (it may be stuck in a timed-out cell), or has
served `MAX_USES` reports is shut down, and the next report starts a fresh one. `shutdown()`
stops them all; it also runs when a worker process exits, and an orphaned kernel exits on its
own when its parent dies (ipykernel watches the parent).
"""

from __future__ import annotations

import contextlib
import multiprocessing.util
import os
from dataclasses import dataclass
from typing import Any

import nbformat
from jupyter_core.utils import ensure_async, run_sync
from nbclient import NotebookClient
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

ENGINE = "budgetkit-warm"
#: Reports one kernel serves before it is replaced (bounds whatever a notebook leaves behind).
MAX_USES = 40
#: Kernel command-line options: quiet, so a batch's terminal shows progress rather than
#: ipykernel's start-up warnings (a failing cell still shows in the report and the index).
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]
_RESET = "import os as _os; _os.chdir({cwd!r}); get_ipython().reset(new_session=True)"


@dataclass
class _Kernel:
    starter: NotebookClient  # the client that started the kernel; holds `km` and `kc`
    cwd: str
    uses: int = 0

    def alive(self) -> bool:
        return bool(run_sync(_is_alive)(self.starter.km))

    def reset(self) -> None:
        """Clear the namespace and go back to the kernel's folder."""
        c = self.starter
        reply = c.wait_for_reply(
            c.kc.execute(_RESET.format(cwd=self.cwd), silent=True, store_history=False)
        )
        if not reply or reply["content"].get("status") != "ok":
            raise RuntimeError(f"could not reset the kernel: {reply and reply['content']}")


async def _is_alive(km: Any) -> bool:
    return await ensure_async(km.is_alive())


_kernels: dict[tuple[str, str], _Kernel] = {}
_finalizer: multiprocessing.util.Finalize | None = None


def _start(name: str, cwd: str, timeout: int) -> _Kernel:
    global _finalizer
    starter = NotebookClient(
        nbformat.v4.new_notebook(),
        kernel_name=name,
        startup_timeout=timeout,
        extra_arguments=KERNEL_ARGUMENTS,
    )
    starter.create_kernel_manager()
    starter.start_new_kernel(cwd=cwd)
    starter.start_new_kernel_client()
    if _finalizer is None:  # runs at interpreter exit and when a pool worker exits
        _finalizer = multiprocessing.util.Finalize(None, shutdown, exitpriority=10)
    return _Kernel(starter, cwd)


def _stop(kernel: _Kernel, now: bool = False) -> None:
    """Shut the kernel down and close its channels (`now`: kill it, it may be stuck)."""
    kernel.starter.shutdown_kernel = "immediate" if now else "graceful"
    with contextlib.suppress(Exception):  # already dead: nothing to stop
        kernel.starter._cleanup_kernel()


def acquire(name: str, cwd: str, timeout: int = 60) -> _Kernel:
    """A ready kernel for `name` in `cwd`, reset for the next notebook."""
    key = (name, cwd)
    kernel = _kernels.get(key)
    if kernel is not None and (kernel.uses >= MAX_USES or not kernel.alive()):
        _stop(_kernels.pop(key))
        kernel = None
    if kernel is None:
        kernel = _kernels[key] = _start(name, cwd, timeout)
    else:
        kernel.reset()
    kernel.uses += 1
    return kernel


def release(kernel: _Kernel, healthy: bool) -> None:
    """Keep the kernel for the next report, or shut it down if the last one failed in it."""
    if not healthy:
        for key, k in list(_kernels.items()):
            if k is kernel:
                del _kernels[key]
        _stop(kernel, now=True)


def shutdown() -> None:
    """Stop every kernel this process keeps."""
    while _kernels:
        _stop(_kernels.popitem()[1])


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
        kernel = acquire(kernel_name, os.getcwd(), start_timeout)  # papermill chdir'd to `cwd`
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        client = PapermillNotebookClient(
            nb_man,
            km=kernel.starter.km,
            **merge_kwargs(
                kwargs,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            ),
        )
        client.kc = kernel.starter.kc  # not owned by the client: it neither starts nor stops it
        healthy = False
        try:
            nb = client.execute()
            healthy = not nb.metadata.get("papermill", {}).get("exception")
            return nb
        finally:
            release(kernel, healthy)


papermill_engines.register(ENGINE, WarmEngine)
