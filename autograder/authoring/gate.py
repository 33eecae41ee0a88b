"""Test the tests: every graded exercise must tell right answers from wrong ones.

For one assignment, real ``nbgrader autograde`` grades a small synthetic class:

* ``release``: the unmodified student notebook; must score 0 on every exercise;
* ``solution``: the release with each answer cell filled from the source's solution;
  must score full marks on every exercise;
* one student per *mutant*: the solution with one typical mistake planted; must lose
  points on the exercises the mutant names.

Mutants are declared beside each source (see :mod:`autograder.authoring.mutants`).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat

from .. import SOURCE_DIR
from ..gradebook import cell_scores, class_scores
from ..nbgrader_cli import nbgrader
from ..sandbox.verify import check_batch
from .build import write_course
from .mutants import answers, fill_answers, load_mutants, mutate
from .sourcefmt import parse

__all__ = ["run_gate", "main"]

def _check_agrees(course, name, students):
    """Failures where the independent check fails a cell that nbgrader passed.

    The grading pipeline withdraws such points, so for honest work, which every
    synthetic student is, the check must pass everything nbgrader passes.
    """
    source = course / "source" / name / f"{name}.ipynb"
    by_nbgrader = cell_scores(course, name)
    submitted = {student: course / "submitted" / student / name / f"{name}.ipynb"
                 for student in students}
    checks = check_batch(source, list(submitted.values()))  # as the pipeline runs it
    failures = []
    for student, path in submitted.items():
        check = checks[str(path)]
        if check.problem:
            failures.append(f"{student}: {check.problem}")
            continue
        for grade_id, (score, top) in sorted(by_nbgrader.get(student, {}).items()):
            if score >= top and not check.passed(grade_id):
                failures.append(f"{student}: nbgrader passes {grade_id} but the independent "
                                f"check does not: {check.message(grade_id)}")
    return failures


def run_gate(name: str, workdir: str | Path | None = None) -> dict[str, Any]:
    """Grade the synthetic class of assignment ``name`` and judge every student.

    Returns
    -------
    dict
        ``scores`` (student -> exercise -> (score, max)) and ``failures`` (plain-words
        list of every expectation that did not hold; empty when the gate passes).
    """
    scratch = Path(workdir or tempfile.mkdtemp(prefix=f"gate-{name}-"))
    course = scratch / "course"
    write_course(course, [name])
    nbgrader(course, "generate_assignment", name, "--force")
    release_nb = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    solutions = answers(name)
    mutants = load_mutants(name)
    students = {"release": release_nb, "solution": fill_answers(release_nb, solutions)}
    for mutant in mutants:
        students[f"mutant-{mutant['name']}"] = fill_answers(release_nb, mutate(solutions, mutant))
    for student, nb in students.items():
        folder = course / "submitted" / student / name
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{name}.ipynb")
    result = nbgrader(course, "autograde", name, "--force", check=False)
    scores = class_scores(course, name)
    failures = []
    exercises = sorted({ex for per in scores.values() for ex in per})
    for student in students:
        if student not in scores:
            failures.append(f"{student}: was not graded\n{result.stderr[-2000:]}")
    if "release" in scores:
        failures += [f"release scores {got} of {top} on {ex}; a blank answer must score 0"
                     for ex, (got, top) in scores["release"].items() if got != 0]
    if "solution" in scores:
        failures += [f"solution scores {got} of {top} on {ex}; it must score full marks"
                     for ex, (got, top) in scores["solution"].items() if got != top]
    for mutant in mutants:
        per = scores.get(f"mutant-{mutant['name']}", {})
        for exercise in mutant["loses"]:
            if exercise not in exercises:
                failures.append(f"mutant {mutant['name']}: no exercise {exercise!r}")
            elif exercise in per and per[exercise][0] >= per[exercise][1]:
                failures.append(f"mutant {mutant['name']} keeps full marks on {exercise}: "
                                "the tests do not catch this mistake")
    failures += _check_agrees(course, name, students)
    if workdir is None and not failures:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"scores": scores, "failures": failures, "course_root": str(course)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the test-the-tests gate.")
    parser.add_argument("assignment", nargs="+")
    args = parser.parse_args(argv)
    status = 0
    for name in args.assignment:
        outcome = run_gate(name)
        for student, per in sorted(outcome["scores"].items()):
            cells = ", ".join(f"{ex} {got:g}/{top:g}" for ex, (got, top) in sorted(per.items()))
            print(f"{name} {student:40s} {cells}")
        for failure in outcome["failures"]:
            print("FAIL", failure)
        if outcome["failures"]:
            status = 1
            print("kept for inspection:", outcome["course_root"])
    return status


if __name__ == "__main__":
    sys.exit(main())
