import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bplab import course, losses, numdiff

probs = st.floats(0.02, 0.98)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (4, 3), elements=st.floats(-3, 3)),
       arrays(np.float64, (4, 3), elements=st.floats(-3, 3)))
def test_mse_gradient_is_the_derivative_of_mse(y_hat, t):
    exact = numdiff.complex_step_gradient(lambda y: np.sum((y - t) ** 2) / len(y), y_hat)
    assert np.allclose(losses.mse_grad(y_hat, t), exact, rtol=1e-12, atol=1e-14)
    assert losses.mse(y_hat, t) == pytest.approx(np.mean(losses.squared_error(y_hat, t)))


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (5,), elements=probs), arrays(np.float64, (5,), elements=st.floats(0, 1)))
def test_bce_gradient_is_the_derivative_of_bce(y_hat, t):
    exact = numdiff.complex_step_gradient(
        lambda y: -np.sum(t * np.log(y) + (1 - t) * np.log(1 - y)) / len(y), y_hat)
    assert np.allclose(losses.bce_grad(y_hat, t), exact, rtol=1e-10)
    assert np.allclose(numdiff.gradient(lambda y: losses.bce(y, t), y_hat), exact, rtol=1e-6)


def test_bce_is_finite_and_silent_at_zero_and_one(recwarn):
    assert losses.bce(np.array([1.0, 0.0]), np.array([1.0, 0.0])) < 1e-11
    assert losses.bce(np.array([0.0, 1.0]), np.array([1.0, 0.0])) == pytest.approx(27.631, abs=1e-3)
    assert np.all(np.isfinite(losses.bce_grad(np.array([0.0, 1.0]), np.array([1.0, 0.0]))))
    assert len(recwarn) == 0


def test_bce_with_logits_agrees_with_bce_and_survives_huge_logits(recwarn):
    z = np.array([[-3.0, 0.5], [2.0, 4.0]])
    t = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert losses.bce_with_logits(z, t) == pytest.approx(losses.bce(1 / (1 + np.exp(-z)), t), rel=1e-9)
    assert np.isfinite(losses.bce_with_logits(np.array([1e4]), np.array([0.0])))
    grad = numdiff.gradient(lambda v: losses.bce_with_logits(v, t), z)
    assert np.allclose(losses.bce_with_logits_grad(z, t), grad, rtol=1e-7)
    assert len(recwarn) == 0


def test_l2_penalty_and_its_gradient():
    w = np.array([[0.5, -1.0], [2.0, 0.25]])
    assert np.allclose(numdiff.gradient(lambda v: losses.l2_penalty(v, 0.3), w),
                       losses.l2_penalty_grad(w, 0.3), rtol=1e-8)


def test_shape_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match=r"t must have the same shape as y_hat, \(3,\); got \(2,\)"):
        losses.mse(np.zeros(3), np.zeros(2))


def test_references_are_locked_in_the_notebook_that_teaches_them():
    course.start_notebook(1)
    with pytest.raises(course.ReferenceLockedError, match="switched off here"):
        losses.mse(np.zeros(2), np.zeros(2))
    with course.references_unlocked():
        assert losses.mse(np.zeros(2), np.zeros(2)) == 0.0
    course.start_notebook(2)
    assert losses.mse(np.zeros(2), np.zeros(2)) == 0.0


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (3, 2), elements=st.floats(-30, 30)),
       arrays(np.float64, (3, 2), elements=st.floats(-30, 30)))
def test_logcosh_gradient_is_the_derivative_of_logcosh(y_hat, t):
    exact = numdiff.complex_step_gradient(
        lambda y: np.sum(np.log(np.cosh(y - t))) / len(y), y_hat)
    np.testing.assert_allclose(losses.logcosh_grad(y_hat, t), exact, rtol=1e-12, atol=1e-15)
    assert losses.logcosh(y_hat, t) == pytest.approx(float(np.sum(np.log(np.cosh(y_hat - t)))) / 3)


def test_logcosh_is_finite_far_from_the_target():
    assert losses.logcosh(np.array([1e6]), np.array([0.0])) == pytest.approx(1e6 - np.log(2.0))


def test_the_sigmoid_facts_notebook_1_states():
    """sigma is exactly 1 from about z = 37 on, but exactly 0 only below about -745."""
    from bplab.activations import sigmoid

    assert sigmoid(np.array([36.0]))[0] < 1.0 and sigmoid(np.array([37.0]))[0] == 1.0
    assert sigmoid(np.array([-37.0]))[0] == pytest.approx(8.533e-17, rel=1e-3)
    assert sigmoid(np.array([-745.0]))[0] > 0.0 and sigmoid(np.array([-746.0]))[0] == 0.0


def test_the_exactness_checks_of_notebook_1_catch_small_and_large_steps():
    """Huge values defeat small steps; predictions within 1e-9 of their targets, large ones."""
    rng = np.random.default_rng(203)
    big = (1e4 * rng.standard_normal((5, 2)), 1e4 * rng.standard_normal((5, 2)))
    y_near = np.random.default_rng(204).uniform(0.6, 1.4, (4, 2))
    near = (y_near, y_near + 1e-9 * np.random.default_rng(205).uniform(-1, 1, (4, 2)))

    def worst_error(y_hat, t, h):
        exact = losses.mse_grad(y_hat, t)
        estimate = np.zeros_like(y_hat)
        for index in np.ndindex(y_hat.shape):
            up, down = y_hat.copy(), y_hat.copy()
            up[index] += h
            down[index] -= h
            estimate[index] = (losses.mse(up, t) - losses.mse(down, t)) / (2 * h)
        return np.max(np.abs(estimate - exact) / np.abs(exact))

    for h in (1e-6, 1e-4, 1.0, 1024.0):
        assert max(worst_error(*big, h), worst_error(*near, h)) > 1e-12, h
    y_hat, t = near
    np.testing.assert_array_equal(2 * y_hat / 4 - 2 * t / 4, 2 * (y_hat - t) / 4)
