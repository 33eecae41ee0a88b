import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bplab import numdiff

finite = st.floats(-5, 5, allow_nan=False)


def test_central_step_is_exactly_representable():
    x = np.array([0.0, 0.1, -3.7, 1e6])
    h = numdiff.central_step(x)
    assert np.all((x + h) - x == h)
    assert np.all(h > 0)
    assert np.allclose(h[:3], np.cbrt(np.finfo(float).eps) * np.maximum(np.abs(x[:3]), 1), rtol=1e-3)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, (3, 2), elements=finite), arrays(np.float64, (3, 2), elements=finite))
def test_gradient_of_a_quadratic_is_exact_to_rounding(x, c):
    f = lambda w: float(np.sum((w - c) ** 2))  # noqa: E731
    assert np.allclose(numdiff.gradient(f, x), 2 * (x - c), rtol=1e-8, atol=1e-8)


def test_vectorized_gradient_equals_loop():
    x = np.linspace(-1, 1, 6).reshape(2, 3)
    f = lambda w: np.sum(np.sin(w) * w, axis=(-2, -1))  # noqa: E731
    assert np.allclose(numdiff.gradient(f, x, vectorized=True), numdiff.gradient(f, x), rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, 5, elements=finite))
def test_derivative_of_sin_is_cos(x):
    assert np.allclose(numdiff.derivative(np.sin, x), np.cos(x), rtol=1e-8, atol=1e-9)


def test_central_difference_beats_forward_difference():
    x = np.array([1.0])
    h = 1e-4
    forward = (np.exp(x + h) - np.exp(x)) / h
    central = numdiff.derivative(np.exp, x, h)
    assert abs(central - np.exp(1.0)) < abs(forward - np.exp(1.0)) / 100


def test_complex_step_is_exact_to_machine_precision():
    x = np.linspace(-3, 3, 13)
    assert np.allclose(numdiff.complex_step_derivative(np.tanh, x), 1 - np.tanh(x) ** 2,
                       rtol=1e-15, atol=1e-16)
    w = np.array([[0.3, -1.2], [2.0, 0.1]])
    g = numdiff.complex_step_gradient(lambda v: np.sum(np.exp(v) * v), w)
    assert np.allclose(g, np.exp(w) * (1 + w), rtol=1e-15)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["sin", "exp", "log", "cube", "tiny"]), st.floats(1e-4, 30.0))
def test_error_bounds_cover_the_true_error(name, x0):
    functions = {"sin": (np.sin, np.cos), "exp": (np.exp, np.exp),
                 "log": (np.log, lambda v: 1 / v), "cube": (lambda v: v ** 3, lambda v: 3 * v ** 2),
                 "tiny": (lambda v: 1e-200 * np.sin(v), lambda v: 1e-200 * np.cos(v))}
    f, f_prime = functions[name]
    x = np.array([x0, 2 * x0])
    estimate, error = numdiff.derivative_with_error(f, x)
    assert np.all(np.abs(estimate - f_prime(x)) <= error)
    estimate, error = numdiff.gradient_with_error(lambda v: float(np.sum(f(v))), x)
    assert np.all(np.abs(estimate - f_prime(x)) <= error)
    stacked, _ = numdiff.gradient_with_error(lambda v: np.sum(f(v), axis=-1), x, vectorized=True)
    np.testing.assert_array_equal(stacked, estimate)
