"""Tests of bplab.depth (how the gradient scales with depth; the sawtooth) and bplab.residual."""

import numpy as np
import pytest

from bplab import course, depth, jacobians, mlp, residual


@pytest.mark.parametrize("variance,low,high", [(1.0, -0.75, -0.4), (2.0, -0.2, 0.2),
                                               (4.0, 0.85, 1.2)])
def test_relu_gradient_scales_with_depth_as_notebook_7_says(variance, low, high):
    """At Var(W) = 4/n_in a ReLU network's gradient doubles with each layer added (log2
    slope +1, not +1/2), at 2/n_in it keeps its size, at 1/n_in it shrinks like 2^(-L/2)."""
    slope = depth.depth_slope("relu", np.sqrt(variance), width=128, depths=(4, 10, 16))
    assert low < slope < high


def test_layer_norms_are_flat_across_layers_for_relu():
    norms = depth.layer_norms(12, 64, np.sqrt(2.0), "relu", seed=3)
    assert norms.shape == (12,)
    assert np.max(norms) / np.min(norms) < 10


@pytest.mark.parametrize("n_layers", [1, 2, 3, 5])
def test_sawtooth_has_2_to_the_depth_pieces_from_2_units_a_layer(n_layers):
    params = depth.sawtooth_params(n_layers)
    assert all(params[f"W{l}"].shape[0] == 2 for l in range(1, n_layers + 1))
    x = np.linspace(0, 1, 2 ** (n_layers + 4) + 1)
    with course.references_unlocked():
        y = mlp.forward(params, x[:, None], hidden="relu", output="identity")[0][:, 0]
    assert depth.count_pieces(x, y) == 2 ** n_layers
    assert np.all((y >= -1e-12) & (y <= 1 + 1e-12))
    np.testing.assert_allclose(y[:: 2 ** 4], np.arange(2 ** n_layers + 1) % 2, atol=1e-12)


def test_count_pieces_of_a_straight_line_and_a_kink():
    x = np.linspace(-1, 1, 101)
    assert depth.count_pieces(x, 3 * x + 1) == 1
    assert depth.count_pieces(x, np.maximum(x, 0.2)) == 2


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_residual_jacobian_matches_central_differences(activation):
    rng = np.random.default_rng(4)
    params = {"W1": rng.standard_normal((5, 3)), "b1": rng.standard_normal(5),
              "W2": rng.standard_normal((3, 5)), "b2": rng.standard_normal(3)}
    x = rng.standard_normal(3)
    J = residual.residual_jacobian(params, x, activation)
    numeric = jacobians.numerical_jacobian(lambda a: residual.residual_forward(params, a, activation), x)
    assert J.shape == (3, 3)
    np.testing.assert_allclose(J, numeric, rtol=1e-6, atol=1e-9)


def test_residual_errors_and_lock():
    params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.eye(3), "b2": np.zeros(2)}
    with pytest.raises(ValueError, match="W2"):
        residual.residual_forward(params, np.zeros(2))
    with pytest.raises(ValueError, match="activation"):
        residual.residual_forward({**params, "W2": np.eye(2)}, np.zeros(2), "softplus")
    course.start_notebook(7)
    try:
        with pytest.raises(course.ReferenceLockedError, match="residual_jacobian"):
            residual.residual_jacobian({**params, "W2": np.eye(2)}, np.zeros(2))
    finally:
        course.close_notebook()
