"""The instructor's pipeline end to end: a synthetic class graded exactly right.

The class holds honest, partial and blank work, every kind of cheating the grading must
withstand, submissions that kill their kernel or the grader, and malformed files. Every
student's expected score is stated and asserted exactly.
"""

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from autograder import NOTEBOOKS_DIR, SOURCE_DIR
from autograder.authoring import mutants
from autograder.authoring.mutants import fill_answers
from autograder.pipeline.grade import run

pytestmark = pytest.mark.slow

LOSS, DESCENT = "01_loss_functions", "02_gradient_descent"
FULL = {LOSS: 14.0, DESCENT: 15.0}
WRONG_MSE = "def mse(y_hat, t):\n    return float(np.sum((np.asarray(y_hat) - t) ** 2))\n"
PATCH_CHECKS = ("bp.checks.close = lambda *args, **kwargs: None\n"
                "bp.checks.true = lambda *args, **kwargs: None\n"
                "bp.checks.gradient = lambda *args, **kwargs: None\n")
FINITE_DIFFERENCE_GRAD = '''def booth_grad(x, y):
    h = 1e-6
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return ((booth(x + h, y) - booth(x - h, y)) / (2 * h),
            (booth(x, y + h) - booth(x, y - h)) / (2 * h))
'''


def _release(name):
    return nbformat.read(NOTEBOOKS_DIR / name / f"{name}.ipynb", as_version=4)


def _notebook(name, answers=None, after=None, edit=None):
    """The release with the solution filled in, then changed as a student might.

    ``answers`` replaces answer cells; ``after`` adds a code cell after the cell with that
    grade id; ``edit(cell)`` may return a replacement cell, or None to delete it.
    """
    nb = fill_answers(_release(name), dict(mutants.answers(name), **(answers or {})))
    cells = []
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        changed = edit(cell) if edit else cell
        if changed is not None:
            cells.append(changed)
        if grade_id in (after or {}):
            cells.append(nbformat.v4.new_code_cell(after[grade_id]))
    nb.cells = cells
    return nb


def _mse_tests(change):
    def edit(cell):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        return change(cell) if grade_id.startswith("mse__") else cell
    return edit


def _blank_tests(cell):
    cell.source = "pass"
    return cell


def _strip_metadata(cell):
    cell.metadata = {}
    return cell


