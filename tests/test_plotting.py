"""Plotting helpers: plain-text log labels, fixed titles, the shared plots."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import ticker  # noqa: E402

from bplab.explore import plotting  # noqa: E402


def _labels(axis):
    axis.axes.figure.canvas.draw()
    return [label.get_text() for label in axis.get_ticklabels(which="both") if label.get_text()]


def test_power_ticks_label_decades_in_plain_text():
    fig, ax = plt.subplots()
    ax.semilogy([0, 1], [1e-3, 10])
    plotting.power_ticks(ax.yaxis, [1e-3, 10])
    labels = _labels(ax.yaxis)
    assert {"10⁻³", "10⁻²", "10⁻¹", "10⁰", "10¹"} <= set(labels)
    assert not any("$" in label for label in labels)
    # four decades are labelled: the unlabelled minor marks are left out
    assert isinstance(ax.yaxis.get_minor_locator(), ticker.NullLocator)
    plt.close(fig)


def test_power_ticks_keep_minor_labels_on_a_narrow_range():
    fig, ax = plt.subplots()
    ax.semilogy([0, 1], [55, 95])
    plotting.power_ticks(ax.yaxis, [55, 95])
    labels = _labels(ax.yaxis)
    assert "6×10¹" in labels and not any("$" in label for label in labels)
    assert not isinstance(ax.yaxis.get_minor_locator(), ticker.NullLocator)
    plt.close(fig)


def test_set_title_sits_just_above_the_frame():
    fig, ax = plt.subplots()
    title = plotting.set_title(ax, "loss 0.25", fontsize=9)
    assert title is ax.title and title.get_position()[1] == 1.0
    assert title.get_fontsize() == 9
    plt.close(fig)


def test_shared_plots_use_plain_text_log_labels():
    steps = np.logspace(-14, -1, 40)
    ax = plotting.plot_error_vs_step(steps, {"central": np.abs(steps ** 2 - 1e-12)})
    assert not any("$" in label for label in _labels(ax.yaxis) + _labels(ax.xaxis))
    assert ax.get_title().startswith("Truncation error")
    ax = plotting.plot_loss_curve(np.geomspace(1.0, 1e-4, 50), label="run")
    assert "10⁻²" in _labels(ax.yaxis)
    plt.close("all")
