"""Tests of the 2-2-1 tanh network reference (bplab.net221) and its diagram (bplab.explore.net221)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bplab import activations, course, net221, numdiff  # noqa: E402
from bplab.checks import assertions as check, diagnosis  # noqa: E402
from bplab.explore import net221 as explore  # noqa: E402

PARAMS = {"W1": np.array([[0.5, -1.0], [1.5, 0.25]]), "b1": np.array([0.1, -0.2]),
          "W2": np.array([[1.0, -0.75]]), "b2": np.array([-0.3])}
X = np.array([0.8, -0.5])
T = 0.5


def numerical_grads(x, t, params):
    return {name: numdiff.gradient(lambda v, n=name: net221.loss_at(x, t, params, n, v),
                                   params[name]) for name in params}


def test_forward_by_hand():
    cache = net221.forward(X, PARAMS)
    Z1 = np.array([0.5 * 0.8 + 1.0 * 0.5 + 0.1, 1.5 * 0.8 - 0.25 * 0.5 - 0.2])
    np.testing.assert_allclose(cache["z1"], Z1, rtol=1e-15)
    np.testing.assert_allclose(cache["a1"], np.tanh(Z1), rtol=1e-15)
    Z2 = np.tanh(Z1[0]) - 0.75 * np.tanh(Z1[1]) - 0.3
    np.testing.assert_allclose(cache["z2"], [Z2], rtol=1e-15)
    np.testing.assert_allclose(cache["y_hat"], [np.tanh(Z2)], rtol=1e-15)
    assert tuple(cache) == net221.CACHE_KEYS
    assert {key: value.shape for key, value in cache.items()} == {
        "x": (2,), "z1": (2,), "a1": (2,), "z2": (1,), "y_hat": (1,)}
    assert all(value.dtype == np.float64 for value in cache.values())


def test_loss_is_half_squared_error_of_a_float_or_a_one_entry_array():
    assert net221.loss(np.array([0.2]), 0.5) == pytest.approx(0.045, rel=1e-14)
    assert net221.loss(np.array([0.2]), np.array([0.5])) == pytest.approx(0.045, rel=1e-14)
    assert net221.loss(0.2, [0.5]) == pytest.approx(0.045, rel=1e-14)
    with pytest.raises(ValueError, match="y_hat must be one number"):
        net221.loss(np.zeros(2), 0.5)


@pytest.mark.parametrize("biases", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_backward_matches_central_differences(seed, biases):
    rng = np.random.default_rng(seed)
    params = net221.init_params(rng, biases=biases)
    x, t = rng.uniform(-2, 2, 2), float(rng.uniform(-0.9, 0.9))
    grads = net221.backward(x, t, params, net221.forward(x, params))
    expected = numerical_grads(x, t, params)
    assert set(grads) == set(params)
    for name in params:
        assert grads[name].shape == params[name].shape
        assert grads[name].dtype == np.float64
        assert np.max(diagnosis.relative_error(grads[name], expected[name])) < 1e-7, name


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.1, 2.0), st.floats(-0.95, 0.95))
def test_backward_property(seed, scale, t):
    rng = np.random.default_rng(seed)
    params = net221.init_params(rng, scale=scale)
    x = rng.uniform(-2, 2, 2)
    grads = net221.backward(x, t, params, net221.forward(x, params))
    expected = numerical_grads(x, t, params)
    for name in params:  # absolute slack: saturated units give gradients near 1e-6
        np.testing.assert_allclose(grads[name], expected[name], rtol=1e-5, atol=1e-9,
                                   err_msg=name)
    # db1 and db2 are the deltas: dW1 = outer(db1, x), dW2 = outer(db2, A1)
    A1 = net221.forward(x, params)["a1"]
    np.testing.assert_allclose(grads["W1"], np.outer(grads["b1"], x), rtol=1e-14)
    np.testing.assert_allclose(grads["W2"], np.outer(grads["b2"], A1), rtol=1e-14)


@pytest.mark.parametrize("j", [0, 1])
@pytest.mark.parametrize("i", [0, 1])
def test_local_derivatives_multiply_to_the_gradient(j, i):
    cache = net221.forward(X, PARAMS)
    factors = net221.local_derivatives(cache, T, PARAMS, j, i)
    assert tuple(factors) == net221.FACTOR_KEYS
    assert all(isinstance(value, float) for value in factors.values())
    dW1 = numerical_grads(X, T, PARAMS)["W1"]
    assert np.prod(list(factors.values())) == pytest.approx(dW1[j, i], rel=1e-8)
    exact = net221.backward(X, T, PARAMS, cache)["W1"][j, i]
    assert np.prod(list(factors.values())) == pytest.approx(exact, rel=1e-14)


def test_local_derivative_formulas():
    cache = net221.forward(X, PARAMS)
    factors = net221.local_derivatives(cache, T, PARAMS, 1, 0)
    y_hat = cache["y_hat"][0]
    assert factors["dL_dy_hat"] == pytest.approx(y_hat - T)
    assert factors["dy_hat_dz2"] == pytest.approx(1 - y_hat**2)
    assert factors["dz2_da1"] == -0.75
    assert factors["da1_dz1"] == pytest.approx(1 - np.tanh(cache["z1"][1]) ** 2)
    assert factors["dz1_dW1"] == 0.8
    # each elementwise factor matches a central difference of its own function
    assert factors["dy_hat_dz2"] == pytest.approx(
        float(numdiff.derivative(np.tanh, cache["z2"])[0]), rel=1e-8)
    assert factors["da1_dz1"] == pytest.approx(
        float(numdiff.derivative(np.tanh, cache["z1"])[1]), rel=1e-8)
    assert factors["dL_dy_hat"] == pytest.approx(
        float(numdiff.derivative(lambda y: 0.5 * (y - T) ** 2, cache["y_hat"])[0]), rel=1e-8)


def test_the_two_slips_are_diagnosed():
    params = {**PARAMS, "b1": np.zeros(2), "b2": np.zeros(1)}
    cache = net221.forward(X, params)
    grads = net221.backward(X, T, params, cache)
    # slip 2: dL/dy_hat with the wrong sign flips every gradient
    flipped = {name: -value for name, value in grads.items()}
    verdict = diagnosis.diagnose("dW2", flipped["W2"], numerical_grads(X, T, params)["W2"],
                                 tol=diagnosis.NUMERICAL_TOL)
    assert verdict.kind == "sign"
    # slip 1: tanh' evaluated as 1 - z1**2 instead of 1 - a1**2
    dZ1 = (params["W2"].T @ grads["b2"]) * (1 - cache["z1"] ** 2)
    verdict = diagnosis.diagnose("dW1", np.outer(dZ1, X), numerical_grads(X, T, params)["W1"],
                                 tol=diagnosis.NUMERICAL_TOL)
    assert not verdict.passed and verdict.kind == "mismatch"
    assert verdict.worst_index == (1, 0) and "Largest difference at [1, 0]" in verdict.message
    # a transposed dW1 is visible because W1 and the gradient are not symmetric
    with pytest.raises(AssertionError, match="transpose"):
        check.gradient("dW1", grads["W1"].T,
                       lambda W1: net221.loss_at(X, T, params, "W1", W1), params["W1"])


def test_references_are_locked_in_notebook_4():
    course.start_notebook(4)  # the autouse fixture closes it again
    with pytest.raises(course.ReferenceLockedError, match="switched off"):
        net221.forward(X, PARAMS)
    with pytest.raises(course.ReferenceLockedError):
        net221.backward(X, T, PARAMS, {})
    with pytest.raises(course.ReferenceLockedError):
        net221.local_derivatives({}, T, PARAMS, 0, 0)
    with course.references_unlocked():
        cache = net221.forward(X, PARAMS)
    check.gradient("dW2", net221.backward.__wrapped__(X, T, PARAMS, cache)["W2"],
                   lambda W2: net221.loss_at(X, T, PARAMS, "W2", W2), PARAMS["W2"])
    assert net221.forward.taught_in == 4


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="x must have shape"):
        net221.forward(np.zeros(3), PARAMS)
    with pytest.raises(ValueError, match="W1 must have shape"):
        net221.forward(X, {**PARAMS, "W1": np.zeros((1, 2))})
    with pytest.raises(KeyError, match="missing"):
        net221.forward(X, {"W1": PARAMS["W1"]})
    with pytest.raises(TypeError, match="params must be a dict"):
        net221.forward(X, [1, 2])
    with pytest.raises(ValueError, match="j and i"):
        net221.local_derivatives(net221.forward(X, PARAMS), T, PARAMS, 2, 0)
    with pytest.raises(KeyError, match="name must be one of"):
        net221.loss_at(X, T, PARAMS, "W3", np.zeros(2))
    with pytest.raises(ValueError, match="scale"):
        net221.init_params(np.random.default_rng(0), scale=-1.0)


def test_init_params_is_deterministic_and_float64():
    a = net221.init_params(np.random.default_rng(5))
    b = net221.init_params(np.random.default_rng(5))
    for name, shape in net221.PARAM_SHAPES.items():
        assert a[name].shape == shape and a[name].dtype == np.float64
        np.testing.assert_array_equal(a[name], b[name])
    assert np.all(net221.init_params(np.random.default_rng(5), biases=False)["b2"] == 0)


def _texts(ax):
    return [text.get_text() for text in ax.texts]


def test_draw_network_shows_values_and_gradients():
    cache = net221.forward(X, PARAMS)
    grads = net221.backward(X, T, PARAMS, cache)
    fig, ax = plt.subplots()
    try:
        assert explore.draw_network(X, T, PARAMS, cache, grads, ax=ax) is ax
        texts = "\n".join(_texts(ax))
        assert f"g {grads['W1'][1, 0]:+.3f}" in texts
        assert f"w {PARAMS['W2'][0, 1]:+.2f}" in texts
        assert f"y_hat {cache['y_hat'][0]:+.3f}" in texts
        assert f"db {grads['b1'][0]:+.3f}" in texts
        assert len(ax.patches) == len(explore.NODES)
        # gradient signs pick the edge colours: W1[1, 0] > 0 is red, W1[0, 0] < 0 is blue
        colours = {tuple(np.round(line.get_xydata().ravel(), 3)): line.get_color()
                   for line in ax.lines}
        assert colours[(0.0, 0.6, 1.0, -0.6)] == "C3"
        assert colours[(0.0, 0.6, 1.0, 0.6)] == "C0"
    finally:
        plt.close(fig)


def test_draw_network_without_values_draws_the_weights():
    fig, ax = plt.subplots()
    try:
        explore.draw_network(X, T, PARAMS, ax=ax, note="forward is not written yet")
        texts = "\n".join(_texts(ax))
        assert "w -1.00" in texts and "g " not in texts and "y_hat" not in texts
        assert "forward is not written yet" in texts
    finally:
        plt.close(fig)


def test_network_values_survives_broken_functions():
    def not_yet(*args):
        raise NotImplementedError()

    def broken(*args):
        raise ValueError("shapes")

    cache, grads, note = explore.network_values(X, T, PARAMS, net221.forward, net221.backward)
    assert note == "" and set(grads) == set(PARAMS)
    assert explore.network_values(X, T, PARAMS, broken, not_yet)[2].startswith("forward failed")
    cache, grads, note = explore.network_values(X, T, PARAMS, net221.forward, not_yet)
    assert cache is not None and grads is None and "not written yet" in note
    cache, grads, note = explore.network_values(X, T, PARAMS, net221.forward,
                                                lambda *a: {"W1": np.zeros(3)})
    assert grads is None and "failed" in note


def test_explorer_is_skipped_while_grading(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert explore.network_explorer(net221.forward, net221.backward) is None


def test_explorer_builds_nine_sliders(monkeypatch):
    pytest.importorskip("ipywidgets")
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    box = explore.network_explorer(net221.forward, net221.backward)
    try:
        sliders = box.children[0].children
        assert len(sliders) == 9
        assert {s.description for s in sliders} >= {"W1[0,1]", "W2[0,0]", "x1", "t"}
        assert box.children[0].layout.flex_flow == "row wrap"
    finally:
        plt.close("all")


@pytest.mark.parametrize("as_float", [False, True])
def test_references_take_a_cache_whose_output_is_a_float(as_float):
    cache = net221.forward(X, PARAMS)
    if as_float:
        cache = {**cache, "z2": float(cache["z2"][0]), "y_hat": float(cache["y_hat"][0])}
    grads = net221.backward(X, T, PARAMS, cache)
    expected = numerical_grads(X, T, PARAMS)
    for name in PARAMS:
        assert np.max(diagnosis.relative_error(grads[name], expected[name])) < 1e-7, name
    factors = net221.local_derivatives(cache, T, PARAMS, 1, 1)
    assert np.prod(list(factors.values())) == pytest.approx(grads["W1"][1, 1], rel=1e-14)
    note = explore.network_values(X, T, PARAMS, lambda x, p: cache, net221.backward)[2]
    assert note == ""


def test_describe_prints_floats_one_entry_arrays_and_lists_and_never_raises():
    assert net221.describe(np.array([-0.7556381])) == "-0.755638"
    assert net221.describe([0.5]) == "0.500000"
    assert net221.describe(np.float64(2.0)) == "2.000000"
    assert net221.describe(np.zeros(3)).endswith("(expected a number)")
    assert net221.describe({"a": 1}).endswith("(expected a number)")
    assert net221.describe("text").endswith("(expected a number)")


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("t", [0.0, 1.0, 0.3])
def test_sigmoid_cross_entropy_variant_matches_central_differences(seed, t):
    rng = np.random.default_rng(seed)
    params, x = net221.init_params(rng), rng.uniform(-2, 2, 2)
    grads = net221.bce.backward(x, t, params)
    for name in params:
        expected = numdiff.gradient(lambda v, n=name: net221.bce.loss_at(x, t, params, n, v),
                                    params[name])
        assert grads[name].shape == params[name].shape
        assert np.max(diagnosis.relative_error(grads[name], expected)) < 1e-7, name


def test_sigmoid_cross_entropy_loss_is_exact_where_the_sigmoid_saturates():
    params = {"W1": np.zeros((2, 2)), "b1": np.zeros(2), "W2": np.zeros((1, 2)),
              "b2": np.array([-800.0])}
    assert net221.bce.loss_at(X, 1.0, params) == pytest.approx(800.0)
    assert net221.bce.backward(X, 1.0, params)["b2"] == pytest.approx([-1.0])


def test_derivatives_are_locked_where_they_are_derived():
    course.start_notebook(4)
    with pytest.raises(course.ReferenceLockedError):
        activations.tanh_grad(np.zeros(2))
    with pytest.raises(course.ReferenceLockedError):
        net221.bce.backward(X, T, PARAMS)
    course.start_notebook(5)
    with pytest.raises(course.ReferenceLockedError):
        activations.sigmoid_grad(np.zeros(2))
    with pytest.raises(course.ReferenceLockedError):
        activations.leaky_relu_grad(np.zeros(2))
    assert activations.tanh_grad(np.zeros(1)) == 1.0
