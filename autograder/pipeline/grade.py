"""Grade a whole class in one command: parallel nbgrader workers, resumable, with a report.

``python -m autograder.pipeline.grade SUBMISSIONS`` (``make grade SUBMISSIONS=...``) grades every
submission in a folder or zip (see :mod:`autograder.pipeline.submissions`) and writes, under
``--out`` (default ``build/grading``):

* ``grades.csv``: one row per student and assignment, one column per graded exercise;
* ``feedback/<student>/<assignment>.html``: what failed and why, no hidden-test code;
* ``report.html`` with plots (grade distribution, pass rate per exercise, the mistakes
  diagnosed most often) and ``problems.csv`` listing what could not be graded;
* ``results/<assignment>/<student>.json``: one file per graded submission, written
  atomically when its batch finishes. A run that is killed and started again grades only
  what has no result yet, so nothing is lost or counted twice.

nbgrader has no parallel autograde, and concurrent writers to one SQLite gradebook are
unsupported, so each batch of students is graded by its own ``nbgrader autograde`` process
in its own scratch course root, with a copy of the template gradebook.
"""

import argparse
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import nbformat

from .. import CONFIG_FILE, REPO_ROOT, SOURCE_DIR, assignments
from ..authoring.build import write_course
from ..gradebook import cell_scores, max_scores, withdraw_points
from ..nbgrader_cli import nbgrader
from ..sandbox.verify import check_in_subprocess
from .feedback import cell_outcomes, classify, scrub
from .progress import Progress
from .submissions import collect, unpack

__all__ = ["prepare_template", "grade_batch", "run", "main"]


def _source_hash(names):
    digest = hashlib.sha256()
    for name in sorted(names):
        digest.update((SOURCE_DIR / name / f"{name}.py").read_bytes())
    digest.update(CONFIG_FILE.read_bytes())
    return digest.hexdigest()


def prepare_template(out, names):
    """Build (or reuse) the template course: config, gradebook, source and release."""
    template = Path(out) / "template"
    stamp = template / "READY"
    fingerprint = _source_hash(names)
    if stamp.exists() and stamp.read_text() == fingerprint:
        return template
    shutil.rmtree(template, ignore_errors=True)
    write_course(template, names)
    for name in names:
        nbgrader(template, "generate_assignment", name, "--force")
    stamp.write_text(fingerprint)
    return template


