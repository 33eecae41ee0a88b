"""The student's cells in a sandboxed answer process, replayed on demand after it ends.

:class:`AnswerProcess` starts :mod:`autograder.sandbox.answer_worker` in a sandbox of its
own (:class:`autograder.sandbox.bwrap.Sandbox`), runs the student's cells there one at a
time, and gives the verifier their values. Every exchange has a deadline; a cell that
runs over it or ends its own process is left out when the process is started again, so
one bad cell costs one timeout and never blocks the exercises after it.

An answer over the size limit ends the process, like a crash: that call fails, and the
process is started again for the next. A process that breaks the protocol (a malformed
message, an answer to a request that was not asked) is *compromised*: it is stopped, never started again, and
the verifier reaches no more verdicts from it (:attr:`AnswerProcess.compromised`).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .. import REPO_ROOT
from ..lifetime import PARENT_VARIABLE
from ..settings import DEFAULT_LIMITS, Limits
from . import bwrap
from .channel import Channel, ProtocolError
from .zygote import WORKER_FILES, ZygoteError
from .wire import ChannelClosed, MessageTooLarge, WireError, receive

__all__ = ["AnswerProcess", "Compromised", "WORKDIR"]

log = logging.getLogger(__name__)

WORKDIR = "/home/student"
"""The answer process's working folder inside its sandbox: empty, private."""

STARTUP_TIMEOUT = 120.0
"""Seconds an answer process may take to start and import what notebooks import first."""


class Compromised(RuntimeError):
    """The answer process broke the protocol; nothing more it says is trusted."""


def _kill(process: Any) -> None:
    """Stop an answer process: a program's whole group, or a zygote's child."""
    if process is None or process.poll() is not None:
        return
    if isinstance(process, subprocess.Popen):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9)
        process.wait()
    else:
        process.kill()


class _Deadline:
    """A timer that kills one given process; each has its own ``expired`` flag."""

    def __init__(self, process: Any, seconds: float) -> None:
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire, args=(process,))
        self._timer.daemon = True
        self._timer.start()

    def _expire(self, process: Any) -> None:
        self.expired = True
        _kill(process)

    def cancel(self) -> None:
        self._timer.cancel()


