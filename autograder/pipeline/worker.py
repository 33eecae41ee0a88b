"""A grading worker: imports nbgrader once, then grades submission after submission.

A :class:`Worker` lives as long as its process (one per core, or one per Dask worker).
For each :class:`Task` (one student's notebook, as bytes) it

1. starts the independent check (:func:`autograder.sandbox.verify.verify`) in its
   checker process (:mod:`autograder.pipeline.checker`), while
2. nbgrader's ``Autograde`` converter runs the notebook in a fresh sandboxed kernel, in a
   scratch course root of the worker's own that no sandbox can see; the kernel runs the
   visible tests only (hidden tests run in the check alone, so no student process ever
   holds one);
3. withdraws, in that root's gradebook, every point the check did not confirm;
4. scrubs the graded notebook (:func:`autograder.pipeline.feedback.scrub`) and makes
   the feedback page with nbgrader's ``GenerateFeedback``;
5. returns a :class:`Graded`: plain data (scores, verdicts, the notebook and the page as
   text). A worker writes nothing anywhere else: the instructor's process alone writes
   results, reports and gradebooks, from this data.

Every submission gets its own kernel and answer process, each in a sandbox of its own;
nothing of one student's run is left for the next but the worker's own files.
"""

from __future__ import annotations

import atexit
import json
import logging
import multiprocessing.util
import os
import shutil
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import converters
from ..gradebook import cell_scores, db_url, forget_submission, max_scores, withdraw_points
from ..sandbox.references import notebook_number
from ..sandbox.tools import build_tools
from ..sandbox.verify import CheckOutcome
from ..sandbox import bwrap
from ..sandbox.kernel import use_zygote
from ..sandbox.zygote import Zygote, ZygoteError
from ..scratch import scratch_folder
from ..settings import DEFAULT_LIMITS, Limits
from .checker import Checker
from .feedback import cell_outcomes, printed_warnings, scrub
from .template import Template

__all__ = ["Task", "Graded", "Worker", "grade", "process_worker"]

log = logging.getLogger(__name__)

INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
"""matplotlib's backend in graded kernels, as ipykernel would choose it (set before the
kernel zygote imports matplotlib)."""


@dataclass(frozen=True)
class Task:
    """One submission to grade."""

    assignment: str
    student: str
    notebook: bytes  # the .ipynb as submitted
    fingerprint: str  # of the submission and its assignment's tests
    timestamp: str | None = None  # nbgrader's timestamp.txt, when it was collected
    secret: str | None = None  # nbgrader's submission_secret.txt, likewise


