"""Plotting helpers shared by the notebooks.

Every function takes ``ax=None`` (a new figure is made when it is None), draws, and
returns the axes; none calls ``plt.show()``, so tests can call them headless.

Three helpers keep figures cheap to render, which matters most for the explorers, redrawn
at every slider move: :func:`set_title` places a title without matplotlib's search for
tick labels above the frame, :func:`pin_axis_labels` places the axis labels once instead
of at every draw, and :func:`power_ticks` labels a log axis 10⁻³ in plain text, which
matplotlib measures and draws several times faster than mathtext.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:  # matplotlib is imported when a figure is drawn, not before
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.font_manager import FontProperties
    from matplotlib.text import Text

__all__ = ["new_axes", "set_title", "pin_axis_labels", "power_ticks", "power_label",
           "plot_error_vs_step", "plot_loss_curve"]

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_MATH = re.compile(r"\$\\mathdefault\{(.*)\}\$")


def new_axes(ax: Axes | None = None, figsize: tuple[float, float] = (6, 4)) -> Axes:
    """Return ``ax``, or the axes of a new figure of ``figsize`` inches."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def set_title(ax: Axes, label: str, **kwargs: Any) -> Text:
    """Set the title of ``ax`` just above its frame; return the title's Text.

    Placed at a fixed height, matplotlib does not measure every tick label of the panel
    at each draw to find whether the title must clear labels above the frame: none of
    the course's panels has any.
    """
    return ax.set_title(label, y=1.0, **kwargs)


def pin_axis_labels(ax: Axes) -> Axes:
    """Fix the x and y labels of ``ax`` where matplotlib would place them now; return ``ax``.

    At every draw matplotlib moves an axis label clear of its tick labels, and to find
    how far it updates every tick twice more and measures each tick label again: about a
    tenth of a redraw. Called once the panel is laid out and its ticks are final, this
    applies matplotlib's rule itself: ``labelpad`` points beyond the farthest tick label
    or tick mark under the frame (x) or left of it (y). Each tick label's text is measured
    once per font and dpi, and remembered across figures. An axis whose tick labels are
    rotated, or whose label sits on the other side, keeps matplotlib's own placement.
    """
    if not ax.axison:
        return ax
    from matplotlib.transforms import ScaledTranslation

    fig = ax.get_figure(root=True)
    for axis, side, anchor in ((ax.xaxis, "bottom", (0.5, 0.0)), (ax.yaxis, "left", (0.0, 0.5))):
        depth = _tick_depth(axis, side, fig.dpi) if axis.get_label_position() == side else None
        if depth is None:
            continue
        offset = (depth + axis.labelpad) / 72.0  # inches beyond the frame
        shift = (0.0, -offset) if side == "bottom" else (-offset, 0.0)
        axis.set_label_coords(*anchor, transform=ax.transAxes
                              + ScaledTranslation(*shift, fig.dpi_scale_trans))
    return ax


def _tick_depth(axis, side, dpi):
    """Points from the frame to the far edge of the ticks and tick labels on ``side``.

    None where the tick labels are rotated (their extent is not measured here).
    """
    from matplotlib.ticker import NullLocator

    lo, hi = sorted(axis.get_transform().transform(sorted(axis.get_view_interval())))
    tolerance = 1e-10 * (hi - lo)  # matplotlib's own test of which ticks are drawn
    depth = 0.0
    for which in ("major", "minor"):
        locator = axis.get_major_locator() if which == "major" else axis.get_minor_locator()
        if isinstance(locator, NullLocator):
            continue
        locs = axis.get_majorticklocs() if which == "major" else axis.get_minorticklocs()
        if not len(locs):
            continue
        ticker = axis.major if which == "major" else axis.minor
        where = axis.get_transform().transform(np.asarray(locs, dtype=np.float64))
        shown = [label for label, at in zip(ticker.formatter.format_ticks(locs), where)
                 if lo - tolerance <= at <= hi + tolerance]
        if not shown:
            continue
        tick = (axis.majorTicks if which == "major" else axis.minorTicks)[0]
        if tick.tick1line.get_visible():
            depth = max(depth, tick.get_tick_padding())
        if not tick.label1.get_visible():
            continue
        if tick.label1.get_rotation() % 360.0:
            return None
        reach = tick.get_pad() + tick.get_tick_padding()
        font = tick.label1.get_fontproperties().copy()
        for label in shown:  # an empty label still counts where it is anchored
            width, height = _text_size(label, font, dpi) if label else (0.0, 0.0)
            depth = max(depth, reach + (height if side == "bottom" else width))
    return depth


@functools.lru_cache(maxsize=2048)
def _text_size(text: str, font: FontProperties, dpi: float) -> tuple[float, float]:
    """Width and height in points of ``text`` drawn in ``font``, as matplotlib lays it out."""
    label = _measuring_text(dpi)
    label.set_text(text)
    label.set_fontproperties(font)
    extent = label.get_window_extent(label.figure.canvas.get_renderer())
    return extent.width * 72.0 / dpi, extent.height * 72.0 / dpi


