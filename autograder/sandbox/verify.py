"""Re-run an assignment's tests where the student's code never runs.

nbgrader runs the tests inside the student's kernel, where a student can patch NumPy,
the checker or the function under test, and call the package's reference. Here the
instructor's own source notebook runs in this process, its test cells (hidden ones
included) untouched; the student's cells run in a separate answer process
(:mod:`autograder.sandbox.answer_worker`), inside a sandbox (:mod:`autograder.sandbox.bwrap`)
that holds a copy of ``bplab`` without the references of this notebook
(:mod:`autograder.sandbox.references`). The names each answer cell defines (``mse``,
``booth_grad``, ...) are bound here to proxies that send arguments over and bring plain
data back. The student's code answers questions; the checks that judge the answers run
here.

Every exchange with the answer process has a deadline. A student cell that runs over it
or ends its own process is left out when the process is started again, so one bad cell
costs one timeout and never blocks the exercises after it.

``python -m autograder.sandbox.verify SOURCE.ipynb SUBMISSION.ipynb...`` prints one JSON
line per submission: ``{"submission": path, "cells": {grade_id: {"passed": bool,
"message": str}}}``, or ``{"submission": path, "problem": str}``.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import REPO_ROOT, exercise_of
from ..lifetime import PARENT_VARIABLE, die_with_parent
from ..settings import DEFAULT_LIMITS, Limits
from . import bwrap
from .channel import Channel
from .references import build_package, notebook_number
from .wire import WireError

__all__ = ["CellCheck", "CheckOutcome", "defined_names", "AnswerProcess", "verify",
           "check_in_subprocess", "check_batch"]

log = logging.getLogger(__name__)

# What the answer process imports of the grader: the sandbox package and what it imports.
_WORKER_FILES = ("autograder/__init__.py", "autograder/lifetime.py", "autograder/settings.py",
                 "autograder/sandbox")


@dataclass(frozen=True)
class CellCheck:
    """The independent check's verdict on one test cell."""

    passed: bool
    message: str = ""


@dataclass(frozen=True)
class CheckOutcome:
    """The independent check of one submission: a verdict per test cell, or why none."""

    cells: dict[str, CellCheck] | None
    problem: str | None = None

    def passed(self, grade_id: str) -> bool | None:
        """True or False for a checked cell; None if the check did not finish."""
        if self.cells is None:
            return None
        return self.cells.get(grade_id, CellCheck(False, "no result")).passed

    def message(self, grade_id: str) -> str:
        if self.cells is None:
            return self.problem or "the independent check did not finish"
        return self.cells.get(grade_id, CellCheck(False, "no result")).message or (
            "" if self.passed(grade_id) else "no result")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CheckOutcome:
        cells = data.get("cells")
        if not isinstance(cells, dict):
            return cls(None, str(data.get("problem") or "the independent check gave no result"))
        return cls({str(k): CellCheck(bool(v.get("passed")), str(v.get("message", "")))
                    for k, v in cells.items() if isinstance(v, dict)})


def defined_names(source: str) -> list[str]:
    """Top-level names an answer cell defines: functions, classes and assigned variables.

    Examples
    --------
    >>> defined_names("import numpy as np\\ndef f(x):\\n    return x\\nlr_best, n = 0.1, 3")
    ['f', 'lr_best', 'n']
    """
    names = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names += [leaf.id for leaf in ast.walk(target) if isinstance(leaf, ast.Name)]
    return list(dict.fromkeys(names))


def _kill(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9)
        process.wait()


class _Deadline:
    """A timer that kills one given process; each has its own ``expired`` flag."""

    def __init__(self, process: subprocess.Popen | None, seconds: float) -> None:
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire, args=(process,))
        self._timer.daemon = True
        self._timer.start()

    def _expire(self, process: subprocess.Popen | None) -> None:
        self.expired = True
        _kill(process)

    def cancel(self) -> None:
        self._timer.cancel()


