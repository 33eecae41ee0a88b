"""Tests of bplab.xor (the 2-2-1 XOR network), bplab.xor (many at once),
bplab.checks.xor, bplab.explore.xor and bplab.explore.xor_study."""

import contextlib

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bplab import activations, course, losses, numdiff, xor  # noqa: E402
from bplab.checks import xor as xor_checks  # noqa: E402
from bplab.explore import xor as explore_xor  # noqa: E402
from bplab.explore import xor_study  # noqa: E402

X, T = xor.xor_data()


@pytest.fixture(autouse=True)
def unlocked(request):
    """References are locked in notebook 6; these tests call them as the checks do."""
    context = (contextlib.nullcontext() if request.node.get_closest_marker("locked")
               else course.references_unlocked())
    with context:
        yield
    plt.close("all")


def params_of(seed, scale=1.0, n_seeds=None):
    rng = np.random.default_rng(seed)
    return xor.init_params(rng, scale) if n_seeds is None else xor.init_batch(rng, n_seeds, scale)


def forward_any(params, X, hidden):
    """Forward pass written independently of bplab.xor, for one network."""
    h = {"sigmoid": activations.sigmoid, "tanh": np.tanh}[hidden]
    A1 = h(X @ params["W1"].T + params["b1"])
    return activations.sigmoid(A1 @ params["W2"].T + params["b2"])


def loss_any(params, X, t, hidden="sigmoid", kind="half_mse"):
    """Mean half squared error, or binary cross-entropy, written apart from bplab.xor."""
    y_hat = forward_any(params, X, hidden)
    return losses.bce(y_hat, t) if kind == "bce" else 0.5 * losses.mse(y_hat, t)


def test_data_is_xor():
    assert X.shape == (4, 2) and T.shape == (4, 1)
    np.testing.assert_array_equal(T.ravel(), [0, 1, 1, 0])
    assert X.dtype == np.float64


def test_init_shapes_and_determinism():
    p = params_of(3)
    assert {k: v.shape for k, v in p.items()} == {"W1": (2, 2), "b1": (2,), "W2": (1, 2),
                                                  "b2": (1,)}
    np.testing.assert_array_equal(p["W1"], params_of(3)["W1"])
    stack = params_of(3, n_seeds=5)
    assert stack["W2"].shape == (5, 1, 2) and stack["b2"].shape == (5, 1)
    with pytest.raises(ValueError, match="n_seeds"):
        xor.init_batch(np.random.default_rng(0), 0)


def test_forward_stack_equals_each_network():
    stack = params_of(4, n_seeds=3)
    A1, y_hat = xor.forward(stack, X)
    assert A1.shape == (3, 4, 2) and y_hat.shape == (3, 4, 1)
    for s in range(3):
        single = {k: v[s] for k, v in stack.items()}
        np.testing.assert_allclose(y_hat[s], forward_any(single, X, "sigmoid"), rtol=1e-14)
    np.testing.assert_allclose(xor.loss(stack, X, T),
                               [loss_any({k: v[s] for k, v in stack.items()}, X, T)
                                for s in range(3)], rtol=1e-14)


def test_forward_rejects_bad_params():
    with pytest.raises(TypeError, match="params must be a dict"):
        xor.forward({"W1": np.eye(2)}, X)
    with pytest.raises(ValueError, match="X must have shape"):
        xor.forward(params_of(0), np.ones((4, 3)))


def test_fast_sigmoid_is_the_sigmoid():
    z = np.linspace(-40, 40, 161)
    np.testing.assert_allclose(xor.unchecked_sigmoid(z), activations.sigmoid(z), rtol=1e-13,
                               atol=1e-300)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_match_numerical(seed):
    p = params_of(seed, 1.5)
    grads, value = xor.gradients(p, X, T)
    assert value == pytest.approx(loss_any(p, X, T), rel=1e-14)
    for name in xor.PARAMS:
        numerical = numdiff.gradient(lambda v: loss_any({**p, name: v}, X, T), p[name])
        np.testing.assert_allclose(grads[name], numerical, rtol=1e-6, atol=1e-10)


def test_step_is_params_minus_lr_grad_and_does_not_mutate():
    p = params_of(5)
    saved = {k: v.copy() for k, v in p.items()}
    grads, _ = xor.gradients(p, X, T)
    new, value = xor.xor_step(p, X, T, 0.3)
    for name in xor.PARAMS:
        np.testing.assert_array_equal(p[name], saved[name])
        np.testing.assert_allclose(new[name], p[name] - 0.3 * grads[name], rtol=1e-15)
    implied, loss_value = xor_checks.step_gradients((new, value), p, 0.3)
    np.testing.assert_allclose(implied["W1"], grads["W1"], rtol=1e-9, atol=1e-15)
    assert loss_value == value


