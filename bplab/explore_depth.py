"""Explorers for the gradients of a network, layer by layer.

* Notebook 5 (:func:`weight_explorer`): one weight of a small network on a slider; the loss
  as a function of that weight with its tangent (whose slope is the backprop gradient),
  and the size of every layer's gradient, redrawn.
* Notebook 7 (:func:`depth_explorer`): depth, initial scale and activation of a deep
  network; the norm of ``dL/dW`` in every layer, redrawn on a log scale.

Each explorer is a pure values function, a pure draw function (``draw(axes, **values)``)
and a thin widget layer built with :func:`bplab.widgets.explorer`. The gradients come
from :mod:`bplab.mlp`, called with the course's references unlocked.
"""

import numpy as np

from . import mlp
from .course import grading, references_unlocked
from .validation import as_scalar

__all__ = ["weight_slope_values", "draw_weight_slope", "weight_explorer",
           "depth_norms", "draw_depth_norms", "depth_explorer"]

_SIZES = [2, 4, 4, 1]
_WEIGHT = ("W2", (0, 0))


def weight_slope_values(w=0.5, N=8):
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
    params, X, t = mlp.example_problem(_SIZES, 16, seed=5, loss="mse")
    X, t = X[:N], t[:N]
    key, index = _WEIGHT
    grid = np.linspace(-3.0, 3.0, 61)
    with references_unlocked():
        def at(value):
            trial = {k: v.copy() for k, v in params.items()}
            trial[key][index] = value
            return mlp.loss_and_grads(trial, X, t, hidden="tanh", loss="mse")

        curve = np.array([at(value)[0] for value in grid])
        loss, grads = at(w)
    return {"grid": grid, "curve": curve, "loss": loss, "slope": float(grads[key][index]),
            "norms": np.array([np.linalg.norm(grads[f"W{l}"]) for l in (1, 2, 3)])}


def draw_weight_slope(axes, w=0.5, N=8):
    """Left: the loss against ``W2[0, 0]`` with its tangent. Right: ``|dW^l|`` per layer."""
    values = weight_slope_values(w, N)
    left, right = np.ravel(axes)
    left.plot(values["grid"], values["curve"], color="C0")
    span = np.array([w - 0.6, w + 0.6])
    left.plot(span, values["loss"] + values["slope"] * (span - w), color="C3", lw=2)
    left.plot([w], [values["loss"]], "o", color="C3")
    left.set(xlabel="weight W2[0, 0]", ylabel="mean loss", xlim=(-3, 3),
             title=f"loss {values['loss']:.4f}\nbackprop slope dW2[0, 0] = {values['slope']:+.4f}")
    layers = np.arange(1, 4)
    right.bar(layers, values["norms"], color=["C0", "C3", "C0"])
    right.set(xticks=layers, xticklabels=["dW1", "dW2", "dW3"], ylabel="Frobenius norm",
              ylim=(0, max(0.05, 1.2 * values["norms"].max())),
              title=f"gradient of each layer\nbatch of N = {N}")
    return values


def weight_explorer():
    """Sliders for ``W2[0, 0]`` and the batch size (None while grading)."""
    from .widgets import explorer

    if grading():
        return None
    import ipywidgets as widgets

    style = {"description_width": "initial"}
    controls = {
        "w": widgets.FloatSlider(value=0.5, min=-3.0, max=3.0, step=0.1,
                                 description="weight W2[0, 0]", style=style),
        "N": widgets.IntSlider(value=8, min=1, max=16, description="batch size N", style=style),
    }
    return explorer(draw_weight_slope, controls, ncols=2)


def depth_norms(depth=10, gain=1.0, activation="sigmoid", width=16, N=32, seed=0):
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
    from .jacobians import deep_network, gradient_norms

    rng = np.random.default_rng(seed)
    params = deep_network(depth, width, gain, rng)
    X, t = rng.standard_normal((N, width)), rng.standard_normal((N, width))
    with references_unlocked():
        return gradient_norms(params, X, t, activation)


def draw_depth_norms(ax, depth=10, gain=1.0, activation="sigmoid"):
    """Gradient norm per layer on a log scale: ``activation`` bold, the other two faint.

    Returns
    -------
    ndarray of shape (depth,)
        The norms drawn for ``activation``.
    """
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
           ylim=(1e-14, 1e6), xlim=(0.5, depth + 0.5),
           title=f"{activation}, depth {depth}, Var(W) = {gain ** 2:.2f} / n_in\n"
                 f"first layer / last layer = {ratio:.2g}")
    ax.legend(loc="lower right", fontsize=8)
    return chosen


def depth_explorer():
    """Sliders for depth and initial scale, a menu for the activation (None while grading)."""
    from .widgets import explorer

    if grading():
        return None
    import ipywidgets as widgets

    style = {"description_width": "initial"}
    controls = {
        "depth": widgets.IntSlider(value=10, min=2, max=40, description="depth L", style=style),
        "gain": widgets.FloatSlider(value=1.0, min=0.25, max=3.0, step=0.05,
                                    description="init scale (gain)", style=style),
        "activation": widgets.Dropdown(options=["sigmoid", "tanh", "relu"], value="sigmoid",
                                       description="activation", style=style),
    }
    return explorer(draw_depth_norms, controls, figsize=(8, 4.2))
