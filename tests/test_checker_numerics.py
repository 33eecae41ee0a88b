"""The checker's numerics and words: right answers pass, mistakes are named by their cause.

Right answers near the edge of a domain and of losses that are sums of tiny terms; what a
passing check costs; the causes a test cell's context reveals; one printed line for
every passing check; and underflow, which is no warning.
"""

import numpy as np
import pytest

from bplab import autograd, losses, numdiff, softmax
from bplab.checks import CheckFailure, fixtures, layers, testdata
from bplab.checks import assertions as check


def _kind(run):
    with pytest.raises(CheckFailure) as failure:
        run()
    return failure.value.kind, failure.value.plain_message


# ---------------------------------------------------------------- the edge of the domain

@pytest.mark.parametrize("labels", [(1.0, 0.0, 0.0), (0.0, 1.0, 1.0)])
def test_gradient_check_passes_right_answers_a_step_away_from_the_edge(labels):
    # the usual step, 6e-6, reaches below 0 from 1e-8 and above 1 from 1 - 1e-8
    y_hat, t = np.array([1e-8, 0.3, 1.0 - 1e-8]), np.array(labels)
    right = losses.bce_grad(y_hat, t)
    bce = lambda y: losses.bce(y, t)  # noqa: E731
    check.gradient("bce_grad", right, bce, y_hat)
    assert _kind(lambda: check.gradient("bce_grad", -right, bce, y_hat))[0] == "sign"
    assert _kind(lambda: check.gradient("bce_grad", 2 * right, bce, y_hat))[0] == "factor"
    assert _kind(lambda: check.gradient("bce_grad", right * [1, 1.01, 1], bce, y_hat))[0] \
        == "mismatch"


def test_derivative_check_passes_right_answers_a_step_away_from_the_edge():
    x = np.array([1e-8, 3e-7, 0.5])
    check.derivative("log'", 1 / x, np.log, x)
    assert _kind(lambda: check.derivative("log'", -1 / x, np.log, x))[0] == "sign"


def test_error_bounds_near_the_edge_cover_the_true_error():
    x = np.array([1e-8, 2e-7, 1e-3, 0.5])
    estimate, error = numdiff.gradient_with_error(lambda v: float(-np.sum(np.log(v))), x)
    assert np.all(np.abs(estimate + 1 / x) <= error)
    assert np.all(error <= 1e-6 / x)  # and they are tight enough to check with


# ---------------------------------------------------------------- rounding of tiny losses

@pytest.mark.parametrize("margins", [(20, 20), (20, 25), (22, 28), (20, 30), (26, 30)])
def test_gradient_check_of_saturated_logits_judges_rounding_at_the_losss_scale(margins):
    # every term of the loss is below 2e-9, but it rounds at the scale of log(1 + ...)
    Z = np.array([[margins[0], 0.0, 0.3], [0.1, margins[1], -0.2]])
    y = np.array([0, 1])
    right = softmax.softmax_ce_grad(Z, y)
    loss = lambda z: softmax.softmax_ce(z, y)  # noqa: E731
    check.gradient("softmax_ce_grad", right, loss, Z)
    for wrong, kind in ((-right, "sign"), (2 * right, "factor"), (0 * right, "zeros")):
        assert _kind(lambda: check.gradient("softmax_ce_grad", wrong, loss, Z))[0] == kind


def test_gradient_check_of_a_loss_rounding_absolutely_at_small_residuals():
    def logcosh_rounding_at_log_2(y_hat, t):  # exact to 1e-16 absolutely, not relatively
        r = np.abs(y_hat - t)
        return float(np.sum(r + np.log1p(np.exp(-2 * r)) - np.log(2.0)) / len(y_hat))

    y_hat = np.array([0.5, -1.25, 2.0, 0.75])
    t = y_hat - np.array([1e-7, -3e-7, 2e-7, 1e-7])
    right = np.tanh(y_hat - t) / 4
    loss = lambda v: logcosh_rounding_at_log_2(v, t)  # noqa: E731
    check.gradient("logcosh_grad", right, loss, y_hat)
    assert _kind(lambda: check.gradient("logcosh_grad", -right, loss, y_hat))[0] == "sign"


def test_tiny_functions_that_round_relatively_are_still_judged_on_their_own_scale():
    w = np.array([0.3, -0.7, 1.1])
    f = lambda v: 1e-15 * float(np.sum(np.sin(v)))  # noqa: E731
    assert _kind(lambda: check.gradient("g", 1e-15 * np.cos(w) * [1, 1, 1.001], f, w))[0] \
        == "mismatch"


# ---------------------------------------------------------------- cost

class _Counted:
    def __init__(self, f):
        self.f, self.calls = f, 0

    def __call__(self, v):
        self.calls += 1
        return self.f(v)