def test_step_gradients_explains_bad_results():
    p = params_of(0)
    with pytest.raises(AssertionError, match="pair"):
        xor_checks.step_gradients(p, p, 0.5)
    with pytest.raises(AssertionError, match="keys"):
        xor_checks.step_gradients(({"W1": p["W1"]}, 0.0), p, 0.5)
    with pytest.raises(AssertionError, match="shape"):
        xor_checks.step_gradients(({**p, "W2": p["W2"].T}, 0.0), p, 0.5)


@pytest.mark.parametrize("hidden,kind", [("sigmoid", "half_mse"), ("tanh", "half_mse"),
                                         ("sigmoid", "bce"), ("tanh", "bce")])
def test_batched_gradients_of_every_variant_match_numerical(hidden, kind):
    """dZ2 = (y-t) y(1-y) / N for the half squared error, (y-t)/N for BCE; tanh' = 1 - A1**2."""
    stack = params_of(6, 1.2, n_seeds=3)
    grads, _ = xor.stacked_gradients(stack, X, T, hidden, kind)
    for s in range(3):
        single = {k: v[s] for k, v in stack.items()}
        for name in xor.PARAMS:
            numerical = numdiff.gradient(
                lambda v: loss_any({**single, name: v}, X, T, hidden, kind), single[name])
            np.testing.assert_allclose(grads[name][s], numerical, rtol=1e-6, atol=1e-10)


def test_batched_gradients_equal_single_network_gradients():
    stack = params_of(7, n_seeds=4)
    grads, batch_losses = xor.batched_gradients(stack, X, T)
    assert batch_losses.shape == (4,)
    for s in range(4):
        single, value = xor.gradients({k: v[s] for k, v in stack.items()}, X, T)
        assert batch_losses[s] == pytest.approx(value, rel=1e-13)
        for name in xor.PARAMS:
            np.testing.assert_allclose(grads[name][s], single[name], rtol=1e-12, atol=1e-16)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_seeds=st.integers(1, 5),
       scale=st.floats(0.1, 3.0), n=st.integers(1, 6))
def test_batched_never_mixes_seeds(seed, n_seeds, scale, n):
    """Changing one network's parameters never changes another network's gradient."""
    rng = np.random.default_rng(seed)
    stack = xor.init_batch(rng, n_seeds, scale)
    Xn, tn = rng.uniform(-1, 2, (n, 2)), rng.integers(0, 2, (n, 1)).astype(float)
    with course.references_unlocked():
        grads, _ = xor.batched_gradients(stack, Xn, tn)
        other = {k: v.copy() for k, v in stack.items()}
        other["W2"][0] += 1.0
        changed, _ = xor.batched_gradients(other, Xn, tn)
        for s in range(n_seeds):
            single, _ = xor.gradients({k: v[s] for k, v in stack.items()}, Xn, tn)
            np.testing.assert_allclose(grads["W1"][s], single["W1"], rtol=1e-10, atol=1e-14)
    for name in xor.PARAMS:
        np.testing.assert_array_equal(changed[name][1:], grads[name][1:])


def test_train_batch_matches_the_single_network_loop():
    stack = params_of(8, n_seeds=3)
    trained = xor.train_batch(stack, X, T, 0.7, 150)
    y_loop = xor_checks.loop_outputs(stack, X, T, 0.7, 150)
    np.testing.assert_allclose(xor.forward(trained, X)[1][:, :, 0], y_loop, rtol=1e-10)
    np.testing.assert_array_equal(stack["W1"], params_of(8, n_seeds=3)["W1"])  # not mutated


def test_train_batch_accepts_one_learning_rate_per_network():
    stack = params_of(9, n_seeds=2)
    both = xor.train_batch(stack, X, T, np.array([0.2, 3.0]), 50)
    for s, lr in enumerate((0.2, 3.0)):
        alone = xor.train_batch({k: v[s:s + 1] for k, v in stack.items()}, X, T, lr, 50)
        np.testing.assert_allclose(both["W1"][s], alone["W1"][0], rtol=1e-12)


