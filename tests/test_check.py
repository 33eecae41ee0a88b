import numpy as np
import pytest

from bplab.checks import assertions as check


def test_call_returns_the_result():
    assert check.call("f", lambda a: a + 1, 1) == 2


def test_call_explains_not_implemented():
    def stub():
        raise NotImplementedError()

    with pytest.raises(AssertionError, match=r"stub is not written yet.*\[diagnosis: not-implemented\]"):
        check.call("stub", stub)


def test_call_turns_exceptions_and_warnings_into_failures_with_nothing_on_stderr(capfd):
    with pytest.raises(AssertionError, match="raised ZeroDivisionError"):
        check.call("f", lambda: 1 / 0)
    with pytest.raises(AssertionError, match="divide by zero encountered in log"):
        check.call("f", lambda: np.log(np.zeros(2)))
    with pytest.raises(AssertionError, match="overflow encountered in exp"):
        check.call("f", lambda: np.exp(np.array([1000.0])))
    assert capfd.readouterr().err == ""


def test_call_rejects_non_callables():
    with pytest.raises(AssertionError, match="expected a function, found int"):
        check.call("f", 3)


def test_close_prints_on_pass_and_tags_the_diagnosis_on_failure(capsys):
    check.close("x", [1.0, 2.0], np.array([1.0, 2.0]))
    assert "x is correct" in capsys.readouterr().out
    with pytest.raises(AssertionError, match=r"opposite sign.*\[diagnosis: sign\]"):
        check.close("x", [-1.0, -2.0], np.array([1.0, 2.0]))


def test_gradient_check_passes_right_and_fails_wrong_gradients():
    w = np.array([0.3, -0.7, 1.1])
    f = lambda v: float(np.sum(np.sin(v)))  # noqa: E731
    check.gradient("g", np.cos(w), f, w)
    with pytest.raises(AssertionError, match="diagnosis: sign"):
        check.gradient("g", -np.cos(w), f, w)
    with pytest.raises(AssertionError, match="diagnosis: mismatch"):
        check.gradient("g", np.sin(w), f, w)


def test_gradient_check_uses_locked_references():
    from bplab import course, losses

    course.start_notebook(1)
    y, t = np.array([0.2, 0.9]), np.array([0.0, 1.0])
    check.gradient("mse_grad", 2 * (y - t) / 2, lambda v: losses.mse(v, t), y)
    with pytest.raises(course.ReferenceLockedError):
        losses.mse(y, t)


def test_derivative_check():
    x = np.linspace(-1, 1, 5)
    check.derivative("tanh'", 1 - np.tanh(x) ** 2, np.tanh, x)
    with pytest.raises(AssertionError, match="diagnosis"):
        check.derivative("tanh'", 1 - x ** 2, np.tanh, x)


def test_true():
    check.true(True, "never shown")
    with pytest.raises(AssertionError, match=r"message \[diagnosis: shape\]"):
        check.true(False, "message", "shape")


def test_formula_tells_a_derived_gradient_from_a_finite_difference(capsys):
    from bplab import losses, numdiff

    y_hat = np.array([1.0e4, -2.5e4, 3.3e4])
    t = np.array([2.0e4, 1.0e4, -1.0e4])
    exact = losses.mse_grad(y_hat, t)
    check.formula("mse_grad", 2.0 / 3.0 * (y_hat - t), exact)
    assert "mse_grad is exact" in capsys.readouterr().out
    estimate = numdiff.gradient(lambda y: losses.mse(y, t), y_hat)
    with pytest.raises(AssertionError, match=r"differentiate the formula.*\[diagnosis: approximate\]"):
        check.formula("mse_grad", estimate, exact)


def test_formula_diagnoses_a_real_mistake_as_such():
    exact = np.array([2.0, -4.0, 6.0])
    with pytest.raises(AssertionError, match=r"\[diagnosis: sign\]"):
        check.formula("g", -exact, exact)
    with pytest.raises(AssertionError, match=r"\[diagnosis: factor\]"):
        check.formula("g", exact / 3, exact, batch_size=3)


# The tolerance of a gradient check follows the central difference's own error bound.

def _bce(t):
    from bplab import losses
    return lambda v: losses.bce(v, t)


