"""Find a class's submissions in a folder, trusting nothing in it.

Accepted layouts, one folder per student (the folder's name is the student's id)::

    SUBMISSIONS/<student>/<assignment>.ipynb
    SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb      (nbgrader's own layout)

nbgrader's ``submitted/`` folder (after ``nbgrader collect``) is the second layout, with
nbgrader's ``timestamp.txt`` and ``submission_secret.txt`` beside each notebook: they are
read (when they are what nbgrader writes) and kept with the submission. The pages the
course hands out beside each notebook (the course map and the notation) come back with it
and are left alone.

The folder is hostile: a symbolic link anywhere is refused and never followed, only
regular files are read, each at most :data:`MAX_NOTEBOOK` bytes, and each is read once,
here, so what is graded is what was checked. Anything that cannot be graded becomes a
:class:`Problem` and is skipped; it never stops the others, and no problem quotes a file's
contents.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Submission", "Problem", "collect", "read_regular", "MAX_NOTEBOOK"]

MAX_NOTEBOOK = 32 << 20
"""The largest notebook graded, in bytes (a notebook with many pictures is a few MB)."""

_STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_SECRET = re.compile(r"^[0-9a-f]{8,128}$")
_TIMESTAMP = re.compile(r"^[0-9A-Za-z :.+\-/]{8,64}$")  # then parsed as nbgrader does
_NBGRADER_FILES = ("timestamp.txt", "submission_secret.txt")
# What nbgrader hands out beside each notebook, back in a submission: not a problem.
_RELEASED_PAGES = ("course-map.md", "notation.md", "lectures.md")


@dataclass(frozen=True)
class Submission:
    """One student's notebook for one assignment, as read from the folder."""

    student: str
    assignment: str
    path: Path  # where it was found (for messages; never read again)
    data: bytes
    timestamp: str | None = None
    secret: str | None = None


@dataclass(frozen=True)
class Problem:
    """Something in the submissions folder that will not be graded, and why."""

    where: str
    reason: str


class _Refused(Exception):
    """A file that is not read; the message says why, without its contents."""


def read_regular(path: Path, limit: int = MAX_NOTEBOOK) -> bytes:
    """The bytes of ``path``, which must be a regular file (never a link) of ``limit`` bytes
    at most.

    Raises
    ------
    _Refused
        Otherwise, with the reason in words.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        if os.path.islink(path):
            raise _Refused("a symbolic link; refused, never followed") from None
        raise _Refused(f"cannot be read ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _Refused("not a regular file; refused")
        if info.st_size > limit:
            raise _Refused(f"{info.st_size} bytes, over the limit of {limit} bytes")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise _Refused(f"over the limit of {limit} bytes")
        return data
    finally:
        os.close(fd)


def _notebook_problem(data: bytes) -> str | None:
    """Why ``data`` is no notebook to grade, in words that quote none of it; None if it is."""
    try:
        nb = json.loads(data)
    except UnicodeDecodeError:
        return "not a readable notebook (it is not text)"
    except json.JSONDecodeError as error:
        return f"not a readable notebook (invalid JSON at line {error.lineno}, column {error.colno})"
    except RecursionError:
        return "not a readable notebook (nested too deeply)"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return "not a notebook (JSON without a list of cells)"
    import nbformat

    try:
        nbformat.validate(nbformat.from_dict(nb))
    except Exception as error:  # the schema's message may quote the file: name the type only
        return f"not a valid notebook ({type(error).__name__})"
    if not nb["cells"]:
        return "the notebook has no cells"
    return None


def _entries(folder: Path) -> list[os.DirEntry]:
    with os.scandir(folder) as found:
        return sorted((e for e in found if not e.name.startswith(".")), key=lambda e: e.name)


def _walk(folder: Path, where: str, problems: list[Problem]) -> list[tuple[Path, str]]:
    """Every regular file below ``folder`` (as path, shown name); links become problems."""
    files = []
    for entry in _entries(folder):
        shown = f"{where}/{entry.name}"
        if entry.is_symlink():
            problems.append(Problem(shown, "a symbolic link; refused, never followed"))
        elif entry.is_dir(follow_symlinks=False):
            if entry.name != ".ipynb_checkpoints":
                files += _walk(Path(entry.path), shown, problems)
        elif entry.is_file(follow_symlinks=False):
            files.append((Path(entry.path), shown))
        else:
            problems.append(Problem(shown, "not a regular file; refused"))
    return files


def _nbgrader_file(path: Path, pattern: re.Pattern[str]) -> str | None:
    """The text of one of nbgrader's own files, if it is what nbgrader writes; else None."""
    try:
        text = read_regular(path, 4096).decode("ascii").strip()
    except (_Refused, UnicodeDecodeError):
        return None
    if not pattern.match(text):
        return None
    if pattern is _TIMESTAMP:
        from nbgrader.utils import parse_utc

        try:
            parse_utc(text)
        except (ValueError, OverflowError):
            return None
    return text


def collect(folder: str | Path,
            assignments: Iterable[str]) -> tuple[list[Submission], list[Problem]]:
    """List gradable submissions and problems in ``folder``.

    Parameters
    ----------
    folder : path
        One sub-folder per student.
    assignments : iterable of str
        Assignment names that may be graded.

    Returns
    -------
    submissions : list of Submission
        Sorted by assignment, then student.
    problems : list of Problem
    """
    folder = Path(folder)
    known = set(assignments)
    found: dict[tuple[str, str], Submission] = {}
    problems: list[Problem] = []
    for entry in _entries(folder):
        where = entry.name
        if entry.is_symlink():
            problems.append(Problem(where, "a symbolic link; refused, never followed"))
            continue
        if not entry.is_dir(follow_symlinks=False):
            problems.append(Problem(where, "expected a folder per student; found a file"))
            continue
        if not _STUDENT_ID.match(entry.name):
            problems.append(Problem(where, "the folder name is not a usable student id "
                                           "(letters, digits, _ . @ - only)"))
            continue
        files = _walk(Path(entry.path), where, problems)
        notebooks = [(p, shown) for p, shown in files if p.suffix == ".ipynb"]
        for path, shown in files:
            if path.suffix != ".ipynb" and not (
                    path.name in (*_NBGRADER_FILES, *_RELEASED_PAGES)
                    and path.parent.name in known):
                problems.append(Problem(shown, "not a notebook; ignored (files beside a "
                                               "notebook are not used in grading)"))
        if not notebooks:
            problems.append(Problem(where, "no notebook found"))
        for path, shown in notebooks:
            if path.stem not in known:
                problems.append(Problem(shown, "the file name is no assignment of this course "
                                        f"(expected one of: {', '.join(sorted(known))})"))
                continue
            try:
                data = read_regular(path)
            except _Refused as refused:
                problems.append(Problem(shown, str(refused)))
                continue
            reason = _notebook_problem(data)
            if reason:
                problems.append(Problem(shown, reason))
                continue
            key = (path.stem, entry.name)
            if key in found:
                problems.append(Problem(shown, "a second copy of the same assignment; "
                                        f"graded {found[key].path.relative_to(folder)} instead"))
                continue
            nbgrader_layout = path.parent.name == path.stem
            found[key] = Submission(
                entry.name, path.stem, path, data,
                timestamp=(_nbgrader_file(path.parent / "timestamp.txt", _TIMESTAMP)
                           if nbgrader_layout else None),
                secret=(_nbgrader_file(path.parent / "submission_secret.txt", _SECRET)
                        if nbgrader_layout else None))
    return [found[key] for key in sorted(found)], problems
