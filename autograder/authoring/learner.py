"""What the build adds to the authored notebooks for the learner, from one source of truth.

The sources hold only what their authors write. From the course order (the ``NN_name``
folders of ``source/``) and the notebooks' headers, the build adds:

* to every notebook, a navigation line (course map, previous, next) under its title and
  at its end (:func:`with_navigation`);
* to the start page, the course map table in place of :data:`MAP_MARKER`.

Test cells are left as written: they hold only their checks. Their outcomes reach the
learner's progress file through the cell ids that :func:`.sourcefmt.to_notebook` gives
them, their grade ids, which ``bp.start_notebook`` watches (:mod:`bplab.progress`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .. import REPO_ROOT, SOURCE_DIR, START, notebooks
from .coursemap import Header, header, map_table, navigation, readme_table
from .sourcefmt import Cell, parse

__all__ = ["MAP_MARKER", "source_cells", "headers", "with_navigation", "course_cells",
           "readme_map"]

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


def with_navigation(cells: list[Cell], line: str) -> list[Cell]:
    """Put ``line`` under the first heading of the first markdown cell, and at the end.

    The end is the last markdown cell (after a rule), when it is not the first one.

    Examples
    --------
    >>> cells = with_navigation([Cell("markdown", "# Title\\n\\nText."), Cell("code", "x = 1"),
    ...                          Cell("markdown", "The end.")], "[Map](map.ipynb)")
    >>> [cell.source for cell in cells]  # doctest: +NORMALIZE_WHITESPACE
    ['# Title\\n\\n[Map](map.ipynb)\\n\\nText.', 'x = 1',
     'The end.\\n\\n---\\n\\n[Map](map.ipynb)']
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
        if cell.kind == "markdown" and MAP_MARKER in cell.source:
            cell.source = cell.source.replace(MAP_MARKER, map_table(
                [h for h in course if h.name != START]))
    return cells


def readme_map(course: list[Header] | None = None) -> str:
    """The README's course map table, from the graded notebooks' headers."""
    return readme_table([h for h in (course or headers()) if h.name != START])