# student -> (notebook factories, expected score per assignment, expected status)
CLASS = {
    "honest-full": ({LOSS: lambda: _notebook(LOSS)}, {LOSS: 14.0}, "graded"),
    "honest-partial": ({LOSS: lambda: _notebook(LOSS, {"mse": WRONG_MSE})}, {LOSS: 11.0},
                       "graded"),
    "blank": ({LOSS: lambda: _release(LOSS)}, {LOSS: 0.0}, "graded"),
    "patches-the-checker": ({LOSS: lambda: _notebook(LOSS, {"mse": WRONG_MSE + PATCH_CHECKS})},
                            {LOSS: 11.0}, "graded"),
    "patches-numpy": ({LOSS: lambda: _notebook(
        LOSS, {"mse": WRONG_MSE + "np.allclose = lambda *a, **k: True\n"
                                  "import bplab.checks.diagnosis\n"
                                  "bplab.checks.diagnosis.relative_error = lambda a, b: 0 * a\n"})},
        {LOSS: 11.0}, "graded"),
    "edits-test-cells": ({LOSS: lambda: _notebook(LOSS, {"mse": WRONG_MSE},
                                                  edit=_mse_tests(_blank_tests))},
                         {LOSS: 11.0}, "graded"),
    "deletes-test-cells": ({LOSS: lambda: _notebook(LOSS, {"mse": WRONG_MSE},
                                                    edit=_mse_tests(lambda cell: None))},
                           {LOSS: 11.0}, "graded"),
    "strips-test-metadata": ({LOSS: lambda: _notebook(LOSS, {"mse": WRONG_MSE},
                                                      edit=_mse_tests(_strip_metadata))},
                             {LOSS: 11.0}, "graded"),
    "redefines-the-reference": ({LOSS: lambda: _notebook(
        LOSS, {"mse_grad": "def mse_grad(y_hat, t):\n    return 0 * np.asarray(y_hat)\n"},
        after={"mse_grad": "bp.losses.mse = lambda y_hat, t: 0.0\n"})},
        {LOSS: 12.0}, "graded"),  # its zeros have the right shape: 1 of mse_grad's 3 points
    "loops-forever": ({LOSS: lambda: _notebook(
        LOSS, {"bce_grad": "def bce_grad(y_hat, t):\n    while True:\n        pass\n"})},
        {LOSS: 12.0}, "graded"),
    "floods-output": ({LOSS: lambda: _notebook(
        LOSS, after={"mse": "import sys\nfor i in range(20000):\n    print('x' * 100)\n"
                            "    sys.stderr.write('y' * 100 + '\\n')\n"})},
        {LOSS: 14.0}, "graded"),
    "hogs-memory": ({LOSS: lambda: _notebook(LOSS, after={"mse": "hog = np.ones((40_000, 40_000))\n"})},
                    {LOSS: 14.0}, "graded"),  # a MemoryError at 6 GiB, in that cell alone
    "exits-the-kernel": ({LOSS: lambda: _notebook(LOSS, after={"bce": "import os\nos._exit(1)\n"})},
                         {LOSS: 14.0}, "checked-only"),
    "kills-the-grader": ({LOSS: lambda: _notebook(
        LOSS, after={"mse": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"})},
        {LOSS: 0.0}, "needs-review"),
    "numerical-gradient": ({DESCENT: lambda: _notebook(DESCENT, {"booth_grad":
                                                                 FINITE_DIFFERENCE_GRAD})},
                           {DESCENT: 13.0}, "graded"),
    "two-assignments": ({LOSS: lambda: _notebook(LOSS), DESCENT: lambda: _notebook(DESCENT)},
                        FULL, "graded"),
}


def _write_class(folder, students):
    for student in students:
        notebooks, _, _ = CLASS[student]
        for name, make in notebooks.items():
            (folder / student).mkdir(parents=True, exist_ok=True)
            nbformat.write(make(), folder / student / f"{name}.ipynb")


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    _write_class(folder, CLASS)
    (folder / "shadows-numpy").mkdir()
    nbformat.write(_notebook(LOSS), folder / "shadows-numpy" / f"{LOSS}.ipynb")
    (folder / "shadows-numpy" / "numpy.py").write_text("raise SystemExit('shadowed')\n")
    (folder / "corrupt").mkdir()
    (folder / "corrupt" / f"{LOSS}.ipynb").write_text('{"cells": [')
    (folder / "wrong-name").mkdir()
    nbformat.write(_notebook(LOSS), folder / "wrong-name" / "homework1.ipynb")
    (folder / "no-notebook").mkdir()
    (folder / "no-notebook" / "answers.txt").write_text("42")
    out = tmp_path_factory.mktemp("grading")
    results, problems = run(folder, out, workers=2, batch_size=8, quiet=True, cell_timeout=5)
    return out, results, problems


def test_every_student_gets_exactly_the_expected_score(graded_class):
    out, results, _ = graded_class
    by_key = {(r["student"], r["assignment"]): r for r in results}
    expected = {(student, name): (score, status) for student, (_, scores, status) in CLASS.items()
                for name, score in scores.items()}
    expected[("shadows-numpy", LOSS)] = (14.0, "graded")
    assert set(by_key) == set(expected)
    got = {key: (sum(c["score"] for c in r["cells"].values()), r["status"])
           for key, r in by_key.items()}
    assert got == expected


def test_cheating_is_named_in_the_results_and_the_feedback(graded_class):
    out, results, _ = graded_class
    cheat = next(r for r in results if r["student"] == "patches-the-checker")
    assert {c["diagnosis"] for g, c in cheat["cells"].items() if g.startswith("mse__")} == {
        "unconfirmed"}
    feedback = (out / "feedback" / "patches-the-checker" / f"{LOSS}.html").read_text()
    assert "run apart from your code, failed" in feedback
    honest = next(r for r in results if r["student"] == "honest-partial")
    assert {c["diagnosis"] for g, c in honest["cells"].items() if g.startswith("mse__")} == {
        "factor"}


def test_problems_are_reported_and_never_graded(graded_class):
    _, _, problems = graded_class
    reasons = {p.where: p.reason for p in problems}
    assert "not a readable notebook" in reasons[f"corrupt/{LOSS}.ipynb"]
    assert "no assignment of this course" in reasons["wrong-name/homework1.ipynb"]
    assert reasons["no-notebook"] == "no notebook found"
    assert "not used in grading" in reasons["shadows-numpy/numpy.py"]


def test_grades_csv_has_a_column_per_exercise_and_the_report_its_plots(graded_class):
    out, _, _ = graded_class
    with open(out / "grades.csv") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert rows["honest-partial"][f"{LOSS}/mse"] == "0"
    assert rows["honest-partial"][f"{LOSS}/mse_grad"] == "3"
    assert rows["two-assignments"]["total"] == "29"
    assert rows["kills-the-grader"]["status"] == f"{LOSS}: needs-review"
    report = (out / "report.html").read_text()
    assert report.count("data:image/png;base64,") >= 2
    assert "passed only in the student&#x27;s own kernel" in report


def test_feedback_shows_no_hidden_test_code(graded_class):
    out, _, _ = graded_class
    hidden = []
    for name in (LOSS, DESCENT):
        source = (SOURCE_DIR / name / f"{name}.py").read_text()
        visible = re.sub(r"### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS", "", source,
                         flags=re.S)
        for block in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", source,
                                re.S):
            hidden += [line.strip() for line in block.splitlines()
                       if len(line.strip()) > 30 and line.strip() not in visible]
    pages = list((out / "feedback").rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        text = page.read_text()
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{page}: {leaked[:2]}"


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_run_resumes_with_nothing_lost_or_counted_twice(tmp_path, stop):
    students = ["honest-full", "honest-partial", "blank", "patches-the-checker",
                "redefines-the-reference", "floods-output"]
    folder, out = tmp_path / "submissions", tmp_path / "grading"
    _write_class(folder, students)
    command = [sys.executable, "-m", "autograder.pipeline.grade", str(folder), "--out", str(out),
               "--workers", "1", "--batch-size", "1", "--quiet"]
    first = subprocess.Popen(command, start_new_session=True)
    results_dir = out / "results" / LOSS
    deadline = time.monotonic() + 300
    while not (results_dir.exists() and len(list(results_dir.glob("*.json"))) >= 2):
        assert first.poll() is None, "the run finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.2)
    os.kill(first.pid, stop)  # the grading process only: its children must follow
    first.wait(timeout=30)
    kept = {p.name: p.stat().st_mtime_ns for p in results_dir.glob("*.json")}
    assert 2 <= len(kept) < len(students)
    subprocess.run(command, check=True, timeout=600)
    after = {p.name: p.stat().st_mtime_ns for p in results_dir.glob("*.json")}
    assert set(after) == {f"{s}.json" for s in students}
    assert all(after[name] == mtime for name, mtime in kept.items()), "a result was graded twice"
    with open(out / "grades.csv") as handle:
        totals = {row["student"]: float(row["total"]) for row in csv.DictReader(handle)}
    assert totals == {s: CLASS[s][1][LOSS] for s in students}
    assert not list((out / "work").iterdir()), "scratch folders of the killed run remain"


def test_a_changed_submission_is_graded_again(tmp_path):
    folder, out = tmp_path / "submissions", tmp_path / "grading"
    _write_class(folder, ["blank"])
    run(folder, out, workers=1, quiet=True)
    nbformat.write(_notebook(LOSS), folder / "blank" / f"{LOSS}.ipynb")
    results, _ = run(folder, out, workers=1, quiet=True)
    assert [sum(c["score"] for c in r["cells"].values()) for r in results] == [14.0]
    assert json.loads((out / "results" / LOSS / "blank.json").read_text())["status"] == "graded"
