"""Pictures of gradient descent on Booth's function, and the explorer of notebook 2.

The plotting functions take a path (whatever code produced it) and ``ax=None``, and return
the axes. :func:`descent_values` and :func:`draw_descent` are pure, so tests call them
headless; :func:`descent_explorer` is a thin layer of sliders over them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from .. import booth
from ..course import references_unlocked
from .plotting import new_axes, power_ticks, set_title
from ..validation import as_array, as_scalar

if TYPE_CHECKING:
    from ipywidgets import VBox
    from matplotlib.axes import Axes

__all__ = ["WINDOW", "SLOW", "LEVELS", "plot_contour", "plot_surface", "descent_values",
           "draw_descent", "descent_explorer"]

WINDOW = (-10.0, 10.0)
"""Both axes of the contour plots span this interval."""

SLOW = 0.97
"""A worst contraction factor at or above this counts as slow (30 steps keep 40% or more)."""

LEVELS = np.logspace(-1, 3.5, 16)
"""Contour levels of Booth's function: log-spaced, so the narrow valley shows."""

_TICKS = np.linspace(WINDOW[0], WINDOW[1], 5)


@functools.lru_cache(maxsize=2)
def _grid(n=121):
    # the function does not change with the sliders: evaluated once per resolution
    side = np.linspace(WINDOW[0], WINDOW[1], n)
    X, Y = np.meshgrid(side, side)
    with references_unlocked():
        F = booth.booth(X, Y)
    for array in (X, Y, F):
        array.flags.writeable = False  # shared by every call
    return X, Y, F


def plot_contour(path: ArrayLike | None = None, ax: Axes | None = None, label: str | None = None,
                 color: str = "C3") -> Axes:
    """Contours of Booth's function (log-spaced levels), with a descent path on top.

    Parameters
    ----------
    path : ndarray of shape (n_points, 2), optional
        Points visited, first row the start; points off the window are clipped.
    ax : matplotlib Axes, optional
    label : str, optional
        Legend entry for the path.
    color : str

    Returns
    -------
    matplotlib Axes
    """
    ax = new_axes(ax, figsize=(5, 4.5))
    X, Y, F = _grid()
    ax.contour(X, Y, F, levels=LEVELS, cmap="viridis", linewidths=0.8)
    ax.plot(*booth.MINIMUM, "*", color="k", ms=12, label="minimum (1, 3)")
    if path is not None:
        path = as_array(path, "path", ndim=2, finite=False)
        ax.plot(path[:, 0], path[:, 1], "o-", color=color, ms=3, lw=1.2, label=label)
        ax.plot(path[0, 0], path[0, 1], "s", color=color, ms=7)
    ax.set(xlim=WINDOW, ylim=WINDOW, xlabel="x", ylabel="y", aspect="equal", xticks=_TICKS,
           yticks=_TICKS)
    if label is None:  # the legend's one entry as a boxed text: the same, drawn faster
        ax.text(0.03, 0.03, "\u2605 minimum (1, 3)", transform=ax.transAxes, fontsize=8,
                bbox=dict(boxstyle="round", fc="white", ec="0.8", alpha=0.8))
    else:
        ax.legend(loc="lower left", fontsize=8)
    return ax


def plot_surface(path: ArrayLike | None = None, ax: Axes | None = None) -> Axes:
    """Booth's function as a 3-D surface, with a descent path drawn on it.

    Parameters
    ----------
    path : ndarray of shape (n_points, 2), optional
    ax : matplotlib 3-D Axes, optional
        Made with ``projection="3d"`` when None.

    Returns
    -------
    matplotlib 3-D Axes
    """
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.figure(figsize=(6, 4.5), layout="constrained").add_subplot(projection="3d")
    X, Y, F = _grid(41)
    ax.plot_surface(X, Y, F, cmap="viridis", alpha=0.6, linewidth=0)
    if path is not None:
        path = as_array(path, "path", ndim=2, finite=False)
        inside = np.all((path >= WINDOW[0]) & (path <= WINDOW[1]), axis=1)
        with references_unlocked():
            height = booth.booth(path[inside, 0], path[inside, 1])
        ax.plot(path[inside, 0], path[inside, 1], height, "o-", color="C3", ms=3, zorder=5)
    ax.set(xlabel="x", ylabel="y", zlabel="f(x, y)")
    return ax


