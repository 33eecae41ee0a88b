"""Grading a class: the instructor's pipeline against plain sequential ``nbgrader autograde``.

Two synthetic classes, each graded side by side from nothing by

* the pipeline: ``autograder.pipeline.grade.run(submissions, <fresh folder>,
  Options(workers=W, quiet=True))``, sandbox and independent check on, feedback pages,
  grades, report and the instructor's gradebook included;
* the baseline, what an instructor types by hand: a course root from
  ``autograder.authoring.build.write_course`` and ``nbgrader generate_assignment``, the
  submissions copied into ``submitted/``, and one ``nbgrader autograde`` process per
  assignment, one after the other, its kernels in the same sandbox (the course's
  configuration names it); no independent check, no feedback;
* the floor: one submission (the solution) run top to bottom with nbclient in a fresh
  kernel, as nbgrader runs it (``NBGRADER_EXECUTION=autograde``).

The classes: 24 submissions of notebook 1 (the blank release, the solution and wrong
answers from its mutants), and a mixed class of 2 submissions (the solution and one
mutant) of each of notebooks 1 to 9. Both graders must give every student the same score
before their times mean anything. A note says where the pipeline's seconds went, from the
steps every worker times for each submission. The last row grades the first class with
one worker and with two: the speed-up per core.
"""

import itertools
import os
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from .series import execute
from .table import Row
from .timing import interleave, log, median, paired_ratio

__all__ = ["students_of", "make_class", "grade_pipeline", "grade_sequential", "run"]

FIRST = "01_loss_functions"


_RUNS = itertools.count()
"""Numbers the scratch folders of every grading run, across rows: each its own folder."""


def students_of(release_nb, answers, mutants, size):
    """Student id to notebook: the blank release, the solution, then mutants, ``size`` in
    all (mutants taken in order, again from the first if there are too few)."""
    from autograder.authoring.mutants import fill_answers, mutate

    students = {"blank": release_nb, "solution": fill_answers(release_nb, answers)}
    for index in range(max(0, size - 2)):
        mutant = mutants[index % len(mutants)]
        name = mutant["name"] if index < len(mutants) else f"{mutant['name']}-{index}"
        students[name] = fill_answers(release_nb, mutate(answers, mutant))
    return dict(list(students.items())[:size])


def make_class(names, per_assignment):
    """``{(student, assignment): notebook}``: ``per_assignment`` students of each assignment
    in ``names`` (see :func:`students_of`; with 2, the solution and one mutant)."""
    from autograder import NOTEBOOKS_DIR
    from autograder.authoring.mutants import answers, load_mutants

    found = {}
    for name in names:
        release = nbformat.read(NOTEBOOKS_DIR / name / f"{name}.ipynb", as_version=4)
        size = per_assignment + 1 if per_assignment == 2 else per_assignment
        students = students_of(release, answers(name), load_mutants(name), size)
        if per_assignment == 2:
            students.pop("blank")
        for student, nb in students.items():
            found[(student, name)] = nb
    return found


def _write(students, folder):
    for (student, name), nb in students.items():
        (folder / student).mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / student / f"{name}.ipynb")


def grade_pipeline(submissions, out, workers, steps=None):
    """Grade with the pipeline; ``{(student, assignment): score}``; each submission's
    timed steps are appended to ``steps``."""
    from autograder.pipeline.grade import Options, run

    course = Path(out) / "course"
    options = Options(workers=workers, quiet=True, gradebook=f"sqlite:///{course / 'gradebook.db'}",
                      course_root=course)
    began = time.perf_counter()
    results, _ = run(submissions, out, options)
    if steps is not None:
        steps.append({"total": time.perf_counter() - began,
                      "submissions": [r.steps for r in results]})
    return {(r.student, r.assignment): r.score for r in results}


def grade_sequential(students, root):
    """Course root, class copied in, one ``nbgrader autograde`` per assignment; scores."""
    from autograder.authoring.build import write_course
    from autograder.gradebook import class_scores
    from autograder.nbgrader_cli import nbgrader

    names = sorted({name for _, name in students})
    write_course(root, names)
    for name in names:
        nbgrader(root, "generate_assignment", name, "--force")
    for (student, name), nb in students.items():
        folder = root / "submitted" / student / name
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{name}.ipynb")
    scores = {}
    for name in names:
        nbgrader(root, "autograde", name, "--force", check=False)
        scores.update({(student, name): sum(got for got, _ in per.values())
                       for student, per in class_scores(root, name).items()})
    return scores


def _where(steps, size):
    """Words on where the pipeline's seconds went, from the workers' timed steps."""
    totals = {}
    for run_ in steps:
        for submission in run_["submissions"]:
            for step, seconds in submission.items():
                totals.setdefault(step, []).append(seconds)
    per = {step: sum(values) / len(values) for step, values in totals.items()}
    wall = median([run_["total"] for run_ in steps])
    parts = ", ".join(f"{step} {seconds:.2f} s" for step, seconds in per.items())
    return (f"per submission, in a worker: {parts}; the run's {wall:.1f} s also hold the "
            "workers' start (imports, zygotes), the template build, the report and the "
            f"gradebook; {size} submissions share them")


