"""The mathematics to round-off: losses where they are tiny, the engine where it saturates.

Each value is compared with an exact one: mpmath at 400 digits, or a closed form.
"""

import mpmath
import numpy as np
import pytest

from bplab import autograd, course, losses, mlp, net221, numdiff
from bplab.autograd import Tensor
from bplab.net221 import bce as net221_bce
from bplab.checks import assertions as check
from bplab.checks import testdata

EPS = np.finfo(np.float64).eps
mpmath.mp.dps = 400  # log1p(e^700) and log cosh(1e-150) need every one of them


def _relative(got, exact):
    return float(abs((mpmath.mpf(float(got)) - exact) / exact))


# ---------------------------------------------------------------- cross-entropy of logits

def test_bce_with_logits_of_a_confident_right_logit_is_its_tiny_loss():
    assert losses.bce_with_logits(np.array([50.0]), np.array([1.0])) == pytest.approx(
        np.exp(-50.0), rel=1e-15, abs=0)
    assert losses.bce_with_logits(np.array([-50.0]), np.array([0.0])) == pytest.approx(
        np.exp(-50.0), rel=1e-15, abs=0)


@pytest.mark.parametrize("t", [0.0, 1.0, 0.3, 0.5, 0.999])
def test_bce_with_logits_is_exact_to_a_few_ulps_at_every_logit(t):
    magnitudes = np.logspace(-8, np.log10(700.0), 40)
    for z in np.concatenate([-magnitudes, [0.0], magnitudes]):
        exact = mpmath.log1p(mpmath.exp(mpmath.mpf(z))) - mpmath.mpf(t) * mpmath.mpf(z)
        got = losses.bce_with_logits(np.array([z]), np.array([t]))
        assert _relative(got, exact) <= 4 * EPS, (z, t)


def test_the_sigmoid_output_network_of_notebook_4_has_the_exact_loss_when_saturated():
    params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.zeros((1, 2)), "b2": np.array([20.0])}
    x = np.array([1.0, 2.0])
    assert net221_bce.loss_at(x, 1.0, params) == pytest.approx(np.log1p(np.exp(-20.0)),
                                                               rel=1e-15, abs=0)
    assert net221_bce.loss_at(x, 1.0, params, "b2", np.array([50.0])) == pytest.approx(
        np.exp(-50.0), rel=1e-15, abs=0)
    assert net221_bce.loss_at(x, 0.0, params, "b2", np.array([50.0])) == pytest.approx(
        50.0, rel=1e-15, abs=0)


# ---------------------------------------------------------------- log-cosh

def test_logcosh_is_exact_to_a_few_ulps_at_every_magnitude():
    residuals = np.concatenate([np.logspace(-150, np.log10(700.0), 120),
                                -np.logspace(-150, 2.0, 40), [2.999, 3.0, 3.001]])
    for r in residuals:
        got = losses.logcosh(np.array([r]), np.array([0.0]))
        assert _relative(got, mpmath.log(mpmath.cosh(mpmath.mpf(r)))) <= 4 * EPS, r


def test_logcosh_at_small_residuals_is_half_their_square():
    for r in (1e-6, 1e-9, 1e-100):
        half_square = pytest.approx(r * r / 2, rel=1e-12, abs=0)
        assert losses.logcosh(np.array([r]), np.array([0.0])) == half_square


# ---------------------------------------------------------------- the engine

def test_engine_cross_entropy_passes_the_gradient_of_a_saturated_wrong_output():
    params = {"W1": np.array([[40.0]]), "b1": np.zeros(1)}  # sigmoid(40) rounds to 1
    X, t = np.array([[1.0]]), np.array([[0.0]])
    with course.references_unlocked():
        grads = autograd.grads_mlp(params, X, t, loss="bce")
        exact = mlp.backward(params, mlp.forward(params, X)[1], t, loss="bce")
    np.testing.assert_allclose(grads["W1"], [[1.0]], rtol=1e-15)
    for key in params:
        np.testing.assert_allclose(grads[key], exact[key], rtol=1e-15)


def test_engine_cross_entropy_of_a_deep_saturated_network_is_notebook_5s():
    rng = np.random.default_rng(3)
    params = mlp.init_params([3, 4, 2], rng, scale=30.0)  # outputs saturate both ways
    X, t = rng.standard_normal((5, 3)), rng.integers(0, 2, (5, 2)).astype(float)
    with course.references_unlocked():
        grads = autograd.grads_mlp(params, X, t, hidden="tanh", loss="bce")
        exact = mlp.backward(params, mlp.forward(params, X, hidden="tanh")[1], t, loss="bce")
    for key in params:
        scale = np.max(np.abs(exact[key]))
        np.testing.assert_allclose(grads[key], exact[key], rtol=1e-12, atol=1e-14 * scale)


