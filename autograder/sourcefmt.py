"""Read the course's authored source format and write nbgrader source notebooks.

A source assignment is one Python file in the "percent" format, readable and diffable:

.. code-block:: python

    # %% [markdown]
    # # A heading, then markdown, each line behind "# "
    # %%
    plain_code = "a demo cell"
    # %% setup id=setup
    import bplab as bp          # a read-only code cell
    # %% solution id=mse
    def mse(y_hat, t):
        ### BEGIN SOLUTION
        ...
        ### END SOLUTION
    # %% tests id=mse__value points=1
    bp.check.close(...)         # an autograded test cell; may hold hidden tests

Header words: ``setup`` (locked code), ``solution`` (an answer cell, needs ``id``),
``tests`` (an autograded test cell, needs ``id`` and ``points``); ``[markdown]`` makes
a markdown cell (with ``readonly`` it is locked). Test ids are ``<exercise>__<check>``:
the part before the double underscore names the exercise the check belongs to.
"""

import re
from dataclasses import dataclass, field

__all__ = ["Cell", "parse", "to_notebook", "exercise_of", "KERNELSPEC"]

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
_HEADER = re.compile(r"^# %%(?P<markdown> \[markdown\])?(?P<rest>.*)$")
_ID = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass
class Cell:
    """One cell of a source assignment, as written."""

    kind: str  # "markdown", "code", "setup", "solution", "tests"
    source: str
    attrs: dict = field(default_factory=dict)
    line: int = 0

    @property
    def grade_id(self):
        return self.attrs.get("id")


def exercise_of(grade_id):
    """The exercise a test id belongs to: ``"mse__value"`` -> ``"mse"``."""
    return grade_id.split("__", 1)[0]


def _parse_header(match, line_number, path):
    words = match.group("rest").split()
    kind = "markdown" if match.group("markdown") else "code"
    attrs = {}
    for word in words:
        if "=" in word:
            key, value = word.split("=", 1)
            attrs[key] = value
        elif word in ("setup", "solution", "tests") and kind == "code":
            kind = word
        elif word == "readonly" and kind == "markdown":
            attrs["readonly"] = True
        else:
            raise ValueError(f"{path}:{line_number}: unknown cell header word {word!r}")
    if kind in ("solution", "tests") and "id" not in attrs:
        raise ValueError(f"{path}:{line_number}: a {kind} cell needs id=...")
    if kind == "tests" and "points" not in attrs:
        raise ValueError(f"{path}:{line_number}: a tests cell needs points=...")
    if "id" in attrs and not _ID.match(attrs["id"]):
        raise ValueError(f"{path}:{line_number}: id {attrs['id']!r} may hold only A-Z a-z 0-9 _ -")
    return kind, attrs


def _markdown_text(lines, path, start):
    out = []
    for offset, line in enumerate(lines):
        if line == "#":
            out.append("")
        elif line.startswith("# "):
            out.append(line[2:])
        elif line.strip() == "":
            out.append("")
        else:
            raise ValueError(f"{path}:{start + offset}: markdown lines must start with '# '")
    return "\n".join(out).strip("\n")


def parse(text, path="<source>"):
    """Split source text into :class:`Cell` objects; text before the first header is ignored.

    Raises
    ------
    ValueError
        On an unknown header word, a missing or duplicated id, or a malformed markdown line,
        naming the file and line.
    """
    cells, current, body = [], None, []

    def flush():
        if current is None:
            return
        kind, attrs, line_number = current
        if kind == "markdown":
            source = _markdown_text(body, path, line_number + 1)
        else:
            source = "\n".join(body).strip("\n")
        cells.append(Cell(kind, source, attrs, line_number))

    for line_number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line)
        if match:
            flush()
            kind, attrs = _parse_header(match, line_number, path)
            current, body = (kind, attrs, line_number), []
        else:
            body.append(line)
    flush()
    seen = set()
    for cell in cells:
        if cell.grade_id in seen:
            raise ValueError(f"{path}:{cell.line}: duplicate id {cell.grade_id!r}")
        if cell.grade_id:
            seen.add(cell.grade_id)
    return cells


def _nbgrader_meta(grade_id, *, grade=False, solution=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def to_notebook(cells):
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
