"""What the build adds to the authored notebooks for the learner, from one source of truth.

The sources hold only what their authors write. From the course order (the ``NN_name``
folders of ``source/``) and the notebooks' headers, the build adds:

* to every notebook, a navigation line (course map, previous, next) under its title and
  at its end (:func:`with_navigation`);
* to every graded test cell, a first and a last line that record the check's outcome in
  the learner's progress file (:func:`with_progress`; see :mod:`bplab.progress`), added
  before nbgrader sees the cell, so that nbgrader's checksum covers them;
* to the start page, the course map table in place of :data:`MAP_MARKER`.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable

from .. import REPO_ROOT, SOURCE_DIR, START, notebooks
from .coursemap import Header, header, map_table, navigation, readme_table
from .sourcefmt import Cell, parse

__all__ = ["MAP_MARKER", "source_cells", "headers", "with_progress", "with_navigation",
           "course_cells", "readme_map"]

MAP_MARKER = "<!-- course-map -->"  # the start page's placeholder for the course map table
_FIRST_HEADING = re.compile(r"^# .*$", re.MULTILINE)


def source_cells(name: str) -> list[Cell]:
    """The authored cells of notebook ``name`` (``source/<name>/<name>.py``)."""
    source_file = SOURCE_DIR / name / f"{name}.py"
    return parse(source_file.read_text(), path=str(source_file.relative_to(REPO_ROOT)))


def headers(names: Iterable[str] | None = None) -> list[Header]:
    """The :class:`~.coursemap.Header` of each notebook (all of them by default), in order."""
    found = []
    for name in names or notebooks():
        first = next((c.source for c in source_cells(name) if c.kind == "markdown"), "")
        found.append(header(name, first))
    return found


def with_progress(source: str, notebook: str, grade_id: str | None) -> str:
    """A test cell that records its outcome: a failure first, a pass at its end.

    The first line goes after the cell's docstring (its title in feedback); the last line
    runs only when every assertion above it passed. Both do nothing under nbgrader.

    Examples
    --------
    >>> print(with_progress("'''f works.'''\\nassert f(1) == 1", "01_x", "f__one"))
    '''f works.'''
    bp.progress.checking("01_x", "f__one")
    assert f(1) == 1
    bp.progress.passed("01_x", "f__one")
    """
    lines = source.rstrip("\n").splitlines()
    try:
        body = ast.parse(source).body
    except SyntaxError:
        body = []
    opens_with_docstring = (body and isinstance(body[0], ast.Expr)
                            and isinstance(body[0].value, ast.Constant)
                            and isinstance(body[0].value.value, str))
    at = body[0].end_lineno if opens_with_docstring else 0
    call = f"({json.dumps(notebook)}, {json.dumps(grade_id)})"
    return "\n".join(lines[:at] + [f"bp.progress.checking{call}"] + lines[at:]
                     + [f"bp.progress.passed{call}"])


def with_navigation(cells: list[Cell], line: str) -> list[Cell]:
    """Put ``line`` under the first heading of the first markdown cell, and at the end.

    The end is the last markdown cell (after a rule), when it is not the first one.
    """
    markdown = [c for c in cells if c.kind == "markdown"]
    if not line or not markdown:
        return cells
    first = _FIRST_HEADING.search(markdown[0].source)
    at = first.end() if first else 0
    markdown[0].source = f"{markdown[0].source[:at]}\n\n{line}{markdown[0].source[at:]}"
    if len(markdown) > 1:
        markdown[-1].source = f"{markdown[-1].source.rstrip()}\n\n---\n\n{line}"
    return cells


def course_cells(name: str, course: list[Header] | None = None) -> list[Cell]:
    """The cells of notebook ``name`` as the course ships them.

    ``course`` is every notebook's header in course order (read from source/ if not given).
    """
    course = course or headers()
    cells = with_navigation(source_cells(name), navigation(course, name, START))
    for cell in cells:
        if cell.kind == "tests":
            cell.source = with_progress(cell.source, name, cell.grade_id)
        elif cell.kind == "markdown" and MAP_MARKER in cell.source:
            cell.source = cell.source.replace(MAP_MARKER, map_table(
                [h for h in course if h.name != START]))
    return cells


def readme_map(course: list[Header] | None = None) -> str:
    """The README's course map table, from the graded notebooks' headers."""
    return readme_table([h for h in (course or headers()) if h.name != START])
