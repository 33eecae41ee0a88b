"""The progress file: where a learner's check outcomes are kept, and how one is recorded.

Outcomes go to a small JSON file, :data:`FILE_NAME`, in the folder that holds the
notebooks' folders (the kernel runs in a notebook's own folder, ``NN_name/``). Nothing is
recorded while nbgrader grades, nor when ``BPLAB_PROGRESS=off``, nor under a folder named
``results``; recording never raises and never prints, so it cannot change a check's
outcome. A missing or corrupt file reads as no progress. The file always holds the
outcome of each check's last run.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from ..course import grading

__all__ = ["FILE_NAME", "notebooks_folder", "progress_file", "load", "record", "checking",
           "passed"]

FILE_NAME = ".bplab-progress.json"
_NOTEBOOK = re.compile(r"^\d\d_\w+$")


def notebooks_folder(folder: str | os.PathLike | None = None) -> Path:
    """The folder that holds the notebooks' folders.

    Parameters
    ----------
    folder : path, optional
        Where to start; by default the working directory, which JupyterLab sets to the
        notebook's own folder (``NN_name``), so that is stepped out of.

    Examples
    --------
    >>> notebooks_folder("/course/notebooks/01_loss_functions").as_posix()
    '/course/notebooks'
    >>> notebooks_folder("/course/notebooks").as_posix()
    '/course/notebooks'
    """
    where = Path(os.getcwd() if folder is None else folder)
    return where.parent if _NOTEBOOK.match(where.name) else where


def progress_file(folder: str | os.PathLike | None = None) -> Path | None:
    """Where progress is kept, or None where it must not be.

    Parameters
    ----------
    folder : path, optional
        The folder to start from; by default the working directory, which JupyterLab
        sets to the notebook's folder.

    Returns
    -------
    Path or None
        ``<notebooks folder>/.bplab-progress.json``: a notebook's folder (``NN_name``)
        is stepped out of. None under a folder named ``results`` or when the
        environment sets ``BPLAB_PROGRESS=off``.

    Examples
    --------
    >>> progress_file("/course/notebooks/01_loss_functions").as_posix()
    '/course/notebooks/.bplab-progress.json'
    >>> progress_file("/grading/results/01_loss_functions") is None
    True
    """
    if os.environ.get("BPLAB_PROGRESS", "").lower() == "off":
        return None
    where = notebooks_folder(folder)
    if "results" in where.parts:
        return None
    return where / FILE_NAME


def load(path: str | os.PathLike | None) -> dict[str, dict[str, dict]]:
    """The recorded outcomes, ``{notebook: {check: {"passed": bool, "when": str}}}``.

    A missing, unreadable or corrupt file, or one of another shape, reads as ``{}``;
    entries of another shape are left out.

    Examples
    --------
    >>> load("/no/such/folder/.bplab-progress.json")
    {}
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))["notebooks"]
    except (OSError, TypeError, ValueError, KeyError):
        return {}
    if not isinstance(data, dict):
        return {}
    kept = {notebook: {check: outcome for check, outcome in checks.items()
                       if isinstance(outcome, dict) and isinstance(outcome.get("passed"), bool)}
            for notebook, checks in data.items() if isinstance(checks, dict)}
    return {notebook: checks for notebook, checks in kept.items() if checks}


def record(notebook: str, check: str, passed: bool, *,
           folder: str | os.PathLike | None = None) -> bool:
    """Record the outcome of one check; return whether it was written.

    Parameters
    ----------
    notebook : str
        The notebook's name, e.g. ``"01_loss_functions"``.
    check : str
        The test cell's id, ``<exercise>__<check>``.
    passed : bool
        Its outcome.
    folder : path, optional
        Where to start looking for the file (see :func:`progress_file`).

    Returns
    -------
    bool
        False while nbgrader grades, where nothing may be recorded, or when the file
        cannot be written (a read-only folder): recording never raises.

    Examples
    --------
    >>> folder = tempfile.mkdtemp()
    >>> record("01_loss_functions", "mse__value", True, folder=folder)
    True
    >>> load(progress_file(folder))["01_loss_functions"]["mse__value"]["passed"]
    True
    """
    path = None if grading() else progress_file(folder)
    if path is None:
        return False
    data = load(path)
    when = datetime.now(timezone.utc).isoformat(timespec="seconds")
    data.setdefault(str(notebook), {})[str(check)] = {"passed": bool(passed), "when": when}
    scratch = None
    try:
        handle, scratch = tempfile.mkstemp(prefix=FILE_NAME, suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"version": 1, "notebooks": data}, out, indent=1, sort_keys=True)
        os.chmod(scratch, 0o644)  # an ordinary file, not mkstemp's private one
        os.replace(scratch, path)  # atomic: a reader sees the old file or the new one
    except OSError:
        if scratch is not None:
            with contextlib.suppress(OSError):
                os.unlink(scratch)
        return False
    return True


def checking(notebook: str, check: str) -> None:
    """Record a check as failed until :func:`passed` says otherwise.

    Test cells of notebooks built by earlier releases of the course open with this call
    (now :func:`bplab.progress.record_test_cells` records without a line in the cell), so
    it stays for them.
    """
    record(notebook, check, False)


def passed(notebook: str, check: str) -> None:
    """Record a check as passed: the closing line of test cells built by earlier releases."""
    record(notebook, check, True)
