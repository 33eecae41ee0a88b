"""Notebook 10's references: normalisation, the softmax's Jacobian and VJP, update rules, memory.

Each backward pass is checked against central differences and each update rule against
its definition written out step by step; the claims notebook 10 makes about its printed
runs are checked on the same runs.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bplab as bp
from bplab import memory, normalisation, optimizers, vjp
from bplab.course import references_unlocked


def random_loss_gradient(forward, Z, gamma, beta, G):
    return (bp.numdiff.gradient(lambda z: float(np.sum(G * forward(z, gamma, beta)[0])), Z),
            bp.numdiff.gradient(lambda g: float(np.sum(G * forward(Z, g, beta)[0])), gamma),
            bp.numdiff.gradient(lambda b: float(np.sum(G * forward(Z, gamma, b)[0])), beta))


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 7), st.integers(1, 5), st.integers(0, 10_000),
       st.sampled_from(["batch", "layer"]))
def test_normalisation_backward_matches_central_differences(N, n, seed, kind):
    forward = getattr(normalisation, f"{kind}_norm_forward")
    backward = getattr(normalisation, f"{kind}_norm_backward")
    if kind == "layer" and n == 1:
        n = 2  # one feature normalises to zero whatever it is: nothing to check
    rng = np.random.default_rng(seed)
    Z, G = rng.normal(1.0, 3.0, size=(N, n)), rng.normal(size=(N, n))
    gamma, beta = rng.normal(size=n), rng.normal(size=n)
    _, cache = forward(Z, gamma, beta)
    exact = backward(G, cache)
    for got, numerical in zip(exact, random_loss_gradient(forward, Z, gamma, beta, G)):
        np.testing.assert_allclose(got, numerical, rtol=1e-5, atol=1e-7)


def test_batch_norm_gradient_has_no_component_along_a_columns_shift_and_almost_none_along_its_scale():
    """Notebook 10: each column of dZ sums to zero; along the scale, only eps is left."""
    rng = np.random.default_rng(0)
    Z, G = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    for eps, scale_tol in ((1e-5, 1e-3), (1e-12, 1e-9)):
        _, cache = normalisation.batch_norm_forward(Z, np.array([1.0, 2.0, -0.5]), np.zeros(3),
                                                    eps=eps)
        dZ = normalisation.batch_norm_backward(G, cache)[0]
        np.testing.assert_allclose(dZ.sum(axis=0), 0.0, atol=1e-12)
        along_scale = np.abs((dZ * cache["Z_hat"]).sum(axis=0)) / np.abs(dZ).sum(axis=0)
        assert np.all(along_scale < scale_tol)


def test_the_softmax_jacobian_and_its_vjp_agree_with_differences():
    rng = np.random.default_rng(1)
    Z, G = rng.normal(size=(4, 6)), rng.normal(size=(4, 6))
    P = bp.softmax.softmax(Z)
    rows = np.array([G[n] @ vjp.softmax_jacobian(Z[n]) for n in range(4)])
    np.testing.assert_allclose(vjp.softmax_vjp(P, G), rows, atol=1e-15)
    numerical = bp.numdiff.gradient(lambda z: float(np.sum(G * bp.softmax.softmax(z))), Z)
    np.testing.assert_allclose(vjp.softmax_vjp(P, G), numerical, rtol=1e-6, atol=1e-9)
    jacobian = bp.jacobians.numerical_jacobian(lambda z: bp.softmax.softmax(z[None])[0], Z[0])
    np.testing.assert_allclose(vjp.softmax_jacobian(Z[0]), jacobian, atol=1e-9)
    assert vjp.jacobian_bytes(64, 1000) == 512_000_000


def test_momentum_and_adam_follow_their_definitions_step_by_step():
    rng = np.random.default_rng(2)
    params = {"W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=3)}
    grads = [{k: rng.normal(size=v.shape) for k, v in params.items()} for _ in range(4)]
    p, velocity = dict(params), optimizers.zeros_like(params)
    q, state = dict(params), optimizers.adam_state(params)
    w, v, m, s = params["W1"].copy(), np.zeros((3, 2)), np.zeros((3, 2)), np.zeros((3, 2))
    w_adam = params["W1"].copy()
    for t, g in enumerate(grads, start=1):
        p, velocity = optimizers.momentum_step(p, g, velocity, lr=0.1, beta=0.9)
        q, state = optimizers.adam_step(q, g, state, lr=0.01)
        v = 0.9 * v + g["W1"]
        w = w - 0.1 * v
        m = 0.9 * m + 0.1 * g["W1"]
        s = 0.999 * s + 0.001 * g["W1"] ** 2
        w_adam = w_adam - 0.01 * (m / (1 - 0.9 ** t)) / (np.sqrt(s / (1 - 0.999 ** t)) + 1e-8)
        np.testing.assert_allclose(p["W1"], w, rtol=1e-14)
        np.testing.assert_allclose(q["W1"], w_adam, rtol=1e-14)
    assert state["t"] == 4
    np.testing.assert_array_equal(params["W1"], params["W1"])


def test_adams_first_step_is_about_lr_whatever_the_gradients_size():
    p, _ = optimizers.adam_step({"w": np.zeros(3)}, {"w": np.array([1e4, -1e-2, 1.0])},
                                optimizers.adam_state({"w": np.zeros(3)}), lr=0.1)
    np.testing.assert_allclose(p["w"], [-0.1, 0.1, -0.1], rtol=1e-5)


def test_weight_decay_is_the_gradient_of_the_l2_penalty_on_the_weights_only():
    with references_unlocked():
        params = bp.classifier.he_init([5, 4, 3], np.random.default_rng(3))
        X, y = np.random.default_rng(4).normal(size=(6, 5)), np.array([0, 1, 2, 0, 1, 2])
        _, grads = bp.classifier.loss_and_grads(params, X, y)
    decayed = optimizers.weight_decay_grads(params, grads, 0.2)
    for key in params:
        penalty = 0.1 if key.startswith("W") else 0.0
        loss = bp.classifier.loss_of(params, X, y, key)
        numerical = bp.numdiff.gradient(lambda v: loss(v) + penalty * float(np.sum(v ** 2)),
                                        params[key])
        np.testing.assert_allclose(decayed[key], numerical, rtol=1e-5, atol=1e-8)


def test_kept_for_backward_is_the_measured_cache_and_checkpointing_saves_memory():
    params = bp.mlp.init_params([7, 5, 5, 3], np.random.default_rng(5))
    with references_unlocked():
        _, cache = bp.mlp.forward(params, np.ones((11, 7)))
    assert memory.kept_for_backward([7, 5, 5, 3], 11) == memory.cache_bytes(cache)
    deep = bp.mlp.init_params([16] * 37, np.random.default_rng(6))
    X, t = np.random.default_rng(7).normal(size=(9, 16)), np.random.default_rng(8).normal(size=(9, 16))
    plain, plain_cost = memory.checkpointed_grads(deep, X, t, every=1)
    assert plain_cost["layer_forwards"] == 36
    peaks = {}
    for every in (2, 6, 12):
        grads, cost = memory.checkpointed_grads(deep, X, t, every=every)
        assert all(np.array_equal(grads[k], plain[k]) for k in plain)
        assert plain_cost["layer_forwards"] < cost["layer_forwards"] <= 2 * 36
        peaks[every] = cost["peak_bytes"]
    assert max(peaks.values()) < plain_cost["peak_bytes"]
    assert min(peaks, key=peaks.get) == 6, "least memory near the square root of the depth"


def test_the_explorer_shows_momentum_and_adam_getting_along_the_valley_first():
    runs = bp.explore.optimizers.optimizer_paths(lr=0.02, beta=0.9, adam_lr=0.5, n_steps=60)
    losses = {name: run["losses"][-1] for name, run in runs.items()}
    assert losses["momentum"] < losses["gradient descent"] / 3
    assert losses["Adam"] < losses["gradient descent"] / 3
    same = bp.explore.optimizers.optimizer_paths(lr=0.02, beta=0.0, n_steps=30)
    np.testing.assert_allclose(same["momentum"]["path"], same["gradient descent"]["path"])


@pytest.mark.slow
def test_10_the_printed_comparisons_say_what_the_notebook_says():
    """Notebook 10, sections 3 and 4: the runs the notebook prints, with the reference rules."""
    splits = bp.digits.load_splits()
    (X, y), (Xv, yv) = splits["train"], splits["val"]
    with references_unlocked():
        start = bp.classifier.he_init([64, 64, 10], np.random.default_rng(0))
        rules = {
            "sgd": (optimizers.sgd_rule(0.1), None),
            "momentum 0.1": (lambda p, g, s: optimizers.momentum_step(p, g, s, 0.1, 0.9),
                             optimizers.zeros_like(start)),
            "momentum 0.01": (lambda p, g, s: optimizers.momentum_step(p, g, s, 0.01, 0.9),
                              optimizers.zeros_like(start)),
            "adam": (lambda p, g, s: optimizers.adam_step(p, g, s, 0.01),
                     optimizers.adam_state(start)),
        }
        final = {name: optimizers.train_with(rule, state, start, X, y, Xv, yv, 3, 32,
                                             np.random.default_rng(1))["train_loss"][-1]
                 for name, (rule, state) in rules.items()}
        assert final["momentum 0.1"] < final["sgd"] / 3, "far lower than SGD at the same rate"
        assert abs(final["momentum 0.01"] / final["sgd"] - 1) < 0.2, "close to SGD at 0.1"
        assert final["adam"] < 1.3 * final["momentum 0.1"], "about as well as momentum at 0.1"
        small = bp.classifier.he_init([64, 64, 10], np.random.default_rng(3))
        runs = {lam: optimizers.train_with(optimizers.sgd_rule(0.5), None, small, X[:150],
                                           y[:150], Xv[:200], yv[:200], 15, 10,
                                           np.random.default_rng(4), lam=lam)
                for lam in (0.0, 0.01)}
    norms = {lam: np.linalg.norm(run["params"]["W1"]) for lam, run in runs.items()}
    assert 0.4 < norms[0.01] / norms[0.0] < 0.6, "about half the size"
    assert runs[0.01]["train_loss"][-1] > 5 * runs[0.0]["train_loss"][-1]
    assert runs[0.01]["val_loss"][-1] > runs[0.0]["val_loss"][-1], "the validation loss rises"