def _class_rows(label, students, scratch, workers, repeats):
    submissions = scratch / f"submissions-{label}"
    _write(students, submissions)
    scores, steps = {"pipeline": [], "sequential": []}, []
    solution = next(nb for (student, name), nb in students.items()
                    if student == "solution" and name == FIRST)
    floor_dir = scratch / "floor"
    floor_dir.mkdir(exist_ok=True)
    env = dict(os.environ, NBGRADER_EXECUTION="autograde")
    functions = {
        "pipeline": lambda: scores["pipeline"].append(grade_pipeline(
            submissions, scratch / f"out-{next(_RUNS)}", workers, steps)),
        "sequential": lambda: scores["sequential"].append(grade_sequential(
            students, scratch / f"course-{next(_RUNS)}")),
        "floor": lambda: execute(solution, floor_dir, env),
    }
    log(f"grading: {label}, {len(students)} submissions ({repeats} rounds)")
    times = interleave(functions, repeats, retries=1)
    first = scores["sequential"][0]
    agree = all(result == first for result in scores["pipeline"] + scores["sequential"])
    size = len(students)
    ratio = paired_ratio(times["pipeline"], times["sequential"])
    per_pipeline = [t / size for t in times["pipeline"]]
    notes = [f"{size} submissions; "
             + ("both give every student the same score" if agree else
                f"SCORES DIFFER: pipeline {scores['pipeline'][-1]}, nbgrader {first}"),
             _where(steps, size)]
    return [
        Row(f"grading: {label}, grade.run(workers={workers})",
            f"{median(times['pipeline']):.3g} s",
            f"{median(times['sequential']):.3g} s nbgrader autograde", ratio, "lower",
            "<= 0.40x (2.5x faster)", agree and ratio <= 0.4, notes, samples=times),
        Row(f"grading per submission: {label}, grade.run vs floor",
            f"{median(per_pipeline):.3g} s", f"{median(times['floor']):.3g} s floor",
            paired_ratio(per_pipeline, times["floor"]), "lower", "<= 1.50x",
            paired_ratio(per_pipeline, times["floor"]) <= 1.5),
    ]


def _speedup_row(students, scratch, repeats):
    submissions = scratch / "submissions-speedup"
    _write(students, submissions)
    functions = {f"{w} worker{'s' if w > 1 else ''}": (
        lambda w=w: grade_pipeline(submissions, scratch / f"speed-{next(_RUNS)}", w))
        for w in (1, 2)}
    log(f"grading: one worker against two ({repeats} rounds)")
    times = interleave(functions, repeats, retries=1)
    one, two = times["1 worker"], times["2 workers"]
    return Row(f"grading: {len(students)} submissions, 2 workers vs 1",
               f"{median(two):.3g} s", f"{median(one):.3g} s with 1 worker",
               paired_ratio(two, one), "lower", "", None,
               [f"two workers take {median(two) / median(one):.2f} of one worker's time on "
                f"{os.cpu_count()} cores"], samples=times)


def sandbox_row(repeats=10):
    """A process started in the sandbox against the same process started plainly."""
    import subprocess
    import sys

    from autograder.sandbox import bwrap

    argv = [sys.executable, "-c", "pass"]
    with bwrap.Sandbox() as box:
        boxed = box.command(argv, cwd="/home/student", private=["/home/student"])
        times = interleave({
            "sandboxed": lambda: subprocess.run(boxed, check=True),
            "plain": lambda: subprocess.run(argv, check=True)}, repeats)
    extra = median(times["sandboxed"]) - median(times["plain"])
    return Row("sandbox: python started in bubblewrap vs plain",
               f"{1000 * median(times['sandboxed']):.0f} ms",
               f"{1000 * median(times['plain']):.0f} ms plain",
               paired_ratio(times["sandboxed"], times["plain"]), "lower", "",
               notes=[f"the sandbox alone costs about {1000 * extra:.0f} ms a process; a "
                      "zygote's child pays none of it (it is forked inside one)"],
               samples=times)


def run(quick=False, repeats=None, workers=2):
    """The grading rows (see the module docstring)."""
    from autograder import assignments

    repeats = repeats or (1 if quick else 2)
    scratch = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        first = make_class([FIRST], 3 if quick else 24)
        mixed = make_class([n for n in assignments() if n < "10"][:2 if quick else 9], 2)
        rows = _class_rows(f"{len(first)} submissions of {FIRST}", first, scratch, workers,
                           repeats)
        rows += _class_rows(f"mixed class of 2 of each of {len(mixed) // 2} notebooks", mixed,
                            scratch, workers, repeats)
        rows.append(_speedup_row(first, scratch, repeats))
        rows.append(sandbox_row(3 if quick else 10))
        return rows
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
