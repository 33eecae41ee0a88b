import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bplab import course, mlp, numdiff

ARCHITECTURES = [[2, 2, 1], [2, 3, 2], [3, 4, 4, 2], [1, 3, 3, 3, 1]]


def _problem(seed, sizes, N, loss):
    rng = np.random.default_rng(seed)
    params = mlp.init_params(sizes, rng, scale=0.8)
    params = {k: v + (0.1 * rng.standard_normal(v.shape) if k.startswith("b") else 0)
              for k, v in params.items()}
    X = rng.standard_normal((N, sizes[0]))
    if loss == "bce":
        t = rng.integers(0, 2, (N, sizes[-1])).astype(float)
    else:
        t = rng.uniform(0, 1, (N, sizes[-1]))
    return params, X, t


@pytest.mark.parametrize("sizes", ARCHITECTURES)
@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("loss", ["mse", "half_mse", "bce"])
@pytest.mark.parametrize("N", [1, 5])
def test_backward_matches_central_differences(sizes, hidden, loss, N):
    params, X, t = _problem(sum(sizes) + N, sizes, N, loss)
    _, grads = mlp.loss_and_grads(params, X, t, hidden=hidden, loss=loss)
    assert sorted(grads) == sorted(params)
    for key in params:
        f = mlp.loss_of(params, X, t, key, hidden=hidden, loss=loss)
        numeric = numdiff.gradient(f, params[key])
        assert grads[key].shape == params[key].shape
        assert np.allclose(grads[key], numeric, rtol=1e-6, atol=1e-9), key


@pytest.mark.parametrize("output", ["identity", "tanh"])
def test_other_outputs_with_squared_error(output):
    params, X, t = _problem(7, [2, 3, 2], 4, "mse")
    _, grads = mlp.loss_and_grads(params, X, t, hidden="tanh", output=output, loss="mse")
    for key in params:
        f = mlp.loss_of(params, X, t, key, hidden="tanh", output=output, loss="mse")
        assert np.allclose(grads[key], numdiff.gradient(f, params[key]), rtol=1e-6, atol=1e-9)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 6), st.sampled_from(["mse", "bce"]))
def test_output_delta_is_dL_dZ(seed, N, loss):
    rng = np.random.default_rng(seed)
    Z = rng.uniform(-3, 3, (N, 2))
    t = rng.integers(0, 2, (N, 2)).astype(float)
    f = lambda z: mlp.mean_loss(1 / (1 + np.exp(-z)), t, loss)  # noqa: E731
    assert np.allclose(mlp.output_delta(Z, t, loss=loss), numdiff.gradient(f, Z),
                       rtol=1e-6, atol=1e-10)


def test_bce_shortcut_is_y_hat_minus_t_over_n():
    Z, t = np.array([[0.3], [-1.2], [2.0]]), np.array([[1.0], [0.0], [0.0]])
    y_hat = 1 / (1 + np.exp(-Z))
    assert np.allclose(mlp.output_delta(Z, t, loss="bce"), (y_hat - t) / 3, rtol=1e-14)


def test_forward_cache_and_shapes():
    params, X, _ = _problem(1, [3, 4, 4, 2], 5, "mse")
    y_hat, cache = mlp.forward(params, X, hidden="tanh")
    assert y_hat.shape == (5, 2) and np.all((0 < y_hat) & (y_hat < 1))
    assert np.array_equal(cache["A0"], X)
    for l in (1, 2, 3):
        assert cache[f"Z{l}"].shape == cache[f"A{l}"].shape
    assert np.allclose(cache["A1"], np.tanh(X @ params["W1"].T + params["b1"]), rtol=1e-14)
    assert cache["hidden"] == "tanh" and cache["output"] == "sigmoid"


def test_init_params_scale_and_seed():
    a = mlp.init_params([400, 300, 1], np.random.default_rng(0))
    b = mlp.init_params([400, 300, 1], np.random.default_rng(0))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert abs(a["W1"].std() - 1 / np.sqrt(400)) < 0.01 / np.sqrt(400) * 5
    assert np.all(a["b1"] == 0)
    c = mlp.init_params([4, 3], np.random.default_rng(0), scale=2.0)
    assert c["W1"].shape == (3, 4)


def test_step_descends():
    params, X, t = _problem(2, [2, 3, 1], 6, "mse")
    L0, grads = mlp.loss_and_grads(params, X, t)
    L1, _ = mlp.loss_and_grads(mlp.step(params, grads, lr=0.1), X, t)
    assert L1 < L0


def test_errors_are_clear():
    params, X, t = _problem(3, [2, 2, 1], 4, "mse")
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp.forward(params, X, hidden="softplus")
    with pytest.raises(ValueError, match="params must hold"):
        mlp.forward({"W1": params["W1"]}, X)
    with pytest.raises(ValueError, match="t must have shape"):
        mlp.loss_and_grads(params, X, t[:3])
    with pytest.raises(ValueError, match="needs a sigmoid output"):
        mlp.output_delta(np.zeros((2, 1)), np.zeros((2, 1)), loss="bce", output="tanh")
    assert mlp.mean_loss(np.array([[0.5]]), np.array([1.0]), "mse") == 0.25


def test_references_are_locked_in_notebook_5_only():
    params, X, t = _problem(4, [2, 2, 1], 2, "mse")
    course.start_notebook(5)
    with pytest.raises(course.ReferenceLockedError):
        mlp.forward(params, X)
    with pytest.raises(course.ReferenceLockedError):
        mlp.loss_and_grads(params, X, t)
    course.start_notebook(6)
    assert mlp.loss_and_grads(params, X, t)[1]["W1"].shape == (2, 2)


@pytest.mark.parametrize("z_out", [-800.0, -40.0, 40.0, 800.0])
@pytest.mark.parametrize("target", [0.0, 1.0])
def test_bce_loss_and_gradient_agree_where_predictions_are_exactly_0_or_1(z_out, target):
    # one output unit whose bias drives sigmoid(z) to exactly 0.0 or 1.0 in float64
    params = {"W1": np.array([[0.5, -0.25]]), "b1": np.array([z_out])}
    X, t = np.array([[0.2, 0.4], [-0.3, 0.1]]), np.array([target, target])
    y_hat = mlp.forward(params, X, output="sigmoid")[0]
    assert np.all((y_hat == 0.0) | (y_hat == 1.0)) or abs(z_out) == 40.0
    L, grads = mlp.loss_and_grads(params, X, t, output="sigmoid", loss="bce")
    assert np.isfinite(L)
    wrong = (z_out > 0) != (target == 1.0)
    assert (L > 39.0) if wrong else (L < 1e-16)
    for key in params:
        f = mlp.loss_of(params, X, t, key, output="sigmoid", loss="bce")
        assert f(params[key]) == L
        np.testing.assert_allclose(grads[key], numdiff.gradient(f, params[key]),
                                   rtol=1e-6, atol=1e-12, err_msg=key)


def test_leaky_relu_hidden_layers_with_a_linear_output():
    params, X, t = mlp.example_problem([3, 4, 3, 2], 5, seed=3)
    L, grads = mlp.loss_and_grads(params, X, t, hidden="leaky_relu", output="identity",
                                  loss="half_mse")
    for key in params:
        f = mlp.loss_of(params, X, t, key, hidden="leaky_relu", output="identity",
                        loss="half_mse")
        np.testing.assert_allclose(grads[key], numdiff.gradient(f, params[key]),
                                   rtol=1e-6, atol=1e-12, err_msg=key)
