"""papermill's `budgetkit-inprocess` engine: a notebook's cells run in this process's IPython.

A warm kernel (`kernel`) still costs each report its messages: every output is serialised,
sent over ZeroMQ and parsed back (the first chart's carries the 0.9 MB Vega bundle), and
the worker waits while the kernel works. A report worker that runs one report at a time has
no need of a second process, so it runs the cells itself, in an IPython shell of its own,
and collects each cell's outputs exactly as nbclient stores them: streams, `display_data`,
`execute_result` and `error` (name, value, traceback), in order, with execution counts.

The same rules as for a warm kernel apply (modules stay imported between notebooks), and
there is no kernel for widgets or comms, so only notebooks that declare both
`metadata.budgetkit.warm_kernel` and `metadata.budgetkit.in_process` run here (the bundled
ones but the widget explorer), and only in a process the run owns: a local run's worker
(`claim()`), in its main thread, with no other IPython shell (`available()`). The caller's
process is never changed by a notebook. Elsewhere (a Dask worker's threads) the runner uses
the warm kernel. Ctrl-C and the runner's own end signal are not a cell's error: they stop
the run. A cell running past `execution_timeout` seconds is interrupted with
`CellTimeoutError`, like nbclient's.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from nbformat import from_dict
from papermill.engines import Engine, papermill_engines
from traitlets.config import Config

ENGINE = "budgetkit-inprocess"


class CellTimeoutError(TimeoutError):
    """A cell ran longer than the report's `execution_timeout`."""


class _Outputs:
    """The outputs of the cell running now (nbformat nodes, in the order they came)."""

    def __init__(self) -> None:
        self.items: list[Any] = []

    def add(self, output_type: str, content: dict) -> None:
        # as nbformat's `output_from_msg` makes it, without validating each against the schema
        # (a tenth of a report's time): the notebook is validated when it is written
        self.items.append(from_dict({"output_type": output_type, **content}))

    def stream(self, name: str, text: str) -> None:
        last = self.items[-1] if self.items else None
        if last is not None and last.get("output_type") == "stream" and last.name == name:
            last.text += text  # one output per run of text, as Jupyter shows it
        else:
            self.add("stream", {"name": name, "text": text})


class _Stream:
    """sys.stdout / sys.stderr while a cell runs."""

    def __init__(self, outputs: _Outputs, name: str) -> None:
        self.outputs, self.name = outputs, name
        self.encoding = "utf-8"

    def write(self, text: str) -> int:
        if text:
            self.outputs.stream(self.name, text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class _Publisher(DisplayPublisher):
    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
        assert isinstance(self.shell, _Shell)
        self.shell.outputs.add("display_data", {"data": data, "metadata": metadata or {}})


class _Hook(DisplayHook):
    """A cell's last expression → `execute_result`, nothing printed."""

    def start_displayhook(self) -> None:
        pass

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict, md_dict=None) -> None:
        assert isinstance(self.shell, _Shell)
        self.shell.outputs.add(
            "execute_result",
            {"data": format_dict, "metadata": md_dict or {}, "execution_count": self.prompt_count},
        )

    def finish_displayhook(self) -> None:
        pass

    def flush(self) -> None:
        """Forget the cached results (`_1`, `_`, `Out`…) as IPython's `reset` does, without
        its full garbage collection: 0.1 s a report, and the collector runs on its own."""
        assert isinstance(self.shell, _Shell)
        ns, hidden = self.shell.user_ns, self.shell.user_ns_hidden
        for n in range(1, self.prompt_count + 1):
            ns.pop(f"_{n}", None)
            hidden.pop(f"_{n}", None)
        if (oh := ns.get("_oh")) is not None:
            oh.clear()
        self._, self.__, self.___ = "", "", ""


