"""Grade a whole class in one command: parallel nbgrader workers, resumable, with a report.

``python -m autograder.pipeline.grade SUBMISSIONS`` (``make grade SUBMISSIONS=...``) grades
every submission in a folder or zip (see :mod:`autograder.pipeline.submissions`) and
writes, under ``--out`` (default ``build/grading``):

* ``grades.csv``: one row per student and assignment, one column per graded exercise;
* ``feedback/<student>/<assignment>.html``: what failed and why, no hidden-test code;
* ``report.html``: what needs the instructor first (submissions to review, plagiarism
  flags, problems), then plots; ``problems.csv`` lists what could not be graded;
* ``results/<assignment>/<student>.json``: one file per graded submission, written
  atomically when its batch finishes. A run that is killed and started again grades only
  what has no result yet, so nothing is lost or counted twice;
* ``grading.log``: what the run did (``--verbose`` prints it as it goes).

Every process that runs a student's code runs in a sandbox (:mod:`autograder.sandbox`);
where bubblewrap cannot run, grading stops before it starts, with the cause and the fix,
unless ``--no-sandbox`` is given. At the end the instructor's nbgrader gradebook is filled
with every result (:func:`autograder.gradebook.record_results`).

nbgrader has no parallel autograde, and concurrent writers to one SQLite gradebook are
unsupported, so each batch of students is graded by its own ``nbgrader autograde`` process
in its own scratch course root (:mod:`autograder.pipeline.batch`).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from .. import REPO_ROOT, assignments
from ..gradebook import configured_gradebook, db_url, record_results
from ..sandbox import bwrap
from ..sandbox.references import build_package, notebook_number, reference_functions
from ..settings import DEFAULT_LIMITS, Limits
from . import template as templates
from . import plagiarism
from .batch import Run, fingerprint, grade_batch, start_check
from .progress import Progress
from .results import SubmissionResult, read_result
from .submissions import Problem, Submission, collect, unpack

__all__ = ["Options", "run", "main"]

log = logging.getLogger("autograder")
LOG_FILE = "grading.log"


@dataclass(frozen=True)
class Options:
    """How to grade: limits, parallelism, sandbox, where the scores go."""

    limits: Limits = DEFAULT_LIMITS
    workers: int | None = None  # default: one per core
    batch_size: int | None = None  # default: automatic, at most 12
    sandboxed: bool = True
    gradebook: str | None = None  # SQLAlchemy URL of the instructor's gradebook to fill
    course_root: Path | None = None  # where graded notebooks and feedback are copied for it
    quiet: bool = False


def _batches(pending: list[Submission], workers: int,
             batch_size: int | None) -> Iterator[tuple[str, list[Submission]]]:
    by_assignment: dict[str, list[Submission]] = {}
    for submission in pending:
        by_assignment.setdefault(submission.assignment, []).append(submission)
    for name, items in by_assignment.items():
        # One nbgrader process per worker where the class is small (each process pays ~3 s
        # of imports); at most 12 students per batch, so that a killed run loses little.
        size = batch_size or max(1, min(12, -(-len(items) // workers)))
        for start in range(0, len(items), size):
            yield name, items[start:start + size]


def _log_to(out: Path, verbose: bool = False) -> logging.Handler:
    """Send the run's log to ``out/grading.log`` (and, verbose, to stderr)."""
    handler = logging.FileHandler(out / LOG_FILE)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if verbose else logging.INFO)
    handler.setLevel(logging.DEBUG if verbose else logging.INFO)
    return handler


def _packages(work: Path, names: list[str]) -> dict[str, Path]:
    """Per assignment, a copy of bplab without its references, for its answer processes."""
    packages = {}
    for name in names:
        target = work / "packages" / name / "bplab"
        shutil.rmtree(target.parent, ignore_errors=True)
        removed = build_package(bwrap.package_dir("bplab"), notebook_number(name), target)
        log.info("%s: answer processes import bplab without %d references (%s)", name,
                 len(removed), ", ".join(removed))
        packages[name] = target
    return packages


