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
           "forget_submission", "record_results", "configured_gradebook"]

Scores = dict[str, tuple[float, float]]


def db_url(course_root: str | Path) -> str:
    """The URL of the SQLite gradebook nbgrader keeps in ``course_root``.

    A URL (``sqlite:///...``, ``postgresql://...``) is returned as it is, so that every
    function here takes either a course root or the URL of its gradebook.
    """
    if "://" in str(course_root):
        return str(course_root)
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


def forget_submission(course_root: str | Path, name: str, student: str) -> None:
    """Remove one student's submission of ``name`` from the course root's gradebook."""
    from nbgrader.api import MissingEntry

    with _open(db_url(course_root)) as gradebook:
        try:
            gradebook.remove_submission(name, student)
        except MissingEntry:
            return


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


def _stored(gradebook: Any, name: str, student: str) -> tuple[dict[str, tuple[Any, Any]], Any] | None:
    from nbgrader.api import MissingEntry

    try:
        submission = gradebook.find_submission(name, student)
    except MissingEntry:
        return None
    return ({grade.name: (grade.auto_score, grade.manual_score)
             for notebook in submission.notebooks for grade in notebook.grades},
            submission.timestamp)


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


def _late_plugin() -> Any:
    """nbgrader's late-submission plugin as the instructor's configuration sets it up."""
    from nbgrader.plugins import LateSubmissionPlugin
    from traitlets.utils.importstring import import_item

    config = _instructor_config()
    plugin_class = config.get("AssignLatePenalties", {}).get("plugin_class",
                                                             LateSubmissionPlugin)
    if isinstance(plugin_class, str):
        plugin_class = import_item(plugin_class)
    return plugin_class(config=config)


def _penalise(gradebook: Any, name: str, student: str, plugin: Any) -> float:
    """Apply nbgrader's late penalty to one submission; its seconds late."""
    submission = gradebook.find_submission(name, student)
    late = float(submission.total_seconds_late or 0.0)
    for notebook in submission.notebooks:
        notebook.late_submission_penalty = None
        if late > 0:
            penalty = plugin.late_submission_penalty(student, notebook.score, late)
            if penalty is not None:  # clamped as nbgrader's own AssignLatePenalties does
                notebook.late_submission_penalty = min(max(penalty, 0.0), notebook.score)
    return late


def record_results(url: str, results: Iterable[Any], template: bytes) -> dict[tuple[str, str], float]:
    """Put every result into the gradebook at ``url``, replacing older scores of the same work.

    Each result (:class:`autograder.pipeline.results.SubmissionResult`) becomes an nbgrader
    submission, with its timestamp, whose test cells have nbgrader's score in the
    student's kernel as their automatic score and, where the independent check did not
    confirm it, a manual score of 0, so formgrader shows both and ``nbgrader export`` the
    same totals as ``grades.csv``. A submission handed in after the assignment's due date
    gets the late penalty of the instructor's nbgrader configuration
    (``AssignLatePenalties.plugin_class``; none by default). A submission already there
    with the same scores and timestamp is left alone; one with others is removed and
    written again, so nothing is counted twice. Assignments the gradebook does not know
    yet are defined from ``template``, the bytes of the template's SQLite gradebook.

    Returns
    -------
    dict
        ``(student, assignment)`` to seconds late (0 when on time or without a due date).
    """
    import tempfile

    results = list(results)
    late: dict[tuple[str, str], float] = {}
    plugin = _late_plugin()
    with tempfile.TemporaryDirectory(prefix="bplab-definitions-") as scratch:
        template_file = Path(scratch) / "gradebook.db"
        template_file.write_bytes(template)
        template_url = f"sqlite:///{template_file}"
        _create(url, template_url)
        with _open(url) as gradebook:
            for name in sorted({r.assignment for r in results}):
                _define(gradebook, name, _definitions(template_url, name))
            for result in results:
                with warnings.catch_warnings():  # nbgrader's own session warnings, harmless
                    warnings.simplefilter("ignore")
                    _write(gradebook, result)
                    late[(result.student, result.assignment)] = _penalise(
                        gradebook, result.assignment, result.student, plugin)
                    gradebook.db.commit()
    return late


def _write(gradebook: Any, result: Any) -> None:
    """One result into the gradebook, unless it holds exactly that already."""
    from nbgrader.utils import parse_utc

    wanted = {grade_id: (cell.score if cell.kernel_score is None else cell.kernel_score,
                         0.0 if cell.kernel_score and cell.score < cell.kernel_score else None)
              for grade_id, cell in result.cells.items()}
    timestamp = parse_utc(result.timestamp) if result.timestamp else None
    stored = _stored(gradebook, result.assignment, result.student)
    if stored == (wanted, timestamp):
        return
    gradebook.update_or_create_student(result.student)
    if stored is not None:
        gradebook.remove_submission(result.assignment, result.student)
    submission = gradebook.add_submission(result.assignment, result.student,
                                          timestamp=timestamp)
    for notebook in submission.notebooks:
        for grade in notebook.grades:
            grade.auto_score, grade.manual_score = wanted.get(grade.name, (0.0, None))
            grade.needs_manual_grade = False


def configured_gradebook(course_root: str | Path | None, url: str | None,
                         default_root: str | Path) -> tuple[Path, str]:
    """The instructor's course root and gradebook URL, as nbgrader itself would find them.

    What is given wins; otherwise ``CourseDirectory.root`` and ``CourseDirectory.db_url``
    from the nbgrader configuration files nbgrader reads (Jupyter's config folders, such
    as ``~/.jupyter/nbgrader_config.py``, then the course root's own), else
    ``default_root`` and its ``gradebook.db``.
    """
    settings = _instructor_config().get("CourseDirectory", {})
    root = Path(course_root or settings.get("root") or default_root).expanduser().resolve()
    local = _instructor_config(root).get("CourseDirectory", {})
    return root, url or local.get("db_url") or db_url(root)


def _instructor_config(course_root: Path | None = None) -> Any:
    """The instructor's nbgrader configuration, read as nbgrader reads it: Jupyter's
    config folders (``~/.jupyter``, ``/etc/jupyter``, ``JUPYTER_CONFIG_DIR``), then the
    course root's own ``nbgrader_config.py``."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config.loader import Config, ConfigFileNotFound, PyFileConfigLoader

    config = Config()
    folders = list(reversed(jupyter_config_path()))
    if course_root is not None:
        folders.append(str(course_root))
    for folder in folders:
        try:
            config.merge(PyFileConfigLoader("nbgrader_config.py", path=folder).load_config())
        except ConfigFileNotFound:
            continue
    return config
