"""Find a class's submissions in a folder or a zip, and say clearly what cannot be graded.

Accepted layouts, one folder per student (the folder's name is the student's id)::

    SUBMISSIONS/<student>/<assignment>.ipynb
    SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb      (nbgrader's own layout)

A zip of either layout is unpacked first. Anything else (a file that is not a notebook, a
notebook with a name that is no assignment, corrupt JSON, an unsafe student id) becomes a
:class:`Problem` and is skipped; it never stops the others.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat

__all__ = ["Submission", "Problem", "unpack", "collect"]

_STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


@dataclass(frozen=True)
class Submission:
    """One student's notebook for one assignment."""

    student: str
    assignment: str
    path: Path


@dataclass(frozen=True)
class Problem:
    """Something in the submissions folder that will not be graded, and why."""

    where: str
    reason: str


def unpack(archive: str | Path, destination: str | Path) -> Path:
    """Unpack a zip of submissions into ``destination``, refusing paths that escape it."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as bundle:
        for member in bundle.namelist():
            target = (destination / member).resolve()
            if not target.is_relative_to(destination.resolve()):
                raise ValueError(f"{archive}: member {member!r} would be written outside the folder")
        bundle.extractall(destination)
    entries = [p for p in destination.iterdir() if not p.name.startswith(("__MACOSX", "."))]
    # A zip of the folder itself holds one top folder of student folders.
    if len(entries) == 1 and entries[0].is_dir() and all(p.is_dir() for p in entries[0].iterdir()):
        return entries[0]
    return destination


def _notebook_problem(path):
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # any parse or schema failure is the submission's problem
        return f"not a readable notebook ({type(error).__name__}: {str(error)[:120]})"
    if not nb.cells:
        return "the notebook has no cells"
    return None


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
    found, problems = {}, []
    for student_dir in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
        where = student_dir.name
        if not student_dir.is_dir():
            problems.append(Problem(where, "expected a folder per student; found a file"))
            continue
        if not _STUDENT_ID.match(student_dir.name):
            problems.append(Problem(where, "the folder name is not a usable student id "
                                           "(letters, digits, _ . @ - only)"))
            continue
        files = sorted(p for p in student_dir.rglob("*") if p.is_file()
                       and ".ipynb_checkpoints" not in p.parts)
        notebooks = [p for p in files if p.suffix == ".ipynb"]
        for other in (p for p in files if p.suffix != ".ipynb"):
            problems.append(Problem(f"{where}/{other.relative_to(student_dir)}",
                                    "not a notebook; ignored (files beside a notebook are not "
                                    "used in grading)"))
        if not notebooks:
            problems.append(Problem(where, "no notebook found"))
        for path in notebooks:
            relative = f"{where}/{path.relative_to(student_dir)}"
            if path.stem not in known:
                problems.append(Problem(relative, "the file name is no assignment of this course "
                                        f"(expected one of: {', '.join(sorted(known))})"))
                continue
            reason = _notebook_problem(path)
            if reason:
                problems.append(Problem(relative, reason))
                continue
            key = (path.stem, student_dir.name)
            if key in found:
                problems.append(Problem(relative, "a second copy of the same assignment; "
                                        f"graded {found[key].path.relative_to(folder)} instead"))
                continue
            found[key] = Submission(student_dir.name, path.stem, path)
    return [found[key] for key in sorted(found)], problems
