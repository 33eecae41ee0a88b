"""A learner's progress across the course: which exercises' visible checks passed.

``bp.start_notebook`` makes every visible test cell record its outcome when it runs, with
no line in the cell (:func:`record_test_cells`); outcomes go to a small file beside the
notebooks' folders (:func:`record`, :func:`progress_file`), never while nbgrader grades.
``bp.progress()`` returns the table (HTML in a notebook, text elsewhere): for every
exercise of every notebook beside the file, whether its checks passed, with a bar per
notebook (:func:`report`).
"""

from __future__ import annotations

import os
import sys
import types

from ._hook import check_of, notebook_name, record_test_cells
from ._record import FILE_NAME, checking, load, notebooks_folder, passed, progress_file, record
from ._table import MARKS, ExerciseProgress, NotebookProgress, Progress, report

__all__ = [
    # the file, and recording
    "FILE_NAME", "notebooks_folder", "progress_file", "load", "record", "checking", "passed",
    # recording as test cells run
    "record_test_cells", "notebook_name", "check_of",
    # the table
    "MARKS", "ExerciseProgress", "NotebookProgress", "Progress", "report",
]


class _CallableModule(types.ModuleType):
    """Lets ``bp.progress()`` show the table while ``bp.progress.record`` records."""

    def __call__(self, folder: str | os.PathLike | None = None) -> Progress:
        """The progress table (:func:`report`)."""
        return report(folder)


sys.modules[__name__].__class__ = _CallableModule
