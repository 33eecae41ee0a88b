"""Re-run an assignment's tests where the student's code never runs.

nbgrader runs the tests inside the student's kernel, where a student can patch NumPy,
the checker or the function under test. Here the instructor's own source notebook runs in
this process, its test cells (hidden ones included) untouched; the student's cells run in
a separate answer process (:mod:`autograder.sandbox.answer_worker`), and the names each answer
cell defines (``mse``, ``booth_grad``, ...) are bound here to proxies that send
arguments over and bring plain data back. The student's code answers questions; the
checks that judge the answers run here.

Every exchange with the answer process has a deadline. A student cell that runs over it
or ends its own process is left out when the process is started again, so one bad cell
costs one timeout and never blocks the exercises after it.

``python -m autograder.sandbox.verify SOURCE.ipynb SUBMISSION.ipynb`` prints one JSON object:
``{"cells": {grade_id: {"passed": bool, "message": str}}}``.
"""

import argparse
import ast
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import warnings

from .. import REPO_ROOT, exercise_of
from ..lifetime import PARENT_VARIABLE, die_with_parent
from .channel import Channel
from .wire import WireError

__all__ = ["defined_names", "AnswerProcess", "verify", "check_in_subprocess"]


def defined_names(source):
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


def _kill(process):
    if process is not None and process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9)
        process.wait()


class _Deadline:
    """A timer that kills one given process; each has its own ``expired`` flag."""

    def __init__(self, process, seconds):
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire, args=(process,))
        self._timer.daemon = True
        self._timer.start()

    def _expire(self, process):
        self.expired = True
        _kill(process)

    def cancel(self):
        self._timer.cancel()


class AnswerProcess:
    """The student's cells in a child process, replayed on demand after it ends.

    Parameters
    ----------
    cells : list of str
        The submission's code cells, test cells left out, in notebook order.
    timeout : float
        Seconds one exchange (running a cell, one test's calls) may take.
    """

    def __init__(self, cells, timeout):
        self.cells, self.timeout = cells, timeout
        self.process = self.channel = None
        self.done = 0  # cells run in the current process
        self.skipped = set()  # cells that ended the process: never replayed
        self.generation = 0  # counts starts, so callers know when proxies went stale

    def _start(self):
        self.kill()
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        # autograder runs from the checkout (it is not installed): PYTHONPATH finds it.
        env = dict(os.environ, NBGRADER_EXECUTION="autograde", MPLBACKEND="Agg",
                   PYTHONSAFEPATH="1", PYTHONPATH=str(REPO_ROOT),
                   **{PARENT_VARIABLE: str(os.getpid())})
        workdir = tempfile.mkdtemp(prefix="answers-")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.sandbox.answer_worker", str(to_child_r),
             str(from_child_w)],
            cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, pass_fds=(to_child_r, from_child_w),
            start_new_session=True)
        os.close(to_child_r)
        os.close(from_child_w)
        self.channel = Channel(io.open(from_child_r, "rb", buffering=0),
                               io.open(to_child_w, "wb", buffering=0))
        self.done = 0
        self.generation += 1

    def alive(self):
        """True while the answer process runs."""
        return (self.process is not None and not self.channel.broken
                and self.process.poll() is None)

    def kill(self):
        """Stop the answer process (and anything it started)."""
        _kill(self.process)

    @contextlib.contextmanager
    def deadline(self):
        """Kill the current answer process if the block runs over ``timeout`` seconds.

        Yields an object whose ``expired`` attribute says whether that happened.
        """
        clock = _Deadline(self.process, self.timeout)
        try:
            yield clock
        finally:
            clock.cancel()

    def run_until(self, index):
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
            try:
                with self.deadline():
                    self.channel.request({"op": "exec", "code": self.cells[position]})
            except (WireError, OSError):
                self.skipped.add(position)  # it ran over or ended the process
            except Exception:  # an error in the student's cell; the cells after it still run
                pass

    def get(self, names):
        """The student's values of ``names`` (callables as proxies); {} if that fails."""
        try:
            with self.deadline():
                return self.channel.request({"op": "get", "names": list(names)})
        except Exception:
            self.kill()
            return {}