def run(submissions: str | Path, out: str | Path, options: Options = Options(),
        verbose: bool = False) -> tuple[list[SubmissionResult], list[Problem]]:
    """Grade every submission; return ``(results, problems)``. See the module docstring.

    Raises
    ------
    autograder.sandbox.bwrap.SandboxUnavailable
        Before anything is graded, if a sandbox cannot be made and ``options.sandboxed``.
    """
    from .report import write_outputs

    out = Path(out)
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    handler = _log_to(out, verbose)
    try:
        if options.sandboxed:
            bwrap.require()
        else:
            log.warning("grading WITHOUT the sandbox: student code runs with this account's "
                        "rights")
        for leftover in work.iterdir():  # scratch roots of a run that was killed
            shutil.rmtree(leftover, ignore_errors=True)
        folder = Path(submissions)
        if folder.suffix == ".zip":
            folder = unpack(folder, out / "input")
        found, problems = collect(folder, assignments())
        names = sorted({s.assignment for s in found})
        log.info("%d submissions of %s; %d problems", len(found), ", ".join(names) or "nothing",
                 len(problems))
        results: list[SubmissionResult] = []
        failures: list[str] = []
        if names:
            grading = Run(out=out, template=out / "template", names=tuple(names),
                          limits=options.limits, sandboxed=options.sandboxed,
                          packages=_packages(work, names),
                          fingerprints={n: templates.source_hash([n]) for n in names})
            failures = _grade_pending(grading, found, options)
            for submission in found:
                result = read_result(out, submission.assignment, submission.student)
                # a stale result of a changed submission is left out
                if result is not None and result.fingerprint == fingerprint(grading, submission):
                    results.append(result)
        began = time.monotonic()
        write_outputs(out, results, problems, sandboxed=options.sandboxed,
                      flags=_plagiarism(found, names, out))
        log.info("grades.csv and the report written in %.1f s", time.monotonic() - began)
        if options.gradebook and results:
            began = time.monotonic()
            changed = record_results(options.gradebook, results,
                                     db_url(out / "template"))
            log.info("gradebook %s: %d of %d submissions written (the others were there "
                     "already) in %.1f s", options.gradebook, changed, len(results),
                     time.monotonic() - began)
            if options.course_root is not None:
                _publish(out, options.course_root, results)
        shutil.rmtree(work, ignore_errors=True)
        if failures:
            raise RuntimeError("some batches failed and will be retried when you run the same "
                               "command again:\n" + "\n".join(failures))
        return results, problems
    finally:
        log.removeHandler(handler)
        handler.close()


def _plagiarism(found: list[Submission], names: list[str], out: Path) -> list[plagiarism.Flag]:
    """Answers that match the package's references, or each other (see plagiarism)."""
    import json

    package = bwrap.package_dir("bplab")
    references = {name: reference_functions(package, notebook_number(name)) for name in names}
    stubs = {}
    for name in names:
        release = out / "template" / "release" / name / f"{name}.ipynb"
        try:
            stubs[name] = plagiarism.answer_cells(json.loads(release.read_text()))
        except (OSError, ValueError) as error:
            log.warning("%s: no release to compare answers with: %s", name, error)
    answers = plagiarism.read_answers((s.assignment, s.student, s.path) for s in found)
    flags = plagiarism.flags(answers, references, stubs)
    log.info("%d plagiarism flags", len(flags))
    return flags


def _publish(out: Path, course_root: Path, results: list[SubmissionResult]) -> None:
    """Copy graded notebooks and feedback where nbgrader's formgrader and release_feedback
    look for them in the instructor's course root."""
    for result in results:
        name, student = result.assignment, result.student
        for source, target in (
                (out / "autograded" / student / f"{name}.ipynb",
                 course_root / "autograded" / student / name / f"{name}.ipynb"),
                (out / "feedback" / student / f"{name}.html",
                 course_root / "feedback" / student / name / f"{name}.html")):
            if source.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, target)


