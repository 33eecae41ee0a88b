"""Notebook 4's "Try it" and test cells take an answer in any of the forms its contract allows.

Exercise 2 asks for five numbers: a float, a NumPy array of one entry (what
``cache["y_hat"] - t`` gives, since ``y_hat`` has shape ``(1,)``) or a list of one number.
The cells that print and check those numbers must work with each form, never stopping
on a formatting error before the student sees a diagnosis.
"""

import contextlib
import io

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from autograder import SOURCE_DIR  # noqa: E402
from autograder.authoring.mutants import solution_code  # noqa: E402
from autograder.authoring.sourcefmt import parse  # noqa: E402
from bplab import course  # noqa: E402

NAME = "04_tanh_network"

AS_ARRAYS = '''
def local_derivatives(cache, t, params, j, i):
    y_hat = cache["y_hat"]
    return {"dL_dy_hat": y_hat - t, "dy_hat_dz2": 1 - y_hat ** 2,
            "dz2_da1": params["W2"][:, j], "da1_dz1": 1 - cache["a1"][j:j + 1] ** 2,
            "dz1_dW1": cache["x"][i:i + 1]}
'''
AS_LISTS = '''
def local_derivatives(cache, t, params, j, i):
    y_hat = float(cache["y_hat"][0])
    return {"dL_dy_hat": [y_hat - t], "dy_hat_dz2": [1 - y_hat ** 2],
            "dz2_da1": [params["W2"][0, j]], "da1_dz1": [1 - cache["a1"][j] ** 2],
            "dz1_dW1": [cache["x"][i]]}
'''
AS_FLOATS = '''
def local_derivatives(cache, t, params, j, i):
    y_hat = float(cache["y_hat"][0])
    return {"dL_dy_hat": y_hat - t, "dy_hat_dz2": 1 - y_hat ** 2,
            "dz2_da1": float(params["W2"][0, j]), "da1_dz1": 1 - float(cache["a1"][j]) ** 2,
            "dz1_dW1": float(cache["x"][i])}
'''
WRONG_TYPE = '''
def local_derivatives(cache, t, params, j, i):
    return {"dL_dy_hat": "y_hat - t", "dy_hat_dz2": None, "dz2_da1": {}, "da1_dz1": (),
            "dz1_dW1": [1.0, 2.0]}
'''


def run_through_exercise_2(answer):
    """Run notebook 4's cells in order, up to the last test of Exercise 2.

    Returns what the cells printed and, per test cell of Exercise 2, the exception it
    raised (None when it passed).
    """
    cells = parse((SOURCE_DIR / NAME / f"{NAME}.py").read_text())
    namespace, printed, verdicts = {"__name__": "__main__"}, io.StringIO(), {}
    try:
        for cell in cells:
            if cell.kind == "markdown":
                continue
            code = solution_code(cell.source)
            if cell.kind == "solution" and cell.grade_id == "local_derivatives":
                code = answer
            is_test = cell.kind == "tests" and cell.grade_id.startswith("local_derivatives__")
            with contextlib.redirect_stdout(printed):
                if is_test:
                    try:
                        exec(compile(code, cell.grade_id, "exec"), namespace)
                        verdicts[cell.grade_id] = None
                    except AssertionError as failure:
                        verdicts[cell.grade_id] = failure
                else:
                    exec(compile(code, cell.grade_id or "cell", "exec"), namespace)
            if cell.grade_id == "local_derivatives__product":
                break
    finally:
        course.close_notebook()
    return printed.getvalue(), verdicts


@pytest.mark.parametrize("answer", [AS_ARRAYS, AS_LISTS, AS_FLOATS],
                         ids=["one-entry arrays", "lists", "floats"])
def test_every_allowed_form_prints_and_passes(answer):
    printed, verdicts = run_through_exercise_2(answer)
    assert "product, dL/dW1[0, 0]: -0.144976" in printed
    assert "dL_dy_hat   -0.377819" in printed
    assert verdicts and all(v is None for v in verdicts.values()), verdicts


def test_an_answer_of_the_wrong_type_is_printed_then_diagnosed_not_crashed_on():
    printed, verdicts = run_through_exercise_2(WRONG_TYPE)
    assert "(expected a number)" in printed
    assert verdicts and all(v is not None for v in verdicts.values())
