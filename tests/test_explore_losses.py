import matplotlib.pyplot as plt
import numpy as np
import pytest

from bplab import numdiff
from bplab.explore import losses as explore_losses


@pytest.mark.parametrize("y_hat, t", [(0.3, 1.0), (0.8, 0.0), (0.5, 0.5)])
def test_slopes_are_the_derivatives_of_the_losses(y_hat, t):
    values = explore_losses.loss_values(y_hat, t)
    for key in ("se", "bce"):
        slope = numdiff.derivative(lambda p: np.vectorize(
            lambda q: explore_losses.loss_values(q, t)[key])(p), np.array([y_hat]))
        assert values[f"{key}_slope"] == pytest.approx(slope[0], rel=1e-7)


def test_out_of_range_inputs_are_rejected():
    with pytest.raises(ValueError, match="must lie in"):
        explore_losses.loss_values(1.5, 0.0)


def test_draw_puts_the_values_in_the_titles():
    fig, axes = plt.subplots(1, 2)
    values = explore_losses.draw_losses(axes, y_hat=0.25, t=1.0)
    assert f"{values['bce']:.3f}" in axes[1].get_title()
    assert len(axes[0].lines) == 4
    plt.close(fig)


def test_explorer_builds_sliders_and_skips_while_grading(monkeypatch):
    box = explore_losses.loss_explorer()
    sliders = box.children[0].children
    assert [s.description for s in sliders] == ["prediction y_hat", "target t"]
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert explore_losses.loss_explorer() is None


def test_slopes_are_per_example_so_the_notebook_gradients_divide_them_by_n():
    """Notebook 1 says the explorer's slope is one example's, not the gradient students code."""
    from bplab import course, losses

    y_hat, t = np.array([0.3, 0.8]), np.array([1.0, 0.0])
    with course.references_unlocked():
        mse_grad, bce_grad = losses.mse_grad(y_hat, t), losses.bce_grad(y_hat, t)
    for n in range(2):
        values = explore_losses.loss_values(y_hat[n], t[n])
        assert values["se_slope"] == pytest.approx(2 * mse_grad[n])
        assert values["bce_slope"] == pytest.approx(2 * bce_grad[n])
