"""Tests of bplab.universal (a 1-H-1 tanh network as a staircase) and its explorer."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bplab import universal  # noqa: E402
from bplab.explore import universal as explore_universal  # noqa: E402


@pytest.mark.parametrize("target", sorted(universal.TARGETS))
def test_the_error_halves_as_the_hidden_layer_doubles(target):
    """Notebook 6's claim: each doubling of H halves the largest error, or a little better."""
    errors = [universal.staircase_error(target, H) for H in (8, 16, 32, 64)]
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    assert np.all((ratios > 1.8) & (ratios < 3.0)), ratios
    assert errors[-1] < 0.01


def test_the_staircase_is_a_network_of_the_course_shapes():
    params = universal.staircase_params(np.cos, 5, sharpness=40.0)
    assert {k: v.shape for k, v in params.items()} == {"W1": (5, 1), "b1": (5,), "W2": (1, 5),
                                                       "b2": (1,)}
    knots = np.linspace(-1, 1, 6)
    # very sharp steps: the output at each knot is f there
    np.testing.assert_allclose(universal.forward_1d(params, knots), np.cos(knots), atol=1e-12)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="f must be"):
        universal.staircase_params("cos", 3)
    with pytest.raises(ValueError, match="H"):
        universal.staircase_params("bump", 0)
    with pytest.raises(ValueError, match="hi must be larger"):
        universal.staircase_params("bump", 3, lo=1.0, hi=0.0)


def test_explorer_values_and_drawing(monkeypatch):
    values = explore_universal.staircase_values(6, 3.0, "bump")
    np.testing.assert_allclose(values["shares"].sum(axis=0) + 0 * values["x"],
                               values["output"] - values["output"][0] + values["shares"][:, 0].sum(),
                               atol=1e-12)
    assert values["error"] == pytest.approx(universal.staircase_error("bump", 6, 3.0, 401))
    fig, ax = plt.subplots()
    explore_universal.draw_staircase(ax, 6, 3.0, "bump")
    assert "largest error" in ax.get_title()
    plt.close(fig)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert explore_universal.staircase_explorer() is None