class _Shell(InteractiveShell):
    """An IPython shell whose outputs go to the running cell's `_Outputs`."""

    displayhook_class = _Hook  # type: ignore[assignment]
    display_pub_class = _Publisher  # type: ignore[assignment]

    def __init__(self, **kwargs: Any) -> None:
        self.outputs = _Outputs()
        super().__init__(**kwargs)

    def ask_exit(self) -> None:
        """`exit()` in a cell: nothing to end (a kernel would stop; here the next notebook
        starts afresh anyway)."""
        self.exit_now = True

    def _showtraceback(self, etype, evalue, stb) -> None:
        self.outputs.add(
            "error", {"ename": etype.__name__, "evalue": str(evalue), "traceback": list(stb)}
        )


_claimed = {"by": 0}  # the pid of the process that is a report worker (see `claim`)


def claim() -> None:
    """Mark this process as a report worker: its module state (environment, pandas
    options, a notebook's language…) is the reports' to change. Never the caller's process."""
    _claimed["by"] = os.getpid()


def available() -> bool:
    """Whether this thread may run notebooks in process: the main thread of a claimed report
    worker with no IPython shell but ours (a Jupyter session's would be taken over)."""
    if _claimed["by"] != os.getpid() or threading.current_thread() is not threading.main_thread():
        return False
    return not InteractiveShell.initialized() or isinstance(InteractiveShell.instance(), _Shell)


def shell() -> _Shell:
    """This process's shell (made on first use; no history file)."""
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    return _Shell.instance(config=config)


@contextmanager
def _captured(sh: _Shell, timeout: float | None):
    """Route stdout/stderr to the cell's outputs; interrupt it after `timeout` seconds."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Stream(sh.outputs, "stdout"), _Stream(sh.outputs, "stderr")

    def expire(signum, frame):
        raise CellTimeoutError(f"the cell ran longer than {timeout:g} s")

    previous = signal.signal(signal.SIGALRM, expire) if timeout else None
    if timeout:
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        yield
    finally:
        if timeout:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        sys.stdout, sys.stderr = saved


def run_cell(sh: _Shell, source: str, timeout: float | None = None) -> tuple[list, int, bool]:
    """(outputs, execution count, succeeded) of one cell. Ctrl-C and the run's end signals
    (BaseExceptions other than a plain SystemExit) are raised again: they are not the cell's."""
    sh.outputs = _Outputs()
    with _captured(sh, timeout):
        result = sh.run_cell(source, store_history=True)
    error = result.error_before_exec or result.error_in_exec
    if error is not None and not isinstance(error, Exception) and type(error) is not SystemExit:
        raise error
    return sh.outputs.items, result.execution_count, error is None


class InProcessEngine(Engine):
    """Runs the notebook's code cells in `shell()`, namespace cleared first. The executed
    notebook stays in memory (`last_notebook`): the runner need not have papermill write it
    to a file and read it back."""

    last: Any = None

    @classmethod
    def execute_notebook(cls, nb, kernel_name, **kwargs):
        cls.last = None  # never the notebook before, should this one not finish
        cls.last = super().execute_notebook(nb, kernel_name, **kwargs)
        return cls.last

    @classmethod
    def execute_managed_notebook(
        cls, nb_man, kernel_name, execution_timeout=None, workdir=None, **kwargs
    ):
        sh = shell()
        sh.reset(new_session=True)
        os.chdir(workdir or os.getcwd())
        from ..document import REPORT_CACHE

        os.environ.setdefault("BUDGETKIT_READ_CACHE", str(REPORT_CACHE))  # read once, see there
        for index, cell in enumerate(nb_man.nb.cells):
            nb_man.cell_start(cell, index)
            try:
                if cell.cell_type != "code" or not cell.source.strip():
                    continue  # as nbclient: a blank cell keeps no count
                outputs, count, ok = run_cell(sh, cell.source, execution_timeout)
                cell.outputs, cell.execution_count = outputs, count
                if not ok:
                    nb_man.cell_exception(cell, cell_index=index)
                    break
            finally:
                nb_man.cell_complete(cell, cell_index=index)
        return nb_man.nb


def last_notebook() -> Any:
    """The notebook this process ran last (papermill marks a failing cell in it, in place,
    before raising `PapermillExecutionError`)."""
    return InProcessEngine.last


papermill_engines.register(ENGINE, InProcessEngine)