class AnswerProcess:
    """The student's cells in a sandboxed child process (see the module docstring).

    Parameters
    ----------
    cells : list of str
        The submission's code cells, test cells left out, in notebook order.
    limits : Limits
        ``cell_timeout``: seconds one exchange (running a cell, one test's calls) may
        take; ``reply``: the largest message accepted; the sandbox's limits.
    package : path, optional
        A copy of ``bplab`` to import instead of the real one (see
        :func:`autograder.sandbox.references.build_package`).
    sandboxed : bool
        Run in a bubblewrap sandbox (False: only the memory limit).
    zygote : Zygote, optional
        An ``answers`` zygote (:mod:`autograder.sandbox.zygote`) built with the same
        package: each process is forked from it, in namespaces of its own, instead of
        started afresh in a sandbox of its own.
    """

    def __init__(self, cells: Sequence[str], limits: Limits = DEFAULT_LIMITS,
                 package: str | Path | None = None, sandboxed: bool = True,
                 zygote: Any = None) -> None:
        self.cells, self.limits = list(cells), limits
        self.timeout = limits.cell_timeout
        self.package = Path(package) if package is not None else None
        self.sandboxed = sandboxed
        self.process: Any = None  # a Popen, or a zygote's Child
        self.channel: Channel | None = None
        self.box: bwrap.Sandbox | None = None
        self.scratch: Path | None = None  # the working folder without a sandbox
        self.done = 0  # cells run in the current process
        self.skipped: set[int] = set()  # cells that ended the process: never replayed
        self.generation = 0  # counts starts, so callers know when proxies went stale
        self.compromised: str | None = None  # why nothing more is trusted, once it is not
        self.failed_starts = 0
        self.zygote = zygote if sandboxed else None

    def _command(self, to_child: int, from_child: int) -> tuple[list[str], dict[str, str]]:
        argv = [sys.executable, "-m", "autograder.sandbox.answer_worker", str(to_child),
                str(from_child)]
        # autograder runs from the checkout: PYTHONPATH finds it.
        env = {"NBGRADER_EXECUTION": "autograde", "MPLBACKEND": "Agg", "PYTHONSAFEPATH": "1",
               "PYTHONPATH": str(REPO_ROOT)}
        real_package = bwrap.package_dir("bplab")
        if not self.sandboxed:
            self.scratch = Path(tempfile.mkdtemp(prefix="answers-"))
            environment = dict(os.environ, **env, **{PARENT_VARIABLE: str(os.getpid())})
            if self.package is not None:
                # without a sandbox the copy is put first on the path instead
                environment["PYTHONPATH"] = os.pathsep.join([str(self.package.parent),
                                                            str(REPO_ROOT)])
            return bwrap.unsandboxed(argv, self.limits.memory), environment
        overlays = [(self.package, real_package)] if self.package is not None else []
        readable = [REPO_ROOT / part for part in WORKER_FILES]
        if self.package is None:
            readable.append(real_package)
        self.box = bwrap.Sandbox(self.limits)
        command = self.box.command(argv, cwd=WORKDIR, private=[WORKDIR], readable=readable,
                                   overlays=overlays, env=env)
        return command, {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}

    def _start(self) -> None:
        if self.compromised:
            raise Compromised(self.compromised)
        self.kill()
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            self.process = None
            if self.zygote is not None and self.zygote.alive():
                try:
                    self.process = self.zygote.spawn(fds=[to_child_r, from_child_w])
                except ZygoteError as error:  # gone: this and later processes start anew
                    log.info("the answer zygote failed: %s", error)
                    self.zygote = None
            if self.process is None:
                command, environment = self._command(to_child_r, from_child_w)
                self.process = subprocess.Popen(
                    command, cwd=self.scratch or "/", env=environment,
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, pass_fds=(to_child_r, from_child_w),
                    start_new_session=True)
        except BaseException:
            for fd in (from_child_r, to_child_w):
                os.close(fd)
            raise
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self._connect(from_child_r, to_child_w)

    def _connect(self, from_child_r: int, to_child_w: int) -> None:
        self.channel = Channel(io.open(from_child_r, "rb", buffering=0),
                               io.open(to_child_w, "wb", buffering=0), self.limits.reply)
        self.done = 0
        self.generation += 1
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        """Wait for the process's first message, "ready" (its own start has a long limit)."""
        assert self.channel is not None
        clock = _Deadline(self.process, STARTUP_TIMEOUT)
        try:
            first = receive(self.channel.incoming, 4096)
        except (WireError, OSError) as error:
            log.info("the answer process did not start: %s", error)
            self.channel.close()
            self.failed_starts += 1
            if self.failed_starts >= 2:  # never loop on a sandbox that cannot start
                self.compromised = f"the answer process could not start ({error})"
            return
        finally:
            clock.cancel()
        if first != {"op": "ready"}:
            self.compromised = "the answer process did not start as expected"
            self.kill()

    def alive(self) -> bool:
        """True while the answer process runs and its channel is whole."""
        return (self.process is not None and self.channel is not None
                and not self.channel.broken and self.process.poll() is None)

    def note_failure(self) -> None:
        """If the channel broke by the process's misconduct, mark it compromised."""
        channel = self.channel
        if channel is None or channel.failure is None or self.compromised:
            return
        failure = channel.failure
        if isinstance(failure, (ProtocolError, WireError)) and not isinstance(
                failure, (ChannelClosed, MessageTooLarge)):
            self.compromised = f"the answer process broke the check's protocol ({failure})"
            log.info("answer process compromised: %s", failure)
            self.kill()

    def kill(self) -> None:
        """Stop the answer process (and anything it started); free its sandbox."""
        _kill(self.process)
        if self.channel is not None:
            self.channel.close()
        if self.box is not None:
            self.box.close()
            self.box = None
        if self.scratch is not None:
            import shutil

            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    @contextlib.contextmanager
    def deadline(self) -> Iterator[_Deadline]:
        """Kill the current answer process if the block runs over ``timeout`` seconds.

        Yields an object whose ``expired`` attribute says whether that happened.
        """
        clock = _Deadline(self.process, self.timeout)
        try:
            yield clock
        finally:
            clock.cancel()

    def run_until(self, index: int) -> None:
        """Make sure the student's cells up to ``index`` (inclusive) have run.

        Raises
        ------
        Compromised
            If the process broke the protocol, now or before.
        """
        while True:
            if self.compromised:
                raise Compromised(self.compromised)
            if not self.alive():
                self._start()
            if self.done > index:
                return
            position = self.done
            self.done += 1
            if position in self.skipped:
                continue
            assert self.channel is not None
            try:
                with self.deadline():
                    self.channel.request({"op": "exec", "code": self.cells[position]})
            except (WireError, OSError):
                self.note_failure()
                if not self.compromised:
                    log.debug("answer cell %d ran over its time or ended its process", position)
                    self.skipped.add(position)
            except Exception as error:  # the student's cell raised; the cells after it run
                log.debug("answer cell %d raised %s", position, type(error).__name__)

    def get(self, names: Sequence[str]) -> dict[str, Any]:
        """The student's values of ``names`` (callables as proxies).

        Names whose values cannot cross are left out; {} if the process ended meanwhile.

        Raises
        ------
        Compromised
            If the process broke the protocol (a reply that is not a dict of the names
            asked, say).
        """
        if self.compromised:
            raise Compromised(self.compromised)
        assert self.channel is not None
        try:
            with self.deadline():
                values = self.channel.request({"op": "get", "names": list(names)})
        except (WireError, OSError) as error:
            self.note_failure()
            if self.compromised:
                raise Compromised(self.compromised) from None
            log.debug("reading %s from the answer process failed: %s", list(names), error)
            self.kill()
            return {}
        except Exception as error:  # the worker could not read its own namespace
            log.debug("the answer process could not give %s: %s", list(names), error)
            return {}
        if not isinstance(values, dict) or not set(values) <= set(names):
            self.compromised = "the answer process answered with other names than asked"
            self.kill()
            raise Compromised(self.compromised)
        return values
