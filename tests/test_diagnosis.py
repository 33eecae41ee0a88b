import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bplab.checks.diagnosis import EXACT_TOL, FLOOR, diagnose, relative_error

RIGHT = np.array([[0.5, -1.25, 2.0], [0.75, 3.0, -0.4]])
nonzero = st.floats(0.1, 10) | st.floats(-10, -0.1)


def test_relative_error_uses_the_floor_near_zero():
    assert relative_error(1e-9, 0.0) == pytest.approx(1e-9 / FLOOR)
    assert relative_error(2.0, 1.0) == pytest.approx(0.5)


@pytest.mark.parametrize("actual, kind, words", [
    (RIGHT, "ok", "is correct"),
    (-RIGHT, "sign", "opposite sign"),
    (2 * RIGHT, "factor", "twice the right value"),
    (RIGHT / 2, "factor", "half the right value"),
    (3.7 * RIGHT, "factor", "3.7 times the right value"),
    (RIGHT.T, "transposed", "transposed"),
    (RIGHT.ravel(), "reshaped", "reshape"),
    (np.zeros(4), "shape", "should have shape (2, 3); got (4,)"),
    (np.float64(1.0), "shape", "single number"),
    (np.where(RIGHT > 2, np.nan, RIGHT), "non-finite", "contains nan at [1, 1]"),
    ("a string", "not-numeric", "number or an array"),
    (RIGHT + np.eye(2, 3), "mismatch", "2 of 6 entries differ"),
])
def test_each_mistake_is_named(actual, kind, words):
    verdict = diagnose("dW", actual, RIGHT)
    assert verdict.kind == kind
    assert words in verdict.message
    assert verdict.passed == (kind == "ok")


def test_swapped_entries_are_named_with_their_places():
    swapped = RIGHT.copy()
    swapped[0, 0], swapped[1, 2] = RIGHT[1, 2], RIGHT[0, 0]
    verdict = diagnose("dW", swapped, RIGHT)
    assert verdict.kind == "swapped"
    assert "[0, 0], [1, 2]" in verdict.message


def test_square_transpose_and_factor_of_n():
    square = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert diagnose("dW", square.T, square).kind == "transposed"
    verdict = diagnose("g", 4 * square, square, batch_size=4)
    assert verdict.kind == "factor" and "N = 4" in verdict.message
    assert "too small" in diagnose("g", square / 4, square, batch_size=4).message


def test_missing_regulariser_term_is_named():
    lam_w = 0.1 * RIGHT
    terms = {"the regulariser's gradient lam * W": lam_w}
    assert "missing the regulariser" in diagnose("dW", RIGHT - lam_w, RIGHT, terms=terms).message
    assert "wrong sign" in diagnose("dW", RIGHT - 2 * lam_w, RIGHT, terms=terms).message
    assert "counted twice" in diagnose("dW", RIGHT + lam_w, RIGHT, terms=terms).message


def test_worst_entry_reports_both_values():
    off = RIGHT.copy()
    off[1, 1] = 3.5
    verdict = diagnose("dW", off, RIGHT)
    assert verdict.worst_index == (1, 1)
    assert (verdict.actual_value, verdict.expected_value) == (3.5, 3.0)
    assert "yours 3.5, expected 3" in verdict.message


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, (3, 4), elements=nonzero))
def test_properties_right_answers_pass_and_flips_are_signs(x):
    assert diagnose("x", x * (1 + 1e-12), x).passed
    assert diagnose("x", -x, x).kind == "sign"
    assert diagnose("x", 2 * x, x).kind == "factor"
    assert not diagnose("x", x + 1e-3 * np.abs(x).max(), x, tol=EXACT_TOL).passed