def test_a_right_gradient_costs_two_evaluations_an_entry_like_a_plain_loop(capsys):
    w = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    f = _Counted(lambda v: float(np.sum(np.sin(v) * v)))
    check.gradient("g", np.cos(w) * w + np.sin(w), f, w)
    assert f.calls == 2 * w.size
    stacked = _Counted(lambda v: np.sum(np.sin(v) * v, axis=(-2, -1)))
    check.gradient("g", np.cos(w) * w + np.sin(w), stacked, w, vectorized=True)
    assert stacked.calls == 1
    assert capsys.readouterr().out.count("is correct") == 2


def test_only_the_entries_left_open_are_bounded():
    w = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    f = _Counted(lambda v: float(np.sum(np.sin(v) * v)))
    wrong = np.cos(w) * w + np.sin(w)
    wrong[1, 2] *= 1.5
    assert _kind(lambda: check.gradient("g", wrong, f, w))[0] == "mismatch"
    assert f.calls == 2 * w.size + 2


@pytest.mark.parametrize("shape", [(2, 2), (5, 5)])  # agreement tested in floats, in arrays
def test_agreement_is_judged_alike_for_few_and_many_entries(shape, capsys):
    assert (np.prod(shape) <= check.FEW_ENTRIES) == (shape == (2, 2))
    w = np.linspace(-1.0, 1.0, np.prod(shape)).reshape(shape) + 0.25
    f = lambda v: float(np.sum(np.sin(v)))  # noqa: E731
    within, beyond = np.cos(w), np.cos(w)
    within[0, 1] *= 1 + 0.9e-5
    beyond[0, 1] *= 1 + 1.1e-5
    check.gradient("g", within, f, w)
    assert "g is correct (largest relative error below 1e-5," in capsys.readouterr().out
    with pytest.raises(CheckFailure):
        check.gradient("g", beyond, f, w)
    whole = np.round(8 * w)  # an integer answer where the gradient is whole numbers
    check.gradient("g", whole.astype(int), lambda v: float(np.sum(8 * v * whole)) / 8, w)
    assert "g is correct" in capsys.readouterr().out


@pytest.mark.parametrize("answer", [[0.0, 0.5], [1.0, 0.5]])
def test_a_difference_that_is_nan_beside_a_zero_answer_is_judged_not_divided_by(answer):
    # sqrt at 0: the step below the edge makes the first entry's difference NaN
    with pytest.raises(CheckFailure):
        check.gradient("g", np.array(answer), lambda v: float(np.sum(np.sqrt(v))),
                       np.array([0.0, 1.0]))


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_a_non_finite_entry_is_named_not_taken_for_agreement(bad):
    # inf against a finite estimate has relative error inf / inf: no agreement to report
    w = np.array([0.5, -1.0])
    answer = np.array([bad, np.cos(-1.0)])
    for run in (lambda: check.gradient("g", answer, lambda v: float(np.sum(np.sin(v))), w),
                lambda: check.derivative("g", answer, np.sin, w)):
        kind, message = _kind(run)
        assert kind == "non-finite" and f"g contains {bad}" in message


# ---------------------------------------------------------------- causes named

def _add_backward_with_a_mean(grad_out, a_shape, b_shape):
    def reduce(grad, shape):
        for _ in range(grad.ndim - len(shape)):
            grad = grad.mean(axis=0)  # the slip: a mean where the copies' sum is wanted
        for axis in [axis for axis, n in enumerate(shape) if n == 1 and grad.shape[axis] != 1]:
            grad = grad.sum(axis=axis, keepdims=True)
        return grad
    return reduce(grad_out, a_shape), reduce(grad_out, b_shape)


def _add_case(seed, a_shape, b_shape):
    a, b = testdata.points(seed, a_shape), testdata.points(seed + 1, b_shape)
    G = testdata.points(seed + 2, np.broadcast_shapes(a_shape, b_shape))
    return dict(rule_name="add_backward", rule=_add_backward_with_a_mean, args=(a_shape, b_shape),
                grad_out=G, forward=np.add, inputs=(a, b))


def test_a_mean_over_broadcast_copies_is_named_without_a_batch_size(capsys):
    kind, words = _kind(lambda: fixtures.backward_pair(**_add_case(834, (5, 4), (4,)),
                                                       check=(1, 0), batch_size=5))
    assert kind == "broadcast"
    assert "mean was taken over the 5 broadcast copies" in words and "N = 5" not in words
    from bplab import autograd
    kind, words = _kind(lambda: fixtures.backward_pair(
        **_add_case(837, (3,), (6, 3)), reference=autograd.add_backward, batch_size=6))
    assert kind == "broadcast" and "6 broadcast copies" in words


