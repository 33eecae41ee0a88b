"""Record each test cell's outcome as it runs, with no line in the cell.

:func:`record_test_cells` (called by ``bp.start_notebook``) adds a ``post_run_cell``
callback to IPython. JupyterLab sends the id of the cell it runs, and IPython hands it on
(``info.cell_id``); the course build gives every graded test cell its nbgrader
``grade_id``, ``<exercise>__<check>``, as its cell id, and no other cell an id with a
double underscore. So a cell whose id has one is a test cell, and the id is its check: the
callback records it as passed when the cell ran without an error, as failed otherwise.

The notebook's name, the first key of the progress file, is the ``NN_name`` folder of the
notebook that ``bp.start_notebook(NN)`` opened: the kernel's working folder in JupyterLab,
or one beside it. Nothing is recorded where no such folder is found, while nbgrader grades,
or once no notebook is open (:func:`bplab.course.close_notebook`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from ..course import current_notebook, grading
from ._record import notebooks_folder, record

__all__ = ["record_test_cells", "notebook_name", "check_of"]

_CHECK = re.compile(r"^[A-Za-z0-9_-]+__[A-Za-z0-9_-]+$")


def check_of(cell_id: str | None) -> str | None:
    """The check a cell id names, or None for a cell that is no test cell.

    Examples
    --------
    >>> check_of("mse__value"), check_of("c003-code"), check_of(None)
    ('mse__value', None, None)
    """
    return cell_id if isinstance(cell_id, str) and _CHECK.match(cell_id) else None


def notebook_name(number: int, folder: str | os.PathLike | None = None) -> str | None:
    """The ``NN_name`` of notebook ``number``: ``folder`` itself, or one folder beside it.

    Parameters
    ----------
    number : int
        The notebook's number, as given to ``bp.start_notebook``.
    folder : path, optional
        The kernel's working folder by default.

    Returns
    -------
    str or None
        None when neither ``folder`` nor exactly one folder in the notebooks' folder is
        named ``NN_...``.

    Examples
    --------
    >>> notebook_name(5, "/course/notebooks/05_delta_rules")
    '05_delta_rules'
    >>> notebook_name(6, "/course/notebooks/05_delta_rules") is None
    True
    """
    where = Path(os.getcwd() if folder is None else folder)
    named = re.compile(rf"^{number:02d}_\w+$")
    if named.match(where.name):
        return where.name
    try:
        beside = [p.name for p in notebooks_folder(where).iterdir()
                  if p.is_dir() and named.match(p.name)]
    except OSError:
        return None
    return beside[0] if len(beside) == 1 else None


def _after_cell(result: Any) -> None:
    """IPython's ``post_run_cell`` callback: record a test cell's outcome."""
    # A callback that raised would print a traceback under the student's cell.
    try:
        check = check_of(getattr(result.info, "cell_id", None))
        number = current_notebook()
        if check is None or number is None or grading():
            return
        name = notebook_name(number)
        if name is not None:
            record(name, check, bool(result.success))
    except Exception:  # noqa: BLE001 - recording must never change what a cell shows
        return


def record_test_cells() -> bool:
    """From now on, record the outcome of every test cell the notebook runs.

    Returns
    -------
    bool
        False outside IPython (a plain Python process, nbgrader's independent check) and
        while nbgrader grades: nothing is recorded there. Calling it again adds no second
        callback.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or grading():
        return False
    if _after_cell not in shell.events.callbacks["post_run_cell"]:
        shell.events.register("post_run_cell", _after_cell)
    return True