@dataclass
class Graded:
    """What grading one submission found: plain data, sent back to the instructor's process.

    ``kernel`` is nbgrader's score per test cell in the student's kernel (None where
    nbgrader could not grade the notebook); ``checks`` the independent check's verdict per
    test cell (``True``, ``False`` or ``None`` for none) with its message; ``confirmed``
    says, per cell, whether nbgrader's points stand.
    """

    assignment: str
    student: str
    fingerprint: str
    points: dict[str, float]
    kernel: dict[str, float] | None
    checks: dict[str, tuple[bool | None, str]]
    check_problem: str | None
    outcomes: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notebook: str | None = None
    feedback: str | None = None
    files: dict[str, str] = field(default_factory=dict)  # timestamp.txt, submission_secret.txt
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)  # seconds of each step
    log: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Worker:
    """Grades tasks of one template, one after another (see the module docstring).

    Parameters
    ----------
    template : Template
        What every task is graded from.
    limits : Limits
        Cell timeout and the sandboxes' limits.
    sandboxed : bool
        Run student code in sandboxes.
    hidden_tests : bool
        Run hidden tests in the student's kernel too, as plain ``nbgrader autograde``
        does.
    feedback : bool
        Make the feedback page (the gate, which reads only scores, does not).
    """

    def __init__(self, template: Template, limits: Limits = DEFAULT_LIMITS,
                 sandboxed: bool = True, hidden_tests: bool = False,
                 feedback: bool = True) -> None:
        self.template, self.limits, self.sandboxed = template, limits, sandboxed
        self.hidden_tests = hidden_tests
        self.root = Path(tempfile.mkdtemp(prefix="bplab-worker-"))
        # The scratch gradebook, written at every submission, lives in memory; the kernel
        # never sees it (see autograder.scratch).
        self.gradebook_folder = scratch_folder("bplab-worker-gradebook-")
        (self.gradebook_folder / "gradebook.db").write_bytes(template.gradebook)
        self.gradebook = db_url(self.gradebook_folder)
        for name, source in template.sources.items():
            folder = self.root / "source" / name
            folder.mkdir(parents=True)
            (folder / f"{name}.ipynb").write_text(json.dumps(source))
        self.config = converters.course_config(self.root, limits, sandboxed=sandboxed,
                                               hidden_tests=hidden_tests,
                                               gradebook=self.gradebook)
        self._packages: dict[str, Path] = {}
        self.feedback = feedback

    def close(self) -> None:
        """Remove the worker's scratch course root (the process's zygotes and checker stay
        for the next worker; they end with the process)."""
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.gradebook_folder, ignore_errors=True)

    def package(self, name: str) -> Path:
        """The copy of bplab the answer processes of assignment ``name`` import: only the
        names the notebook hands its students (:mod:`autograder.sandbox.tools`)."""
        if name not in self._packages:
            target = self.root / "packages" / name / "bplab"
            kept = build_tools(bwrap.package_dir("bplab"), self.template.tools.get(name, []),
                               notebook_number(name), target)
            log.info("%s: answer processes import bplab with %d names, what the notebook "
                     "hands its students", name, len(kept))
            self._packages[name] = target
        return self._packages[name]

    def grade(self, task: Task) -> Graded:
        """Grade one submission; see the module docstring."""
        began = time.monotonic()
        name, student = task.assignment, task.student
        submitted = self.root / "submitted" / student / name
        shutil.rmtree(self.root / "submitted" / student, ignore_errors=True)
        submitted.mkdir(parents=True)
        (submitted / f"{name}.ipynb").write_bytes(task.notebook)
        for file_name, text in (("timestamp.txt", task.timestamp),
                                ("submission_secret.txt", task.secret)):
            if text is not None:
                (submitted / file_name).write_text(text)
        use_zygote(_SHARED.kernels(self.limits) if self.sandboxed else None)
        checker = _SHARED.checker()
        pending = checker.submit(self.template.sources[name], task.notebook, self.limits,
                                 self.package(name), self.sandboxed)
        try:
            graded = self._grade(task, lambda: checker.result(pending, self.limits), began)
        finally:
            checker.result(pending, self.limits)  # never left running into the next
            for part in ("submitted", "autograded", "feedback"):
                shutil.rmtree(self.root / part / student, ignore_errors=True)
            forget_submission(self.gradebook, name, student)
        return graded

    def _grade(self, task: Task, check_result: Any, began: float) -> Graded:
        name, student = task.assignment, task.student
        autograded = self.root / "autograded" / student / name
        clock = time.monotonic()
        finished = converters.autograde(self.config, name, student)
        steps = {"kernel": time.monotonic() - clock}
        notebook_path = autograded / f"{name}.ipynb"
        kernel = None
        if finished and notebook_path.exists():
            kernel = {gid: score for gid, (score, _) in
                      cell_scores(self.gradebook, name).get(student, {}).items()}
        clock = time.monotonic()
        check: CheckOutcome = check_result()
        steps["waiting for the check"] = time.monotonic() - clock
        points = max_scores(self.gradebook, name)
        graded = Graded(assignment=name, student=student, fingerprint=task.fingerprint,
                        points=points, kernel=kernel,
                        checks={gid: (check.passed(gid), check.message(gid)) for gid in points},
                        check_problem=check.problem)
        if kernel is not None:
            graded.outcomes = cell_outcomes(notebook_path)
            graded.warnings = printed_warnings(notebook_path)
            unconfirmed = {gid: check.message(gid) or "no verdict"
                           for gid, score in kernel.items()
                           if score and check.passed(gid) is not True}
            if unconfirmed:
                withdraw_points(self.gradebook, name, student, unconfirmed)
            scrub(notebook_path, self.template.releases[name], self.template.sources[name],
                  unconfirmed)
            graded.notebook = notebook_path.read_text()
            clock = time.monotonic()
            if self.feedback and converters.generate_feedback(self.config, name, student):
                page = self.root / "feedback" / student / name / f"{name}.html"
                graded.feedback = page.read_text() if page.exists() else None
            steps["feedback"] = time.monotonic() - clock
            graded.files = {p.name: p.read_text() for p in autograded.glob("*.txt")
                            if p.name in ("timestamp.txt", "submission_secret.txt")}
        graded.seconds = round(time.monotonic() - began, 2)
        graded.steps = {step: round(seconds, 3) for step, seconds in steps.items()}
        return graded