def _grade_id(cell):
    return _meta(cell).get("grade_id") or cell.get("id")


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _text(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source  # notebook JSON allows both


def _exec_trusted(source, namespace):
    from IPython.core.inputtransformer2 import TransformerManager

    code = compile(TransformerManager().transform_cell(source), "<test cell>", "exec")
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(code, namespace)


class _Binder:
    """Keeps the trusted namespace's student names bound to the live answer process."""

    def __init__(self, answers, namespace):
        self.answers, self.namespace = answers, namespace
        self.names, self.last_index, self.generation = [], -1, None

    def bind(self, names, index):
        self.answers.run_until(index)
        self.last_index = max(self.last_index, index)
        self.names += [n for n in names if n not in self.names]
        self.refresh(force=True)

    def refresh(self, force=False):
        """After the answer process ended, start it again and rebind every name."""
        if not force and self.answers.alive() and self.generation == self.answers.generation:
            return
        self.answers.run_until(self.last_index)
        for name in self.names:
            self.namespace.pop(name, None)
        self.namespace.update(self.answers.get(self.names))
        self.generation = self.answers.generation


def verify(source_nb, submission_nb, cell_timeout=30.0):
    """Judge a submission with the source's tests; see the module docstring.

    Parameters
    ----------
    source_nb : dict or NotebookNode
        The instructor's source notebook (solutions and hidden tests).
    submission_nb : dict or NotebookNode
        The student's notebook as submitted.
    cell_timeout : float
        Seconds one cell may take.

    Returns
    -------
    dict
        ``{grade_id: {"passed": bool, "message": str}}`` for every test cell of the source.
    """
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    os.environ.setdefault("MPLBACKEND", "Agg")
    submitted = [c for c in submission_nb.get("cells", []) if c.get("cell_type") == "code"
                 and not _meta(c).get("grade")]
    position = {}
    for index, cell in enumerate(submitted):
        position.setdefault(_grade_id(cell), index)
    answers = AnswerProcess([_text(c) for c in submitted], cell_timeout)
    namespace = {"__name__": "__main__"}
    binder = _Binder(answers, namespace)
    missing, results = [], {}
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
                with contextlib.suppress(Exception), answers.deadline():
                    _exec_trusted(source, namespace)  # demos may call unfinished answers
    finally:
        answers.kill()
    return results


def _run_test(source, namespace, binder, missing):
    """Run one test cell here; ``missing`` says its exercise's answer cell was not found."""
    answers = binder.answers
    binder.refresh()
    clock = None
    try:
        with answers.deadline() as clock:
            _exec_trusted(source, namespace)
        return {"passed": True, "message": ""}
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
        return {"passed": False, "message": message[:1000]}


def check_in_subprocess(source_path, submission_path, cell_timeout=None):
    """Run :func:`verify` in a process of its own, as the grading pipeline does.

    Returns
    -------
    cells : dict or None
        :func:`verify`'s results, or None if the check could not finish.
    problem : str or None
        Why it could not, in words for the instructor.
    """
    per_cell = float(cell_timeout or 30)
    try:
        run = subprocess.run(
            [sys.executable, "-m", "autograder.sandbox.verify", str(source_path), str(submission_path),
             "--cell-timeout", str(per_cell)],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=60 * per_cell + 120,
            env=dict(os.environ, PYTHONSAFEPATH="1", PYTHONPATH=str(REPO_ROOT),
                     **{PARENT_VARIABLE: str(os.getpid())}))
    except subprocess.TimeoutExpired:
        return None, "the independent check ran out of time"
    try:
        cells = json.loads(run.stdout)["cells"]
        if isinstance(cells, dict):
            return cells, None
    except (ValueError, KeyError, TypeError):
        pass
    last_line = (run.stderr.strip().splitlines() or ["no message"])[-1][:300]
    return None, f"the independent check stopped before it finished: {last_line}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("submission")
    parser.add_argument("--cell-timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    die_with_parent()
    # Plain JSON: nbformat's validator costs a second of imports for nothing here.
    with open(args.source) as handle:
        source_nb = json.load(handle)
    with open(args.submission) as handle:
        submission_nb = json.load(handle)
    results = verify(source_nb, submission_nb, args.cell_timeout)
    sys.__stdout__.write(json.dumps({"cells": results}))
    sys.__stdout__.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
