import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bplab import activations, course, jacobians, mlp
from bplab.explore import depth as explore_depth

ACTIVATIONS = ["sigmoid", "tanh", "relu"]


def _layer(seed, n_out, n_in):
    rng = np.random.default_rng(seed)
    W, b, a_prev = rng.standard_normal((n_out, n_in)), rng.standard_normal(n_out), rng.standard_normal(n_in)
    return W, b, a_prev, W @ a_prev + b


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 5), st.integers(1, 5), st.sampled_from(ACTIVATIONS))
def test_layer_jacobian_matches_central_differences(seed, n_out, n_in, activation):
    W, b, a_prev, z = _layer(seed, n_out, n_in)
    if activation == "relu" and np.min(np.abs(z)) < 1e-3:
        return  # a kink: the derivative is not defined there
    h = activations.ACTIVATIONS[activation][0]
    J = jacobians.layer_jacobian(W, z, activation)
    assert J.shape == (n_out, n_in)
    numeric = jacobians.numerical_jacobian(lambda a: h(W @ a + b), a_prev)
    assert np.allclose(J, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("sizes", [[3, 4, 2], [2, 2, 2, 2, 2], [4, 3, 5, 1]])
def test_input_output_jacobian_is_the_product_and_matches_differences(activation, sizes):
    params, X, _ = mlp.example_problem(sizes, 1, seed=len(sizes))
    x = X[0]
    J = jacobians.input_output_jacobian(params, x, activation)
    f = lambda a: mlp.forward(params, a[None, :], hidden=activation, output=activation)[0][0]  # noqa: E731
    assert J.shape == (sizes[-1], sizes[0])
    assert np.allclose(J, jacobians.numerical_jacobian(f, x), rtol=1e-6, atol=1e-9)


def test_backprop_gradient_is_the_transposed_jacobian_product():
    # With L = g . a^L the gradient at the input is J^T g, for any depth.
    params, X, _ = mlp.example_problem([3, 4, 4, 2], 1, seed=9)
    g = np.array([0.7, -1.3])
    J = jacobians.input_output_jacobian(params, X[0], "tanh")
    f = lambda a: float(g @ mlp.forward(params, a[None, :], hidden="tanh", output="tanh")[0][0])  # noqa: E731
    numeric = jacobians.numerical_jacobian(lambda a: np.array([f(a)]), X[0])[0]
    assert np.allclose(J.T @ g, numeric, rtol=1e-6, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 5), st.integers(1, 5))
def test_sigmoid_bound_holds_and_is_attained_at_zero(seed, n_out, n_in):
    W, _, _, _ = _layer(seed, n_out, n_in)
    bound = jacobians.sigmoid_layer_bound(W)
    assert np.isclose(bound, np.linalg.svd(W, compute_uv=False)[0] / 4, rtol=1e-12)
    z_all = np.random.default_rng(seed).uniform(-4, 4, (20, n_out))
    for z in z_all:
        assert np.linalg.norm(jacobians.layer_jacobian(W, z, "sigmoid"), 2) <= bound * (1 + 1e-12)
    assert np.isclose(np.linalg.norm(jacobians.layer_jacobian(W, np.zeros(n_out), "sigmoid"), 2),
                      bound, rtol=1e-12)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradient_norms_are_the_norms_of_the_mlp_gradients(activation):
    rng = np.random.default_rng(3)
    params = jacobians.deep_network(5, 6, 1.0, rng, n_in=3)
    X, t = rng.standard_normal((7, 3)), rng.standard_normal((7, 6))
    norms = jacobians.gradient_norms(params, X, t, activation)
    assert norms.shape == (5,)
    for l in range(1, 6):
        f = mlp.loss_of(params, X, t, f"W{l}", hidden=activation, output="identity",
                        loss="half_mse")
        from bplab import numdiff
        assert np.isclose(norms[l - 1], np.linalg.norm(numdiff.gradient(f, params[f"W{l}"])),
                          rtol=1e-6)


def test_sigmoid_gradients_vanish_and_he_init_keeps_relu_alive():
    sig = explore_depth.depth_norms(20, 1.0, "sigmoid")
    assert sig[0] < 1e-6 * sig[-1]
    relu_he = explore_depth.depth_norms(20, np.sqrt(2), "relu")
    assert 1e-2 < relu_he[0] / relu_he[-1] < 1e2
    tanh_big = explore_depth.depth_norms(20, 2.0, "tanh")
    assert tanh_big[0] > tanh_big[-1]


def test_deep_network_variance():
    params = jacobians.deep_network(2, 400, np.sqrt(2), np.random.default_rng(0))
    assert abs(params["W2"].var() - 2 / 400) < 0.05 * 2 / 400


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="z must have shape"):
        jacobians.layer_jacobian(np.eye(3), np.zeros(2), "tanh")
    with pytest.raises(ValueError, match="activation must be one of"):
        jacobians.layer_jacobian(np.eye(2), np.zeros(2), "softsign")
    with pytest.raises(ValueError, match="depth must be a positive"):
        jacobians.deep_network(0, 3, 1.0, np.random.default_rng(0))


def test_references_locked_in_notebook_7():
    course.start_notebook(7)
    for call in (lambda: jacobians.layer_jacobian(np.eye(2), np.zeros(2), "tanh"),
                 lambda: jacobians.sigmoid_layer_bound(np.eye(2))):
        with pytest.raises(course.ReferenceLockedError):
            call()
    assert explore_depth.depth_norms(4, 1.0, "tanh").shape == (4,)  # the explorer still works


def test_explorers_draw_and_change_with_their_controls():
    fig, axes = plt.subplots(1, 2)
    first = explore_depth.draw_weight_slope(axes, w=0.5, N=8)
    second = explore_depth.weight_slope_values(w=-1.0, N=8)
    assert first["slope"] != second["slope"] and len(axes[0].lines) == 3
    # the tangent's slope is the gradient: compare with a difference of the curve
    values = explore_depth.weight_slope_values(w=0.4, N=5)
    up, down = (explore_depth.weight_slope_values(w=0.4 + d, N=5)["loss"] for d in (1e-5, -1e-5))
    assert np.isclose(values["slope"], (up - down) / 2e-5, rtol=1e-4, atol=1e-9)
    plt.close(fig)
    fig, ax = plt.subplots()
    shallow = explore_depth.draw_depth_norms(ax, depth=5, gain=1.0, activation="tanh")
    deep = explore_depth.draw_depth_norms(ax, depth=12, gain=1.0, activation="tanh")
    assert shallow.shape == (5,) and deep.shape == (12,) and ax.get_yscale() == "log"
    plt.close(fig)