def descent_values(lr: float = 0.05, x0: float = -6.0, y0: float = 8.0,
                   n_steps: int = 30) -> dict[str, Any]:
    """Run gradient descent on Booth's function and classify what happens.

    Parameters
    ----------
    lr : float
        Learning rate, positive.
    x0, y0 : float
        Start point.
    n_steps : int
        Number of updates.

    Returns
    -------
    dict
        ``path`` (ndarray of shape (n_steps + 1, 2)), ``losses`` (shape (n_steps + 1,)),
        ``factor`` (the worst contraction factor per step, see
        :func:`bplab.booth.contraction_factor`) and ``behaviour``: ``"converges"``,
        ``"converges slowly"`` (factor at least ``SLOW``), ``"zig-zags"`` (converges while
        overshooting across the valley), ``"oscillates"`` (zig-zags with a factor of at
        least ``SLOW``, up to exactly 1 at lr = 1/9) or ``"diverges"`` (factor above 1).

    Examples
    --------
    >>> [descent_values(lr)["behaviour"] for lr in (0.01, 0.05, 0.1, 0.11, 1 / 9, 0.12)]
    ['converges slowly', 'converges', 'zig-zags', 'oscillates', 'oscillates', 'diverges']
    """
    lr = as_scalar(lr, "lr", positive=True)
    start = np.array([as_scalar(x0, "x0"), as_scalar(y0, "y0")])
    with references_unlocked():
        path = booth.gradient_descent(lambda p: np.array(booth.booth_grad(p[0], p[1])),
                                      start, lr, n_steps)
        losses = booth.booth(path[:, 0], path[:, 1])
    factor = float(booth.contraction_factor(lr))
    overshoots = lr * booth.hessian_eigenvalues()[-1] > 1.0
    if factor > 1.0 + 1e-9:
        behaviour = "diverges"
    elif factor >= SLOW:
        behaviour = "oscillates" if overshoots else "converges slowly"
    else:
        behaviour = "zig-zags" if overshoots else "converges"
    return {"path": path, "losses": losses, "factor": factor, "behaviour": behaviour}


def draw_descent(axes: Sequence[Axes] | np.ndarray, lr: float = 0.05, x0: float = -6.0,
                 y0: float = 8.0, n_steps: int = 30) -> dict[str, Any]:
    """Draw the descent path on the contours (left) and the loss per step (right).

    Parameters
    ----------
    axes : array of 2 matplotlib Axes
    lr, x0, y0, n_steps
        As in :func:`descent_values`.

    Returns
    -------
    dict
        The values from :func:`descent_values`, as drawn.
    """
    values = descent_values(lr, x0, y0, n_steps)
    left, right = np.ravel(axes)[:2]
    plot_contour(values["path"], ax=left)
    set_title(left, f"lr = {lr:.3f}: {values['behaviour']}\n"
                    f"(distance to the minimum x {values['factor']:.3f} per step at worst)",
              fontsize=9)
    losses = np.maximum(values["losses"], 1e-300)
    right.semilogy(np.arange(len(losses)), losses, "o-", ms=3, color="C3")
    right.axhline(losses[0], color="grey", lw=0.8, ls=":")
    right.set(xlabel="step", ylabel="f(x, y), log scale")
    right.locator_params(axis="x", nbins=5)  # a few round step counts are enough
    power_ticks(right.yaxis, losses)
    set_title(right, f"loss after {n_steps} steps: {values['losses'][-1]:.3g}")
    return values


def descent_explorer() -> VBox | None:
    """Sliders for learning rate, start point and steps (None while grading)."""
    from .widgets import explorer_from, float_slider, int_slider

    controls = {"lr": float_slider("learning rate lr", 0.05, 0.005, 0.125, 0.001,
                                   readout_format=".3f"),
                "x0": float_slider("x0", -6.0, -9.0, 9.0, 0.5),
                "y0": float_slider("y0", 8.0, -9.0, 9.0, 0.5),
                "n_steps": int_slider("steps", 30, 1, 100)}
    return explorer_from(draw_descent, controls, figsize=(10, 4.4), ncols=2,
                         margins=dict(left=0.75, right=0.2, bottom=0.55, top=0.5, gap=1.0))
