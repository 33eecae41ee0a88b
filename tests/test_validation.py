import numpy as np
import pytest

from bplab.validation import as_array, as_scalar, same_shape


def test_as_array_converts_to_float64():
    assert as_array([1, 2, 3], "x").dtype == np.float64


@pytest.mark.parametrize("value, message", [
    ("abc", "x must be numeric"),
    ([1.0, np.nan], "x must be finite; it holds nan at index (1,)"),
    ([[1.0, np.inf]], "x must be finite; it holds inf at index (0, 1)"),
])
def test_as_array_rejects_bad_values_naming_the_argument(value, message):
    with pytest.raises((TypeError, ValueError), match=message.replace("(", r"\(").replace(")", r"\)")):
        as_array(value, "x")


def test_as_array_checks_shape_with_wildcards():
    assert as_array(np.zeros((3, 2)), "W", shape=(None, 2)).shape == (3, 2)
    with pytest.raises(ValueError, match=r"W must have shape \(any, 3\); got \(3, 2\)"):
        as_array(np.zeros((3, 2)), "W", shape=(None, 3))


def test_as_array_checks_ndim():
    with pytest.raises(ValueError, match="x must be a 1-d or 2-d array; got shape"):
        as_array(np.zeros((1, 1, 1)), "x", ndim=(1, 2))


def test_as_array_can_allow_non_finite():
    assert np.isnan(as_array([np.nan], "x", finite=False)[0])


@pytest.mark.parametrize("value", [True, "1", None, [1.0]])
def test_as_scalar_rejects_non_numbers(value):
    with pytest.raises(TypeError, match="lr must be a number"):
        as_scalar(value, "lr")


def test_as_scalar_positive_and_integer():
    assert as_scalar(3, "n_steps", integer=True) == 3
    with pytest.raises(TypeError, match="whole number"):
        as_scalar(2.5, "n_steps", integer=True)
    with pytest.raises(ValueError, match="finite"):
        as_scalar(float("nan"), "lr")


def test_same_shape_names_both_arguments():
    same_shape(np.zeros(2), "y_hat", np.ones(2), "t")
    with pytest.raises(ValueError, match=r"t must have the same shape as y_hat, \(2,\); got \(2, 1\)"):
        same_shape(np.zeros(2), "y_hat", np.ones((2, 1)), "t")
