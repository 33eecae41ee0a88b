"""The loss explorer of notebook 1: a prediction and a target in, both losses and slopes out."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..losses import BCE_EPS
from ..validation import as_scalar

if TYPE_CHECKING:
    from ipywidgets import VBox
    from matplotlib.axes import Axes

__all__ = ["loss_values", "draw_losses", "loss_explorer"]


def loss_values(y_hat: float, t: float) -> dict[str, float]:
    """Squared error and binary cross-entropy of one prediction, with their slopes.

    Computed from the formulas directly (not the locked references), for one example.

    Parameters
    ----------
    y_hat : float
        Prediction in [0, 1].
    t : float
        Target in [0, 1].

    Returns
    -------
    dict
        ``se``, ``se_slope``, ``bce``, ``bce_slope``: each loss and its derivative
        with respect to ``y_hat``.

    Examples
    --------
    >>> values = loss_values(0.5, 1.0)
    >>> values["se"], values["se_slope"], values["bce_slope"]
    (0.25, -1.0, -2.0)
    """
    y_hat, t = as_scalar(y_hat, "y_hat"), as_scalar(t, "t")
    if not (0.0 <= y_hat <= 1.0 and 0.0 <= t <= 1.0):
        raise ValueError(f"y_hat and t must lie in [0, 1]; got y_hat={y_hat}, t={t}")
    p = min(max(y_hat, BCE_EPS), 1.0 - BCE_EPS)
    return {
        "se": (y_hat - t) ** 2,
        "se_slope": 2.0 * (y_hat - t),
        "bce": -(t * np.log(p) + (1.0 - t) * np.log1p(-p)),
        "bce_slope": (p - t) / (p * (1.0 - p)),
    }


@functools.lru_cache(maxsize=8)
def _curves(t):
    # both curves depend on the target alone, which has three slider positions
    grid = np.linspace(0.005, 0.995, 199)
    values = [loss_values(p, t) for p in grid]
    curves = {key: np.array([v[key] for v in values]) for key in ("se", "bce")}
    for array in (grid, *curves.values()):
        array.flags.writeable = False  # shared by every redraw
    return grid, curves


def draw_losses(axes: Sequence[Axes] | np.ndarray, y_hat: float = 0.3,
                t: float = 1.0) -> dict[str, float]:
    """Draw both losses against the prediction, with the point and its tangent.

    Parameters
    ----------
    axes : array of 2 matplotlib Axes
        Squared error on the left, cross-entropy on the right.
    y_hat, t : float
        As in :func:`loss_values`.

    Returns
    -------
    dict
        The values from :func:`loss_values`, as drawn.
    """
    from .plotting import set_title

    values = loss_values(y_hat, t)
    grid, curves = _curves(float(t))
    # plain-text ŷ and ² look like mathtext here and cost a tenth as much to draw
    titles = {"se": "squared error (ŷ \u2212 t)²", "bce": "binary cross-entropy"}
    for ax, key in zip(np.ravel(axes), ("se", "bce")):
        ax.plot(grid, curves[key], color="C0")
        slope = values[f"{key}_slope"]
        span = np.array([max(y_hat - 0.15, 0.0), min(y_hat + 0.15, 1.0)])
        ax.plot(span, values[key] + slope * (span - y_hat), color="C3", lw=2)
        ax.plot([y_hat], [values[key]], "o", color="C3")
        ax.axvline(t, color="grey", ls=":", lw=1)
        ax.set(xlabel="prediction ŷ", ylim=(-0.1, 5), xlim=(0, 1), yticks=range(6))
        set_title(ax, f"{titles[key]}\nloss {values[key]:.3f}, slope {slope:+.3f}")
    np.ravel(axes)[1].tick_params(labelleft=False)  # same scale as on the left
    return values


def loss_explorer() -> VBox | None:
    """Sliders for the prediction and the target; both losses redrawn (None while grading)."""
    from .widgets import explorer_from, float_slider

    controls = {"y_hat": float_slider("prediction y_hat", 0.3, 0.0, 1.0, 0.01),
                "t": float_slider("target t", 1.0, 0.0, 1.0, 0.5)}
    return explorer_from(draw_losses, controls, ncols=2,
                         margins=dict(left=0.45, right=0.2, bottom=0.55, top=0.55, gap=0.35))
