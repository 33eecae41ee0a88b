"""The independent check of a worker's submissions, in a process of its own.

A grading worker runs nbgrader in its own process; the check runs beside it in a second,
long-lived process (:class:`Checker`), so that the two never share a process's state:
nbgrader's warnings, threads and imports cannot reach the check's judgement (a warning
raised by nbgrader while a check watched for the student's warnings would fail an honest
answer), and the two use both cores. The checker keeps one zygote of answer processes per
assignment (:mod:`autograder.sandbox.zygote`), and every check has a deadline: a check that
runs over it is stopped, with the checker process, and reaches no verdict.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from ..sandbox.verify import CheckOutcome
from ..settings import Limits

__all__ = ["Checker", "check"]

log = logging.getLogger(__name__)

_ZYGOTES: dict[str, Any] = {}  # in the checker process: package path -> answers zygote


def _warm_up(parent: int) -> None:
    import os

    from ..lifetime import PARENT_VARIABLE, die_with_parent

    os.environ[PARENT_VARIABLE] = str(parent)
    die_with_parent()
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    import IPython.core.inputtransformer2  # noqa: F401  (before any thread)

    from ..sandbox import verify  # noqa: F401


def _zygote(package: str, limits: Limits, sandboxed: bool) -> Any:
    from ..sandbox import bwrap
    from ..sandbox.zygote import Zygote, ZygoteError

    zygote = _ZYGOTES.get(package)
    if not sandboxed or (zygote is not None and zygote.alive()):
        return zygote
    if zygote is not None:
        zygote.close()
    try:
        _ZYGOTES[package] = Zygote("answers", limits,
                                   overlays=[(package, bwrap.package_dir("bplab"))])
    except ZygoteError as error:
        log.warning("answer processes start without a zygote: %s", error)
        _ZYGOTES.pop(package, None)
    return _ZYGOTES.get(package)


def check(source: dict[str, Any], submission: bytes, limits: Limits, package: str,
          sandboxed: bool) -> CheckOutcome:
    """Judge one submission (in the checker process); see :func:`~.verify.verify`."""
    from ..sandbox.verify import verify

    try:
        cells = verify(source, json.loads(submission), limits, package=package,
                       sandboxed=sandboxed, zygote=_zygote(package, limits, sandboxed))
        return CheckOutcome(cells)
    except Exception as error:  # no verdict at all: every cell stays unconfirmed
        log.exception("the independent check failed")
        return CheckOutcome(None, f"the independent check failed: "
                                  f"{type(error).__name__}: {str(error)[:200]}")


class Checker:
    """A long-lived checker process for one worker (see the module docstring)."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import os

            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm_up, initargs=(os.getpid(),))
        return self._pool

    def submit(self, source: dict[str, Any], submission: bytes, limits: Limits,
               package: Path, sandboxed: bool) -> Future:
        """Start checking one submission; a future of its :class:`CheckOutcome`."""
        return self._start().submit(check, source, submission, limits, str(package), sandboxed)

    def result(self, pending: Future, limits: Limits) -> CheckOutcome:
        """The check's outcome, or no verdict if it ran out of time or its process died."""
        try:
            return pending.result(timeout=limits.check_timeout)
        except FutureTimeout:
            why = f"the independent check ran over {limits.check_timeout:g} s and was stopped"
        except BrokenProcessPool:
            why = "the independent check's process ended before it finished"
        log.warning(why)
        self.close()
        return CheckOutcome(None, why)

    def close(self) -> None:
        """Stop the checker process (and its zygotes with it)."""
        if self._pool is not None:
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.kill()
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
