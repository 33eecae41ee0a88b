import numpy as np
import pytest

from bplab import activations, numdiff

Z = np.linspace(-6, 6, 25)


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_derivatives_match_the_complex_step(name):
    function, derivative = activations.ACTIVATIONS[name]
    assert np.allclose(derivative(Z), numdiff.complex_step_derivative(function, Z), rtol=1e-14)


def test_relu_derivative_matches_central_differences_away_from_the_kink():
    z = Z[Z != 0]
    assert np.allclose(activations.relu_grad(z), numdiff.derivative(activations.relu, z))


def test_sigmoid_is_safe_for_huge_inputs(recwarn):
    out = activations.sigmoid(np.array([-1e4, 1e4]))
    assert np.all(np.isfinite(out)) and out[0] == 0.0 and out[1] == 1.0
    assert len(recwarn) == 0


def test_derivative_bounds():
    assert activations.sigmoid_grad(Z).max() == pytest.approx(0.25)
    assert activations.tanh_grad(Z).max() == pytest.approx(1.0)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="z must be finite"):
        activations.sigmoid(np.array([np.nan]))
