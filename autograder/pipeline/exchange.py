"""nbgrader's exchange, one step at a time, as the instructor or as one student.

On a JupyterHub every person's server runs as their own account in their own home folder,
and students fetch and submit from the Assignments tab. These functions run the same
nbgrader commands from a shell or a script: the instructor's side of a round trip in two
calls, and each student's side as a named user in a given home folder, which is how a whole
class can be rehearsed on one machine (``tests/test_exchange.py`` does).

Each step takes ``options``, extra nbgrader arguments such as
``--Exchange.root=/srv/nbgrader/exchange``, and returns the finished nbgrader process
(:func:`autograder.nbgrader_cli.nbgrader`), which raises ``RuntimeError`` when a step fails.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..nbgrader_cli import nbgrader

__all__ = ["user_env", "release", "collect_and_grade", "fetch", "submit", "fetch_feedback"]

# Variables that would point nbgrader at another person's configuration, cache or hub.
_PER_PERSON_PREFIXES = ("JUPYTER", "XDG_", "NBGRADER_")


def user_env(home: str | Path, user: str,
             base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment in which nbgrader acts for ``user`` in the home folder ``home``.

    Parameters
    ----------
    home : str or Path
        The person's home folder: nbgrader reads ``~/.jupyter/nbgrader_config.py`` and
        keeps its submission cache in ``~/.local/share/jupyter`` below it.
    user : str
        The login name, set as ``USER`` and ``LOGNAME``.
    base : dict, optional
        Environment to start from (default: this process's).

    Returns
    -------
    dict
        ``base`` without Jupyter, XDG and hub variables, with ``HOME``, ``USER`` and
        ``LOGNAME`` set.
    """
    environment = {key: value for key, value in (os.environ if base is None else base).items()
                   if not key.startswith(_PER_PERSON_PREFIXES)}
    environment.update(HOME=str(Path(home)), USER=user, LOGNAME=user)
    return environment


def release(course_root: str | Path, assignment: str, options: Sequence[str] = (),
            env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    """Instructor: build the student version of ``assignment`` and put it in the exchange.

    An earlier release of the same assignment is replaced; copies students already fetched
    are left as they are.
    """
    nbgrader(course_root, "generate_assignment", assignment, "--force", *options, env=env)
    return nbgrader(course_root, "release_assignment", assignment, "--force", *options, env=env)


def collect_and_grade(course_root: str | Path, assignment: str, options: Sequence[str] = (),
                      env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    """Instructor: collect the submissions, autograde them, and return feedback to each student.

    Safe to run again as late submissions arrive: nbgrader grades again only what is new or
    was submitted again since it was last graded.

    Returns
    -------
    subprocess.CompletedProcess
        The ``autograde`` run. Its return code is 1 when some submission could not be graded
        (a kernel that died, say); the others are still graded and get their feedback, so
        check it and the gradebook rather than stopping the whole class.
    """
    nbgrader(course_root, "collect", assignment, "--update", *options, env=env)
    graded = nbgrader(course_root, "autograde", assignment, *options, env=env, check=False)
    nbgrader(course_root, "generate_feedback", assignment, *options, env=env)
    nbgrader(course_root, "release_feedback", assignment, *options, env=env)
    return graded


def _as_student(step, home, user, assignment, options, base):
    # nbgrader names a submission after the operating-system account, not $USER. On a hub
    # each student has their own account; here several may share one, so say who it is.
    return nbgrader(home, step, assignment, f"--CourseDirectory.student_id={user}", *options,
                    env=user_env(home, user, base))


def fetch(home: str | Path, user: str, assignment: str, options: Sequence[str] = (),
          base: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    """Student: copy the released ``assignment`` into ``home/<assignment>/``."""
    return _as_student("fetch_assignment", home, user, assignment, options, base)


def submit(home: str | Path, user: str, assignment: str, options: Sequence[str] = (),
           base: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    """Student: hand in ``home/<assignment>/`` as ``user``."""
    return _as_student("submit", home, user, assignment, options, base)


def fetch_feedback(home: str | Path, user: str, assignment: str, options: Sequence[str] = (),
                   base: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    """Student: copy the returned feedback into ``home/<assignment>/feedback/<timestamp>/``."""
    return _as_student("fetch_feedback", home, user, assignment, options, base)
