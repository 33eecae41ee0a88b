"""Every read and write of an nbgrader gradebook, in one place.

A gradebook is named by its SQLAlchemy URL: nbgrader's default is SQLite in the course
root (:func:`db_url`), and a course shared by several graders points
``CourseDirectory.db_url`` at a database server instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from . import COURSE_ID, exercise_of

__all__ = ["db_url", "cell_scores", "class_scores", "max_scores", "withdraw_points"]

Scores = dict[str, tuple[float, float]]


def db_url(course_root: str | Path) -> str:
    """The URL of the SQLite gradebook nbgrader keeps in ``course_root``."""
    return f"sqlite:///{Path(course_root) / 'gradebook.db'}"


def _open(url: str):
    from nbgrader.api import Gradebook  # nbgrader's imports cost a second: only when used

    return Gradebook(url, course_id=COURSE_ID)


def cell_scores(course_root: str | Path, name: str) -> dict[str, Scores]:
    """Per student, per test cell of assignment ``name``: ``(score, max_score)``."""
    with _open(db_url(course_root)) as gradebook:
        return {submission.student.id: {grade.name: (grade.score or 0.0, grade.max_score)
                                        for notebook in submission.notebooks
                                        for grade in notebook.grades}
                for submission in gradebook.assignment_submissions(name)}


def class_scores(course_root: str | Path, name: str) -> dict[str, Scores]:
    """Per student, per exercise: ``(score, max_score)``, the sums of :func:`cell_scores`."""
    scores: dict[str, Scores] = {}
    for student, cells in cell_scores(course_root, name).items():
        per_exercise = scores.setdefault(student, {})
        for grade_id, (score, top) in cells.items():
            got, most = per_exercise.get(exercise_of(grade_id), (0.0, 0.0))
            per_exercise[exercise_of(grade_id)] = (got + score, most + top)
    return scores


def max_scores(course_root: str | Path, name: str) -> dict[str, float]:
    """Grade id to points for every test cell of assignment ``name``."""
    with _open(db_url(course_root)) as gradebook:
        notebook = gradebook.find_notebook(name, name)
        return {cell.name: cell.max_score for cell in notebook.grade_cells}


def withdraw_points(course_root: str | Path, name: str, student: str,
                    grade_ids: Iterable[str]) -> None:
    """Give the named test cells of one submission 0 points, as a manual score."""
    with _open(db_url(course_root)) as gradebook:
        for grade_id in grade_ids:
            gradebook.find_grade(grade_id, name, name, student).manual_score = 0.0
        gradebook.db.commit()
