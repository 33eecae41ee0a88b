"""Grade a whole class in one command: long-lived workers, resumable, with a report.

``backprop-lab grade SUBMISSIONS`` (``make grade SUBMISSIONS=...`` in a checkout, or
``python -m autograder.pipeline.grade``) grades every submission in a folder, a zip, or
nbgrader's ``submitted/`` folder after ``nbgrader collect``, and writes under ``--out``
(default: ``grading/`` in the instructor's nbgrader course root, else in the current
folder):

* ``grades.csv``: one row per student, one column per graded exercise, totals, status,
  and how late each assignment was handed in;
* ``feedback/<student>/<assignment>.html``: what failed and why, no hidden test: the only
  part of the output meant for students;
* ``report.html``: what needs the instructor first, then plots; ``problems.csv`` lists
  what could not be graded;
* ``results/<assignment>/<student>.json``: one file per graded submission, written as
  soon as it is graded. A run that is killed and started again grades only what has no
  result yet, so nothing is lost or counted twice; ``--regrade`` grades named students
  (or every submission marked for review) again;
* ``autograded/``: the graded notebooks, for the instructor;
* ``private/``: the workers' scratch course roots while they run (hidden tests
  included); never hand it out;
* ``grading.log``: what the run did (``--verbose`` prints it as it goes).

The instructor's nbgrader gradebook (the configured ``CourseDirectory.db_url``, SQLite or
PostgreSQL) ends up holding every result with nbgrader's timestamps, and the course root
the graded notebooks and releasable feedback (:mod:`autograder.pipeline.store`).

Grading is done by workers that import nbgrader once (:mod:`autograder.pipeline.worker`),
one per core, or on a Dask cluster with ``--scheduler`` (:mod:`.executors`). Every
process that runs a student's code runs in a sandbox; where bubblewrap cannot run,
grading stops before it starts, with the cause and the fix, unless ``--no-sandbox``.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from .. import REPO_ROOT, assignments
from ..gradebook import configured_gradebook, record_results
from ..sandbox import bwrap
from ..sandbox.references import notebook_number, reference_functions
from ..settings import DEFAULT_LIMITS, Limits
from . import plagiarism, shortcuts
from .archive import unpack
from .executors import DaskCluster, LocalPool
from .progress import Progress
from .results import Status, SubmissionResult, read_result
from .scoring import score
from .store import publish, save
from .submissions import Problem, Submission, collect
from .template import Template, build, source_hash
from .worker import Task

__all__ = ["Options", "run", "main", "fingerprint"]

log = logging.getLogger("autograder")
LOG_FILE = "grading.log"
REVIEW = "needs-review"


@dataclass(frozen=True)
class Options:
    """How to grade: limits, parallelism, sandbox, where the scores go."""

    limits: Limits = DEFAULT_LIMITS
    workers: int | None = None  # default: one per core
    sandboxed: bool = True
    gradebook: str | None = None  # SQLAlchemy URL of the instructor's gradebook to fill
    course_root: Path | None = None  # where graded notebooks and feedback are copied for it
    quiet: bool = False
    scheduler: str | None = None  # a Dask scheduler's address: grade on its workers
    regrade: tuple[str, ...] = ()  # students to grade again ("needs-review": all marked so)


def fingerprint(submission: Submission, tests: str) -> str:
    """What a result was graded from: the submission's bytes and its assignment's tests."""
    digest = hashlib.sha256(submission.data)
    digest.update(tests.encode())
    return digest.hexdigest()


def _log_to(out: Path, verbose: bool = False) -> logging.Handler:
    """Send the run's log to ``out/grading.log`` (and, verbose, to stderr)."""
    handler = logging.FileHandler(out / LOG_FILE)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if verbose else logging.INFO)
    handler.setLevel(logging.DEBUG if verbose else logging.INFO)
    return handler


def _again(result: SubmissionResult | None, print_: str, options: Options) -> bool:
    """True if a submission must be graded (again)."""
    if result is None or result.fingerprint != print_:
        return True
    return result.student in options.regrade or (
        REVIEW in options.regrade and result.status is Status.NEEDS_REVIEW)


def _clean_private(private: Path) -> None:
    """Remove what a killed run's workers left in the private folder."""
    for leftover in (private / "work").glob("*"):
        shutil.rmtree(leftover, ignore_errors=True)


