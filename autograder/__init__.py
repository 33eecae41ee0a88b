"""Course build and grading tools for Backprop Lab instructors (built on nbgrader)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = REPO_ROOT / "source"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
SOLUTIONS_DIR = REPO_ROOT / "solutions"
CONFIG_FILE = Path(__file__).resolve().parent / "nbgrader_config.py"
COURSE_ID = "backprop-lab"


def exercise_of(grade_id: str) -> str:
    """The exercise a test id belongs to: ``"mse__value"`` -> ``"mse"``."""
    return grade_id.split("__", 1)[0]


def assignments() -> list[str]:
    """Names of the course's assignments, in course order (``01_loss_functions``, ...)."""
    return sorted(p.name for p in SOURCE_DIR.iterdir() if (p / f"{p.name}.py").is_file())
