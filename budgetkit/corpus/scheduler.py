"""Where batch jobs run: in this process, a local process pool, or a Dask cluster.

One abstraction for `parse --jobs`, `corpus build --jobs/--scheduler` and (later) `report`:

    with scheduler(jobs=2) as s:                   # local process pool
    with scheduler(address="tcp://host:8786") as s:  # dask.distributed cluster
        for result in s.map(fn, items):            # results in the order of `items`
            ...

`map` keeps at most `window` jobs in flight, so memory does not grow with the number of
items, and yields results in input order (a deterministic output whatever ran where). `fn`
must be a module-level function (it is pickled) that catches its own errors and returns them
as values: a job that crashes its worker (a segfault in a PDF library, a killed process) is
yielded as a `Crashed` value and the rest of the batch goes on.

For other helpers: `submit_jobs(fn, items, jobs=…, address=…)` is the whole API.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


T = TypeVar("T")


@dataclass(frozen=True)
class Crashed(Generic[T]):
    """A job whose worker died (or raised past `fn`): the item and what was seen."""

    item: T
    reason: str


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Runner(Protocol):
    """What `scheduler` gives: `map` in input order over `workers` workers, and `close`."""

    workers: int

    def map(self, fn: Callable, items: Iterable, window: int | None = None) -> Iterator: ...

    def close(self) -> None: ...


class InProcess:
    """Runs each job here, one after the other (`--jobs 1`: no pool, no pickling)."""

    workers = 1

    def map(self, fn: Callable, items: Iterable, window: int | None = None) -> Iterator:
        for item in items:
            try:
                yield fn(item)
            except Exception as exc:  # fn should catch its own; never lose the batch
                yield Crashed(item, f"{type(exc).__name__}: {exc}")

    def close(self) -> None:
        pass


class LocalPool:
    """A pool of `jobs` worker processes; a broken pool is replaced and the batch goes on."""

    def __init__(self, jobs: int):
        self.workers = jobs
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            method = "fork" if "fork" in mp.get_all_start_methods() else None
            self._pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context(method))
        return self._pool

    def map(self, fn: Callable, items: Iterable, window: int | None = None) -> Iterator:
        from concurrent.futures.process import BrokenProcessPool

        window = window or self.workers * 4
        pending: deque = deque()
        it = iter(items)

        def fill():
            while len(pending) < window:
                try:
                    item = next(it)
                except StopIteration:
                    return
                pending.append((item, self._executor().submit(fn, item), 0))

        fill()
        while pending:
            item, fut, tries = pending.popleft()
            try:
                yield fut.result()
            except BrokenProcessPool:
                # the pool is gone with every job in it: start a new one, retry the jobs once
                assert self._pool is not None  # `fut` was submitted to it
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
                waiting = [(i, t) for i, _, t in pending]
                pending.clear()
                if tries:
                    yield Crashed(item, "the worker process died while reading it")
                else:
                    waiting.insert(0, (item, tries))
                for i, t in waiting:
                    pending.append((i, self._executor().submit(fn, i), t + 1))
                continue
            except Exception as exc:
                yield Crashed(item, f"{type(exc).__name__}: {exc}")
            fill()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskCluster:
    """Jobs on a dask.distributed cluster (`address` of its scheduler, or a `Client`)."""

    def __init__(self, address):
        try:
            from distributed import Client
        except ImportError:
            from ..errors import BudgetkitError

            raise BudgetkitError(
                "--scheduler needs dask.distributed: pip install 'budgetkit[cluster]'"
            ) from None
        if isinstance(address, Client):
            self.client, self._own = address, False
        else:
            try:
                self.client, self._own = Client(address, timeout="20s"), True
            except (OSError, TimeoutError) as exc:
                from ..errors import BudgetkitError

                raise BudgetkitError(f"{address}: no Dask scheduler reachable ({exc})") from None
        self.workers = max(1, sum(self.client.nthreads().values()))

    def map(self, fn: Callable, items: Iterable, window: int | None = None) -> Iterator:
        window = window or self.workers * 4
        pending: deque = deque()
        it = iter(items)

        def fill():
            while len(pending) < window:
                try:
                    item = next(it)
                except StopIteration:
                    return
                # pure=False: every submission is a job of its own (a re-run reads again)
                pending.append((item, self.client.submit(fn, item, pure=False, retries=1)))

        fill()
        while pending:
            item, fut = pending.popleft()
            try:
                yield fut.result()
            except Exception as exc:  # KilledWorker, a lost connection, …
                yield Crashed(item, f"{type(exc).__name__}: {exc}")
            finally:
                fut.release()
            fill()

    def close(self) -> None:
        if self._own:
            self.client.close()


class scheduler:  # noqa: N801 - used as a context manager like open()
    """`with scheduler(jobs=N)` (local) or `with scheduler(address=…)` (Dask)."""

    def __init__(self, jobs: int | None = None, address=None):
        self.runner: Runner
        if address:
            self.runner = DaskCluster(address)
        else:
            jobs = jobs or default_jobs()
            self.runner = InProcess() if jobs <= 1 else LocalPool(jobs)

    def __enter__(self) -> Runner:
        return self.runner

    def __exit__(self, *exc) -> None:
        self.runner.close()


def submit_jobs(fn: Callable, items: Iterable, jobs: int | None = None, address=None) -> Iterator:
    """Run `fn` on every item (locally with `jobs` processes, or on the Dask scheduler at
    `address`); yields results in input order, `Crashed` for a job whose worker died."""
    with scheduler(jobs, address) as s:
        yield from s.map(fn, items)
