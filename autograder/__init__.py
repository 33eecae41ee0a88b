"""Course build and grading tools for Backprop Lab instructors (built on nbgrader)."""

from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = REPO_ROOT / "source"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
SOLUTIONS_DIR = REPO_ROOT / "solutions"
README = REPO_ROOT / "README.md"
START = "00_start_here"  # the start page: the course map and the learner's progress
CONFIG_FILE = Path(__file__).resolve().parent / "nbgrader_config.py"
COURSE_ID = "backprop-lab"


def exercise_of(grade_id: str) -> str:
    """The exercise a test id belongs to: ``"mse__value"`` -> ``"mse"``."""
    return grade_id.split("__", 1)[0]


_NOTEBOOK = re.compile(r"\d\d_\w+")
_GRADED = re.compile(r"^# %% tests\b", re.MULTILINE)


def notebooks() -> list[str]:
    """Every notebook of the course, in course order: ``source/NN_name/NN_name.py``."""
    return sorted(p.name for p in SOURCE_DIR.iterdir()
                  if _NOTEBOOK.fullmatch(p.name) and (p / f"{p.name}.py").is_file())


def assignments() -> list[str]:
    """The graded notebooks (nbgrader assignments), in course order: those with test cells."""
    return [name for name in notebooks()
            if _GRADED.search((SOURCE_DIR / name / f"{name}.py").read_text())]