@pytest.mark.parametrize("p", [1e-3, 5e-4, 1e-4, 1 - 1e-3, 1 - 5e-4, 1 - 1e-4])
def test_gradient_check_passes_right_answers_near_saturation(p):
    from bplab import losses

    for label in (0.0, 1.0):
        y_hat, t = np.array([p, 0.3, 0.8]), np.array([label, 1.0, 0.0])
        check.gradient("bce_grad", losses.bce_grad(y_hat, t), _bce(t), y_hat)
        with pytest.raises(AssertionError, match=r"\[diagnosis: sign\]"):
            check.gradient("bce_grad", -losses.bce_grad(y_hat, t), _bce(t), y_hat)
        with pytest.raises(AssertionError, match=r"\[diagnosis: factor\]"):
            check.gradient("bce_grad", 2 * losses.bce_grad(y_hat, t), _bce(t), y_hat)


def _deep_sigmoid_problem(depth):
    from bplab import course, jacobians, mlp

    rng = np.random.default_rng(depth)
    params = jacobians.deep_network(depth, 16, 1.0, rng)
    X, T = rng.standard_normal((8, 16)), rng.standard_normal((8, 16))

    def loss_of_W1(W1):
        with course.references_unlocked():
            return mlp.loss_and_grads({**params, "W1": W1}, X, T, hidden="sigmoid",
                                      output="identity", loss="half_mse")[0]

    with course.references_unlocked():
        _, grads = mlp.loss_and_grads(params, X, T, hidden="sigmoid", output="identity",
                                      loss="half_mse")
    return grads["W1"], loss_of_W1, params["W1"]


@pytest.mark.slow  # a central difference of every weight of a deep network, four times
@pytest.mark.parametrize("depth", [8, 12])
def test_gradient_check_passes_exact_dW1_of_deep_sigmoid_nets_and_rejects_mistakes(depth):
    dW1, f, W1 = _deep_sigmoid_problem(depth)
    assert np.abs(dW1).max() < 1e-4  # far below the loss, about 10
    check.gradient("dW1", dW1, f, W1)
    for wrong, kind in ((np.zeros_like(dW1), "zeros"), (-dW1, "sign"), (dW1 / 2, "factor")):
        with pytest.raises(AssertionError, match=rf"\[diagnosis: {kind}\]"):
            check.gradient("dW1", wrong, f, W1)


@pytest.mark.slow
def test_gradient_check_refuses_a_gradient_below_the_difference_error():
    dW1, f, W1 = _deep_sigmoid_problem(16)  # entries about 1e-10, loss about 12
    with pytest.raises(ValueError, match="cannot resolve this gradient"):
        check.gradient("dW1", np.zeros_like(dW1), f, W1)


@pytest.mark.parametrize("scale", [1e-13, 1e-20, 1e-300])
def test_gradient_check_judges_tiny_gradients_on_their_own_scale(scale):
    w = np.array([0.3, -0.7, 1.1])
    f = lambda v: scale * float(np.sum(np.sin(v)))  # noqa: E731
    check.gradient("g", scale * np.cos(w), f, w)
    for wrong, kind in ((np.zeros(3), "zeros"), (-scale * np.cos(w), "sign"),
                        (2 * scale * np.cos(w), "factor")):
        with pytest.raises(AssertionError, match=rf"\[diagnosis: {kind}\]"):
            check.gradient("g", wrong, f, w)


def test_derivative_check_follows_the_same_policy():
    x = np.array([1e-3, 0.5, 2.0])
    check.derivative("log'", 1 / x, np.log, x)
    with pytest.raises(AssertionError, match=r"\[diagnosis: zeros\]"):
        check.derivative("tiny'", np.zeros(3), lambda v: 1e-14 * np.sin(v), x)
    with pytest.raises(AssertionError, match=r"\[diagnosis: sign\]"):
        check.derivative("tiny'", -1e-14 * np.cos(x), lambda v: 1e-14 * np.sin(v), x)
    with pytest.raises(ValueError, match="cannot resolve"):
        check.derivative("flat'", np.zeros(3), lambda v: 1.0 + 1e-14 * v, x)


def test_formula_names_a_zero_answer_as_zeros_not_as_an_approximation():
    exact = np.array([3e-13, -1e-13])
    check.formula("g", exact * (1 + 1e-15), exact)
    for wrong, kind in ((np.zeros(2), "zeros"), (-exact, "sign")):
        with pytest.raises(AssertionError, match=rf"\[diagnosis: {kind}\]"):
            check.formula("g", wrong, exact)
