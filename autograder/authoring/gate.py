"""Test the tests: every graded exercise must tell right answers from wrong ones.

For one assignment, the grading workers (:mod:`autograder.pipeline.worker`: nbgrader's own
``Autograde`` in process, the visible tests in the student's kernel, every test in the
independent check) grade a small synthetic class, exactly as a class is graded:

* ``release``: the unmodified student notebook; must score 0 on every exercise;
* ``solution``: the release with each answer cell filled from the source's solution;
  must score full marks on every exercise;
* the *mutants*: the solution with a typical mistake planted; each must lose points on
  the exercises it names, and fail a *visible* test of each of them, so that a student
  who makes that mistake is told before handing in. Mutants share one student when none
  can reach an exercise another one names (:mod:`.packing`), since a notebook costs as
  much to grade with one mistake as with several; in such a student, every exercise none
  of them reaches must keep full marks, or its mutants are graded again, one student
  each. A checkpoint (an exercise whose id starts with ``predict_``) is the exception:
  its visible test records any well-formed prediction, right or wrong, and only the
  hidden tests judge it (``tests/test_checkpoints.py`` checks that the visible test's
  output is the same for every well-formed prediction).

And for every student, the independent check must pass every cell whose visible tests
pass in the kernel and that the check's full tests should pass: for the solution, every
cell.

Mutants are declared beside each source (see :mod:`autograder.authoring.mutants`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

import nbformat

from .. import exercise_of
from ..environment import variables
from ..pipeline.template import build
from ..pipeline.worker import Graded, Task, Worker
from .learner import source_cells
from .mutants import answers, fill_answers, load_mutants, mutate
from .packing import mutant_reaches, pack

__all__ = ["run_gate", "spilled", "main", "is_checkpoint", "CHECKPOINT_PREFIX"]

CHECKPOINT_PREFIX = "predict_"
"""Exercises whose id starts with this are checkpoints (predict, then run)."""


def is_checkpoint(exercise: str) -> bool:
    """Whether ``exercise`` is a checkpoint, whose visible test only records a prediction."""
    return exercise.startswith(CHECKPOINT_PREFIX)


def _exercise_scores(graded: Graded) -> dict[str, tuple[float, float]]:
    """The score per exercise as the pipeline counts it: a cell's points when its visible
    tests pass in the kernel and the independent check passes all of its tests."""
    totals: dict[str, list[float]] = {}
    for grade_id, top in graded.points.items():
        entry = totals.setdefault(exercise_of(grade_id), [0.0, 0.0])
        confirmed = graded.checks.get(grade_id, (None, ""))[0] is True
        entry[0] += (graded.kernel or {}).get(grade_id, 0.0) if confirmed else 0.0
        entry[1] += top
    return {exercise: (got, most) for exercise, (got, most) in sorted(totals.items())}


def _visibly_failing(graded: Graded) -> set[str]:
    """Exercises with a test cell whose visible tests fail in the student's kernel."""
    return {exercise_of(grade_id) for grade_id, top in graded.points.items()
            if (graded.kernel or {}).get(grade_id, 0.0) < top}


def _check_agrees(student: str, graded: Graded) -> list[str]:
    """Failures where the independent check does not judge a cell the solution passes."""
    if graded.check_problem:
        return [f"{student}: {graded.check_problem}"]
    return [f"{student}: the independent check does not pass {grade_id}: "
            f"{graded.checks.get(grade_id, (None, 'no verdict'))[1]}"
            for grade_id in sorted(graded.points)
            if graded.checks.get(grade_id, (None, ""))[0] is not True]


def spilled(graded: Graded, reached: set[str]) -> set[str]:
    """Exercises outside ``reached`` that did not keep full marks, or all of them when
    the notebook could not be graded: what a shared student's mutants did beyond their
    reach."""
    if graded.kernel is None or graded.check_problem:
        return {exercise_of(grade_id) for grade_id in graded.points}
    return {exercise for exercise, (got, top) in _exercise_scores(graded).items()
            if exercise not in reached and (got < top or exercise in _visibly_failing(graded))}