def test_train_xor_seed_283_plateau_then_escape():
    """The notebook's table at lr 0.5 with the half squared error: every output near 0.5
    up to iteration 3000, all within 0.1 of their targets by 10,000."""
    snap = explore_xor.snapshots(seed=283, lr=0.5, n_iterations=10_000, every=1000)
    outputs = xor.forward(snap["params"], X)[1][:, :, 0]
    assert np.all(np.abs(outputs[:4] - 0.5) < 0.05)
    assert np.all(np.abs(outputs[10] - T.ravel()) < 0.1)
    assert snap["losses"][0] == pytest.approx(0.12505, abs=1e-5)
    params, train_losses = xor.train_xor(283, 0.5, 1000)
    assert train_losses.shape == (1000,)
    assert train_losses[0] == pytest.approx(snap["losses"][0], rel=1e-12)
    np.testing.assert_allclose(params["W1"], snap["params"]["W1"][1], rtol=1e-9)


def test_success_rate_agrees_with_the_loop_and_its_criterion():
    rate, y_hat = xor.success_rate(6, 0.5, 400, 1.0, np.random.default_rng(10))
    start = xor.init_batch(np.random.default_rng(10), 6, 1.0)
    np.testing.assert_allclose(y_hat, xor_checks.loop_outputs(start, X, T, 0.5, 400), rtol=1e-10)
    assert rate == np.mean(np.all(np.abs(y_hat - T.ravel()) < xor.SUCCESS_TOL, axis=1))
    rate_late, _ = xor.success_rate(40, 0.5, 6000, 0.5, np.random.default_rng(1))
    assert 0.0 < rate_late < 1.0


@pytest.mark.locked
def test_references_are_locked_in_notebook_6():
    course.start_notebook(6)  # the autouse fixture closes it again
    with pytest.raises(course.ReferenceLockedError, match="bplab.xor.xor_step"):
        xor.xor_step(params_of(0), X, T, 0.5)
    with pytest.raises(course.ReferenceLockedError, match="bplab.xor.stacked_gradients"):
        xor.stacked_gradients(params_of(0, n_seeds=2), X, T)
    with pytest.raises(course.ReferenceLockedError, match="success_rate"):
        xor.success_rate(2, 0.5, 1, 0.5, np.random.default_rng(0))
    xor.forward(params_of(0), X)  # not an exercise: stays available


def test_snapshots_and_drawing():
    snap = explore_xor.snapshots(seed=1, n_iterations=300, every=100)
    assert snap["grid"].shape == (4, 61, 61) and snap["losses"].shape == (4,)
    fig, axes = plt.subplots(1, 3)
    assert explore_xor.draw_xor(axes, 240, snap) == 2
    assert axes[2].get_title().startswith("loss")
    assert explore_xor.draw_points().get_title().startswith("XOR")


def test_explorer_reuses_the_snapshots_the_notebook_just_computed(monkeypatch):
    """Notebook 6 prints a table from snapshots(283, ...) and then opens the explorer on the
    same run: training happens once, and each caller gets its own copy."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    explore_xor.trained_snapshots.cache_clear()
    calls = []
    train_batch = xor.train_batch
    monkeypatch.setattr(xor, "train_batch",
                        lambda *args: calls.append(1) or train_batch(*args))
    snap = explore_xor.snapshots(seed=3, lr=0.5, n_iterations=300, every=100)
    assert len(calls) == 3
    snap["losses"][:] = -1.0  # a caller's changes stay its own
    assert explore_xor.xor_explorer(seed=3, lr=0.5, n_iterations=300, every=100) is not None
    again = explore_xor.snapshots(3, 0.5, 300, 100)
    assert len(calls) == 3, "the explorer trained the same network again"
    assert np.all(again["losses"] > 0)
    explore_xor.snapshots(seed=3, lr=0.25, n_iterations=300, every=100)
    assert len(calls) == 6  # other arguments, another run


def test_study_and_explorer_are_skipped_while_grading(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert xor_study.success_study(n_seeds=2, n_iterations=5) is None
    assert xor_study.plot_success_study(None) is None
    assert xor_study.failure_drift(np.array([True]), n_iterations=5) is None
    assert explore_xor.xor_explorer(n_iterations=100, every=50) is None


def test_study_rates_and_explorer_widget(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    rates = xor_study.success_study(n_seeds=3, n_iterations=20)
    assert list(rates) == [row[0] for row in xor_study.STUDY]
    assert all(0.0 <= r <= 1.0 for r in rates.values())
    assert xor_study.plot_success_study(rates) is not None
    box = explore_xor.xor_explorer(n_iterations=200, every=100)
    slider = box.children[0].children[0]
    assert (slider.min, slider.max, slider.step) == (0, 200, 100)


def test_loss_is_the_mean_half_squared_error_and_its_relatives():
    """L = (1/N) sum 1/2 (y_hat - t)^2; the lectures' 1/2-sum is N L, the MSE is 2 L."""
    p = params_of(11, 1.3)
    y_hat = forward_any(p, X, "sigmoid")
    value = xor.loss(p, X, T)
    assert value == pytest.approx(np.mean(0.5 * (y_hat - T) ** 2), rel=1e-14)
    assert 0.5 * np.sum((y_hat - T) ** 2) == pytest.approx(len(X) * value, rel=1e-14)
    assert np.mean((y_hat - T) ** 2) == pytest.approx(2 * value, rel=1e-14)
    assert xor.loss(p, X, T, hidden="tanh") == pytest.approx(loss_any(p, X, T, "tanh"), rel=1e-14)


