import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bplab import course, layers, numdiff


def _layer(seed, N, n_in, n_out):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((N, n_in)), rng.standard_normal((n_out, n_in)),
            rng.standard_normal(n_out), rng.standard_normal((N, n_out)))


def test_forward_is_the_column_formula_stacked():
    A_prev, W, b, _ = _layer(0, 5, 3, 2)
    Z = layers.dense_forward(A_prev, W, b)
    assert Z.shape == (5, 2)
    for n in range(5):
        assert np.allclose(Z[n], W @ A_prev[n] + b, rtol=1e-14)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 5), st.integers(1, 4), st.integers(1, 4))
def test_backward_matches_central_differences(seed, N, n_in, n_out):
    A_prev, W, b, G = _layer(seed, N, n_in, n_out)
    # L = sum(G * Z) has dL/dZ = G, so dense_backward(G, ...) must be its gradient.
    dA_prev, dW, db = layers.dense_backward(G, A_prev, W)
    loss = lambda A, W, b: float(np.sum(G * layers.dense_forward(A, W, b)))  # noqa: E731
    assert np.allclose(dW, numdiff.gradient(lambda w: loss(A_prev, w, b), W), rtol=1e-7, atol=1e-8)
    assert np.allclose(db, numdiff.gradient(lambda v: loss(A_prev, W, v), b), rtol=1e-7, atol=1e-8)
    assert np.allclose(dA_prev, numdiff.gradient(lambda a: loss(a, W, b), A_prev), rtol=1e-7,
                       atol=1e-8)
    assert dA_prev.shape == A_prev.shape and dW.shape == W.shape and db.shape == b.shape


def test_backward_is_the_sum_of_per_example_outer_products():
    A_prev, W, _, dZ = _layer(3, 4, 3, 2)
    dA_prev, dW, db = layers.dense_backward(dZ, A_prev, W)
    assert np.allclose(dW, sum(np.outer(dZ[n], A_prev[n]) for n in range(4)), rtol=1e-14)
    assert np.allclose(db, sum(dZ[n] for n in range(4)), rtol=1e-14)
    for n in range(4):
        assert np.allclose(dA_prev[n], W.T @ dZ[n], rtol=1e-14)


def test_folded_bias_gives_the_same_layer_and_gradient():
    A_prev, W, b, dZ = _layer(4, 3, 2, 3)
    Wb, A1 = layers.fold_bias(W, b), layers.append_ones(A_prev)
    assert np.allclose(A1 @ Wb.T, layers.dense_forward(A_prev, W, b), rtol=1e-14)
    _, dWb, _ = layers.dense_backward(dZ, A1, Wb)
    _, dW, db = layers.dense_backward(dZ, A_prev, W)
    assert np.allclose(dWb, np.hstack([dW, db[:, None]]), rtol=1e-14)


def test_bad_shapes_name_the_argument():
    A_prev, W, b, dZ = _layer(5, 3, 2, 4)
    with pytest.raises(ValueError, match="W must have shape"):
        layers.dense_forward(A_prev, W.T, b)
    with pytest.raises(ValueError, match="b must have shape"):
        layers.dense_forward(A_prev, W, b[:2])
    with pytest.raises(ValueError, match="dZ must have shape"):
        layers.dense_backward(dZ.T, A_prev, W)


def test_references_are_locked_in_notebook_5():
    A_prev, W, b, dZ = _layer(6, 2, 2, 2)
    course.start_notebook(5)
    with pytest.raises(course.ReferenceLockedError):
        layers.dense_forward(A_prev, W, b)
    with pytest.raises(course.ReferenceLockedError):
        layers.dense_backward(dZ, A_prev, W)
    with course.references_unlocked():
        assert layers.dense_forward(A_prev, W, b).shape == (2, 2)
    assert layers.fold_bias(W, b).shape == (2, 3)
