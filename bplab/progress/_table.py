"""The progress table: every exercise of every notebook, and whether its checks passed.

The notebooks are found beside the progress file (``NN_name/NN_name.ipynb``); each one's
exercises are read from its graded cells' nbgrader metadata (ids ``<exercise>__<check>``)
and named after its exercise headings. :func:`report` joins them with the outcomes
:mod:`bplab.progress` recorded; ``bp.progress()`` shows the result.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from ._record import load, notebooks_folder, progress_file

__all__ = ["MARKS", "ExerciseProgress", "NotebookProgress", "Progress", "report"]

_TITLE = re.compile(r"^# +(.+?)\s*$", re.MULTILINE)
_HEADING = re.compile(r"^#+ +(.*?)\s*\(\d+ points?\)\s*$", re.MULTILINE)
# How each status shows, in the table and in its legend.
MARKS = {"passed": "\u2713", "failed": "\u2717", "started": "\u25d0", "not run": "\u00b7"}


@dataclass
class ExerciseProgress:
    """One exercise: its checks and how many of them passed or failed when last run."""

    exercise: str
    label: str
    checks: int
    passed: int
    failed: int

    @property
    def status(self) -> str:
        """``"passed"``, ``"failed"``, ``"started"`` (some checks not run) or ``"not run"``."""
        if self.failed:
            return "failed"
        if self.passed >= self.checks:
            return "passed"
        return "started" if self.passed else "not run"


@dataclass
class NotebookProgress:
    """One notebook and its exercises, in the order the notebook sets them."""

    name: str
    title: str
    exercises: list[ExerciseProgress]

    @property
    def done(self) -> int:
        """How many exercises passed every check."""
        return sum(e.status == "passed" for e in self.exercises)


def _bar(done: int, total: int, width: int = 10) -> str:
    """``done`` of ``total`` as a bar of block characters.

    Examples
    --------
    >>> _bar(2, 5)
    '████░░░░░░'
    """
    full = round(width * done / total) if total else 0
    return "\u2588" * full + "\u2591" * (width - full)


def _checks(e: ExerciseProgress) -> str:
    noun = "check" if e.checks == 1 else "checks"
    failed = f", {e.failed} failed" if e.failed else ""
    return f"{e.passed} of {e.checks} {noun} passed{failed}"


@dataclass
class Progress:
    """The progress table; shows as HTML in a notebook and as text elsewhere."""

    notebooks: list[NotebookProgress]
    path: Path | None

    def __str__(self) -> str:
        lines = []
        for nb in self.notebooks:
            total = len(nb.exercises)
            lines.append(f"{nb.title}  {_bar(nb.done, total)} {nb.done} of {total} exercises")
            lines += [f"  {MARKS[e.status]} {e.label}: {_checks(e)}" for e in nb.exercises]
        return "\n".join(lines) or "No notebooks found beside the progress file."

    __repr__ = __str__

    def _repr_html_(self) -> str:
        left = 'style="text-align:left"'
        rows = []
        for nb in self.notebooks:
            total, name = len(nb.exercises), escape(nb.name)
            rows.append(f'<tr data-notebook="{name}"><th {left}>{escape(nb.title)}</th>'
                        f'<td {left}><span style="font-family:monospace">'
                        f"{_bar(nb.done, total)}</span> {nb.done} of {total} exercises</td></tr>")
            rows += [f'<tr data-notebook="{name}" data-exercise="{escape(e.exercise)}" '
                     f'data-status="{e.status}"><td style="text-align:left;padding-left:1.5em">'
                     f"{MARKS[e.status]} {escape(e.label)}</td><td {left}>{_checks(e)}</td></tr>"
                     for e in nb.exercises]
        # the file's name, not its full path: the same on every machine and in the build
        kept = (f" Kept in <code>{escape(self.path.name)}</code>, in the folder that holds the "
                "notebooks." if self.path else "")
        legend = (f"{MARKS['passed']} every check passed, {MARKS['failed']} a check failed, "
                  f"{MARKS['started']} some checks not run yet, {MARKS['not run']} not tried.")
        return (f'<div class="bplab-progress"><table>{"".join(rows)}</table>'
                f"<p>{legend}{kept}</p></div>")


def _exercises(nb: dict) -> list[tuple[str, str, list[str]]]:
    """``(exercise, label, check ids)`` of a notebook's JSON, from its graded cells.

    Labels are the exercise headings, which end in their points, in order; the ids stand
    in when the headings and the exercises do not pair up.
    """
    checks: dict[str, list[str]] = {}
    headings = []
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "markdown":
            headings += _HEADING.findall("".join(cell.get("source", "")))
        elif meta.get("grade") and isinstance(meta.get("grade_id"), str):
            checks.setdefault(meta["grade_id"].split("__", 1)[0], []).append(meta["grade_id"])
    labels = headings if len(headings) == len(checks) else list(checks)
    return [(exercise, label, ids) for (exercise, ids), label in zip(checks.items(), labels)]


def _title(nb: dict, name: str) -> str:
    """The first heading of the notebook's first markdown cell, or its name."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            found = _TITLE.search("".join(cell.get("source", "")))
            return found.group(1) if found else name
    return name


def _notebook_files(where: Path) -> dict[str, dict]:
    """``{name: notebook JSON}`` for every readable ``NN_name/NN_name.ipynb`` in ``where``."""
    found = {}
    for file in sorted(where.glob("[0-9][0-9]_*/[0-9][0-9]_*.ipynb")):
        if file.stem == file.parent.name:
            try:
                found[file.stem] = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
    return found


def report(folder: str | os.PathLike | None = None) -> Progress:
    """The progress of every notebook beside the progress file.

    Parameters
    ----------
    folder : path, optional
        Where to start looking (see :func:`progress_file`).

    Returns
    -------
    Progress
        A :class:`NotebookProgress` for each ``NN_name/NN_name.ipynb`` with graded cells,
        in course order, and for each notebook with recorded checks but no file.

    Examples
    --------
    >>> import tempfile
    >>> report(tempfile.mkdtemp()).notebooks
    []
    """
    path = progress_file(folder)
    where = notebooks_folder(folder)
    recorded = load(path) if path else {}
    found = _notebook_files(where)
    notebooks = []
    for name in sorted(set(found) | set(recorded)):
        outcomes = recorded.get(name, {})
        exercises = _exercises(found.get(name, {})) or [
            (exercise, exercise, [c for c in outcomes if c.split("__", 1)[0] == exercise])
            for exercise in dict.fromkeys(c.split("__", 1)[0] for c in outcomes)]
        rows = []
        for exercise, label, ids in exercises:
            mine = [outcomes[c]["passed"] for c in ids if c in outcomes]
            rows.append(ExerciseProgress(exercise, label, len(ids), sum(mine),
                                         len(mine) - sum(mine)))
        if rows:
            notebooks.append(NotebookProgress(name, _title(found.get(name, {}), name), rows))
    return Progress(notebooks, path)