def test_engine_refuses_cross_entropy_without_a_sigmoid_output():
    params = {"W1": np.ones((1, 1)), "b1": np.zeros(1)}
    with pytest.raises(ValueError, match="needs a sigmoid output"):
        autograd.grads_mlp(params, np.ones((1, 1)), np.ones((1, 1)), output="tanh",
                                  loss="bce")


def test_tensor_backward_fills_every_gradient_of_a_long_chain():
    x = Tensor(np.array([0.3]), "x")
    y = x
    for _ in range(3_000):
        y = y.tanh()
    with course.references_unlocked():
        y.mean().backward()
    slope = np.prod([1 - np.tanh(v) ** 2 for v in _tanh_iterates(0.3, 3_000)])
    np.testing.assert_allclose(x.grad, [slope], rtol=1e-10)


def _tanh_iterates(v, n):
    for _ in range(n):
        yield v
        v = np.tanh(v)


@pytest.mark.parametrize("a_shape, b_shape", [((3,), (3, 4)), ((2, 3), (3,)), ((3,), (3,))])
def test_engine_backward_of_a_product_with_a_vector_is_the_gradient(a_shape, b_shape):
    rng = np.random.default_rng(len(a_shape) + 2 * len(b_shape))
    a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    A, B = Tensor(a, "a"), Tensor(b, "b")
    L = (A @ B).tanh().mean()
    with course.references_unlocked():
        L.backward()
    da = numdiff.gradient(lambda v: float(np.mean(np.tanh(v @ b))), a)
    db = numdiff.gradient(lambda v: float(np.mean(np.tanh(a @ v))), b)
    assert A.grad.shape == a_shape and B.grad.shape == b_shape
    np.testing.assert_allclose(A.grad, da, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(B.grad, db, rtol=1e-8, atol=1e-10)


def test_matmul_rule_of_vectors_is_the_gradient_of_their_product():
    with course.references_unlocked():
        da, db = autograd.matmul_backward(2.0, np.array([1.0, -2.0]), np.array([3.0, 0.5]))
        np.testing.assert_array_equal(da, [6.0, 1.0])
        np.testing.assert_array_equal(db, [2.0, -4.0])
        with pytest.raises(ValueError, match="grad_out must have the shape"):
            autograd.matmul_backward(np.ones(2), np.ones(3), np.ones((3, 4)))


# ---------------------------------------------------------------- notebook 4's reference

def _exact_net221_gradients(x, t, params):
    """dL/dparams of the 2-2-1 tanh network, at 400 digits, rounded to float64."""
    m = mpmath.mpf
    X = [m(v) for v in x]
    z1 = [sum(m(params["W1"][j, i]) * X[i] for i in range(2)) + m(params["b1"][j])
          for j in range(2)]
    a1 = [mpmath.tanh(z) for z in z1]
    z2 = sum(m(params["W2"][0, j]) * a1[j] for j in range(2)) + m(params["b2"][0])
    dz2 = (mpmath.tanh(z2) - m(t)) * mpmath.sech(z2) ** 2
    dz1 = [m(params["W2"][0, j]) * dz2 * mpmath.sech(z1[j]) ** 2 for j in range(2)]
    as_float = lambda rows: np.array(rows, dtype=float)  # noqa: E731
    return {"W1": as_float([[float(dz1[j] * X[i]) for i in range(2)] for j in range(2)]),
            "b1": as_float([float(d) for d in dz1]),
            "W2": as_float([[float(dz2 * a) for a in a1]]), "b2": as_float([float(dz2)])}


def test_notebook_4s_backward_is_exact_where_its_tanh_units_saturate():
    x, t = testdata.points(431, (2,)), float(testdata.points(481, (), -0.9, 0.9))
    params = net221.init_params(np.random.default_rng(431), scale=4.0)
    cache = net221.forward(x, params)
    assert np.max(np.abs(cache["z1"])) > 8  # 1 - tanh(z)**2 there has lost 9 digits
    exact = _exact_net221_gradients(x, t, params)
    with course.references_unlocked():
        reference = net221.backward(x, t, params, cache)
    for key in params:
        np.testing.assert_allclose(reference[key], exact[key], rtol=8 * EPS)
    # so the more exact answer, with sech**2 from z, passes the exactness check
    sech2 = lambda z: 1.0 / np.cosh(z) ** 2  # noqa: E731
    dz2 = (cache["y_hat"] - t) * sech2(cache["z2"])
    dz1 = (params["W2"].T @ dz2) * sech2(cache["z1"])
    check.formula("dW1", np.outer(dz1, x), reference["W1"])
