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
import sys
import tempfile
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import exercise_of
from ..lifetime import die_with_parent
from ..settings import DEFAULT_LIMITS, Limits
from . import bwrap
from .references import build_package, notebook_number
from .answers import AnswerProcess, Compromised
from .wire import MessageTooLarge

__all__ = ["CellCheck", "CheckOutcome", "defined_names", "AnswerProcess", "verify", "main"]

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class CellCheck:
    """The independent check's verdict on one test cell.

    ``passed`` is True or False for a verdict, and None where the check could not reach
    one (the answer process broke the protocol, the check crashed or ran out of time):
    such a cell is never counted as passed.
    """

    passed: bool | None
    message: str = ""


@dataclass(frozen=True)
class CheckOutcome:
    """The independent check of one submission: a verdict per test cell, or why none."""

    cells: dict[str, CellCheck] | None
    problem: str | None = None

    def passed(self, grade_id: str) -> bool | None:
        """True or False for a checked cell; None where the check reached no verdict."""
        if self.cells is None:
            return None
        return self.cells.get(grade_id, CellCheck(None, "the check did not reach this cell")
                              ).passed

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
        verdicts = {True: True, False: False}
        return cls({str(k): CellCheck(verdicts.get(v.get("passed")), str(v.get("message", "")))
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
        values = self.answers.get(self.names)
        for name in self.names:
            self.namespace.pop(name, None)
        self.namespace.update(values)
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
           sandboxed: bool = True, zygote: Any = None) -> dict[str, CellCheck]:
    """Judge a submission with the source's tests; see the module docstring.

    Parameters
    ----------
    source_nb : dict or NotebookNode
        The instructor's source notebook (solutions and hidden tests).
    submission_nb : dict or NotebookNode
        The student's notebook as submitted.
    limits : Limits
        Seconds per cell, the answer process's sandbox, the largest reply.
    package : path, optional
        The copy of ``bplab`` without this notebook's references that the answer process
        imports; by default one is built (and removed) for this call.
    sandboxed : bool
        Run the answer process in a sandbox.
    zygote : Zygote, optional
        Fork the answer process from this ``answers`` zygote (built with ``package``).

    Returns
    -------
    dict of str to CellCheck
        A verdict for every test cell of the source: passed, failed, or (``passed`` None)
        no verdict, from the first moment the answer process broke the protocol or the
        check itself failed; a cell without a verdict never counts as passed.
    """
    submitted = [c for c in submission_nb.get("cells", []) if c.get("cell_type") == "code"
                 and not _meta(c).get("grade")]
    position: dict[str | None, int] = {}
    for index, cell in enumerate(submitted):
        position.setdefault(_grade_id(cell), index)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    missing: list[str] = []
    results: dict[str, CellCheck] = {}
    tests = [_meta(c)["grade_id"] for c in source_nb["cells"]
             if c.get("cell_type") == "code" and _meta(c).get("grade")]
    with _package_for(source_nb, package) as copy:
        answers = AnswerProcess([_text(c) for c in submitted], limits, copy, sandboxed, zygote)
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
                    answers.note_failure()
                if answers.compromised:
                    raise Compromised(answers.compromised)
        except Exception as error:  # anything unforeseen: no verdict from here on
            reason = (str(error) if isinstance(error, Compromised) else
                      f"the check stopped: {type(error).__name__}: {str(error)[:200]}")
            log.info("no more verdicts for this submission: %s", reason)
            for grade_id in tests:
                if grade_id not in results or results[grade_id].passed is None:
                    results[grade_id] = CellCheck(None, reason)
        finally:
            answers.kill()
    return results


def _run_test(source: str, namespace: dict[str, Any], binder: _Binder,
              missing: bool) -> CellCheck:
    """Run one test cell here; ``missing`` says its exercise's answer cell was not found.

    A cell during which the answer process ended or broke the protocol does not pass,
    whatever the test code made of the error it got.
    """
    answers = binder.answers
    binder.refresh()
    generation = answers.generation
    clock = None
    try:
        with answers.deadline() as clock:
            _exec_trusted(source, namespace)
        outcome: Exception | None = None
    except Exception as error:
        outcome = error
    answers.note_failure()
    if answers.compromised:
        return CellCheck(None, answers.compromised)
    broke = not answers.alive() or answers.generation != generation
    if outcome is None and not broke:
        return CellCheck(True, "")
    failure = answers.channel.failure if answers.channel is not None else None
    if clock is not None and clock.expired:
        message = f"the code ran over {answers.timeout:g} s and was stopped"
    elif isinstance(failure, MessageTooLarge):
        message = f"the code returned too much to check: {failure}"
    elif broke:
        message = "the code ended its own process (exit, os._exit or a crash)"
    else:
        message = f"{type(outcome).__name__}: {outcome}"
    if missing:
        message += (" (the answer cell of this exercise is missing from the submission: "
                    "it was deleted, or its id and metadata were changed)")
    return CellCheck(False, message[:1000])


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