def _write_json_atomically(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, scratch = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
    os.replace(scratch, path)


def grade_batch(template, out, name, batch, timeout, cell_timeout=None):
    """Grade one batch of submissions of assignment ``name``; see :func:`_grade_together`.

    A student whose notebook could not be graded with the others (their kernel died, or
    their code stopped the batch's nbgrader process) is graded again on their own, so
    one submission can never cost another student their grade.

    Returns
    -------
    list of dict
        One result per submission, each also written to ``results/<name>/<student>.json``.
    """
    results = _grade_together(template, out, name, batch, timeout, cell_timeout,
                              final=len(batch) == 1)
    for index, submission in enumerate(batch):
        if results[index] is None:
            results[index] = _grade_together(template, out, name, [submission], timeout,
                                             cell_timeout, final=True)[0]
    return results


def _grade_together(template, out, name, batch, timeout, cell_timeout, final):
    """Autograde ``batch`` in one scratch course root, confirm it, write feedback and results.

    Every graded submission is also judged by :mod:`autograder.sandbox.verify`, where the
    student's code never runs; a test cell that passed in the student's kernel but not
    there scores 0. With ``final`` false, a submission nbgrader could not grade is left
    out (None) for the caller to grade alone.
    """
    out = Path(out)
    root = Path(tempfile.mkdtemp(prefix=f"batch-{name}-", dir=out / "work"))
    shutil.copy(template / "gradebook.db", root / "gradebook.db")
    shutil.copy(template / "nbgrader_config.py", root / "nbgrader_config.py")
    for submission in batch:
        target = root / "submitted" / submission.student / name
        target.mkdir(parents=True)
        shutil.copy(submission.path, target / f"{name}.ipynb")
    started = time.monotonic()
    source_path = template / "source" / name / f"{name}.ipynb"
    # The independent checks run while nbgrader does: nbgrader's own process mostly waits
    # on its kernel, so the two share the cores well.
    with ThreadPoolExecutor(max_workers=1) as checker:
        pending = {s.student: checker.submit(check_in_subprocess, source_path, s.path,
                                             cell_timeout) for s in batch}
        try:
            extra = [f"--Execute.timeout={int(cell_timeout)}"] if cell_timeout else []
            run_result = nbgrader(root, "autograde", name, "--force", *extra, check=False,
                                  timeout=timeout)
            log = run_result.stderr[-4000:]
        except TimeoutError as error:
            log = str(error)
        scores = cell_scores(root, name)
        graded = [s.student for s in batch if s.student in scores and
                  (root / "autograded" / s.student / name / f"{name}.ipynb").exists()]
        checks = {student: future.result() for student, future in pending.items()
                  if final or student in graded}
    release_nb = nbformat.read(template / "release" / name / f"{name}.ipynb", as_version=4)
    source_nb = nbformat.read(source_path, as_version=4)
    for student in graded:
        autograded = root / "autograded" / student / name / f"{name}.ipynb"
        unconfirmed = _unconfirmed(scores[student], checks[student])
        if unconfirmed:
            withdraw_points(root, name, student, unconfirmed)
        scrub(autograded, release_nb, source_nb, unconfirmed)
    if graded:
        scores = cell_scores(root, name)
        nbgrader(root, "generate_feedback", name, "--force", check=False, timeout=timeout)
    points = max_scores(root, name)
    elapsed = (time.monotonic() - started) / max(len(batch), 1)
    results = []
    for submission in batch:
        if submission.student not in checks:
            results.append(None)
            continue
        results.append(_record(out, root, name, submission, scores.get(submission.student),
                               points, submission.student in graded, log, elapsed,
                               checks[submission.student]))
    shutil.rmtree(root, ignore_errors=True)
    return results


def _unconfirmed(cell_scores, check):
    """``{grade_id: message}`` for cells with points in the kernel that the check failed."""
    cells, _ = check
    if cells is None:
        return {}
    return {grade_id: cells.get(grade_id, {}).get("message") or "no result"
            for grade_id, (score, _) in cell_scores.items()
            if score and not cells.get(grade_id, {}).get("passed", False)}


def _checked_outcome(message):
    """Diagnosis kind and message from an independent check's ``"Type: message"``."""
    ename, _, evalue = message.partition(": ")
    if not (evalue and ename.isidentifier()):
        ename, evalue = "Error", message
    return classify(ename, evalue)


def _record(out, root, name, submission, cells, points, graded, log, seconds, check):
    student = submission.student
    autograded = root / "autograded" / student / name / f"{name}.ipynb"
    outcomes = cell_outcomes(autograded) if graded else {}
    checked, check_problem = check
    if graded and cells and not check_problem:
        status, note = "graded", ""
    elif graded and cells:
        status = "needs-review"
        note = (f"nbgrader graded this notebook but {check_problem}, so its points are not "
                "confirmed; look at the notebook before you release the grade")
    elif checked is not None:
        # nbgrader lost the whole notebook (a dead kernel); the independent check did not.
        status = "checked-only"
        note = ("nbgrader could not grade this notebook (its kernel died or ran out of time: "
                "look for os._exit, exit() or an endless loop), so it is scored by the "
                "independent check alone and has no feedback file")
        cells = {gid: (top if checked.get(gid, {}).get("passed") else 0.0, top)
                 for gid, top in points.items()}
        outcomes = {gid: _checked_outcome(checked.get(gid, {}).get("message", "no result"))
                    for gid in points if not checked.get(gid, {}).get("passed")}
    else:
        status = "needs-review"
        note = (f"the notebook could not be graded: its kernel died or it ran out of time "
                f"(look for os._exit, exit() or an endless loop), and {check_problem}; "
                "every cell counts 0 here")
    result = {
        "student": student, "assignment": name, "status": status, "note": note,
        "fingerprint": _fingerprint(submission),
        "seconds": round(seconds, 2),
        "cells": {gid: {"score": (cells or {}).get(gid, (0.0, top))[0] or 0.0, "max": top,
                        "diagnosis": outcomes.get(gid, (None, ""))[0],
                        "message": outcomes.get(gid, (None, ""))[1],
                        "checked": (checked or {}).get(gid, {}).get("passed")}
                  for gid, top in points.items()},
    }
    feedback = root / "feedback" / student / name / f"{name}.html"
    if feedback.exists():
        target = out / "feedback" / student / f"{name}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(feedback, target)
    if status != "graded":
        result["log"] = log[-1500:]
    _write_json_atomically(out / "results" / name / f"{student}.json", result)
    return result


def _fingerprint(submission):
    """What a result was graded from: the submission's bytes and its assignment's tests."""
    digest = hashlib.sha256(Path(submission.path).read_bytes())
    digest.update(_source_hash([submission.assignment]).encode())
    return digest.hexdigest()


def _has_result(out, submission):
    """True if this exact submission was graded against these tests by an earlier run."""
    path = Path(out) / "results" / submission.assignment / f"{submission.student}.json"
    try:
        return json.loads(path.read_text()).get("fingerprint") == _fingerprint(submission)
    except (OSError, ValueError):
        return False


def _batches(pending, workers, batch_size):
    by_assignment = {}
    for submission in pending:
        by_assignment.setdefault(submission.assignment, []).append(submission)
    for name, items in by_assignment.items():
        # One nbgrader process per worker where the class is small (each process pays ~3 s
        # of imports); at most 12 students per batch, so that a killed run loses little.
        size = batch_size or max(1, min(12, -(-len(items) // workers)))
        for start in range(0, len(items), size):
            yield name, items[start:start + size]


def run(submissions, out, workers=None, batch_size=None, timeout=None, quiet=False,
        cell_timeout=None):
    """Grade every submission; return ``(results, problems)``. See the module docstring."""
    from .report import write_outputs

    out = Path(out)
    (out / "work").mkdir(parents=True, exist_ok=True)
    folder = Path(submissions)
    if folder.suffix == ".zip":
        folder = unpack(folder, out / "input")
    found, problems = collect(folder, assignments())
    names = sorted({s.assignment for s in found})
    template = prepare_template(out, names) if names else None
    for leftover in (out / "work").iterdir():  # scratch roots of a run that was killed
        shutil.rmtree(leftover, ignore_errors=True)
    done = lambda s: _has_result(out, s)  # noqa: E731
    pending = [s for s in found if not done(s)]
    workers = workers or os.cpu_count() or 1
    progress = Progress(len(found), already=len(found) - len(pending), quiet=quiet)
    lock = threading.Lock()
    failures = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(grade_batch, template, out, name, batch, timeout, cell_timeout)
                   for name, batch in _batches(pending, workers, batch_size)]
        for future in as_completed(futures):
            try:
                batch_results = future.result()
            except Exception as error:  # a broken batch is retried on the next run
                failures.append(str(error))
                continue
            with lock:
                progress.advance(len(batch_results))
    progress.finish()
    results = [json.loads((out / "results" / s.assignment / f"{s.student}.json").read_text())
               for s in found if done(s)]  # a stale result of a changed submission is left out
    write_outputs(out, results, problems)
    if failures:
        raise RuntimeError("some batches failed and will be retried when you run the same "
                           "command again:\n" + "\n".join(failures))
    return results, problems


def _stop(signum, frame):
    """Ctrl-C or a kill: stop at once; finished results stay, and the children die with us."""
    sys.stderr.write("\nstopped: run the same command again to grade what is left\n")
    os._exit(128 + signum)


def main(argv=None):
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser(description="Grade a class's submissions with nbgrader.")
    parser.add_argument("submissions", help="folder (one sub-folder per student) or .zip")
    parser.add_argument("--out", default=str(REPO_ROOT / "build" / "grading"))
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="students per nbgrader process (default: automatic, at most 12)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds allowed for one batch (cells also time out at 30 s each)")
    parser.add_argument("--cell-timeout", type=int, default=None,
                        help="seconds one cell may run (default 30, from nbgrader_config.py)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    results, problems = run(args.submissions, args.out, args.workers, args.batch_size,
                            args.timeout, args.quiet, args.cell_timeout)
    print(f"graded {len(results)} submissions; {len(problems)} problems; "
          f"see {Path(args.out) / 'report.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