def test_a_rule_that_leaves_out_the_upstream_gradient_is_named():
    y, t = testdata.batch(873, (4, 2))
    loss = lambda y_: 1.3 * autograd.half_mse(y_, t)  # noqa: E731
    without = (y - t) / 4
    kind, words = _kind(lambda: check.gradient("half_mse_backward(1.3, y_hat, t)", without, loss,
                                               y, batch_size=4, upstream=1.3))
    assert kind == "upstream"
    assert "grad_out = 1.3, was not multiplied in" in words and "0.769231" in words
    kind, words = _kind(lambda: check.gradient("half_mse_backward(1.3, y_hat, t)", 1.69 * without,
                                               loss, y, batch_size=4, upstream=1.3))
    assert kind == "upstream" and "multiplied in twice" in words
    # the words of today without the context
    assert "0.769231 times" in _kind(lambda: check.gradient("g", without, loss, y))[1]


def test_an_activation_rule_that_leaves_out_an_array_of_upstream_gradients_is_named():
    z, G = testdata.points(851, (4, 3)), testdata.points(852, (4, 3))
    out = np.tanh(z)
    loss = lambda z_: float(np.sum(G * np.tanh(z_)))  # noqa: E731
    kind, words = _kind(lambda: check.gradient("tanh_backward(G, tanh(z))", 1 - out**2, loss, z,
                                               upstream=G))
    assert kind == "upstream" and "times grad_out, entry by entry" in words


@pytest.mark.parametrize("shape", [(2, 2), (5, 3)])
def test_a_mean_over_every_output_is_named_as_such(shape):
    y, t = testdata.batch(103, shape)
    N, n_out = shape
    over_every_entry = float(np.mean((y - t) ** 2))
    kind, words = _kind(lambda: check.close("mse(y_hat, t)", over_every_entry, losses.mse(y, t),
                                            batch_size=N, n_out=n_out))
    assert kind == "factor"
    assert f"N * n_out = {N * n_out}" in words and f"instead of N = {N}" in words
    assert "a factor of 2 missing" not in words
    grad = 2 * (y - t) / y.size
    kind, words = _kind(lambda: check.gradient("mse_grad(y_hat, t)", grad,
                                               lambda v: losses.mse(v, t), y, batch_size=N,
                                               n_out=n_out))
    assert f"N * n_out = {N * n_out}" in words


# ---------------------------------------------------------------- one line per passing check

def test_true_prints_one_line_naming_what_passed(capsys):
    check.true(True, "mse_grad(Y_hat, T) should have shape (2, 2), like Y_hat; got (2, 2)",
               "shape")
    check.true(True, "gradient_descent changed the start array it was given into [-6. 8.]: "
               "`point -= lr * g` updates the caller's array", "in-place")
    check.true(True, "sigmoid_layer_bound(W) = 1.2 is not a bound: the Jacobian stretches "
               "a vector by 1.3 at some z.")
    check.true(True, "anything", passed="the losses went down.")
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["passed: mse_grad(Y_hat, T) should have shape (2, 2), like Y_hat.",
                     "passed: the inputs are left as they were.",
                     "passed: sigmoid_layer_bound(W) = 1.2 is a bound.",
                     "the losses went down."]


def test_checks_made_of_preconditions_print_one_line(capsys):
    params = {"W": np.ones((2, 3)), "b": np.ones(2)}
    layers.keys_and_shapes("backward", {"W": np.zeros((2, 3)), "b": np.zeros(2)}, params)
    assert capsys.readouterr().out.count("\n") == 1
    check.require(True, "never printed")
    fixtures.returned_pair("add_backward", (1.0, 2.0))
    assert capsys.readouterr().out == ""


# ---------------------------------------------------------------- underflow

def _stable_logcosh_grad(y_hat, t):
    r = np.asarray(y_hat, dtype=float) - np.asarray(t, dtype=float)
    e = np.exp(-2 * np.abs(r))  # underflows to 0 for |r| above about 370: harmless
    return np.sign(r) * (1 - e) / (1 + e) / len(r)


def test_underflow_fails_no_right_answer(capsys):
    y_hat, t = np.array([[800.0, -0.25], [1.0, -900.0]]), np.zeros((2, 2))
    grad = check.call("logcosh_grad", _stable_logcosh_grad, y_hat, t)
    check.formula("logcosh_grad(y_hat, t)", grad, losses.logcosh_grad(y_hat, t), batch_size=2)
    y_hat, t = testdata.batch(602, (4, 2), scale=1.5)
    check.formula("logcosh_grad(y_hat, t)", check.call("logcosh_grad", _stable_logcosh_grad,
                                                       y_hat, t),
                  losses.logcosh_grad(y_hat, t), batch_size=4)
    assert "is exact" in capsys.readouterr().out


@pytest.mark.parametrize("unsafe, words", [
    (lambda: np.exp(np.array([1000.0])), "overflow"),
    (lambda: np.log(np.array([0.0])), "divide by zero"),
    (lambda: np.sqrt(np.array([-1.0])), "invalid value")])
def test_overflow_division_by_zero_and_invalid_values_still_fail(unsafe, words):
    kind, message = _kind(lambda: check.call("f", unsafe))
    assert kind == "warning" and words in message
