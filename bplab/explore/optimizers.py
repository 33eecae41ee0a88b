"""Notebook 10's explorer: gradient descent, momentum and Adam in Booth's narrow valley.

:func:`optimizer_paths` runs the three update rules of :mod:`bplab.optimizers` from one
start on notebook 2's Booth function, whose valley is nine times steeper across than
along; :func:`draw_optimizers` draws the paths on the contours and the loss per step;
:func:`optimizer_explorer` puts sliders on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import booth, optimizers
from ..course import references_unlocked
from ..validation import as_scalar
from .booth import plot_contour
from .plotting import power_ticks, set_title

if TYPE_CHECKING:
    from ipywidgets import VBox
    from matplotlib.axes import Axes

__all__ = ["START", "optimizer_paths", "draw_optimizers", "optimizer_explorer"]

START = np.array([-6.0, 8.0])
"""Where every path starts: notebook 2's start on Booth's function."""

_COLOURS = {"gradient descent": "C3", "momentum": "C0", "Adam": "C2"}


def optimizer_paths(lr: float = 0.02, beta: float = 0.9, adam_lr: float = 0.5,
                    n_steps: int = 60) -> dict[str, dict[str, np.ndarray]]:
    """The paths and losses of the three rules on Booth's function.

    Parameters
    ----------
    lr : float
        Learning rate of gradient descent and of momentum.
    beta : float
        Momentum's ``beta``, in [0, 1).
    adam_lr : float
        Adam's learning rate (its steps are about ``adam_lr`` long, whatever the gradient).
    n_steps : int

    Returns
    -------
    dict
        For each rule, ``"path"`` (ndarray of shape (n_steps + 1, 2)) and ``"losses"``
        (shape (n_steps + 1,)).

    Examples
    --------
    >>> paths = optimizer_paths(n_steps=100)
    >>> {name: bool(run["losses"][-1] < 0.01) for name, run in paths.items()}
    {'gradient descent': False, 'momentum': True, 'Adam': True}
    """
    lr = as_scalar(lr, "lr", positive=True)
    adam_lr = as_scalar(adam_lr, "adam_lr", positive=True)
    n_steps = as_scalar(n_steps, "n_steps", positive=True, integer=True)
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"beta must be in [0, 1); got {beta!r}")
    rules = {"gradient descent": (optimizers.sgd_rule(lr), None),
             "momentum": (lambda p, g, s: optimizers.momentum_step(p, g, s, lr, beta),
                          {"p": np.zeros(2)}),
             "Adam": (lambda p, g, s: optimizers.adam_step(p, g, s, adam_lr),
                      optimizers.adam_state({"p": np.zeros(2)}))}
    runs = {}
    with references_unlocked(), np.errstate(over="ignore", invalid="ignore"):
        for name, (rule, state) in rules.items():
            params, path = {"p": START.copy()}, [START.copy()]
            for _ in range(n_steps):
                grads = {"p": np.array(booth.booth_grad(*params["p"]))}
                params, state = rule(params, grads, state)
                path.append(params["p"])
            path = np.array(path)
            runs[name] = {"path": path, "losses": booth.booth(path[:, 0], path[:, 1])}
    return runs


def draw_optimizers(axes: Sequence[Axes] | np.ndarray, lr: float = 0.02, beta: float = 0.9,
                    adam_lr: float = 0.5, n_steps: int = 60) -> dict[str, Any]:
    """Draw the three paths on Booth's contours (left) and their losses (right).

    Parameters
    ----------
    axes : array of 2 matplotlib Axes
    lr, beta, adam_lr, n_steps
        As in :func:`optimizer_paths`.

    Returns
    -------
    dict
        What :func:`optimizer_paths` returned, as drawn.
    """
    runs = optimizer_paths(lr, beta, adam_lr, n_steps)
    left, right = np.ravel(axes)[:2]
    plot_contour(None, ax=left)
    shown = []
    for name, run in runs.items():
        path = np.clip(run["path"], -10.0, 10.0)
        left.plot(path[:, 0], path[:, 1], ".-", color=_COLOURS[name], ms=3, lw=1, label=name)
        losses = np.clip(np.nan_to_num(run["losses"], nan=1e12, posinf=1e12), 1e-12, 1e12)
        right.semilogy(losses, color=_COLOURS[name], label=f"{name}: {losses[-1]:.2g}")
        shown.append(losses)
    left.legend(fontsize=8, loc="lower left")
    set_title(left, f"lr = {lr:g}, beta = {beta:g}, Adam's lr = {adam_lr:g}", fontsize=9)
    right.set(xlabel="step", ylabel="f(x, y), log scale")
    right.legend(fontsize=8, loc="upper right")
    power_ticks(right.yaxis, np.concatenate(shown))
    set_title(right, f"loss after {n_steps} steps")
    return runs


def optimizer_explorer() -> VBox | None:
    """Sliders for the learning rates, momentum's beta and the steps (None while grading)."""
    from .widgets import explorer_from, float_slider, int_slider

    controls = {"lr": float_slider("lr", 0.02, 0.002, 0.11, 0.002, readout_format=".3f"),
                "beta": float_slider("beta", 0.9, 0.0, 0.99, 0.01),
                "adam_lr": float_slider("Adam's lr", 0.5, 0.05, 2.0, 0.05),
                "n_steps": int_slider("steps", 60, 5, 200)}
    return explorer_from(draw_optimizers, controls, figsize=(10, 4.4), ncols=2,
                         margins=dict(left=0.75, right=0.2, bottom=0.55, top=0.5, gap=1.0))