@functools.lru_cache(maxsize=4)
def _measuring_text(dpi):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(dpi=dpi)
    FigureCanvasAgg(fig)
    return fig.text(0, 0, "")


def power_label(label: str) -> str:
    r"""A log axis label in plain text: ``'$\\mathdefault{10^{-3}}$'`` to ``'10⁻³'``.

    Parameters
    ----------
    label : str
        A label from matplotlib's ``LogFormatterSciNotation``.

    Returns
    -------
    str
        The same number with Unicode superscripts and signs; ``label`` itself when it
        is not of that form.

    Examples
    --------
    >>> power_label("$\\mathdefault{10^{-3}}$"), power_label("$\\mathdefault{6\\times10^{1}}$")
    ('10⁻³', '6×10¹')
    >>> power_label("$\\mathdefault{-10^{2}}$"), power_label("")
    ('−10²', '')
    """
    match = _MATH.fullmatch(label)
    if not match:
        return label
    body = re.sub(r"\^\{(-?\d+)\}", lambda power: power.group(1).translate(_SUPERSCRIPT),
                  match.group(1).replace("\\times", "×"))
    if "\\" in body or "{" in body or "^" in body:
        return label
    return "\u2212" + body[1:] if body.startswith("-") else body


def power_ticks(axis: Axis, values: Sequence[float] | None = None) -> Axis:
    """Label the base-10 log ``axis`` (``ax.xaxis`` or ``ax.yaxis``) with :func:`power_label`.

    Parameters
    ----------
    axis : matplotlib Axis
        Already log-scaled (setting a scale resets the labels).
    values : array_like, optional
        The positive values the axis shows (data, or limits). When they span two decades
        or more, at least two decades are labelled, and the unlabelled minor marks are
        left out: matplotlib draws them at about the cost of the whole curve.

    Returns
    -------
    matplotlib Axis
        ``axis``; which ticks carry labels stays matplotlib's own choice.
    """
    from matplotlib import ticker

    class PowerFormatter(ticker.LogFormatterSciNotation):
        def __call__(self, x, pos=None):
            return power_label(super().__call__(x, pos))

    # the labelling rules of matplotlib's own log scale, major and minor
    axis.set_major_formatter(PowerFormatter(10))
    axis.set_minor_formatter(PowerFormatter(10, labelOnlyBase=False))
    if values is not None:
        positive = np.asarray(values, dtype=np.float64)
        positive = positive[np.isfinite(positive) & (positive > 0)]
        if positive.size and np.log10(positive.max() / positive.min()) >= 2.0:
            axis.set_minor_locator(ticker.NullLocator())
    return axis


def plot_error_vs_step(steps: ArrayLike, errors: dict[str, ArrayLike], ax: Axes | None = None,
                       slopes: Sequence[int] = (1, 2)) -> Axes:
    """Log-log plot of the error of numerical derivatives against the step size.

    Parameters
    ----------
    steps : ndarray of shape (n_steps,)
        Step sizes h, positive.
    errors : dict of str to ndarray of shape (n_steps,)
        Absolute error of each method at each step; zeros are drawn at 1e-17.
    ax : matplotlib Axes, optional
    slopes : tuple of int
        Reference lines of these slopes (error proportional to h**slope).

    Returns
    -------
    matplotlib Axes
    """
    ax = new_axes(ax)
    steps = np.asarray(steps, dtype=np.float64)
    for label, error in errors.items():
        ax.loglog(steps, np.maximum(np.asarray(error, dtype=np.float64), 1e-17), "o-", ms=3,
                  label=label)
    anchor = steps[len(steps) // 2]
    for slope in slopes:
        ax.loglog(steps, 1e-3 * (steps / anchor) ** slope, ":", color="grey", lw=1)
        ax.annotate(f"slope {slope}", (steps[-1], 1e-3 * (steps[-1] / anchor) ** slope),
                    fontsize=8, color="grey", ha="right", va="bottom")
    ax.axvline(np.cbrt(np.finfo(float).eps), color="k", lw=0.8, ls="--")
    ax.set(xlabel="step size h", ylabel="absolute error", ylim=(1e-17, 1e2))
    power_ticks(ax.xaxis, steps)
    power_ticks(ax.yaxis, (1e-17, 1e2))
    set_title(ax, "Truncation error falls with h; round-off error grows")
    ax.legend(loc="lower left", fontsize=8)
    return ax


def plot_loss_curve(losses: ArrayLike, ax: Axes | None = None, log: bool = True,
                    label: str | None = None) -> Axes:
    """Loss against step (or iteration), on a log scale by default.

    Parameters
    ----------
    losses : ndarray of shape (n_steps,)
    ax : matplotlib Axes, optional
    log : bool, default True
    label : str, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = new_axes(ax)
    losses = np.asarray(losses, dtype=np.float64)
    ax.plot(np.arange(len(losses)), losses, label=label)
    if log:
        ax.set_yscale("log")
        power_ticks(ax.yaxis, losses)
    ax.set(xlabel="step", ylabel="loss")
    if label:
        ax.legend()
    return ax
