"""Read what each graded test cell said, and make feedback that shows no hidden-test code.

nbgrader's feedback shows restored test cells verbatim, hidden tests included, and a
traceback prints the source lines around a failing assert. Before feedback is generated,
:func:`scrub` replaces each test cell's source with its released (visible) version and
cuts every test cell's traceback down to its last line, which carries the diagnosis.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path

import nbformat

from bplab.checks.kinds import kind_of, untagged

__all__ = ["HIDDEN_NOTE", "UNCONFIRMED_NOTE", "test_cells", "classify", "cell_outcomes",
           "printed_warnings", "scrub"]

HIDDEN_NOTE = "# Hidden tests also ran in this cell; their code is not shown."
UNCONFIRMED_NOTE = ("This cell passed in your notebook, but the same tests, run apart from "
                    "your code, failed, so it scores 0:")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_cells(nb: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """Map grade id to cell for every autograded test cell of ``nb``."""
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("grade")}


def classify(ename: str, evalue: str) -> tuple[str, str]:
    """``(diagnosis kind, message)`` for a failed test: the check's tag, else the error type.

    Examples
    --------
    >>> classify("AssertionError", "g is not right: the sign is flipped [diagnosis: sign]")
    ('sign', 'AssertionError: g is not right: the sign is flipped [diagnosis: sign]')
    """
    message = _ANSI.sub("", f"{ename}: {evalue}")
    by_error = {"NotImplementedError": "not-implemented", "AssertionError": "assertion"}
    kind = kind_of(evalue) or by_error.get(ename, "exception")
    return kind, message[:1000]


def _outcome(cell):
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return classify(output.ename, output.evalue)
        if output.output_type == "stream" and output.name == "stderr":
            return "stderr", "the cell wrote to stderr: " + output.text[:300]
    return None, ""


def cell_outcomes(autograded_path: str | Path) -> dict[str, tuple[str | None, str]]:
    """Per test cell of an autograded notebook: ``(diagnosis kind or None, message)``."""
    nb = nbformat.read(autograded_path, as_version=4)
    return {grade_id: _outcome(cell) for grade_id, cell in test_cells(nb).items()}


_WARNING = re.compile(r"\b([A-Z]\w*Warning): (.+)")


def printed_warnings(autograded_path: str | Path) -> list[str]:
    """Warnings the notebook printed (never penalised; shown in feedback), first 20."""
    nb = nbformat.read(autograded_path, as_version=4)
    found = [f"{match.group(1)}: {match.group(2).strip()}"
             for cell in nb.cells for output in cell.get("outputs", [])
             if output.output_type == "stream" and output.name == "stdout"
             for match in _WARNING.finditer(output.text)]
    return list(dict.fromkeys(found))[:20]


def scrub(autograded_path: str | Path, release_nb: nbformat.NotebookNode,
          source_nb: nbformat.NotebookNode, unconfirmed: Mapping[str, str] | None = None) -> None:
    """Rewrite an autograded notebook so that its feedback reveals no hidden tests.

    Parameters
    ----------
    autograded_path : path
        The notebook nbgrader wrote (read-only; made writable here).
    release_nb, source_nb : NotebookNode
        The student release and the instructor's source, to know what is visible.
    unconfirmed : dict of str to str, optional
        Test cells that passed in the student's kernel but failed the independent check
        (see :mod:`autograder.sandbox.verify`), with its message; each gets an error output.
    """
    os.chmod(autograded_path, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
    nb = nbformat.read(autograded_path, as_version=4)
    visible = test_cells(release_nb)
    full = test_cells(source_nb)
    for grade_id, cell in test_cells(nb).items():
        if grade_id in visible:
            shown = visible[grade_id].source
            if "BEGIN HIDDEN TESTS" in full.get(grade_id, cell).source:
                shown = shown.rstrip() + "\n" + HIDDEN_NOTE
            cell.source = shown
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                output.traceback = [_ANSI.sub("", f"{output.ename}: {output.evalue}")]
        if grade_id in (unconfirmed or {}):
            found = untagged(unconfirmed[grade_id]).removeprefix("CheckFailure: ")
            evalue = f"{UNCONFIRMED_NOTE} {found} [diagnosis: unconfirmed]"
            cell.outputs.insert(0, nbformat.v4.new_output(
                "error", ename="NotConfirmed", evalue=evalue, traceback=[f"NotConfirmed: {evalue}"]))
    nbformat.write(nb, autograded_path)
