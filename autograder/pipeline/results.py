"""What grading one submission produced, as typed objects, and their files on disk.

A :class:`SubmissionResult` is written to ``results/<assignment>/<student>.json``
atomically when its batch finishes (:func:`write_result`); a run that was killed reads
them back (:func:`read_result`) and grades only what has none.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from .. import exercise_of

log = logging.getLogger(__name__)

__all__ = ["Status", "CellResult", "SubmissionResult", "result_path", "write_result",
           "read_result"]


class Status(str, Enum):
    """How a submission was graded."""

    GRADED = "graded"  # nbgrader graded it and the independent check judged every cell
    CHECKED_ONLY = "checked-only"  # nbgrader lost it; scored by the independent check alone
    NEEDS_REVIEW = "needs-review"  # a score that the instructor should look at first

    def __str__(self) -> str:
        return self.value


@dataclass
class CellResult:
    """One test cell of one submission.

    ``score`` counts; ``kernel_score`` is what nbgrader gave in the student's kernel
    (None if nbgrader did not grade the notebook), so ``kernel_score - score`` is what
    the independent check withdrew; ``checked`` is its verdict (None: it reached none,
    and then the cell scores 0).
    """

    score: float
    max: float
    diagnosis: str | None = None
    message: str = ""
    checked: bool | None = None
    kernel_score: float | None = None

    @property
    def withdrawn(self) -> bool:
        """True if the independent check took this cell's kernel points away."""
        return bool(self.kernel_score) and self.score < (self.kernel_score or 0.0)


@dataclass
class SubmissionResult:
    """One graded submission."""

    student: str
    assignment: str
    status: Status
    note: str
    fingerprint: str
    seconds: float
    cells: dict[str, CellResult]
    sandboxed: bool = True
    log: str = ""
    warnings: list[str] = field(default_factory=list)
    timestamp: str | None = None  # when it was handed in (nbgrader's timestamp.txt)
    seconds_late: float = 0.0  # after the assignment's due date in the gradebook

    @property
    def score(self) -> float:
        return sum(cell.score for cell in self.cells.values())

    @property
    def max_score(self) -> float:
        return sum(cell.max for cell in self.cells.values())

    def exercise_scores(self) -> dict[str, tuple[float, float]]:
        """``{exercise: (score, max)}``, summing its test cells, in exercise order."""
        totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for grade_id, cell in self.cells.items():
            entry = totals[exercise_of(grade_id)]
            entry[0] += cell.score
            entry[1] += cell.max
        return {exercise: (got, top) for exercise, (got, top) in sorted(totals.items())}

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        if not data["log"]:
            data.pop("log")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SubmissionResult:
        cells = {grade_id: CellResult(**cell) for grade_id, cell in data["cells"].items()}
        return cls(student=data["student"], assignment=data["assignment"],
                   status=Status(data["status"]), note=data.get("note", ""),
                   fingerprint=data.get("fingerprint", ""), seconds=data.get("seconds", 0.0),
                   cells=cells, sandboxed=data.get("sandboxed", True), log=data.get("log", ""),
                   warnings=list(data.get("warnings", [])), timestamp=data.get("timestamp"),
                   seconds_late=float(data.get("seconds_late", 0.0)))


def result_path(out: str | Path, assignment: str, student: str) -> Path:
    return Path(out) / "results" / assignment / f"{student}.json"


def write_result(out: str | Path, result: SubmissionResult) -> Path:
    """Write ``result`` atomically: a reader sees the old file or the new one, never half."""
    path = result_path(out, result.assignment, result.student)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, scratch = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w") as handle:
        json.dump(result.to_json(), handle, indent=1, sort_keys=True)
    os.replace(scratch, path)
    return path


def read_result(out: str | Path, assignment: str, student: str) -> SubmissionResult | None:
    """The result written by an earlier run, or None if there is none (or it is unreadable)."""
    path = result_path(out, assignment, student)
    try:
        return SubmissionResult.from_json(json.loads(path.read_text()))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("%s cannot be read (%s): it is graded again", path, error)
        return None
