"""Where the grading workers run: a pool on this machine, or a Dask cluster.

Both take :class:`~.worker.Task` objects and yield ``(task, Graded or error)`` as each
finishes, in any order; the instructor's process consumes them and alone writes results.

* :class:`LocalPool` (the default, nothing to start): one long-lived worker process per
  core, each importing nbgrader once (:func:`warm_up`) and keeping its
  :class:`~.worker.Worker` for every task. A worker process that dies takes its task
  with it; that task is graded again by a fresh pool, once, and never counted twice.
* :class:`DaskCluster` (``--scheduler tcp://HOST:8786``): the same tasks on the workers
  of a Dask distributed cluster (``dask scheduler``; ``dask worker tcp://HOST:8786`` on
  each grading machine, with the course installed and bubblewrap). The template is sent
  to every worker once; a worker that dies mid-task has its task run again elsewhere by
  the scheduler. Workers send back plain data only.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from ..settings import Limits
from .template import Template
from .worker import Graded, Task, grade

__all__ = ["LocalPool", "DaskCluster", "warm_up", "Outcome"]

log = logging.getLogger(__name__)

Outcome = tuple[Task, Graded | BaseException]


def warm_up(parent: int | None = None, scratch: str | None = None) -> None:
    """A worker process's start: die with the run, then import what grading needs."""
    from ..lifetime import PARENT_VARIABLE, die_with_parent

    if parent is not None:
        os.environ[PARENT_VARIABLE] = str(parent)
    die_with_parent()
    if scratch is not None:
        os.environ["TMPDIR"] = scratch
    # nbgrader's converters and nbconvert log every step and each warning about a
    # changed checksum (the kernel's test cells lose their hidden tests on purpose): the
    # run's own log says what happened to each submission.
    for name in ("autograder.converters", "traitlets", "nbconvert", "NbConvertApp"):
        logging.getLogger(name).setLevel(logging.ERROR)
    import tempfile

    tempfile.tempdir = None
    # Seconds of imports, paid once per process, all before any thread starts (two threads
    # importing the same package at once can see it half made).
    import IPython.core.inputtransformer2  # noqa: F401
    import IPython.paths  # noqa: F401
    import jupyter_client.kernelspec  # noqa: F401
    import latex2mathml.converter  # noqa: F401
    import nbclient  # noqa: F401
    import nbconvert.exporters  # noqa: F401
    import nbgrader.api  # noqa: F401
    import nbgrader.converters  # noqa: F401
    import nbgrader.preprocessors  # noqa: F401

    from ..sandbox import verify  # noqa: F401
    from . import mathml  # noqa: F401


class LocalPool:
    """Worker processes on this machine (see the module docstring).

    Parameters
    ----------
    workers : int
        Processes, one per core by default.
    template, limits, sandboxed, hidden_tests
        What every task is graded with (see :class:`~.worker.Worker`); the template may
        be set after :meth:`start`, before :meth:`results`.
    scratch : path, optional
        Folder for the workers' scratch course roots (private to the instructor).
    """

    def __init__(self, workers: int, template: Template | None, limits: Limits,
                 sandboxed: bool = True,
                 hidden_tests: bool = False, scratch: str | Path | None = None) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1; got {workers!r}")
        self.workers, self.template, self.limits = workers, template, limits
        self.sandboxed, self.hidden_tests = sandboxed, hidden_tests
        self.scratch = str(scratch) if scratch is not None else None
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the worker processes now (they import nbgrader while the caller works)."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=warm_up, initargs=(os.getpid(), self.scratch))
            for _ in range(self.workers):  # make every process start at once
                self._pool.submit(os.getpid)

    def results(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        """Grade ``tasks``; yield each with its :class:`~.worker.Graded` or its error."""
        if self.template is None:
            raise ValueError("the pool has no template to grade with yet")
        pending = list(tasks)
        retried: set[tuple[str, str]] = set()
        while pending:
            self.start()
            assert self._pool is not None
            futures: dict[Future, Task] = {
                self._pool.submit(grade, task, self.template, self.limits, self.sandboxed,
                                  self.hidden_tests): task for task in pending}
            pending = []
            broken = False
            for future in as_completed(futures):
                task = futures[future]
                try:
                    yield task, future.result()
                except BrokenProcessPool as error:
                    broken = True
                    key = (task.assignment, task.student)
                    if key in retried:
                        yield task, error
                    else:
                        retried.add(key)
                        pending.append(task)
                except Exception as error:  # one task's failure never stops the others
                    yield task, error
            if broken:
                log.warning("a worker process died; %d submissions go to a fresh pool",
                            len(pending))
                self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


class DaskCluster:
    """The workers of a Dask distributed cluster (see the module docstring).

    Parameters
    ----------
    address : str
        The scheduler, ``tcp://HOST:8786``.
    template, limits, sandboxed, hidden_tests
        What every task is graded with.
    """

    def __init__(self, address: str, template: Template, limits: Limits,
                 sandboxed: bool = True, hidden_tests: bool = False) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise RuntimeError("grading on a Dask cluster needs the distributed package: "
                               "pip install 'distributed' where the instructor grades") from None
        self.client: Any = Client(address, timeout="30s")
        self.options = (limits, sandboxed, hidden_tests)
        self.template = self.client.scatter(template, broadcast=True)

    def start(self) -> None:
        """Nothing to start: the cluster's workers are running already."""

    def results(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        from distributed import as_completed as dask_completed

        futures = {}
        for task in tasks:
            future = self.client.submit(grade, task, self.template, *self.options, pure=False,
                                        retries=1, key=f"grade-{task.assignment}-"
                                                       f"{task.student}-{task.fingerprint[:12]}")
            futures[future.key] = (future, task)
        for future in dask_completed([f for f, _ in futures.values()]):
            task = futures[future.key][1]
            try:
                yield task, future.result()
            except Exception as error:  # one task's failure never stops the others
                yield task, error

    def close(self) -> None:
        self.client.close()
