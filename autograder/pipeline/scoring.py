"""From what a worker found to a submission's score: nbgrader's points, confirmed or none.

A test cell keeps the points nbgrader gave it in the student's kernel only if the
independent check, run where the student's code could not touch it, passed it too. A cell
the check failed scores 0 and says so; a cell on which the check reached no verdict (its
answer process broke the protocol, the check crashed or ran out of time) also scores 0,
and the submission is marked for review with the reason and the command that grades it
again. Where nbgrader could not grade the notebook at all (its kernel died), the cells the
check passed get their points and the rest 0.
"""

from __future__ import annotations

from .feedback import classify
from .results import CellResult, Status, SubmissionResult
from .worker import Graded

__all__ = ["score", "REGRADE_HINT"]

REGRADE_HINT = "grade it again with --regrade {student}"


def _checked_outcome(message: str) -> tuple[str, str]:
    """Diagnosis kind and message from an independent check's ``"Type: message"``."""
    ename, _, evalue = message.partition(": ")
    if not (evalue and ename.isidentifier()):
        ename, evalue = "Error", message
    return classify(ename, evalue)


def score(graded: Graded, sandboxed: bool = True, timestamp: str | None = None
          ) -> SubmissionResult:
    """The :class:`SubmissionResult` of one graded submission (see the module docstring)."""
    kernel, checks = graded.kernel, graded.checks
    verdicts = {gid: checks.get(gid, (None, "no verdict"))[0] for gid in graded.points}
    unjudged = sorted(gid for gid, verdict in verdicts.items() if verdict is None)
    hint = REGRADE_HINT.format(student=graded.student)
    why = graded.check_problem or next(
        (checks[gid][1] for gid in unjudged if gid in checks and checks[gid][1]), "")
    if kernel is not None and not unjudged:
        status, note = Status.GRADED, ""
    elif kernel is not None:
        status = Status.NEEDS_REVIEW
        note = (f"the independent check reached no verdict on {len(unjudged)} of "
                f"{len(verdicts)} test cells ({why}), so they score 0; look at the "
                f"notebook, then {hint}")
    elif any(v is not None for v in verdicts.values()):
        status = Status.CHECKED_ONLY
        note = ("nbgrader could not grade this notebook (its kernel died or ran out of time: "
                "look for os._exit, exit() or an endless loop), so it is scored by the "
                "independent check alone and has no feedback file")
    else:
        status = Status.NEEDS_REVIEW
        note = (f"the notebook could not be graded: its kernel died or it ran out of time "
                f"(look for os._exit, exit() or an endless loop), and {why or 'the check gave no verdict'}; "
                f"every cell counts 0 here; {hint}")
    cells = {}
    for grade_id, top in graded.points.items():
        verdict = verdicts[grade_id]
        message = checks.get(grade_id, (None, ""))[1]
        kernel_score = kernel.get(grade_id) if kernel is not None else None
        diagnosis, shown = graded.outcomes.get(grade_id, (None, ""))
        if kernel is None:
            got = top if verdict is True else 0.0
            if verdict is not True:
                diagnosis, shown = _checked_outcome(message or "no verdict")
        elif verdict is True:
            got = kernel_score or 0.0
        else:
            got = 0.0
            if kernel_score:  # points nbgrader gave that the check did not confirm
                diagnosis = "unconfirmed"
                shown = (f"passed in the student's kernel, but the independent check "
                         f"{'failed it' if verdict is False else 'reached no verdict'}: "
                         f"{message}")[:1000]
        cells[grade_id] = CellResult(score=got, max=top, diagnosis=diagnosis, message=shown,
                                     checked=verdict, kernel_score=kernel_score)
    return SubmissionResult(
        student=graded.student, assignment=graded.assignment, status=status, note=note,
        fingerprint=graded.fingerprint, seconds=graded.seconds, cells=cells,
        sandboxed=sandboxed, log=graded.log[-1500:] if status is not Status.GRADED else "",
        warnings=graded.warnings, timestamp=timestamp)