class AnswerProcess:
    """The student's cells in a sandboxed child process, replayed on demand after it ends.

    Parameters
    ----------
    cells : list of str
        The submission's code cells, test cells left out, in notebook order.
    limits : Limits
        ``cell_timeout``: seconds one exchange (running a cell, one test's calls) may
        take; ``memory``: the process's address space.
    package : path, optional
        A copy of ``bplab`` to import instead of the real one (see
        :func:`autograder.sandbox.references.build_package`).
    sandboxed : bool
        Run in a bubblewrap sandbox (False: only the memory limit).
    """

    def __init__(self, cells: Sequence[str], limits: Limits = DEFAULT_LIMITS,
                 package: str | Path | None = None, sandboxed: bool = True) -> None:
        self.cells, self.limits = list(cells), limits
        self.timeout = limits.cell_timeout
        self.package = Path(package) if package is not None else None
        self.sandboxed = sandboxed
        self.process: subprocess.Popen | None = None
        self.channel: Channel | None = None
        self.scratch: Path | None = None
        self.done = 0  # cells run in the current process
        self.skipped: set[int] = set()  # cells that ended the process: never replayed
        self.generation = 0  # counts starts, so callers know when proxies went stale

    def _command(self, to_child: int, from_child: int) -> tuple[list[str], dict[str, str]]:
        argv = [sys.executable, "-m", "autograder.sandbox.answer_worker", str(to_child),
                str(from_child)]
        # autograder runs from the checkout (it is not installed): PYTHONPATH finds it.
        env = {"NBGRADER_EXECUTION": "autograde", "MPLBACKEND": "Agg", "PYTHONSAFEPATH": "1",
               "PYTHONPATH": str(REPO_ROOT)}
        real_package = bwrap.package_dir("bplab")
        if not self.sandboxed:
            environment = dict(os.environ, **env, **{PARENT_VARIABLE: str(os.getpid())})
            if self.package is not None:
                # without a sandbox the copy is put first on the path instead
                environment["PYTHONPATH"] = os.pathsep.join([str(self.package.parent),
                                                            str(REPO_ROOT)])
            return bwrap.unsandboxed(argv, self.limits.memory), environment
        assert self.scratch is not None
        overlays = [(self.package, real_package)] if self.package is not None else []
        readable = [REPO_ROOT / part for part in _WORKER_FILES]
        if self.package is None:
            readable.append(real_package)
        command = bwrap.command(argv, cwd=self.scratch, writable=[self.scratch],
                                readable=readable, overlays=overlays, env=env,
                                memory=self.limits.memory)
        return command, {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}

    def _start(self) -> None:
        self.kill()
        self.scratch = Path(tempfile.mkdtemp(prefix="answers-"))
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        command, environment = self._command(to_child_r, from_child_w)
        try:
            self.process = subprocess.Popen(
                command, cwd=self.scratch, env=environment, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                pass_fds=(to_child_r, from_child_w), start_new_session=True)
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.channel = Channel(io.open(from_child_r, "rb", buffering=0),
                               io.open(to_child_w, "wb", buffering=0))
        self.done = 0
        self.generation += 1

    def alive(self) -> bool:
        """True while the answer process runs."""
        return (self.process is not None and self.channel is not None
                and not self.channel.broken and self.process.poll() is None)

    def kill(self) -> None:
        """Stop the answer process (and anything it started); remove its scratch folder."""
        _kill(self.process)
        if self.channel is not None:
            self.channel.close()
        if self.scratch is not None:
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
        """Make sure the student's cells up to ``index`` (inclusive) have run."""
        while True:
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
                log.debug("answer cell %d ran over its time or ended its process", position)
                self.skipped.add(position)
            except Exception as error:  # the student's cell raised; the cells after it run
                log.debug("answer cell %d raised %s", position, type(error).__name__)

    def get(self, names: Sequence[str]) -> dict[str, Any]:
        """The student's values of ``names`` (callables as proxies); {} if that fails."""
        assert self.channel is not None
        try:
            with self.deadline():
                return self.channel.request({"op": "get", "names": list(names)})
        except Exception as error:  # the process died or sent nonsense: no values
            log.debug("reading %s from the answer process failed: %s", list(names), error)
            self.kill()
            return {}


def _grade_id(cell: Mapping[str, Any]) -> str | None:
    return _meta(cell).get("grade_id") or cell.get("id")


def _meta(cell: Mapping[str, Any]) -> dict[str, Any]:
    return cell.get("metadata", {}).get("nbgrader", {})


