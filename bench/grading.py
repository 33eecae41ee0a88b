"""Grading a class: the instructor's pipeline against plain sequential ``nbgrader autograde``.

The synthetic class hands in notebook 01: one blank release, one solution, and wrong
answers made from the mutants in ``source/01_loss_functions/mutants.toml``, each filled
in with ``autograder.authoring.mutants.fill_answers``. Timed side by side, each from nothing:

* the pipeline: ``autograder.pipeline.grade.run(submissions, <fresh folder>,
  Options(workers=2, quiet=True))``, with the sandbox and the independent check on,
  which builds its own template course, grades in parallel batches and writes feedback,
  a grades CSV and a report;
* the baseline: what an instructor would type by hand: a course root from
  ``autograder.authoring.build.write_course`` and ``nbgrader generate_assignment``, the
  submissions copied in, and one ``nbgrader autograde`` process for the whole class;
* the floor: one submission (the solution) run top to bottom with nbclient in a fresh
  kernel, as nbgrader runs it (``NBGRADER_EXECUTION=autograde``): no grader can grade a
  notebook faster than that.

Both graders must agree on every student's score before their times mean anything. To
say where the pipeline's time goes, the nbgrader processes it starts are counted and
timed (by watching the pipeline modules' calls to their nbgrader helper, unchanged).
"""

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path
from unittest import mock

import nbformat

from .series import execute
from .table import Row
from .timing import interleave, log, median, paired_ratio

__all__ = ["ASSIGNMENT", "make_class", "recording_nbgrader", "grade_pipeline", "grade_sequential",
           "run"]

ASSIGNMENT = "01_loss_functions"


def make_class(release_nb, answers, mutants, size):
    """Student id to notebook: the blank release, the solution, then ``size - 2`` mutants.

    Parameters
    ----------
    release_nb : nbformat.NotebookNode
        The student release of the assignment.
    answers : dict of str to str
        Answer cell id to solution code.
    mutants : list of dict
        As ``autograder.authoring.mutants.load_mutants`` returns them.
    size : int
        Number of students, at least 2.
    """
    from autograder.authoring.mutants import fill_answers, mutate

    students = {"blank": release_nb, "solution": fill_answers(release_nb, answers)}
    for mutant in mutants[:max(0, size - 2)]:
        students[mutant["name"]] = fill_answers(release_nb, mutate(answers, mutant))
    return students


def _course(root, name=ASSIGNMENT):
    from autograder.nbgrader_cli import nbgrader
    from autograder.authoring.build import write_course

    write_course(root, [name])
    nbgrader(root, "generate_assignment", name, "--force")
    return nbformat.read(root / "release" / name / f"{name}.ipynb", as_version=4)


@contextlib.contextmanager
def recording_nbgrader(module, calls, helper="nbgrader"):
    """Append ``(command, seconds)`` to ``calls`` for each nbgrader process ``module`` starts.

    Only watches: every call goes through to the real helper (``nbgrader``, or
    ``autograde_then_feedback``, whose one process runs both commands) unchanged. If
    ``module`` starts no nbgrader itself, nothing is recorded.
    """
    original = getattr(module, helper, None)
    if original is None:
        yield
        return

    def recording(course_root, *args, **kwargs):
        start = time.perf_counter()
        try:
            return original(course_root, *args, **kwargs)
        finally:
            command = "autograde+feedback" if helper != "nbgrader" else (args[0] if args
                                                                           else "?")
            calls.append((command, time.perf_counter() - start))

    with mock.patch.object(module, helper, recording):
        yield


def grade_pipeline(submissions, out, workers, calls=None):
    """Grade with the pipeline; student id to total score (``calls``: see recording_nbgrader)."""
    import autograder.pipeline.batch
    import autograder.pipeline.grade
    import autograder.pipeline.template

    calls = calls if calls is not None else []
    with recording_nbgrader(autograder.pipeline.batch, calls, "autograde_then_feedback"), \
            recording_nbgrader(autograder.pipeline.template, calls):
        course = Path(out) / "course"  # the instructor's gradebook is filled, as make grade does
        options = autograder.pipeline.grade.Options(
            workers=workers, quiet=True, gradebook=f"sqlite:///{course / 'gradebook.db'}",
            course_root=course)
        results, _ = autograder.pipeline.grade.run(submissions, out, options)
    return {r.student: (r.score if str(r.status) == "graded" else None) for r in results}


def grade_sequential(submissions, root, name=ASSIGNMENT, calls=None):
    """Build a course root, copy the class in, run one ``nbgrader autograde``; student to total."""
    from autograder.nbgrader_cli import nbgrader
    from autograder.gradebook import class_scores

    _course(root, name)
    for folder in Path(submissions).iterdir():
        target = root / "submitted" / folder.name / name
        target.mkdir(parents=True)
        shutil.copy(folder / f"{name}.ipynb", target / f"{name}.ipynb")
    start = time.perf_counter()
    nbgrader(root, "autograde", name, "--force", check=False)
    if calls is not None:
        calls.append(("autograde", time.perf_counter() - start))
    return {student: sum(got for got, _ in per.values())
            for student, per in class_scores(root, name).items()}


def _processes(calls, runs):
    """Words on the nbgrader processes of one run: how many of each, and their mean time."""
    if not calls:
        return "none seen from the pipeline's modules"
    by_command = {}
    for command, seconds in calls:
        by_command.setdefault(command, []).append(seconds)
    return ", ".join(f"{command} x{len(seconds) / runs:g} ({sum(seconds) / len(seconds):.1f} s "
                     "each)" for command, seconds in sorted(by_command.items()))


