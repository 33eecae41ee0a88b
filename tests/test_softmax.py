"""Softmax, its cross-entropy and the ReLU classifier: values, safety and exact gradients."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bplab import classifier, course, numdiff, softmax

logits = arrays(np.float64, (4, 3), elements=st.floats(-5, 5))
labels = arrays(np.int64, (4,), elements=st.integers(0, 2))


def naive_ce(Z, y):
    """The textbook formula, analytic, so that the complex step gives exact derivatives."""
    return np.mean(np.log(np.exp(Z).sum(axis=1)) - Z[np.arange(len(y)), y])


def naive_smoothed_ce(Z, y, eps):
    Q = (1 - eps) * np.eye(Z.shape[1])[y] + eps / Z.shape[1]
    return -np.sum(Q * (Z - np.log(np.exp(Z).sum(axis=1, keepdims=True)))) / len(y)


@settings(max_examples=40, deadline=None)
@given(logits, labels)
def test_softmax_ce_gradient_is_exact(Z, y):
    exact = numdiff.complex_step_gradient(lambda z: naive_ce(z, y), Z)
    grad = softmax.softmax_ce_grad(Z, y)
    assert np.allclose(grad, exact, rtol=1e-12, atol=1e-15)
    assert np.allclose(numdiff.gradient(lambda z: softmax.softmax_ce(z, y), Z), exact, rtol=1e-6,
                       atol=1e-10)
    assert np.allclose(grad.sum(axis=1), 0.0, atol=1e-15)
    assert softmax.softmax_ce(Z, y) == pytest.approx(naive_ce(Z, y), rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(logits, labels, st.floats(0.0, 0.9))
def test_smoothed_ce_gradient_is_exact(Z, y, eps):
    exact = numdiff.complex_step_gradient(lambda z: naive_smoothed_ce(z, y, eps), Z)
    assert np.allclose(softmax.smoothed_ce_grad(Z, y, eps), exact, rtol=1e-12, atol=1e-15)
    assert softmax.smoothed_ce(Z, y, eps) == pytest.approx(naive_smoothed_ce(Z, y, eps), rel=1e-12)


def test_smoothing_zero_is_plain_cross_entropy():
    Z, y = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]]), np.array([2, 0])
    assert np.array_equal(softmax.smoothed_ce_grad(Z, y, 0.0), softmax.softmax_ce_grad(Z, y))


def test_huge_logits_neither_overflow_nor_warn():
    Z = np.array([[1000.0, 0.0, -1000.0], [-800.0, -800.0, -801.0], [1e6, 1e6, 0.0]])
    y = np.array([2, 0, 1])
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        P = softmax.softmax(Z)
        L = softmax.softmax_ce(Z, y)
        G = softmax.softmax_ce_grad(Z, y)
    assert np.allclose(P.sum(axis=1), 1.0) and np.all(np.isfinite(G))
    assert L == pytest.approx((2000.0 + (np.log(2 + np.exp(-1))) + np.log(2)) / 3)


def test_softmax_ignores_a_shift_of_a_row():
    Z = np.array([[0.3, -1.2, 2.0]])
    assert np.allclose(softmax.softmax(Z + 700.0), softmax.softmax(Z), rtol=1e-14)


@pytest.mark.parametrize("y, error, words", [
    (np.array([0, 3]), ValueError, "0..2"),
    (np.array([0]), ValueError, "one label per row"),
    (np.array([0.5, 1.0]), TypeError, "integer labels"),
])
def test_bad_labels_are_named(y, error, words):
    with pytest.raises(error, match=words):
        softmax.softmax_ce(np.zeros((2, 3)), y)


def test_float_labels_that_are_whole_numbers_are_accepted():
    assert softmax.softmax_ce(np.zeros((2, 3)), np.array([0.0, 2.0])) == pytest.approx(np.log(3))


def test_references_are_locked_in_notebook_nine():
    course.start_notebook(9)
    for function, args in ((softmax.softmax, (np.zeros((1, 2)),)),
                           (softmax.softmax_ce_grad, (np.zeros((1, 2)), np.array([0]))),
                           (classifier.he_init, ([2, 2], np.random.default_rng(0)))):
        with pytest.raises(course.ReferenceLockedError, match="switched off"):
            function(*args)
    with course.references_unlocked():
        assert softmax.softmax(np.zeros((1, 2))).shape == (1, 2)
    taught = course.taught_in()
    for name in ("softmax.softmax", "softmax.log_softmax", "softmax.softmax_ce",
                 "softmax.softmax_ce_grad", "softmax.smoothed_ce_grad", "classifier.he_init",
                 "classifier.logits", "classifier.predict", "classifier.loss_and_grads",
                 "classifier.sgd_step", "training.train"):
        assert taught[f"bplab.{name}"] == 9, name


def test_the_helpers_the_checks_use_work_while_notebook_nine_is_open():
    from bplab import training

    course.start_notebook(9)
    params = {"W1": np.zeros((3, 2)), "b1": np.zeros(3)}
    X, y = np.ones((2, 2)), np.array([0, 2])
    assert classifier.loss_of(params, X, y, "b1")(np.zeros(3)) == pytest.approx(np.log(3))
    assert training.evaluate(params, X, y)[0] == pytest.approx(np.log(3))
    assert softmax.smoothed_ce(np.zeros((1, 3)), np.array([0]), 0.1) == pytest.approx(np.log(3))


@pytest.mark.parametrize("sizes", [[500, 400, 10], [300, 600]])
def test_he_init_has_the_variance_two_over_fan_in(sizes):
    params = classifier.he_init(sizes, np.random.default_rng(3))
    W = params["W1"]
    assert W.shape == (sizes[1], sizes[0])
    assert W.std() == pytest.approx(np.sqrt(2 / sizes[0]), rel=0.01)
    assert abs(W.mean()) < 0.01 * W.std() * 10
    assert not any(params[f"b{l}"].any() for l in range(1, len(sizes)))


def test_he_init_keeps_the_signal_through_a_deep_relu_network():
    rng = np.random.default_rng(0)
    params = classifier.he_init([200] * 11, rng)
    X = rng.standard_normal((500, 200))
    first = {"W1": params["W1"], "b1": params["b1"]}
    Z1 = classifier.logits(first, X)
    # the mean square of the pre-activations neither shrinks nor grows with depth
    assert 0.5 < np.mean(classifier.logits(params, X) ** 2) / np.mean(Z1 ** 2) < 2.0


@pytest.mark.parametrize("sizes", [[3, 4, 2], [2, 5, 3, 3]])
def test_classifier_gradients_match_central_differences(sizes):
    rng = np.random.default_rng(7)
    params = classifier.he_init(sizes, rng)
    params = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in params.items()}
    X, y = rng.standard_normal((6, sizes[0])), rng.integers(0, sizes[-1], 6)
    _, grads = classifier.loss_and_grads(params, X, y)
    for key in params:
        def loss_of(value, key=key):
            return classifier.loss_and_grads(dict(params, **{key: value}), X, y)[0]
        assert np.allclose(grads[key], numdiff.gradient(loss_of, params[key]), rtol=1e-5,
                           atol=1e-9), key


def test_sgd_step_moves_against_the_gradient_and_leaves_params_alone():
    rng = np.random.default_rng(2)
    params = classifier.he_init([4, 6, 3], rng)
    saved = {k: v.copy() for k, v in params.items()}
    X, y = rng.standard_normal((5, 4)), rng.integers(0, 3, 5)
    L, grads = classifier.loss_and_grads(params, X, y)
    new, L_step = classifier.sgd_step(params, X, y, lr=0.3)
    assert L_step == L
    for key in params:
        assert np.array_equal(params[key], saved[key])
        assert np.allclose(new[key], saved[key] - 0.3 * grads[key], rtol=0, atol=1e-15)


def test_predict_and_confusion_matrix_agree_with_accuracy():
    rng = np.random.default_rng(4)
    params = classifier.he_init([5, 8, 4], rng)
    X, y = rng.standard_normal((40, 5)), rng.integers(0, 4, 40)
    labels = classifier.predict(params, X)
    assert np.array_equal(labels, np.argmax(softmax.softmax(classifier.logits(params, X)), 1))
    C = classifier.confusion_matrix(y, labels, K=4)
    assert C.sum() == 40 and np.trace(C) / 40 == classifier.accuracy(labels, y)