def _grade_pending(grading: Run, found: list[Submission], options: Options) -> list[str]:
    """Grade what has no up-to-date result; return the failures of batches, in words.

    While the template course is built (if it must be), the independent checks of the
    batches start: they need only its source notebooks, and the build leaves a core idle.
    """
    done = {(s.assignment, s.student) for s in found
            if (r := read_result(grading.out, s.assignment, s.student)) is not None
            and r.fingerprint == fingerprint(grading, s)}
    pending = [s for s in found if (s.assignment, s.student) not in done]
    log.info("%d already graded by an earlier run; %d to grade", len(done), len(pending))
    workers = options.workers or os.cpu_count() or 1
    batches = list(_batches(pending, workers, options.batch_size))
    checks: dict[int, Future] = {}
    failures = []
    with ThreadPoolExecutor(max_workers=workers) as checkers:
        def start_checks() -> None:
            for index, (name, batch) in enumerate(batches):
                checks[index] = start_check(grading, name, batch, checkers)

        templates.prepare(grading.out, grading.names,
                          while_building=start_checks if batches else None)
        progress = Progress(len(found), already=len(done), quiet=options.quiet)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(grade_batch, grading, name, batch, checks.get(index)):
                       (name, batch) for index, (name, batch) in enumerate(batches)}
            for future in as_completed(futures):
                name, batch = futures[future]
                try:
                    progress.advance(len(future.result()))
                except Exception as error:  # a broken batch is retried on the next run
                    log.exception("%s: a batch of %d failed", name, len(batch))
                    failures.append(f"{name} ({', '.join(s.student for s in batch)}): {error}")
        progress.finish()
    return failures


def _stop(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C or a kill: stop at once; finished results stay, and the children die with us."""
    sys.stderr.write("\nstopped: run the same command again to grade what is left\n")
    os._exit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser(description="Grade a class's submissions with nbgrader.")
    parser.add_argument("submissions", help="folder (one sub-folder per student) or .zip")
    parser.add_argument("--out", default=str(REPO_ROOT / "build" / "grading"))
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="students per nbgrader process (default: automatic, at most 12)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_LIMITS.batch_timeout,
                        help="seconds allowed for one batch (default: none; cells also "
                             f"time out at {DEFAULT_LIMITS.cell_timeout:g} s each)")
    parser.add_argument("--cell-timeout", type=float, default=DEFAULT_LIMITS.cell_timeout,
                        help="seconds one cell may run (default %(default)g)")
    parser.add_argument("--memory", type=int, default=DEFAULT_LIMITS.memory,
                        help="bytes of memory for each process running student code "
                             "(default %(default)d)")
    parser.add_argument("--course-root", default=None,
                        help="the nbgrader course root whose gradebook to fill (default: "
                             "CourseDirectory.root of your nbgrader config, else build/course)")
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
    limits = Limits(cell_timeout=args.cell_timeout, memory=args.memory,
                    batch_timeout=args.timeout)
    course_root, url = None, None
    if not args.no_gradebook:
        course_root, url = configured_gradebook(args.course_root, args.gradebook,
                                                REPO_ROOT / "build" / "course")
    options = Options(limits=limits, workers=args.workers, batch_size=args.batch_size,
                      sandboxed=not args.no_sandbox, gradebook=url, course_root=course_root,
                      quiet=args.quiet)
    try:
        results, problems = run(args.submissions, args.out, options, verbose=args.verbose)
    except bwrap.SandboxUnavailable as error:
        print(f"make grade: nothing was graded: {error}", file=sys.stderr)
        return 3
    print(f"graded {len(results)} submissions; {len(problems)} problems; "
          f"see {Path(args.out) / 'report.html'}" + (f"; gradebook {url}" if url else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