def run(submissions: str | Path, out: str | Path, options: Options = Options(),
        verbose: bool = False) -> tuple[list[SubmissionResult], list[Problem]]:
    """Grade every submission; return ``(results, problems)``. See the module docstring.

    Raises
    ------
    autograder.sandbox.bwrap.SandboxUnavailable
        Before anything is graded, if a sandbox cannot be made and ``options.sandboxed``.
    RuntimeError
        At the end, if some submissions could not be graded (run again to retry them).
    """
    from .report import write_outputs

    out = Path(out)
    private = out / "private"
    (private / "work").mkdir(parents=True, exist_ok=True)
    handler = _log_to(out, verbose)
    try:
        if options.sandboxed:
            bwrap.require()
        else:
            log.warning("grading WITHOUT the sandbox: student code runs with this account's "
                        "rights")
        _clean_private(private)
        folder, problems = Path(submissions), []
        if folder.suffix == ".zip":
            shutil.rmtree(private / "input", ignore_errors=True)
            folder, problems = unpack(folder, private / "input")
        found, more = collect(folder, assignments())
        problems += more
        names = sorted({s.assignment for s in found})
        log.info("%d submissions of %s; %d problems", len(found), ", ".join(names) or "nothing",
                 len(problems))
        tests = {n: source_hash([n]) for n in names}
        prints = {(s.assignment, s.student): fingerprint(s, tests[s.assignment]) for s in found}
        tasks = [Task(s.assignment, s.student, s.data, prints[(s.assignment, s.student)],
                      s.timestamp, s.secret) for s in found
                 if _again(read_result(out, s.assignment, s.student),
                           prints[(s.assignment, s.student)], options)]
        log.info("%d already graded by an earlier run; %d to grade", len(found) - len(tasks),
                 len(tasks))
        pool = None
        if tasks and options.scheduler is None:  # they import nbgrader while the template builds
            pool = LocalPool(options.workers or os.cpu_count() or 1, None, options.limits,
                             options.sandboxed, scratch=private / "work")
            pool.start()
        template = build(names) if names and (tasks or options.gradebook) else None
        failures = []
        if tasks:
            assert template is not None
            failures = _grade(tasks, out, options, len(found), template, pool)
        results = [r for s in found
                   if (r := read_result(out, s.assignment, s.student)) is not None
                   and r.fingerprint == prints[(s.assignment, s.student)]]
        if options.gradebook and results and template is not None:
            began = time.monotonic()
            late = record_results(options.gradebook, results, template.gradebook)
            for result in results:
                result.seconds_late = late.get((result.student, result.assignment), 0.0)
            log.info("gradebook %s filled in %.1f s", options.gradebook, time.monotonic() - began)
        began = time.monotonic()
        copied, computed = _flags(found, names)
        write_outputs(out, results, problems, sandboxed=options.sandboxed, flags=copied,
                      shortcuts=computed)
        log.info("grades.csv and the report written in %.1f s", time.monotonic() - began)
        if failures:
            raise RuntimeError("some submissions could not be graded and will be tried again "
                               "when you run the same command again:\n" + "\n".join(failures))
        return results, problems
    finally:
        shutil.rmtree(private / "work", ignore_errors=True)
        log.removeHandler(handler)
        handler.close()


def _grade(tasks: list[Task], out: Path, options: Options, total: int, template: Template,
           pool: LocalPool | None) -> list[str]:
    """Grade ``tasks`` with the workers; write each result as it comes; the failures."""
    began = time.monotonic()
    executor: LocalPool | DaskCluster
    if pool is not None:
        pool.template = template
        executor = pool
    else:
        assert options.scheduler is not None
        executor = DaskCluster(options.scheduler, template, options.limits, options.sandboxed)
    progress = Progress(total, already=total - len(tasks), quiet=options.quiet)
    failures = []
    try:
        for task, outcome in executor.results(tasks):
            if isinstance(outcome, BaseException):
                log.error("%s/%s could not be graded: %s", task.assignment, task.student,
                          outcome)
                failures.append(f"{task.assignment}/{task.student}: {outcome}")
                continue
            result = score(outcome, options.sandboxed, task.timestamp)
            save(out, result, outcome)
            if options.gradebook and options.course_root is not None:
                publish(out, options.course_root, result,
                        outcome.files.get("submission_secret.txt") or task.secret)
            log.info("%s/%s: %g of %g (%s) in %.1f s", task.assignment, task.student,
                     result.score, result.max_score, result.status, outcome.seconds)
            progress.advance(1)
    finally:
        executor.close()
        progress.finish()
    log.info("graded %d submissions in %.1f s", len(tasks) - len(failures),
             time.monotonic() - began)
    return failures


def _derivations(name: str) -> set[str]:
    """The exercises of assignment ``name`` that ask for a derivation."""
    import tomllib

    from .. import SOURCE_DIR

    path = SOURCE_DIR / name / "derivations.toml"
    if not path.exists():
        return set()
    return {entry["exercise"] for entry in tomllib.loads(path.read_text()).get("derivation", [])}


