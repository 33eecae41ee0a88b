"""Checkpoints make you commit: the visible test records, only the graded one judges.

A checkpoint is an exercise whose id starts with ``predict_``. For each one, in every
notebook: its visible test prints the same output for every well-formed prediction (so
running it again and again tells nothing), the solution passes the graded test, a wrong
prediction fails it with a message that is the same for every wrong prediction and
states no number, so that nothing can be copied from it into the checkpoint, and every
notebook has at least one checkpoint that asks for a number.
"""

import ast
import contextlib
import io
import re

import numpy as np
import pytest

import bplab
from autograder import SOURCE_DIR, assignments, exercise_of
from autograder.authoring.gate import is_checkpoint
from autograder.authoring.mutants import solution_code
from autograder.authoring.sourcefmt import parse
from bplab.checks import CheckFailure
from bplab.checks.predictions import RECORDED

HIDDEN = re.compile(r"^### BEGIN HIDDEN TESTS\n.*?^### END HIDDEN TESTS\n?", re.M | re.S)
MARKERS = re.compile(r"^### (BEGIN|END) HIDDEN TESTS\n?", re.M)


def checkpoints():
    """``(notebook, exercise, answer variable, solution value, test cell source)``."""
    found = []
    for name in assignments():
        cells = parse((SOURCE_DIR / name / f"{name}.py").read_text())
        answers = {c.grade_id: c for c in cells if c.kind == "solution"}
        for cell in cells:
            if cell.kind != "tests" or not is_checkpoint(exercise_of(cell.grade_id)):
                continue
            exercise = exercise_of(cell.grade_id)
            namespace = {"np": np}
            exec(solution_code(answers[exercise].source), namespace)
            variable = next(target.id for node in ast.parse(solution_code(
                answers[exercise].source)).body if isinstance(node, ast.Assign)
                for target in node.targets)
            found.append((name, exercise, variable, namespace[variable], cell.source))
    return found


CHECKPOINTS = checkpoints()
IDS = [f"{name}:{exercise}" for name, exercise, *_ in CHECKPOINTS]


def recorded_call(test_source):
    """The keyword arguments of the visible test's ``recorded`` call, as Python values."""
    tree = ast.parse(HIDDEN.sub("", test_source))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and ast.unparse(node.func) == "bp.checks.predictions.recorded"]
    assert len(calls) == 1, "a checkpoint's visible test is one bp.checks.predictions.recorded"
    return {kw.arg: ast.literal_eval(kw.value) for kw in calls[0].keywords}


def well_formed_answers(test_source, solution):
    options = recorded_call(test_source)
    if "choices" in options:
        return list(options["choices"])
    if options.get("whole"):
        return [int(solution), 0, 1, 7, -3, 1000]
    return [float(solution), 0.0, -1.5, 1e-7, 2.303, 123456.0, 1 / 3]


def run(code, variable, value):
    """Run test code with the prediction set; its printed output and its failure, if any."""
    namespace = {"np": np, "bp": bplab, variable: value}
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        try:
            exec(code, namespace)
        except CheckFailure as failure:
            return output.getvalue(), failure
    return output.getvalue(), None


@pytest.mark.parametrize("name, exercise, variable, solution, source", CHECKPOINTS, ids=IDS)
def test_the_visible_test_prints_the_same_for_every_well_formed_prediction(
        name, exercise, variable, solution, source):
    visible = HIDDEN.sub("", source)
    outcomes = {repr(answer): run(visible, variable, answer)
                for answer in well_formed_answers(source, solution)}
    assert all(failure is None for _, failure in outcomes.values()), outcomes
    assert {output for output, _ in outcomes.values()} == {RECORDED + "\n"}, outcomes


@pytest.mark.parametrize("name, exercise, variable, solution, source", CHECKPOINTS, ids=IDS)
def test_the_visible_test_says_what_form_is_expected_and_nothing_more(
        name, exercise, variable, solution, source):
    visible = HIDDEN.sub("", source)
    output, failure = run(visible, variable, "not a prediction at all")
    assert failure is not None and failure.kind == "shape"
    _, missing = run(visible, "something_else", 1.0)
    assert missing is not None and missing.kind == "not-implemented"


def test_the_graded_tests_judge_the_solution_and_fail_wrong_predictions_without_a_hint():
    for name, exercise, variable, solution, source in CHECKPOINTS:
        graded = MARKERS.sub("", source)
        assert run(graded, variable, solution)[1] is None, f"{name}: {exercise}"
        wrong = [answer for answer in well_formed_answers(source, solution)
                 if run(graded, variable, answer)[1] is not None]
        assert wrong, f"{name}: {exercise}: no well-formed prediction fails the graded test"
        messages = {str(run(graded, variable, answer)[1]) for answer in wrong}
        assert len(messages) == 1, f"{name}: {exercise}: the message depends on the answer"
        message = messages.pop().replace(variable, "the prediction")
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", message)]
        assert numbers == [], f"{name}: {exercise}: the message states numbers: {message}"
        assert str(solution) not in message


def test_every_notebook_asks_for_a_number_at_a_checkpoint():
    numeric = {name for name, _, _, _, source in CHECKPOINTS
               if "choices" not in recorded_call(source)}
    assert numeric == set(assignments())


def test_every_checkpoint_heading_belongs_to_a_predict_exercise():
    """A "### Checkpoint" heading is followed by a checkpoint's answer cell, and only by one."""
    for name in assignments():
        cells = parse((SOURCE_DIR / name / f"{name}.py").read_text())
        for index, cell in enumerate(cells):
            if cell.kind == "markdown" and re.search(r"^#+ Checkpoint\b", cell.source, re.M):
                answer = next(c for c in cells[index:] if c.kind == "solution")
                assert is_checkpoint(answer.grade_id), f"{name}: {answer.grade_id}"
