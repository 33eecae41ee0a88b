"""Where a graded submission's files go: the run's output folder and the course root.

Only the instructor's process writes here, from what workers sent back as data. Every
file is written to a new temporary name and renamed into place, so a reader (or a run
that was killed) sees the old file or the new one, never half of one.

Under the output folder (``--out``):

* ``results/<assignment>/<student>.json``: the result (:mod:`.results`);
* ``feedback/<student>/<assignment>.html``: the page for the student;
* ``autograded/<student>/<assignment>.ipynb``: the graded notebook, scrubbed (no hidden
  test, nothing active), for the instructor.

In the instructor's nbgrader course root, where formgrader and ``nbgrader
release_feedback`` look: ``autograded/<student>/<a>/<a>.ipynb`` and
``feedback/<student>/<a>/`` with the page, ``timestamp.txt`` and
``submission_secret.txt`` (nbgrader's own when the submission came through its exchange,
otherwise new ones), which ``release_feedback`` needs beside each page.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from .results import SubmissionResult, write_result
from .worker import Graded

__all__ = ["write_text", "save", "publish"]


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (see the module docstring)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(scratch, 0o644)
    os.replace(scratch, path)
    return path


def save(out: str | Path, result: SubmissionResult, graded: Graded) -> None:
    """Write one submission's result, feedback page and graded notebook under ``out``."""
    out = Path(out)
    name, student = result.assignment, result.student
    feedback = out / "feedback" / student / f"{name}.html"
    notebook = out / "autograded" / student / f"{name}.ipynb"
    for path, text in ((feedback, graded.feedback), (notebook, graded.notebook)):
        if text is not None:
            write_text(path, text)
        else:
            path.unlink(missing_ok=True)  # an older run's file would be another submission's
    write_result(out, result)


def _nbgrader_timestamp(result: SubmissionResult) -> str:
    if result.timestamp:
        return result.timestamp
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z")


def publish(out: str | Path, course_root: str | Path, result: SubmissionResult,
            secret: str | None = None) -> None:
    """Copy one submission's graded notebook and feedback into ``course_root``."""
    out, course_root = Path(out), Path(course_root)
    name, student = result.assignment, result.student
    notebook = out / "autograded" / student / f"{name}.ipynb"
    page = out / "feedback" / student / f"{name}.html"
    graded_folder = course_root / "autograded" / student / name
    feedback_folder = course_root / "feedback" / student / name
    if notebook.exists():
        write_text(graded_folder / f"{name}.ipynb", notebook.read_text())
    if page.exists():
        kept = feedback_folder / "submission_secret.txt"
        secret = secret or (kept.read_text().strip() if kept.is_file() else None)
        write_text(feedback_folder / f"{name}.html", page.read_text())
        write_text(feedback_folder / "timestamp.txt", _nbgrader_timestamp(result))
        write_text(feedback_folder / "submission_secret.txt", secret or secrets.token_hex(64))
        for folder in (graded_folder,):
            write_text(folder / "timestamp.txt", _nbgrader_timestamp(result))