def _flags(found: list[Submission], names: list[str]
           ) -> tuple[list[plagiarism.Flag], list[plagiarism.Flag]]:
    """Answers that match the package's references or each other (see plagiarism), and
    derivations answered by a shortcut (see shortcuts)."""
    import json

    package = bwrap.package_dir("bplab")
    references = {name: reference_functions(package, notebook_number(name)) for name in names}
    answers = {}
    for submission in found:
        try:
            answers[(submission.assignment, submission.student)] = plagiarism.answer_cells(
                json.loads(submission.data))
        except ValueError:
            continue
    from .. import NOTEBOOKS_DIR

    stubs = {}
    for name in names:
        try:
            stubs[name] = plagiarism.answer_cells(
                json.loads((NOTEBOOKS_DIR / name / f"{name}.ipynb").read_text()))
        except (OSError, ValueError) as error:
            log.warning("%s: no release to compare answers with: %s", name, error)
    flags = plagiarism.flags(answers, references, stubs)
    computed = shortcuts.flags(answers, {name: _derivations(name) for name in names})
    log.info("%d plagiarism flags; %d derivations answered by a shortcut", len(flags),
             len(computed))
    return flags, computed


def _stop(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C or a kill: stop at once; finished results stay, and the children die with us."""
    sys.stderr.write("\nstopped: run the same command again to grade what is left\n")
    os._exit(128 + signum)


def _default_out(course_root: Path | None) -> Path:
    """``grading/`` in the instructor's course root if one is configured, else here."""
    return (course_root if course_root is not None else Path.cwd()) / "grading"


def main(argv: Sequence[str] | None = None) -> int:
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser(
        prog="backprop-lab grade", description="Grade a class's submissions with nbgrader.")
    parser.add_argument("submissions", help="folder (one sub-folder per student), .zip, or "
                                            "nbgrader's submitted/ folder")
    parser.add_argument("--out", default=None,
                        help="output folder (default: grading/ in your nbgrader course root, "
                             "else in the current folder)")
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--scheduler", default=None,
                        help="grade on a Dask cluster: the scheduler's address, "
                             "tcp://HOST:8786")
    parser.add_argument("--regrade", action="append", default=[], metavar="STUDENT",
                        help="grade this student again even if graded before (repeatable); "
                             f"'{REVIEW}' grades every submission marked for review again")
    parser.add_argument("--timeout", type=float, default=DEFAULT_LIMITS.batch_timeout,
                        help="seconds allowed for one submission (default: none beyond "
                             f"{DEFAULT_LIMITS.cell_timeout:g} s per cell)")
    parser.add_argument("--cell-timeout", type=float, default=DEFAULT_LIMITS.cell_timeout,
                        help="seconds one cell may run (default %(default)g)")
    parser.add_argument("--memory", type=int, default=DEFAULT_LIMITS.memory,
                        help="bytes of address space for each process running student code "
                             "(default %(default)d)")
    parser.add_argument("--course-root", default=None,
                        help="the nbgrader course root whose gradebook to fill (default: "
                             "CourseDirectory.root of your nbgrader config, else "
                             "build/course of a checkout you can write, else here)")
    parser.add_argument("--gradebook", default=None,
                        help="the gradebook's database URL (default: CourseDirectory.db_url "
                             "of your nbgrader config, else the course root's gradebook.db)")
    parser.add_argument("--no-gradebook", action="store_true",
                        help="do not fill an nbgrader gradebook")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run student code without the bubblewrap sandbox (only on a "
                             "machine that holds nothing else of value)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--verbose", action="store_true",
                        help="log every step to stderr (always logged to grading.log)")
    args = parser.parse_args(argv)
    if args.verbose:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logging.getLogger("autograder").addHandler(stream)
    try:
        limits = Limits(cell_timeout=args.cell_timeout, memory=args.memory,
                        batch_timeout=args.timeout)
    except ValueError as error:
        parser.error(str(error))
    course_root, url = None, None
    if not args.no_gradebook:
        # a checkout's own course root; an installed clone this account cannot write: here
        fallback = (REPO_ROOT / "build" / "course" if os.access(REPO_ROOT, os.W_OK)
                    else Path.cwd())
        course_root, url = configured_gradebook(args.course_root, args.gradebook, fallback)
    out = Path(args.out) if args.out else _default_out(course_root)
    options = Options(limits=limits, workers=args.workers, sandboxed=not args.no_sandbox,
                      gradebook=url, course_root=course_root, quiet=args.quiet,
                      scheduler=args.scheduler, regrade=tuple(args.regrade))
    try:
        results, problems = run(args.submissions, out, options, verbose=args.verbose)
    except bwrap.SandboxUnavailable as error:
        print(f"grading stopped before it started: {error}", file=sys.stderr)
        return 3
    except RuntimeError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(f"graded {len(results)} submissions; {len(problems)} problems; "
          f"see {out / 'report.html'}" + (f"; gradebook {url}" if url else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