class _Shared:
    """What every worker of this process uses, started once: the kernel zygote and the
    checker process (with its answer zygotes). They end with the process."""

    def __init__(self) -> None:
        self._kernels: dict[Limits, Zygote | None] = {}
        self._checker: Checker | None = None
        self._folders: list[Path] = []
        atexit.register(self.close)
        # A pool's worker process runs no atexit handlers, and joins its children (this
        # checker) as it ends: a finalizer stops them first.
        multiprocessing.util.Finalize(self, self.close, exitpriority=10)

    def kernels(self, limits: Limits) -> Zygote | None:
        """A live kernel zygote for these limits; None where one cannot start here (each
        kernel then starts in a sandbox of its own, slower and as safe)."""
        zygote = self._kernels.get(limits)
        if zygote is not None and zygote.alive():
            return zygote
        if zygote is not None:
            zygote.close()
        package = bwrap.package_dir("bplab")
        shared = bwrap.scratch_folder("bplab-kernels-")  # short: socket paths are limited
        self._folders.append(shared)
        try:
            self._kernels[limits] = Zygote(
                "kernel", limits, readable=[package], shared=shared,
                env={"PYTHONPATH": str(package.parent), "MPLBACKEND": INLINE_BACKEND})
        except ZygoteError as error:
            log.warning("kernels start without a zygote: %s", error)
            self._kernels[limits] = None
        return self._kernels[limits]

    def checker(self) -> Checker:
        if self._checker is None:
            self._checker = Checker()
        return self._checker

    def close(self) -> None:
        use_zygote(None)
        for zygote in self._kernels.values():
            if zygote is not None:
                zygote.close()
        self._kernels.clear()
        if self._checker is not None:
            self._checker.close()
            self._checker = None
        for folder in self._folders:
            shutil.rmtree(folder, ignore_errors=True)


_SHARED = _Shared()
_WORKER: Worker | None = None
_ONE_AT_A_TIME = threading.Lock()  # a Dask worker may run tasks in several threads


def grade(task: Task, template: Template, limits: Limits = DEFAULT_LIMITS,
          sandboxed: bool = True, hidden_tests: bool = False) -> Graded:
    """Grade ``task`` with this process's worker, made on first use for ``template``.

    The function an executor runs (a local process pool or a Dask worker): the worker
    and its imports stay for every later task of the same template.
    """
    with _ONE_AT_A_TIME:
        return _grade_here(task, template, limits, sandboxed, hidden_tests)


def _grade_here(task: Task, template: Template, limits: Limits, sandboxed: bool,
                hidden_tests: bool) -> Graded:
    return process_worker(template, limits, sandboxed, hidden_tests).grade(task)


def process_worker(template: Template, limits: Limits = DEFAULT_LIMITS,
                   sandboxed: bool = True, hidden_tests: bool = False) -> Worker:
    """This process's worker for ``template`` and these settings, made when first asked
    for (or when they change); its scratch folders go when it is replaced or the process
    ends, a pool's worker process included."""
    global _WORKER
    if _WORKER is None or _WORKER.template.key != template.key or (
            _WORKER.limits, _WORKER.sandboxed, _WORKER.hidden_tests) != (limits, sandboxed,
                                                                        hidden_tests):
        if _WORKER is not None:
            _WORKER.close()
        os.environ["NBGRADER_EXECUTION"] = "autograde"  # demos skip their slow parts
        _WORKER = Worker(template, limits, sandboxed, hidden_tests)
    return _WORKER


def _close_process_worker() -> None:
    """Remove the scratch folders of this process's worker, if it has one."""
    if _WORKER is not None:
        _WORKER.close()


atexit.register(_close_process_worker)
# A pool's worker process runs no atexit handlers, only multiprocessing's finalizers.
multiprocessing.util.Finalize(None, _close_process_worker, exitpriority=10)
