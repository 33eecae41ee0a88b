"""Read the course's authored source format and write nbgrader source notebooks.

A source assignment is one Python file in jupytext's "percent" format, readable and
diffable, which JupyterLab opens as a notebook where jupytext is installed:

.. code-block:: python

    # %% [markdown] readonly
    # # A heading, then markdown, each line behind "# "
    # %%
    plain_code = "a demo cell"
    # %% setup id="setup"
    import bplab as bp          # a read-only code cell
    # %% solution id="mse"
    def mse(y_hat, t):
        ### BEGIN SOLUTION
        ...
        ### END SOLUTION
    # %% tests id="mse__value" points=1
    bp.checks.close(...)        # an autograded test cell; may hold hidden tests

jupytext reads the cells; this module maps them to nbgrader's metadata. The word after
``%%`` (jupytext's cell title) is the cell's role: ``setup`` (locked code), ``solution``
(an answer cell, needs ``id``), ``tests`` (an autograded test cell, needs ``id`` and
``points``); ``timing`` is a plain code cell whose output measures the machine it runs on
(the build keeps its source and leaves its output out of the committed solution);
``[markdown] readonly`` is locked markdown. Test ids are
``<exercise>__<check>``: the part before the double underscore names the exercise, and
no other cell's id holds a double underscore, so a cell id says whether it is a test cell
(the learner's progress is recorded by cell id, see :mod:`bplab.progress`).
Comment lines before the first cell describe the file and are not part of the notebook.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

__all__ = ["Cell", "parse", "to_notebook", "KERNELSPEC", "TIMING_TAG"]

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
# the tag of a cell whose output is a measurement of the machine, not of the course
TIMING_TAG = "timing"
_HEADER = re.compile(r"^# %%")
_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_ROLES = {"code": {"", "setup", "solution", "tests", "timing"}, "markdown": {"", "readonly"}}
# jupytext's own bookkeeping of blank lines between cells, not part of the course's format
_LAYOUT = {"lines_to_next_cell", "cell_marker"}


@dataclass
class Cell:
    """One cell of a source assignment, as written."""

    kind: str  # "markdown", "code", "setup", "solution", "tests"
    source: str
    attrs: dict = field(default_factory=dict)
    line: int = 0

    @property
    def grade_id(self) -> str | None:
        return self.attrs.get("id")


def _cell(nb_cell, line, path):
    """A :class:`Cell` from one jupytext cell that starts at ``line``."""
    metadata = {k: v for k, v in nb_cell.metadata.items() if k not in _LAYOUT}
    role = metadata.pop("title", "")
    where = f"{path}:{line}"
    if nb_cell.cell_type not in _ROLES or role not in _ROLES[nb_cell.cell_type]:
        raise ValueError(f"{where}: unknown cell header word {role or nb_cell.cell_type!r}")
    attrs = {}
    if "id" in metadata:
        attrs["id"] = str(metadata.pop("id"))
        if not _ID.match(attrs["id"]):
            raise ValueError(f"{where}: id {attrs['id']!r} may hold only A-Z a-z 0-9 _ -")
    if "points" in metadata:
        attrs["points"] = metadata.pop("points")
    if metadata:
        raise ValueError(f"{where}: unknown cell header word {sorted(metadata)[0]!r}")
    if role == "readonly":
        attrs["readonly"] = True
    if role == "timing":
        attrs["timing"] = True
    if role in ("solution", "tests") and "id" not in attrs:
        raise ValueError(f"{where}: a {role} cell needs id=\"...\"")
    if (role == "tests") != ("__" in attrs.get("id", "")):
        raise ValueError(f"{where}: a tests cell's id is <exercise>__<check>, and only a tests "
                         f"cell's id holds a double underscore; got {attrs.get('id')!r}")
    if role == "tests" and "points" not in attrs:
        raise ValueError(f"{where}: a tests cell needs points=...")
    plain = role in ("", "readonly", "timing")
    kind = "markdown" if nb_cell.cell_type == "markdown" else "code" if plain else role
    return Cell(kind, nb_cell.source, attrs, line)


def _markdown_lines_are_comments(text, path):
    """jupytext would read an uncommented line in a markdown cell as code: refuse it."""
    in_markdown = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _HEADER.match(line):
            in_markdown = "[markdown]" in line
        elif in_markdown and line.strip() and not (line == "#" or line.startswith("# ")):
            raise ValueError(f"{path}:{number}: markdown lines must start with '# '")


def parse(text: str, path: str = "<source>") -> list[Cell]:
    """Split source text into :class:`Cell` objects with jupytext.

    The cells are the caller's to change: each call returns new ones. A build reads each
    source several times, so a text already read is not read by jupytext again.

    Raises
    ------
    ValueError
        On an unknown header word, a missing or duplicated id, or a malformed markdown line,
        naming the file and line.
    """
    return [replace(cell, attrs=dict(cell.attrs)) for cell in _parsed(text, path)]


@functools.lru_cache(maxsize=64)
def _parsed(text: str, path: str) -> tuple[Cell, ...]:
    import jupytext  # here, not at the top: only the course build reads sources

    _markdown_lines_are_comments(text, path)
    starts = [n for n, line in enumerate(text.splitlines(), start=1) if _HEADER.match(line)]
    nb_cells = jupytext.reads(text, fmt="py:percent").cells
    if len(nb_cells) > len(starts):  # the file's opening comment, before the first cell
        nb_cells = nb_cells[len(nb_cells) - len(starts):]
    cells = [_cell(nb_cell, line, path) for nb_cell, line in zip(nb_cells, starts)]
    seen = set()
    for cell in cells:
        if cell.grade_id in seen:
            raise ValueError(f"{path}:{cell.line}: duplicate id {cell.grade_id!r}")
        if cell.grade_id:
            seen.add(cell.grade_id)
    return tuple(cells)


def _nbgrader_meta(grade_id, *, grade=False, solution=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def to_notebook(cells: Iterable[Cell]) -> nbformat.NotebookNode:
    """Build an nbgrader source notebook (nbformat 4.5, deterministic cell ids)."""
    import nbformat  # here, not at the top: its validator's imports cost a second

    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(KERNELSPEC),
                   "language_info": {"name": "python", "pygments_lexer": "ipython3"}}
    for index, cell in enumerate(cells):
        cell_id = cell.grade_id or f"c{index:03d}-{cell.kind}"
        if cell.kind == "markdown":
            nb_cell = nbformat.v4.new_markdown_cell(cell.source, id=cell_id)
            if cell.attrs.get("readonly"):
                nb_cell.metadata["nbgrader"] = _nbgrader_meta(cell_id, locked=True)
        else:
            nb_cell = nbformat.v4.new_code_cell(cell.source, id=cell_id)
            if cell.attrs.get("timing"):
                nb_cell.metadata["tags"] = [TIMING_TAG]
            if cell.kind == "setup":
                nb_cell.metadata["nbgrader"] = _nbgrader_meta(cell_id, locked=True)
            elif cell.kind == "solution":
                nb_cell.metadata["nbgrader"] = _nbgrader_meta(cell_id, solution=True)
            elif cell.kind == "tests":
                points = float(cell.attrs["points"])
                nb_cell.metadata["nbgrader"] = _nbgrader_meta(cell_id, grade=True, locked=True,
                                                              points=points)
        nb.cells.append(nb_cell)
    nbformat.validate(nb)
    return nb
