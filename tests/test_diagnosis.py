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


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, (2, 3), elements=nonzero), st.floats(-300, 3))
def test_an_all_zero_answer_is_diagnosed_as_zeros_never_as_a_factor(x, exponent):
    expected = x * 10.0 ** exponent
    for floor in (FLOOR, 1e-320, np.abs(expected) * 1e-3):
        verdict = diagnose("g", np.zeros_like(expected), expected, floor=floor)
        if not verdict.passed:
            assert verdict.kind == "zeros" and "every entry is zero" in verdict.message


def test_a_per_entry_floor_judges_each_entry_on_its_own_scale():
    expected = np.array([1.0, 1e-13])
    floor = np.array([1e-6, 1e-20])
    assert diagnose("g", expected * (1 + 1e-12), expected, floor=floor).passed
    assert not diagnose("g", np.array([1.0, 0.0]), expected, floor=floor).passed
    # with the fixed floor of exact comparisons, 1e-13 is within 1e-6 * NUMERICAL_TOL of 0
    assert diagnose("g", np.array([1.0, 0.0]), expected, tol=1e-5).passed
