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
