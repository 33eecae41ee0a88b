"""Test the tests: every graded exercise must tell right answers from wrong ones.

For one assignment, real ``nbgrader autograde`` grades a small synthetic class:

* ``release``: the unmodified student notebook; must score 0 on every exercise;
* ``solution``: the release with each answer cell filled from the source's solution;
  must score full marks on every exercise;
* one student per *mutant*: the solution with one typical mistake planted; must lose
  points on the exercises the mutant names.

Mutants live beside the source as ``source/<assignment>/mutants.toml``::

    [[mutant]]
    name = "mse-forgets-the-mean"      # also the synthetic student's id
    cell = "mse"                       # the answer cell to change
    replace = "/ len(y_hat)"           # text that occurs exactly once in its solution
    with = ""                          # what it becomes
    loses = ["mse"]                    # exercises that must lose points (default: [cell])

``code = "..."`` instead of ``replace``/``with`` swaps in the whole cell.
"""

import argparse
import json
import re
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path

import nbformat

from . import COURSE_ID, SOURCE_DIR
from .build import nbgrader, write_course
from .sourcefmt import exercise_of, parse
from .verify import check_in_subprocess

__all__ = ["load_mutants", "solution_code", "fill_answers", "run_gate", "class_scores",
           "cell_scores"]

_SOLUTION_BLOCK = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)


def solution_code(source):
    """A solution cell's code as a student would write it: the markers removed."""
    return _SOLUTION_BLOCK.sub("", source)


def load_mutants(name):
    """The mutants declared for assignment ``name`` (an empty list if none)."""
    path = SOURCE_DIR / name / "mutants.toml"
    if not path.exists():
        return []
    mutants = tomllib.loads(path.read_text()).get("mutant", [])
    for mutant in mutants:
        missing = {"name", "cell"} - set(mutant)
        if missing or not (("replace" in mutant and "with" in mutant) or "code" in mutant):
            raise ValueError(f"{path}: mutant {mutant.get('name', '?')} needs name, cell, and "
                             "replace+with or code")
        mutant.setdefault("loses", [mutant["cell"]])
    return mutants


def _answers(name):
    cells = parse((SOURCE_DIR / name / f"{name}.py").read_text())
    return {c.grade_id: solution_code(c.source) for c in cells if c.kind == "solution"}


def fill_answers(release_nb, answers):
    """Copy of a release notebook with the answer cells in ``answers`` filled in."""
    nb = nbformat.from_dict(json.loads(json.dumps(release_nb)))
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def _mutate(answers, mutant):
    changed = dict(answers)
    cell = mutant["cell"]
    if cell not in changed:
        raise ValueError(f"mutant {mutant['name']}: no answer cell {cell!r}")
    if "code" in mutant:
        changed[cell] = mutant["code"]
    else:
        count = changed[cell].count(mutant["replace"])
        if count != 1:
            raise ValueError(f"mutant {mutant['name']}: {mutant['replace']!r} occurs {count} "
                             f"times in cell {cell!r}; it must occur exactly once")
        changed[cell] = changed[cell].replace(mutant["replace"], mutant["with"])
    return changed


def cell_scores(course_root, name):
    """Per student, per test cell: ``(score, max_score)`` from the gradebook."""
    from nbgrader.api import Gradebook

    db_url = f"sqlite:///{Path(course_root) / 'gradebook.db'}"
    with Gradebook(db_url, course_id=COURSE_ID) as gradebook:
        return {submission.student.id: {grade.name: (grade.score or 0.0, grade.max_score)
                                        for notebook in submission.notebooks
                                        for grade in notebook.grades}
                for submission in gradebook.assignment_submissions(name)}


def class_scores(course_root, name):
    """Per student, per exercise: ``(score, max_score)``, the sums of :func:`cell_scores`."""
    scores = {}
    for student, cells in cell_scores(course_root, name).items():
        per_exercise = scores.setdefault(student, {})
        for grade_id, (score, top) in cells.items():
            got, most = per_exercise.get(exercise_of(grade_id), (0.0, 0.0))
            per_exercise[exercise_of(grade_id)] = (got + score, most + top)
    return scores


def _check_agrees(course, name, students):
    """Failures where the independent check fails a cell that nbgrader passed.

    The grading pipeline withdraws such points, so for honest work, which every
    synthetic student is, the check must pass everything nbgrader passes.
    """
    source = course / "source" / name / f"{name}.ipynb"
    by_nbgrader = cell_scores(course, name)
    failures = []
    for student in students:
        submitted = course / "submitted" / student / name / f"{name}.ipynb"
        checked, problem = check_in_subprocess(source, submitted)
        if problem:
            failures.append(f"{student}: {problem}")
            continue
        for grade_id, (score, top) in sorted(by_nbgrader.get(student, {}).items()):
            if score >= top and not checked.get(grade_id, {}).get("passed"):
                failures.append(f"{student}: nbgrader passes {grade_id} but the independent "
                                f"check does not: {checked.get(grade_id, {}).get('message')}")
    return failures


def run_gate(name, workdir=None):
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
    answers = _answers(name)
    mutants = load_mutants(name)
    students = {"release": release_nb, "solution": fill_answers(release_nb, answers)}
    for mutant in mutants:
        students[f"mutant-{mutant['name']}"] = fill_answers(release_nb, _mutate(answers, mutant))
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


def main(argv=None):
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