def _text(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source  # notebook JSON allows both


def _exec_trusted(source: str, namespace: dict[str, Any]) -> None:
    from IPython.core.inputtransformer2 import TransformerManager

    code = compile(TransformerManager().transform_cell(source), "<test cell>", "exec")
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(code, namespace)


class _Binder:
    """Keeps the trusted namespace's student names bound to the live answer process."""

    def __init__(self, answers: AnswerProcess, namespace: dict[str, Any]) -> None:
        self.answers, self.namespace = answers, namespace
        self.names: list[str] = []
        self.last_index, self.generation = -1, -1

    def bind(self, names: Sequence[str], index: int) -> None:
        self.answers.run_until(index)
        self.last_index = max(self.last_index, index)
        self.names += [n for n in names if n not in self.names]
        self.refresh(force=True)

    def refresh(self, force: bool = False) -> None:
        """After the answer process ended, start it again and rebind every name."""
        if not force and self.answers.alive() and self.generation == self.answers.generation:
            return
        self.answers.run_until(self.last_index)
        for name in self.names:
            self.namespace.pop(name, None)
        self.namespace.update(self.answers.get(self.names))
        self.generation = self.answers.generation


@contextlib.contextmanager
def _package_for(source_nb: Mapping[str, Any], package: str | Path | None) -> Iterator[Path]:
    """The given copy of bplab, or one built for the source's notebook and removed after."""
    if package is not None:
        yield Path(package)
        return
    code = "\n".join(_text(c) for c in source_nb.get("cells", []) if c.get("cell_type") == "code")
    with tempfile.TemporaryDirectory(prefix="bplab-check-") as folder:
        target = Path(folder) / "bplab"
        build_package(bwrap.package_dir("bplab"), notebook_number(code), target)
        yield target


def verify(source_nb: Mapping[str, Any], submission_nb: Mapping[str, Any],
           limits: Limits = DEFAULT_LIMITS, *, package: str | Path | None = None,
           sandboxed: bool = True) -> dict[str, CellCheck]:
    """Judge a submission with the source's tests; see the module docstring.

    Parameters
    ----------
    source_nb : dict or NotebookNode
        The instructor's source notebook (solutions and hidden tests).
    submission_nb : dict or NotebookNode
        The student's notebook as submitted.
    limits : Limits
        Seconds per cell and bytes of memory of the answer process.
    package : path, optional
        The copy of ``bplab`` without this notebook's references that the answer process
        imports; by default one is built (and removed) for this call.
    sandboxed : bool
        Run the answer process in a sandbox.

    Returns
    -------
    dict of str to CellCheck
        A verdict for every test cell of the source.
    """
    submitted = [c for c in submission_nb.get("cells", []) if c.get("cell_type") == "code"
                 and not _meta(c).get("grade")]
    position: dict[str | None, int] = {}
    for index, cell in enumerate(submitted):
        position.setdefault(_grade_id(cell), index)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    missing: list[str] = []
    results: dict[str, CellCheck] = {}
    with _package_for(source_nb, package) as copy:
        answers = AnswerProcess([_text(c) for c in submitted], limits, copy, sandboxed)
        binder = _Binder(answers, namespace)
        try:
            for cell in source_nb["cells"]:
                meta, source = _meta(cell), _text(cell)
                if cell["cell_type"] != "code":
                    continue
                if meta.get("solution"):
                    names = defined_names(source)
                    for name in names:
                        namespace.pop(name, None)
                    if meta["grade_id"] in position:
                        binder.bind(names, position[meta["grade_id"]])
                    else:
                        missing.append(meta["grade_id"])
                elif meta.get("grade"):
                    exercise_missing = exercise_of(meta["grade_id"]) in missing
                    results[meta["grade_id"]] = _run_test(source, namespace, binder,
                                                          exercise_missing)
                else:
                    binder.refresh()
                    try:
                        with answers.deadline():
                            _exec_trusted(source, namespace)
                    except Exception as error:  # demos may call unfinished answers
                        log.debug("a demo cell of the source failed: %s", error)
        finally:
            answers.kill()
    return results


def _run_test(source: str, namespace: dict[str, Any], binder: _Binder,
              missing: bool) -> CellCheck:
    """Run one test cell here; ``missing`` says its exercise's answer cell was not found."""
    answers = binder.answers
    binder.refresh()
    clock = None
    try:
        with answers.deadline() as clock:
            _exec_trusted(source, namespace)
        return CellCheck(True, "")
    except Exception as error:
        if clock is not None and clock.expired:
            message = f"the code ran over {answers.timeout:g} s and was stopped"
        elif not answers.alive():
            message = "the code ended its own process (exit, os._exit or a crash)"
        else:
            message = f"{type(error).__name__}: {error}"
        if missing:
            message += (" (the answer cell of this exercise is missing from the submission: "
                        "it was deleted, or its id and metadata were changed)")
        return CellCheck(False, message[:1000])


def _command(source_path: str | Path, submissions: Sequence[str | Path], limits: Limits,
             package: str | Path | None, sandboxed: bool) -> list[str]:
    command = [sys.executable, "-m", "autograder.sandbox.verify", str(source_path),
               *map(str, submissions), "--cell-timeout", str(limits.cell_timeout),
               "--memory", str(limits.memory)]
    if package is not None:
        command += ["--package", str(package)]
    if not sandboxed:
        command.append("--no-sandbox")
    return command


def check_batch(source_path: str | Path, submissions: Sequence[str | Path],
                limits: Limits = DEFAULT_LIMITS, *, package: str | Path | None = None,
                sandboxed: bool = True) -> dict[str, CheckOutcome]:
    """Run :func:`verify` on several submissions in one process of its own.

    One process pays the imports once for a whole batch; each submission still gets an
    answer process (and sandbox) of its own.

    Returns
    -------
    dict of str to CheckOutcome
        Keyed by the submission's path as given; a submission the process did not
        finish has ``cells`` None and a ``problem`` in words for the instructor.
    """
    keys = [str(s) for s in submissions]
    outcomes: dict[str, CheckOutcome] = {}
    environment = dict(os.environ, PYTHONSAFEPATH="1", PYTHONPATH=str(REPO_ROOT),
                       NBGRADER_EXECUTION="autograde", MPLBACKEND="Agg",
                       **{PARENT_VARIABLE: str(os.getpid())})
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(_command(source_path, keys, limits, package, sandboxed),
                                   cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=errors,
                                   stdin=subprocess.DEVNULL, text=True, env=environment,
                                   start_new_session=True)
        timer = threading.Timer(limits.check_timeout * max(len(keys), 1), _kill, (process,))
        timer.daemon = True
        timer.start()
        try:
            assert process.stdout is not None
            for line in process.stdout:
                try:
                    data = json.loads(line)
                    outcomes[str(data["submission"])] = CheckOutcome.from_json(data)
                except (ValueError, TypeError, KeyError, AttributeError) as error:
                    log.warning("the independent check printed a line that is no result "
                                "(%s): %.200s", error, line)
            process.wait()
        finally:
            timer.cancel()
            _kill(process)
        errors.seek(0)
        last_line = (errors.read().strip().splitlines() or ["no message"])[-1][:300]
    for key in keys:
        if key not in outcomes:
            why = ("the independent check ran out of time" if timer.finished.is_set()
                   and process.returncode and process.returncode < 0 else
                   f"the independent check stopped before it finished: {last_line}")
            log.warning("independent check of %s: %s", key, why)
            outcomes[key] = CheckOutcome(None, why)
    return outcomes


def check_in_subprocess(source_path: str | Path, submission_path: str | Path,
                        limits: Limits = DEFAULT_LIMITS, *, package: str | Path | None = None,
                        sandboxed: bool = True) -> CheckOutcome:
    """:func:`check_batch` for one submission."""
    return check_batch(source_path, [submission_path], limits, package=package,
                       sandboxed=sandboxed)[str(submission_path)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("submissions", nargs="+")
    parser.add_argument("--cell-timeout", type=float, default=DEFAULT_LIMITS.cell_timeout)
    parser.add_argument("--memory", type=int, default=DEFAULT_LIMITS.memory)
    parser.add_argument("--package", default=None,
                        help="bplab without this notebook's references (default: built here)")
    parser.add_argument("--no-sandbox", action="store_true")
    args = parser.parse_args(argv)
    die_with_parent()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    limits = Limits(cell_timeout=args.cell_timeout, memory=args.memory)
    # Plain JSON: nbformat's validator costs a second of imports for nothing here.
    with open(args.source) as handle:
        source_nb = json.load(handle)
    out = sys.__stdout__
    with _package_for(source_nb, args.package) as package:
        for path in args.submissions:
            try:
                with open(path) as handle:
                    submission_nb = json.load(handle)
                cells = verify(source_nb, submission_nb, limits, package=package,
                               sandboxed=not args.no_sandbox)
                line = {"submission": path, "cells": {gid: {"passed": c.passed,
                                                           "message": c.message}
                                                     for gid, c in cells.items()}}
            except Exception as error:  # one submission's failure must not stop the others
                log.exception("checking %s failed", path)
                line = {"submission": path,
                        "problem": f"the independent check failed: {type(error).__name__}: "
                                   f"{str(error)[:200]}"}
            out.write(json.dumps(line) + "\n")
            out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
