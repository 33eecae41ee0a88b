"""nbgrader's own converters, run in this process with the course's configuration only.

The grading pipeline imports nbgrader once per process and calls its converters
(``GenerateAssignment``, ``Autograde``, ``GenerateFeedback``) directly, as nbgrader's
command-line applications do, instead of starting a program of nbgrader's for each
step. The converters get a configuration built here, from the course's settings and the
run's limits, and nothing else: an instructor's ``~/.jupyter/nbgrader_config.py``,
``/etc/jupyter`` or ``JUPYTER_CONFIG_DIR`` (a PostgreSQL ``db_url``, a course root, other
preprocessors) never reaches a scratch course root of the pipeline. The instructor's own
configuration is read only where results are recorded (:mod:`autograder.gradebook`).

The kernel a student's notebook runs in is the course's sandboxed kernel
(:mod:`autograder.sandbox.kernel`). ``hidden_tests=False`` strips hidden tests from the
test cells before the kernel runs them: the student's process then never holds a hidden
test, and those tests run only in the independent check.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import sys
from pathlib import Path
from typing import Any

from traitlets.config import Config

from . import COURSE_ID
from .gradebook import db_url
from .sandbox.kernel import WARNINGS_TO_STDOUT
from .settings import Limits

__all__ = ["course_config", "alembic_head", "generate_assignment", "generate_solution", "autograde",
           "generate_feedback", "FEEDBACK_TEMPLATES"]

log = logging.getLogger(__name__)

FEEDBACK_TEMPLATES = Path(__file__).resolve().parent / "pipeline" / "templates"
"""The course's feedback page template: every markdown cell sanitised, formulas as MathML,
no script, nothing fetched."""

_AUTOGRADE = [
    "autograder.sandbox.kernel.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]


def course_config(root: str | Path, limits: Limits, *, sandboxed: bool = True,
                  hidden_tests: bool = True, gradebook: str | None = None) -> Config:
    """The whole nbgrader configuration of a scratch course root at ``root``.

    Parameters
    ----------
    root : path
        The course root (its SQLite gradebook is ``root/gradebook.db``).
    limits : Limits
        The cell timeout and the kernel sandbox's limits.
    sandboxed : bool
        Run kernels in the sandbox.
    hidden_tests : bool
        Run hidden tests in the student's kernel (False: only the visible ones).
    gradebook : str, optional
        The gradebook's URL (default: SQLite in ``root``).
    """
    root = Path(root).resolve()
    c = Config()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.db_url = gradebook or db_url(root)
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    c.Execute.timeout = int(math.ceil(limits.cell_timeout))
    c.Execute.interrupt_on_timeout = True
    c.Execute.shutdown_kernel = "immediate"  # a graded kernel has nothing left to save
    c.Execute.extra_arguments = ["--InteractiveShellApp.ignore_cwd=True",
                                 "--InteractiveShellApp.exec_lines=" + WARNINGS_TO_STDOUT]
    c.OverwriteCells.add_missing_cells = True
    preprocessors = list(_AUTOGRADE)
    if not hidden_tests:
        preprocessors.insert(0, "nbgrader.preprocessors.ClearHiddenTests")
        c.ClearHiddenTests.enforce_metadata = False  # a student's own marker is not an error
    c.Autograde.autograde_preprocessors = preprocessors
    c.SandboxedKernelManager.sandboxed = sandboxed
    c.SandboxedKernelManager.memory_limit = limits.memory
    c.SandboxedKernelManager.sandbox_memory = limits.sandbox_memory
    c.SandboxedKernelManager.processes = limits.processes
    c.SandboxedKernelManager.writable = limits.writable
    c.GenerateFeedback.exporter_class = "autograder.pipeline.feedback_page.FeedbackExporter"
    c.HTMLExporter.sanitize_html = True
    c.HTMLExporter.template_name = "bplab_feedback"
    c.HTMLExporter.extra_template_basedirs = [str(FEEDBACK_TEMPLATES)]
    c.HTMLExporter.filters = {"tex_to_mathml": "autograder.pipeline.mathml.tex_to_mathml",
                              "sanitize": "autograder.pipeline.sanitize.clean"}
    return c


def _coursedir(config: Config, assignment: str, student: str = "*") -> Any:
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    coursedir.student_id = student
    return coursedir


def _with_our_tools_on_path() -> None:
    """nbgrader migrates an older gradebook by running ``alembic`` from PATH: this Python's."""
    tools = str(Path(sys.executable).parent)
    if tools not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = tools + os.pathsep + os.environ.get("PATH", "")


@functools.cache
def alembic_head() -> str:
    """The newest revision of nbgrader's gradebook schema, read from its migration scripts.

    What nbgrader stamps on a gradebook it creates. nbgrader asks a new ``alembic heads``
    program for it, which imports SQLAlchemy and alembic again: seconds for every scratch
    course root. Here the same scripts are read once, in this process.
    """
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    settings = AlembicConfig()
    settings.set_main_option("script_location", ALEMBIC_DIR)
    return ScriptDirectory.from_config(settings).get_current_head()


def _stamp_in_process() -> None:
    """Make nbgrader stamp new gradebooks with :func:`alembic_head` (see its docstring)."""
    import nbgrader.api

    nbgrader.api.get_alembic_version = alembic_head


def _run(converter_class: type, config: Config, assignment: str, student: str = "*") -> bool:
    """Run one converter; True if it converted everything it was given."""
    from nbgrader.converters.base import NbGraderException

    _with_our_tools_on_path()
    _stamp_in_process()
    converter = converter_class(coursedir=_coursedir(config, assignment, student),
                                config=config)
    converter.force = True
    converter.log = log
    try:
        converter.start()
    except NbGraderException as error:
        log.info("nbgrader %s of %s/%s: %s", converter_class.__name__, assignment, student,
                 error)
        return False
    return True


def generate_assignment(config: Config, assignment: str) -> bool:
    """nbgrader's ``generate_assignment``: the release and the gradebook's definitions."""
    from nbgrader.converters import GenerateAssignment

    return _run(GenerateAssignment, config, assignment)


def generate_solution(config: Config, assignment: str) -> bool:
    """nbgrader's ``generate_solution``: the source with hidden tests, run top to bottom
    unless ``config.Execute.enabled`` is False (a drift check compares no outputs)."""
    from nbgrader.converters import GenerateSolution

    return _run(GenerateSolution, config, assignment)


def autograde(config: Config, assignment: str, student: str) -> bool:
    """nbgrader's ``autograde`` of one student's submission of ``assignment``."""
    from nbgrader.converters import Autograde

    return _run(Autograde, config, assignment, student)


def generate_feedback(config: Config, assignment: str, student: str) -> bool:
    """nbgrader's ``generate_feedback`` of one graded submission (the course's page)."""
    from nbgrader.converters import GenerateFeedback

    return _run(GenerateFeedback, config, assignment, student)
