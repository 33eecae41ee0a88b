"""Rosenbrock's function, notebook 2's function that is not a quadratic."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bplab import course, numdiff, rosenbrock

coordinate = st.floats(-3, 3, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(coordinate, coordinate)
def test_gradient_and_hessian_match_complex_step(x, y):
    exact = numdiff.complex_step_gradient(
        lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2, np.array([x, y]))
    np.testing.assert_allclose(np.array(rosenbrock.rosenbrock_grad(x, y)), exact, rtol=1e-12,
                               atol=1e-10)
    rows = [numdiff.complex_step_gradient(
        lambda p, k=k: np.array(rosenbrock.rosenbrock_grad(p[0], p[1]))[k], np.array([x, y]))
        for k in range(2)]
    np.testing.assert_allclose(rosenbrock.rosenbrock_hessian(x, y), np.array(rows), rtol=1e-12,
                               atol=1e-9)


def test_minimum_and_broadcasting():
    assert float(rosenbrock.rosenbrock(1.0, 1.0)) == 0.0
    gx, gy = rosenbrock.rosenbrock_grad(np.zeros((3, 1)), np.zeros(4))
    assert gx.shape == gy.shape == (3, 4)


def test_no_central_difference_is_exact_along_x():
    """Notebook 2 says so: every step we tried leaves a relative error above 1e-12."""
    x, y = np.array([-1.5, 0.75, 1.25]), np.array([0.5, 2.5, -1.0])
    exact = rosenbrock.rosenbrock_grad(x, y)[0]
    for h in (1.0, 1e-3, 1e-5, 2.0 ** -17, 1e-7):
        estimate = (rosenbrock.rosenbrock(x + h, y) - rosenbrock.rosenbrock(x - h, y)) / (2 * h)
        assert np.max(np.abs(estimate - exact) / np.abs(exact)) > 1e-12


def test_gradient_is_locked_in_notebook_2():
    course.start_notebook(2)
    with pytest.raises(course.ReferenceLockedError):
        rosenbrock.rosenbrock_grad(0.0, 0.0)
    rosenbrock.rosenbrock(0.0, 0.0)  # the function itself is not an answer