@pytest.mark.parametrize("seed", [0, 1])
def test_tanh_gradients_match_numerical(seed):
    p = params_of(seed, 1.4)
    grads, value = xor.tanh_gradients(p, X, T)
    assert value == pytest.approx(loss_any(p, X, T, "tanh"), rel=1e-14)
    for name in xor.PARAMS:
        numerical = numdiff.gradient(lambda v: loss_any({**p, name: v}, X, T, "tanh"), p[name])
        np.testing.assert_allclose(grads[name], numerical, rtol=1e-6, atol=1e-10)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), scale=st.floats(0.01, 4.0))
def test_the_xor_part_of_the_outputs_bounds_the_loss(seed, scale):
    """Notebook 6's plateau: L >= (c + 1/2)^2 / 2 with c = mean(s * y_hat), s = (1,-1,-1,1),
    and the shrug (every output 0.5) has L = 0.125, the least any affine fit reaches."""
    p = params_of(seed, scale)
    y_hat = xor.forward(p, X)[1].ravel()
    c = np.array([1.0, -1.0, -1.0, 1.0]) @ y_hat / 4
    assert xor.loss(p, X, T) >= (c + 0.5) ** 2 / 2 - 1e-15
    affine = np.column_stack([np.ones(4), X])
    best = affine @ np.linalg.lstsq(affine, T.ravel(), rcond=None)[0]
    np.testing.assert_allclose(best, 0.5, atol=1e-14)
    assert xor.loss({k: np.zeros_like(v) for k, v in p.items()}, X, T) == 0.125


def test_plateau_gradients_are_small_at_seed_283():
    """The numbers notebook 6 explains the plateau with: tiny XOR part, small gradients,
    smaller in W1 than in W2."""
    p = xor.init_params(np.random.default_rng(283))
    grads, _ = xor.gradients(p, X, T)
    c = np.array([1.0, -1.0, -1.0, 1.0]) @ xor.forward(p, X)[1].ravel() / 4
    assert abs(c) < 1e-4
    assert np.max(np.abs(grads["W1"])) < 3e-4 < np.max(np.abs(grads["W2"])) < 2e-3


def test_a_ten_times_larger_step_leaves_the_plateau_ten_times_sooner():
    steps = xor_study.escape_steps(283, (0.5, 5.0))
    assert np.all(steps > 0)
    assert 8 < steps[0] / steps[1] < 12
    assert xor_study.escape_steps(283, (0.5, 5.0)) is not steps  # a copy of the cached run


def test_failed_runs_creep_down_while_their_weights_grow(monkeypatch):
    """No local minimum at finite weights: a network stuck with two outputs at 0.5 keeps
    lowering its loss towards 1/16 while the size of its weights keeps growing."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    failed = np.zeros(1000, dtype=bool)
    failed[7] = True  # of notebook 6's 1000 draws, number 7 fails within 10,000 steps
    record = xor_study.failure_drift(failed, n_blocks=3, every=5000)
    assert record["steps"].tolist() == [10_000, 15_000, 20_000, 25_000]
    losses_, norms = record["losses"][:, 0], record["norms"][:, 0]
    assert np.all(np.diff(losses_) < 0) and np.all(np.diff(norms) > 0)
    assert np.all(losses_ > 1 / 16) and losses_[-1] < 1 / 16 + 1e-3


def test_weight_drift_records_the_start_and_each_block():
    stack = params_of(12, n_seeds=2)
    record = xor.weight_drift(stack, X, T, 0.5, 2, 7)
    assert record["steps"].tolist() == [0, 7, 14]
    np.testing.assert_allclose(record["losses"][0], xor.loss(stack, X, T), rtol=1e-14)
    size = np.sqrt(sum(np.sum(stack[k][0] ** 2) for k in xor.PARAMS))
    assert record["norms"][0, 0] == pytest.approx(size, rel=1e-14)
