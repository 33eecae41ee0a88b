"""Read what each graded test cell said, and make feedback that shows no hidden test.

nbgrader's feedback shows restored test cells verbatim, hidden tests included, a
traceback prints the source lines around a failing assert, and a student's function can
print the code that called it. Before feedback is generated, :func:`scrub` replaces each
test cell's source with its released (visible) version, cuts tracebacks down to their last
line, removes every line of a hidden test from every output, and leaves nothing in the
notebook that runs code when it is shown.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat
from .sanitize import clean as clean_html

from bplab.checks.kinds import kind_of, untagged

from .. import exercise_of

__all__ = ["HIDDEN_NOTE", "HIDDEN_LINE", "UNCONFIRMED_NOTE", "test_cells", "cell_titles",
           "classify", "cell_outcomes", "printed_warnings", "hidden_lines",
           "scrub"]

HIDDEN_NOTE = "# Hidden tests also ran for this cell, apart from your code; not shown."
HIDDEN_LINE = "(a line of a hidden test, not shown)"
UNCONFIRMED_NOTE = ("This cell's visible checks passed in your notebook, but its tests, run "
                    "apart from your code with the hidden ones, failed, so it scores 0:")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
# Output kinds that run code or load anything when shown: never kept.
_ACTIVE = ("application/javascript", "text/javascript", "image/svg+xml",
           "application/vnd.jupyter.widget-view+json",
           "application/vnd.jupyter.widget-state+json")


def _text(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def test_cells(nb: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """Map grade id to cell for every autograded test cell of ``nb``."""
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("grade")}


def cell_titles(source_nb: Mapping[str, Any]) -> dict[str, str]:
    """Grade id to a title naming its exercise and check, for the feedback's summary.

    The title is the exercise, then the test cell's one-line docstring (the course's
    test cells open with one that names what they check), else the check's id.

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "code", "source": '\"\"\"Zero at the target.\"\"\"\\nx',
    ...                  "metadata": {"nbgrader": {"grade": True, "grade_id": "mse__zero"}}}]}
    >>> cell_titles(nb)
    {'mse__zero': 'mse: Zero at the target.'}
    """
    import ast

    titles = {}
    for cell in source_nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("grade") or cell.get("cell_type") != "code":
            continue
        grade_id = meta.get("grade_id", "")
        check = grade_id.partition("__")[2].replace("_", " ") or grade_id
        try:
            body = ast.parse(_text(cell)).body
            first = body[0].value if body and isinstance(body[0], ast.Expr) else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                check = first.value.strip().splitlines()[0]
        except SyntaxError:
            pass
        titles[grade_id] = f"{exercise_of(grade_id)}: {check}"
    return titles


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


def hidden_lines(source_nb: Mapping[str, Any], release_nb: Mapping[str, Any],
                 shortest: int = 12) -> list[str]:
    """Lines of the source's hidden tests that the release does not show anywhere.

    Lines shorter than ``shortest`` characters (``)``, ``else:``) are left out: they
    say nothing and would match innocent output.
    """
    visible = "\n".join(_text(c) for c in release_nb.get("cells", []))
    found = []
    for cell in source_nb.get("cells", []):
        for block in _HIDDEN.findall(_text(cell)):
            found += [line.strip() for line in block.splitlines()
                      if len(line.strip()) >= shortest and line.strip() not in visible]
    return list(dict.fromkeys(found))


def _scrub_text(text: str, hidden: list[str]) -> str:
    if not any(line in text for line in hidden):
        return text
    return "\n".join(HIDDEN_LINE if any(line in shown for line in hidden) else shown
                     for shown in text.split("\n"))


def _scrub_output(output: Any, hidden: list[str]) -> Any:
    """One output without hidden-test lines, scripts or active HTML; None to drop it."""
    if output.output_type == "stream":
        output.text = _scrub_text(output.text, hidden)
        return output
    if output.output_type == "error":
        output.ename = _scrub_text(str(output.ename), hidden)
        output.evalue = _scrub_text(str(output.evalue), hidden)
        output.traceback = [_ANSI.sub("", f"{output.ename}: {output.evalue}")]
        return output
    data = output.get("data", {})
    for kind in list(data):
        value = data[kind]
        if kind in _ACTIVE:
            del data[kind]
        elif kind.startswith("image/"):
            continue
        elif isinstance(value, (str, list)):
            text = _scrub_text(_joined(value), hidden)
            data[kind] = clean_html(text) if kind == "text/html" else text
        elif any(line in json.dumps(value) for line in hidden):
            del data[kind]  # structured data that quotes a hidden test
    return output if data else None


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def scrub(autograded_path: str | Path, release_nb: Mapping[str, Any],
          source_nb: Mapping[str, Any], unconfirmed: Mapping[str, str] | None = None) -> None:
    """Rewrite a graded notebook so that it shows no hidden test and runs nothing.

    * each test cell's source becomes its released (visible) version, with a note where
      hidden tests ran;
    * every output of every cell loses any line of a hidden test (a student's function
      may print the code that called it), tracebacks keep only their last line (which
      carries the diagnosis), and active content goes: scripts, widgets, SVG; HTML is
      sanitised;
    * a markdown cell the student wrote or changed is sanitised (no script, no event
      handler, no ``javascript:`` link survives);
    * each test cell gets its title (:func:`cell_titles`) for the feedback page;
    * each cell in ``unconfirmed`` (its kernel points were withdrawn) gets an error
      output saying why, with the independent check's message.

    Parameters
    ----------
    autograded_path : path
        The notebook nbgrader wrote (read-only; made writable here).
    release_nb, source_nb : dict or NotebookNode
        The student release and the instructor's source, to know what is visible.
    unconfirmed : dict of str to str, optional
        Grade id to the independent check's message.
    """
    os.chmod(autograded_path, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
    nb = nbformat.read(autograded_path, as_version=4)
    release_nb, source_nb = nbformat.from_dict(release_nb), nbformat.from_dict(source_nb)
    visible = test_cells(release_nb)
    full = test_cells(source_nb)
    hidden = hidden_lines(source_nb, release_nb)
    released_text = {c.get("id"): _text(c) for c in release_nb.cells}
    for cell in nb.cells:
        if cell.cell_type == "markdown" and released_text.get(cell.get("id")) != _text(cell):
            cell.source = clean_html(_text(cell))
        if cell.cell_type != "code":
            continue
        cell.outputs = [kept for kept in (_scrub_output(o, hidden) for o in cell.outputs)
                        if kept is not None]
    titles = cell_titles(source_nb)
    for grade_id, cell in test_cells(nb).items():
        cell.metadata["bplab"] = {"title": titles.get(grade_id, grade_id)}
        if grade_id in visible:
            shown = visible[grade_id].source
            if "BEGIN HIDDEN TESTS" in full.get(grade_id, cell).source:
                shown = shown.rstrip() + "\n" + HIDDEN_NOTE
            cell.source = shown
        if grade_id in (unconfirmed or {}):
            found = untagged(unconfirmed[grade_id]).removeprefix("CheckFailure: ")
            evalue = f"{UNCONFIRMED_NOTE} {found} [diagnosis: unconfirmed]"
            cell.outputs.insert(0, nbformat.v4.new_output(
                "error", ename="NotConfirmed", evalue=evalue,
                traceback=[f"NotConfirmed: {evalue}"]))
    nbformat.write(nb, autograded_path)
