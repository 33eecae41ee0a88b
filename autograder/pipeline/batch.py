"""Grade one batch of submissions of one assignment: nbgrader and the independent check.

A batch is graded in a scratch course root of its own (nbgrader has no parallel
autograde, and SQLite takes one writer), with a copy of the template's gradebook:

1. :func:`_set_up` copies the gradebook, the configuration and the submissions in;
2. the independent check of the whole batch starts (one process,
   :func:`autograder.sandbox.verify.check_batch`) while
3. one nbgrader process runs ``autograde`` (its kernels sandboxed), then waits while
4. :func:`_confirm` withdraws the points of every test cell that passed in the student's
   kernel but not in the check, and scrubs hidden tests from the notebooks;
5. then runs ``generate_feedback`` (one process for both saves nbgrader's imports);
6. :func:`_result` turns it all into a :class:`SubmissionResult` per student, written to
   ``results/`` by :func:`_save` with the feedback page and the graded notebook.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..gradebook import cell_scores, max_scores, withdraw_points
from ..nbgrader_cli import autograde_then_feedback
from ..sandbox.verify import CheckOutcome, check_batch
from ..settings import Limits
from .feedback import cell_outcomes, classify, printed_warnings, scrub
from .results import CellResult, Status, SubmissionResult, write_result
from .submissions import Submission
from .template import check as check_template

__all__ = ["Run", "start_check", "grade_batch", "fingerprint"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Run:
    """What every batch of one grading run shares."""

    out: Path
    template: Path
    names: tuple[str, ...]  # the assignments the template was built for
    limits: Limits
    sandboxed: bool = True
    packages: dict[str, Path] = field(default_factory=dict)  # bplab without its references
    fingerprints: dict[str, str] = field(default_factory=dict)  # assignment -> tests' hash

    def source(self, name: str) -> Path:
        return self.template / "source" / name / f"{name}.ipynb"


@dataclass
class _Autograded:
    """What one ``nbgrader autograde`` left: kernel scores per student, and its log."""

    scores: dict[str, dict[str, tuple[float, float]]]
    graded: list[str]
    log: str


def fingerprint(run: Run, submission: Submission) -> str:
    """What a result was graded from: the submission's bytes and its assignment's tests."""
    import hashlib

    digest = hashlib.sha256(Path(submission.path).read_bytes())
    digest.update(run.fingerprints.get(submission.assignment, "").encode())
    return digest.hexdigest()


def start_check(run: Run, name: str, batch: list[Submission],
                pool: Executor) -> Future[dict[str, CheckOutcome]]:
    """Start the independent check of ``batch`` in ``pool``; its outcomes keyed by path."""

    def check() -> dict[str, CheckOutcome]:
        begun = time.monotonic()
        try:
            return check_batch(run.source(name), [s.path for s in batch], run.limits,
                               package=run.packages.get(name), sandboxed=run.sandboxed)
        finally:
            log.info("%s: independent check of %d took %.1f s", name, len(batch),
                     time.monotonic() - begun)

    return pool.submit(check)


def grade_batch(run: Run, name: str, batch: list[Submission],
                check: Future[dict[str, CheckOutcome]] | None = None) -> list[SubmissionResult]:
    """Grade one batch of submissions of assignment ``name``.

    ``check`` is the batch's independent check if it was started already (see
    :func:`start_check`); otherwise it starts with nbgrader.

    A student whose notebook could not be graded with the others (their kernel died, or
    their code stopped the batch's nbgrader process) is graded again on their own, so
    one submission can never cost another student their grade.

    Returns
    -------
    list of SubmissionResult
        One per submission, each also written to ``results/<name>/<student>.json``.
    """
    results = _grade_together(run, name, batch, final=len(batch) == 1, check=check)
    for index, submission in enumerate(batch):
        if results[index] is None:
            log.info("%s/%s: grading again on its own", name, submission.student)
            results[index] = _grade_together(run, name, [submission], final=True)[0]
    return [r for r in results if r is not None]


def _set_up(run: Run, name: str, batch: list[Submission]) -> Path:
    check_template(run.template, run.names)
    root = Path(tempfile.mkdtemp(prefix=f"batch-{name}-", dir=run.out / "work"))
    shutil.copy(run.template / "gradebook.db", root / "gradebook.db")
    shutil.copy(run.template / "nbgrader_config.py", root / "nbgrader_config.py")
    for submission in batch:
        target = root / "submitted" / submission.student / name
        target.mkdir(parents=True)
        shutil.copy(submission.path, target / f"{name}.ipynb")
    return root


def _autograded(root: Path, name: str, batch: list[Submission], output: str) -> _Autograded:
    """What nbgrader's autograde left in the batch's course root."""
    scores = cell_scores(root, name)
    graded = [s.student for s in batch if s.student in scores and
              (root / "autograded" / s.student / name / f"{name}.ipynb").exists()]
    return _Autograded(scores, graded, output)


def _unconfirmed(kernel: dict[str, tuple[float, float]], check: CheckOutcome) -> dict[str, str]:
    """``{grade_id: message}`` for cells with points in the kernel that the check failed."""
    if check.cells is None:
        return {}
    return {grade_id: check.message(grade_id) for grade_id, (score, _) in kernel.items()
            if score and not check.passed(grade_id)}


def _confirm(run: Run, root: Path, name: str, autograded: _Autograded,
             checks: dict[str, CheckOutcome]) -> dict[str, dict[str, str]]:
    """Withdraw unconfirmed points in the gradebook, scrub hidden tests; per student."""
    release_nb = nbformat.read(run.template / "release" / name / f"{name}.ipynb", as_version=4)
    source_nb = nbformat.read(run.source(name), as_version=4)
    unconfirmed = {}
    for student in autograded.graded:
        notebook = root / "autograded" / student / name / f"{name}.ipynb"
        unconfirmed[student] = _unconfirmed(autograded.scores[student], checks[student])
        if unconfirmed[student]:
            log.info("%s/%s: the independent check withdrew %s", name, student,
                     ", ".join(sorted(unconfirmed[student])))
            withdraw_points(root, name, student, unconfirmed[student])
        scrub(notebook, release_nb, source_nb, unconfirmed[student])
    return unconfirmed


def _grade_together(run: Run, name: str, batch: list[Submission], final: bool,
                    check: Future[dict[str, CheckOutcome]] | None = None
                    ) -> list[SubmissionResult | None]:
    """Autograde and check ``batch`` in one scratch course root; see the module docstring.

    With ``final`` false, a submission nbgrader could not grade is left out (None) for the
    caller to grade alone.
    """
    root = _set_up(run, name, batch)
    started = time.monotonic()
    options = run.limits.nbgrader_arguments()
    if not run.sandboxed:
        options.append("--SandboxedKernelManager.sandboxed=False")
    seen: dict[str, object] = {}
    try:
        # The check runs while nbgrader does: nbgrader's own process mostly waits on its
        # kernel, so the two share the cores well.
        with ThreadPoolExecutor(max_workers=1) as checker:
            pending = check if check is not None else start_check(run, name, batch, checker)

            def confirm() -> None:
                """Between autograde and feedback: withdraw what the check did not pass."""
                log.info("%s: nbgrader autograde of %d took %.1f s", name, len(batch),
                         time.monotonic() - started)
                autograded = _autograded(root, name, batch, "")
                by_path = pending.result()
                checks = {s.student: by_path[str(s.path)] for s in batch}
                seen.update(autograded=autograded, checks=checks,
                            unconfirmed=_confirm(run, root, name, autograded, checks))

            try:
                finished = autograde_then_feedback(root, name, options, confirm,
                                                   timeout=run.limits.batch_timeout)
                output = finished.stderr[-4000:]
                if finished.returncode:
                    log.info("%s: nbgrader autograde exited %d for a batch of %d", name,
                             finished.returncode, len(batch))
            except TimeoutError as error:
                log.warning("%s: %s", name, error)
                output = str(error)
            if "autograded" not in seen:  # the nbgrader process ended before it could ask
                confirm()
        autograded = seen["autograded"]
        assert isinstance(autograded, _Autograded)
        autograded.log = output
        checks = seen["checks"]
        unconfirmed = seen["unconfirmed"]
        assert isinstance(checks, dict) and isinstance(unconfirmed, dict)
        points = max_scores(root, name)
        seconds = (time.monotonic() - started) / max(len(batch), 1)
        log.info("%s: a batch of %d graded in %.1f s", name, len(batch),
                 time.monotonic() - started)
        results: list[SubmissionResult | None] = []
        for submission in batch:
            student = submission.student
            if not final and student not in autograded.graded:
                results.append(None)
                continue
            result = _result(run, root, name, submission, autograded, checks[student],
                             unconfirmed.get(student, {}), points, seconds)
            _save(run, root, name, result)
            results.append(result)
        return results
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _checked_outcome(message: str) -> tuple[str, str]:
    """Diagnosis kind and message from an independent check's ``"Type: message"``."""
    ename, _, evalue = message.partition(": ")
    if not (evalue and ename.isidentifier()):
        ename, evalue = "Error", message
    return classify(ename, evalue)


def _result(run: Run, root: Path, name: str, submission: Submission, autograded: _Autograded,
            check: CheckOutcome, unconfirmed: dict[str, str], points: dict[str, float],
            seconds: float) -> SubmissionResult:
    """The result of one submission from what nbgrader and the independent check said."""
    student = submission.student
    graded = student in autograded.graded
    kernel = autograded.scores.get(student) or {}
    notebook = root / "autograded" / student / name / f"{name}.ipynb"
    outcomes = cell_outcomes(notebook) if graded else {}
    warnings = printed_warnings(notebook) if graded else []
    if graded and kernel and not check.problem:
        status, note = Status.GRADED, ""
    elif graded and kernel:
        status = Status.NEEDS_REVIEW
        note = (f"nbgrader graded this notebook but {check.problem}, so its points are not "
                "confirmed; look at the notebook before you release the grade")
    elif check.cells is not None:
        status = Status.CHECKED_ONLY
        note = ("nbgrader could not grade this notebook (its kernel died or ran out of time: "
                "look for os._exit, exit() or an endless loop), so it is scored by the "
                "independent check alone and has no feedback file")
        outcomes = {gid: _checked_outcome(check.message(gid))
                    for gid in points if not check.passed(gid)}
    else:
        status = Status.NEEDS_REVIEW
        note = (f"the notebook could not be graded: its kernel died or it ran out of time "
                f"(look for os._exit, exit() or an endless loop), and {check.problem}; "
                "every cell counts 0 here")
    cells = {}
    for grade_id, top in points.items():
        kernel_score = kernel[grade_id][0] if graded and grade_id in kernel else None
        if status is Status.CHECKED_ONLY:
            score = top if check.passed(grade_id) else 0.0
        elif grade_id in unconfirmed:
            score = 0.0
        else:
            score = kernel_score or 0.0
        diagnosis, message = outcomes.get(grade_id, (None, ""))
        cells[grade_id] = CellResult(score=score, max=top, diagnosis=diagnosis,
                                     message=message, checked=check.passed(grade_id),
                                     kernel_score=kernel_score)
    return SubmissionResult(
        student=student, assignment=name, status=status, note=note,
        fingerprint=fingerprint(run, submission), seconds=round(seconds, 2), cells=cells,
        sandboxed=run.sandboxed, log=autograded.log[-1500:] if status is not Status.GRADED
        else "", warnings=warnings)


def _save(run: Run, root: Path, name: str, result: SubmissionResult) -> None:
    """Write the result, and keep its feedback page and graded notebook under ``out``."""
    student = result.student
    kept = {root / "feedback" / student / name / f"{name}.html":
            run.out / "feedback" / student / f"{name}.html",
            root / "autograded" / student / name / f"{name}.ipynb":
            run.out / "autograded" / student / f"{name}.ipynb"}
    for source, target in kept.items():
        if source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    write_result(run.out, result)