def run_gate(name: str) -> dict[str, Any]:
    """Grade the synthetic class of assignment ``name`` and judge every student.

    Returns
    -------
    dict
        ``scores`` (student -> exercise -> (score, max)), ``mutants`` (mutant -> the
        student it was judged in), ``regraded`` (shared students whose mutants were
        graded one by one, and why) and ``failures`` (plain-words list of every
        expectation that did not hold; empty when the gate passes).
    """
    template = build([name])
    release_nb = nbformat.from_dict(template.releases[name])
    solutions = answers(name)
    mutants = load_mutants(name)
    by_name = {m["name"]: m for m in mutants}
    reaches = mutant_reaches(source_cells(name), solutions, mutants)
    groups = pack(reaches, {m["name"]: set(m["loses"]) for m in mutants})

    def planted(names: Sequence[str]) -> Any:
        code = dict(solutions)
        for mutant in names:
            code = mutate(code, by_name[mutant])
        return fill_answers(release_nb, code)

    students = {"release": release_nb, "solution": fill_answers(release_nb, solutions)}
    shared = {}
    for number, group in enumerate(groups, start=1):
        student = f"mutant-{group[0]}" if len(group) == 1 else f"mutants-{number}"
        students[student] = planted(group)
        shared[student] = group
    graded: dict[str, Graded] = {}
    regraded: dict[str, str] = {}
    with variables(NBGRADER_EXECUTION="autograde"):
        worker = Worker(template, feedback=False)
        try:
            def grade(student: str, nb: Any) -> None:
                graded[student] = worker.grade(
                    Task(name, student, json.dumps(nb).encode(), "gate"))

            for student, nb in students.items():
                grade(student, nb)
            for student, group in list(shared.items()):  # a spill adds students
                reached = set().union(*(reaches[m] for m in group))
                beyond = spilled(graded[student], reached) if len(group) > 1 else set()
                if beyond:
                    regraded[student] = (f"{', '.join(group)} changed "
                                         f"{', '.join(sorted(beyond))}, which none of them "
                                         "reaches")
                    del graded[student]
                    for mutant in group:
                        grade(f"mutant-{mutant}", planted([mutant]))
                        shared[f"mutant-{mutant}"] = [mutant]
        finally:
            worker.close()
    judged_in = {mutant: student for student, group in shared.items() if student in graded
                 for mutant in group}
    scores = {student: _exercise_scores(g) for student, g in graded.items()
              if g.kernel is not None}
    failures = [f"{student}: was not graded by nbgrader ({g.check_problem or 'kernel died'})"
                for student, g in graded.items() if g.kernel is None]
    exercises = sorted({ex for per in scores.values() for ex in per})
    if "release" in scores:
        failures += [f"release scores {got} of {top} on {ex}; a blank answer must score 0"
                     for ex, (got, top) in scores["release"].items() if got != 0]
    if "solution" in scores:
        failures += [f"solution scores {got} of {top} on {ex}; it must score full marks"
                     for ex, (got, top) in scores["solution"].items() if got != top]
    for mutant in mutants:
        student = judged_in[mutant["name"]]
        per = scores.get(student, {})
        for exercise in mutant["loses"]:
            if exercise not in exercises:
                failures.append(f"mutant {mutant['name']}: no exercise {exercise!r}")
            elif exercise in per and per[exercise][0] >= per[exercise][1]:
                failures.append(f"mutant {mutant['name']} keeps full marks on {exercise}: "
                                "the tests do not catch this mistake")
            elif is_checkpoint(exercise):
                continue  # its visible test records any well-formed prediction, by design
            elif exercise not in _visibly_failing(graded[student]):
                failures.append(f"mutant {mutant['name']} passes every visible test of "
                                f"{exercise}: only the hidden tests catch this mistake")
    if "solution" in graded:
        failures += _check_agrees("solution", graded["solution"])
    return {"scores": scores, "mutants": judged_in, "regraded": regraded,
            "failures": failures}


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
        together: dict[str, list[str]] = {}
        for mutant, student in outcome["mutants"].items():
            together.setdefault(student, []).append(mutant)
        for student, members in sorted(together.items()):
            if len(members) > 1:
                print(f"{name} {student:40s} carries {', '.join(members)}")
        for student, why in sorted(outcome["regraded"].items()):
            print(f"{name} {student:40s} graded again one mutant at a time: {why}")
        for failure in outcome["failures"]:
            print("FAIL", failure)
        if outcome["failures"]:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