def _rows(size, times, agree, pipeline_scores, workers, calls):
    ratio = paired_ratio(times["pipeline"], times["sequential"])
    repeats = len(times["pipeline"])
    per_pipeline = [t / size for t in times["pipeline"]]
    per_sequential = [t / size for t in times["sequential"]]
    agreement = ("both give every student the same score" if agree else
                 f"SCORES DIFFER: pipeline {pipeline_scores}")
    notes = [f"{size} students ({', '.join(sorted(pipeline_scores))}); {agreement}",
             "both times start from nothing (course build included); both run every kernel "
             "in the sandbox (the course's configuration); the pipeline also runs the "
             "independent check of every submission in sandboxed answer processes, writes "
             "feedback HTML, grades.csv and a report, and fills the instructor's gradebook",
             f"nbgrader processes per grade.run: {_processes(calls['pipeline'], repeats)}; "
             f"the baseline's one autograde took "
             f"{median([s for _, s in calls['sequential']]):.1f} s"]
    return [
        Row(f"grading: {size} submissions of {ASSIGNMENT}, grade.run(workers={workers})",
            f"{median(times['pipeline']):.3g} s", f"{median(times['sequential']):.3g} s "
            "nbgrader autograde", ratio, "lower", "<= 0.67x (1.5x faster)",
            agree and ratio <= 1 / 1.5, notes, samples=times),
        Row("grading per submission: grade.run vs floor", f"{median(per_pipeline):.3g} s",
            f"{median(times['floor']):.3g} s floor", paired_ratio(per_pipeline, times["floor"]),
            "lower"),
        Row("grading per submission: nbgrader autograde vs floor",
            f"{median(per_sequential):.3g} s", f"{median(times['floor']):.3g} s floor",
            paired_ratio(per_sequential, times["floor"]), "lower"),
    ]


def sandbox_row(repeats=10):
    """A process started in the sandbox against the same process started plainly.

    The process is ``python -c pass``: what remains of the difference is the sandbox's own
    cost (namespaces, mounts, the memory limit), paid once by each nbgrader kernel and once
    by each answer process of the independent check.
    """
    import subprocess
    import sys

    from autograder.sandbox import bwrap

    scratch = Path(tempfile.mkdtemp(prefix="bench-sandbox-"))
    try:
        argv = [sys.executable, "-c", "pass"]
        with bwrap.Sandbox() as box:
            boxed = box.command(argv, cwd="/home/student", private=["/home/student"])
            times = interleave({
                "sandboxed": lambda: subprocess.run(boxed, check=True),
                "plain": lambda: subprocess.run(argv, check=True)}, repeats)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    extra = median(times["sandboxed"]) - median(times["plain"])
    return Row("sandbox: python started in bubblewrap vs plain",
               f"{1000 * median(times['sandboxed']):.0f} ms",
               f"{1000 * median(times['plain']):.0f} ms plain",
               paired_ratio(times["sandboxed"], times["plain"]), "lower", "",
               notes=[f"the sandbox alone costs about {1000 * extra:.0f} ms a process; a "
                      "submission starts two (its nbgrader kernel and its answer process, "
                      f"more if a cell ends it): about {2000 * extra:.0f} ms a submission"],
               samples=times)


def run(quick=False, repeats=None, size=None, workers=2):
    """Rows comparing the pipeline, the baseline and the floor on one synthetic class.

    Parameters
    ----------
    quick : bool
        Three students, one repeat: a smoke run.
    repeats : int, optional
        Rounds of (pipeline, sequential, floor); default 3.
    size : int, optional
        Students in the class; default 8.
    workers : int
        The pipeline's parallel workers (the machine's two cores).
    """
    from autograder.authoring.mutants import answers, load_mutants

    size = size or (3 if quick else 8)
    repeats = repeats or (1 if quick else 3)
    scratch = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        log(f"grading: building a class of {size}")
        release = _course(scratch / "release-course")
        students = make_class(release, answers(ASSIGNMENT), load_mutants(ASSIGNMENT), size)
        submissions = scratch / "submissions"
        for student, nb in students.items():
            (submissions / student).mkdir(parents=True)
            nbformat.write(nb, submissions / student / f"{ASSIGNMENT}.ipynb")
        scores, count = {"pipeline": [], "sequential": []}, iter(range(10 ** 6))
        calls = {"pipeline": [], "sequential": []}
        env = dict(os.environ, NBGRADER_EXECUTION="autograde")
        floor_dir = scratch / "floor"
        floor_dir.mkdir()
        functions = {
            "pipeline": lambda: scores["pipeline"].append(grade_pipeline(
                submissions, scratch / f"out-{next(count)}", workers, calls["pipeline"])),
            "sequential": lambda: scores["sequential"].append(grade_sequential(
                submissions, scratch / f"course-{next(count)}", calls=calls["sequential"])),
            "floor": lambda: execute(students["solution"], floor_dir, env),
        }
        log(f"grading: timing ({repeats} x pipeline, sequential and floor)")
        times = interleave(functions, repeats, retries=1)
        # every run of either grader must give every student the same score
        first = scores["sequential"][0]
        agree = all(result == first for result in scores["pipeline"] + scores["sequential"])
        log("grading: the sandbox's own cost")
        return [*_rows(len(students), times, agree, scores["pipeline"][-1], workers, calls),
                sandbox_row(3 if quick else 10)]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
