"""Every read and write of an nbgrader gradebook, in one place.

A gradebook is named by its SQLAlchemy URL: nbgrader's default is SQLite in the course
root (:func:`db_url`), and a course shared by several graders points
``CourseDirectory.db_url`` at a database server instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
import shutil
import warnings
from typing import Any

from . import COURSE_ID, exercise_of

__all__ = ["db_url", "cell_scores", "class_scores", "max_scores", "withdraw_points",
           "record_results", "configured_gradebook"]

Scores = dict[str, tuple[float, float]]


def db_url(course_root: str | Path) -> str:
    """The URL of the SQLite gradebook nbgrader keeps in ``course_root``."""
    return f"sqlite:///{Path(course_root) / 'gradebook.db'}"


def _open(url: str) -> Any:
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


def _definitions(source_url: str, name: str) -> dict[str, list[dict[str, Any]]]:
    """The cells of assignment ``name``'s notebook as a template gradebook defines them."""
    with _open(source_url) as gradebook:
        notebook = gradebook.find_notebook(name, name)
        return {
            "grade": [{"name": c.name, "max_score": c.max_score, "cell_type": c.cell_type}
                      for c in notebook.grade_cells],
            "solution": [{"name": c.name} for c in notebook.solution_cells],
            "task": [{"name": c.name, "max_score": c.max_score, "cell_type": c.cell_type}
                     for c in notebook.task_cells],
            "source": [{"name": c.name, "cell_type": c.cell_type, "locked": c.locked,
                        "source": c.source, "checksum": c.checksum}
                       for c in notebook.source_cells],
        }


def _define(gradebook: Any, name: str, definitions: dict[str, list[dict[str, Any]]]) -> None:
    gradebook.update_or_create_assignment(name)
    gradebook.update_or_create_notebook(name, name)
    for kind in ("grade", "solution", "task", "source"):
        create = getattr(gradebook, f"update_or_create_{kind}_cell")
        for cell in definitions[kind]:
            create(cell["name"], name, name, **{k: v for k, v in cell.items() if k != "name"})


def _stored(gradebook: Any, name: str, student: str) -> dict[str, tuple[Any, Any]] | None:
    from nbgrader.api import MissingEntry

    try:
        submission = gradebook.find_submission(name, student)
    except MissingEntry:
        return None
    return {grade.name: (grade.auto_score, grade.manual_score)
            for notebook in submission.notebooks for grade in notebook.grades}


def _create(url: str, template_url: str) -> None:
    """Make an empty gradebook at ``url`` if there is none, as nbgrader would.

    nbgrader stamps a new gradebook with its schema version by running ``alembic`` from
    PATH; a new SQLite file starts as a copy of the template's gradebook instead (schema
    and assignment definitions, no students), a new server database through nbgrader.
    """
    from sqlalchemy import create_engine, inspect

    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    try:
        if inspect(engine).get_table_names():
            return
    finally:
        engine.dispose()
    if url.startswith("sqlite:///") and template_url.startswith("sqlite:///"):
        target = Path(url.removeprefix("sqlite:///"))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(template_url.removeprefix("sqlite:///"), target)
        return
    import tempfile

    from .nbgrader_cli import nbgrader

    with tempfile.TemporaryDirectory() as scratch:
        nbgrader(scratch, "db", "student", "list", f"--CourseDirectory.db_url={url}")


def record_results(url: str, results: Iterable[Any], template_url: str) -> int:
    """Put every result into the gradebook at ``url``, replacing older scores of the same work.

    Each result (:class:`autograder.pipeline.results.SubmissionResult`) becomes an nbgrader
    submission whose test cells have nbgrader's score in the student's kernel as their
    automatic score and, where the independent check withdrew it, a manual score of 0, so
    formgrader shows both and ``nbgrader export`` the same totals as ``grades.csv``. A
    submission already there with the same scores is left alone; one with other scores is
    removed and written again, so nothing is counted twice. Assignments the gradebook does
    not know yet are defined from the template's gradebook at ``template_url``.

    Returns
    -------
    int
        The number of submissions written.
    """
    written = 0
    results = list(results)
    _create(url, template_url)
    with _open(url) as gradebook:
        for name in sorted({r.assignment for r in results}):
            _define(gradebook, name, _definitions(template_url, name))
        for result in results:
            wanted = {grade_id: (cell.score if cell.kernel_score is None else cell.kernel_score,
                                 0.0 if cell.withdrawn else None)
                      for grade_id, cell in result.cells.items()}
            stored = _stored(gradebook, result.assignment, result.student)
            if stored == wanted:
                continue
            gradebook.update_or_create_student(result.student)
            if stored is not None:
                gradebook.remove_submission(result.assignment, result.student)
            with warnings.catch_warnings():  # nbgrader's own session warnings, harmless
                warnings.simplefilter("ignore")
                submission = gradebook.add_submission(result.assignment, result.student)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    grade.auto_score, grade.manual_score = wanted.get(grade.name, (0.0, None))
                    grade.needs_manual_grade = False
            gradebook.db.commit()
            written += 1
    return written


def configured_gradebook(course_root: str | Path | None, url: str | None,
                         default_root: str | Path) -> tuple[Path, str]:
    """The instructor's course root and gradebook URL, as nbgrader itself would find them.

    What is given wins; otherwise ``CourseDirectory.root`` and ``CourseDirectory.db_url``
    from the nbgrader configuration files nbgrader reads (Jupyter's config folders, such
    as ``~/.jupyter/nbgrader_config.py``, then the course root's own), else
    ``default_root`` and its ``gradebook.db``.
    """
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config.loader import Config, ConfigFileNotFound, PyFileConfigLoader

    def read(folders: list[str]) -> Config:
        config = Config()
        for folder in folders:
            try:
                config.merge(PyFileConfigLoader("nbgrader_config.py", path=folder).load_config())
            except ConfigFileNotFound:
                continue
        return config

    settings = read(list(reversed(jupyter_config_path()))).get("CourseDirectory", {})
    root = Path(course_root or settings.get("root") or default_root).expanduser().resolve()
    local = read(list(reversed(jupyter_config_path())) + [str(root)]).get("CourseDirectory", {})
    return root, url or local.get("db_url") or db_url(root)
