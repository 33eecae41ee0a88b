"""Explorers for the gradients of a network, layer by layer.

* Notebook 5 (:func:`weight_explorer`): one weight of a small network on a slider; the loss
  as a function of that weight with its tangent (whose slope is the backprop gradient),
  and the size of every layer's gradient, redrawn.
* Notebook 7 (:func:`depth_explorer`): depth, initial scale and activation of a deep
  network; the norm of ``dL/dW`` in every layer, redrawn on a log scale.

Each explorer is a pure values function, a pure draw function (``draw(axes, **values)``)
and a thin widget layer built with :func:`bplab.explore.widgets.explorer_from`. The
gradients come from :mod:`bplab.mlp`, called with the course's references unlocked.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import mlp
from ..course import references_unlocked
from ..validation import as_scalar

if TYPE_CHECKING:
    from ipywidgets import VBox
    from matplotlib.axes import Axes

__all__ = ["weight_slope_values", "draw_weight_slope", "weight_explorer",
           "depth_norms", "draw_depth_norms", "depth_explorer"]

_SIZES = [2, 4, 4, 1]
_WEIGHT = ("W2", (0, 0))
_NORM_RANGE = (1e-14, 1e6)


def weight_slope_values(w: float = 0.5, N: int = 8) -> dict[str, Any]:
    """Loss and gradients of a 2-4-4-1 tanh network as one weight, ``W2[0, 0]``, varies.

    Parameters
    ----------
    w : float
        Value given to ``W2[0, 0]``.
    N : int
        Number of examples used (the first N of a fixed batch of 16).

    Returns
    -------
    dict
        ``grid`` and ``curve`` (the loss against the weight), ``loss`` and ``slope`` (the
        loss and ``dW2[0, 0]`` at ``w``), and ``norms``, shape (3,), the Frobenius norm of
        ``dW1``, ``dW2``, ``dW3``.

    Examples
    --------
    >>> values = weight_slope_values(0.5, 4)
    >>> values["norms"].shape, bool(values["loss"] > 0)
    ((3,), True)
    """
    w = as_scalar(w, "w")
    N = as_scalar(N, "N", positive=True, integer=True)
    grid, curve = _loss_curve(N)
    loss, grads = _loss_at(w, N)
    key, index = _WEIGHT
    return {"grid": grid.copy(), "curve": curve.copy(), "loss": loss,
            "slope": float(grads[key][index]),
            "norms": np.array([np.linalg.norm(grads[f"W{l}"]) for l in (1, 2, 3)])}


def _loss_at(w, N):
    """Loss and gradients with ``W2[0, 0] = w`` on the first N examples of the batch."""
    params, X, t = mlp.example_problem(_SIZES, 16, seed=5, loss="mse")
    key, index = _WEIGHT
    params[key][index] = w
    with references_unlocked():
        return mlp.loss_and_grads(params, X[:N], t[:N], hidden="tanh", loss="mse")


@functools.lru_cache(maxsize=16)
def _loss_curve(N):
    # the curve depends on the batch size alone: once per slider position, not per move
    grid = np.linspace(-3.0, 3.0, 61)
    curve = np.array([_loss_at(value, N)[0] for value in grid])
    grid.flags.writeable = curve.flags.writeable = False
    return grid, curve


def draw_weight_slope(axes: Sequence[Axes] | np.ndarray, w: float = 0.5,
                      N: int = 8) -> dict[str, Any]:
    """Left: the loss against ``W2[0, 0]`` with its tangent. Right: ``|dW^l|`` per layer."""
    from .plotting import set_title

    values = weight_slope_values(w, N)
    left, right = np.ravel(axes)
    left.plot(values["grid"], values["curve"], color="C0")
    span = np.array([w - 0.6, w + 0.6])
    left.plot(span, values["loss"] + values["slope"] * (span - w), color="C3", lw=2)
    left.plot([w], [values["loss"]], "o", color="C3")
    left.set(xlabel="weight W2[0, 0]", ylabel="mean loss", xlim=(-3, 3))
    set_title(left, f"loss {values['loss']:.4f}\nbackprop slope dW2[0, 0] = {values['slope']:+.4f}")
    layers = np.arange(1, 4)
    right.bar(layers, values["norms"], color=["C0", "C3", "C0"])
    right.set(xticks=layers, xticklabels=["dW1", "dW2", "dW3"], ylabel="Frobenius norm",
              ylim=(0, max(0.05, 1.2 * values["norms"].max())))
    set_title(right, f"gradient of each layer\nbatch of N = {N}")
    for ax in (left, right):
        ax.locator_params(axis="y", nbins=5)  # four or five labels read as well as nine
    return values


def weight_explorer() -> VBox | None:
    """Sliders for ``W2[0, 0]`` and the batch size (None while grading)."""
    from .widgets import explorer_from, float_slider, int_slider

    controls = {"w": float_slider("weight W2[0, 0]", 0.5, -3.0, 3.0, 0.1),
                "N": int_slider("batch size N", 8, 1, 16)}
    return explorer_from(draw_weight_slope, controls, ncols=2,
                         margins=dict(left=0.7, right=0.2, bottom=0.55, top=0.55, gap=1.0))


def depth_norms(depth: int = 10, gain: float = 1.0, activation: str = "sigmoid", width: int = 16,
                N: int = 32, seed: int = 0) -> np.ndarray:
    """Per-layer gradient norms of a deep network with a linear output and half squared error.

    Parameters
    ----------
    depth : int
        Number of weight layers.
    gain : float
        Initial scale: weights have variance gain^2 / n_in (1 is Xavier, sqrt(2) is He).
    activation : {"sigmoid", "tanh", "relu"}
    width, N, seed : int
        Units per layer, batch size, and seed of the weights and data.

    Returns
    -------
    ndarray of shape (depth,)
        ``||dL/dW^l||_F`` for l = 1..depth (see :func:`bplab.jacobians.gradient_norms`).

    Examples
    --------
    >>> depth_norms(8, 1.0, "sigmoid").shape
    (8,)
    """
    return _depth_norms(int(depth), float(gain), activation, int(width), int(N), int(seed)).copy()


@functools.lru_cache(maxsize=32)
def _depth_norms(depth, gain, activation, width, N, seed):
    # the explorer draws all three activations at each move; a move of the menu alone
    # (or back to a value already seen) computes nothing
    from ..jacobians import deep_network, gradient_norms

    rng = np.random.default_rng(seed)
    params = deep_network(depth, width, gain, rng)
    X, t = rng.standard_normal((N, width)), rng.standard_normal((N, width))
    with references_unlocked():
        norms = gradient_norms(params, X, t, activation)
    norms.flags.writeable = False
    return norms


def draw_depth_norms(ax: Axes | np.ndarray, depth: int = 10, gain: float = 1.0,
                     activation: str = "sigmoid") -> np.ndarray:
    """Gradient norm per layer on a log scale: ``activation`` bold, the other two faint.

    Returns
    -------
    ndarray of shape (depth,)
        The norms drawn for ``activation``.
    """
    from .plotting import power_ticks, set_title

    ax = np.ravel(ax)[0] if isinstance(ax, np.ndarray) else ax
    layers = np.arange(1, depth + 1)
    chosen = None
    for index, name in enumerate(("sigmoid", "tanh", "relu")):
        norms = depth_norms(depth, gain, name)
        shown = np.maximum(norms, 1e-30)
        if name == activation:
            chosen = norms
            ax.semilogy(layers, shown, "o-", color=f"C{index}", lw=2.5, label=name)
        else:
            ax.semilogy(layers, shown, "--", color=f"C{index}", lw=1, alpha=0.5, label=name)
    ratio = chosen[0] / chosen[-1] if chosen[-1] > 0 else 0.0
    ax.set(xlabel="layer l (1 = nearest the input)", ylabel="||dL/dW^l|| (log scale)",
           ylim=_NORM_RANGE, xlim=(0.5, depth + 0.5))
    power_ticks(ax.yaxis, _NORM_RANGE)
    set_title(ax, f"{activation}, depth {depth}, Var(W) = {gain ** 2:.2f} / n_in\n"
                  f"first layer / last layer = {ratio:.2g}")
    ax.legend(loc="lower right", fontsize=8)
    return chosen


def depth_explorer() -> VBox | None:
    """Sliders for depth and initial scale, a menu for the activation (None while grading)."""
    from .widgets import choice, explorer_from, float_slider, int_slider

    controls = {"depth": int_slider("depth L", 10, 2, 40),
                "gain": float_slider("init scale (gain)", 1.0, 0.25, 3.0, 0.05),
                "activation": choice("activation", ["sigmoid", "tanh", "relu"], "sigmoid")}
    return explorer_from(draw_depth_norms, controls, figsize=(8, 4.2),
                         margins=dict(left=0.8, right=0.2, bottom=0.55, top=0.55))
