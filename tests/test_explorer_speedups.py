"""What makes the explorers quick must not change what they show.

Notebook 9's explorer reads its curves from a table trained once: the table holds what a
fresh training gives. Every explorer pins its axis labels once instead of letting
matplotlib place them at each draw: they land where matplotlib would put them.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from bplab.explore import digit_curves
from bplab.explore.plotting import pin_axis_labels, power_ticks
from bplab.training import HISTORY_KEYS


def test_the_table_is_made_for_the_sliders_grids():
    table = digit_curves.load_table()
    assert table is not None, "bplab/data/digit_curves.npz is missing or made for other grids"
    shape = (len(digit_curves.LEARNING_RATES), len(digit_curves.WIDTHS),
             len(digit_curves.BATCH_SIZES), digit_curves.EPOCHS)
    for key in HISTORY_KEYS:
        assert table[key].shape == shape, key
    assert table["best_epoch"].shape == shape[:3]


@pytest.mark.parametrize("lr, width, batch_size", [(0.01, 16, 64), (0.3, 128, 256),
                                                   (0.003, 4, 8)])
def test_the_table_holds_what_a_fresh_training_gives(lr, width, batch_size):
    stored, fresh = digit_curves.curve(lr, width, batch_size), digit_curves.train_curve(
        lr, width, batch_size)
    for key in HISTORY_KEYS:
        np.testing.assert_allclose(stored[key], fresh[key], rtol=1e-9, atol=1e-12, err_msg=key)
    assert stored["best_epoch"] == fresh["best_epoch"]


def test_a_setting_off_the_sliders_is_trained():
    off = digit_curves.curve(0.05, 8, 256)
    assert off["train_loss"] == tuple(digit_curves.train_curve(0.05, 8, 256)["train_loss"])


def _label_boxes(ax):
    fig = ax.get_figure()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [axis.label.get_window_extent(renderer) for axis in (ax.xaxis, ax.yaxis)]


@pytest.mark.parametrize("log", [False, True])
def test_pinned_axis_labels_sit_where_matplotlib_puts_them(log):
    boxes = []
    for pin in (False, True):
        fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
        x = np.logspace(-4, 0, 50) if log else np.linspace(-3.0, 1200.0, 50)
        ax.plot(x, x ** 2)
        if log:
            ax.set_xscale("log")
            power_ticks(ax.xaxis)
        ax.set_xlabel("step size")
        ax.set_ylabel("loss")
        if pin:
            pin_axis_labels(ax)
        boxes.append(_label_boxes(ax))
        plt.close(fig)
    for native, pinned in zip(*boxes):
        assert np.allclose(native.get_points(), pinned.get_points(), atol=1.0), (native, pinned)
