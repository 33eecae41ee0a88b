"""Pictures of XOR learning: snapshots over training and an iteration slider.

Training is computed once (:func:`snapshots`); the explorer's slider only picks a
snapshot, so redrawing is fast. Drawing functions are pure and take their axes. Studies
over many runs (learning rates, seeds, failures) are in :mod:`bplab.explore.xor_study`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from .. import xor
from ..course import grading, references_unlocked

if TYPE_CHECKING:
    from ipywidgets import VBox
    from matplotlib.axes import Axes

__all__ = ["snapshots", "draw_points", "draw_boundary", "draw_hidden", "draw_xor",
           "xor_explorer"]

_GRID = np.linspace(-0.5, 1.5, 61)
_COLORS = np.array(["C0", "C3"])  # target 0, target 1
_TICKS = (0.0, 1.0)  # where the points sit; every tick label adds to a redraw's time


def snapshots(seed: int = 283, lr: float = 0.5, n_iterations: int = 10_000,
              every: int = 100) -> dict[str, Any]:
    """Train one network from ``seed`` and keep its parameters every ``every`` iterations.

    Training is deterministic, so a run is computed once per set of arguments and kept
    (the last few runs): the notebook's table and its explorer show the same run, and
    the explorer does not train it again. Each call returns its own copy.

    Returns
    -------
    dict
        ``iterations`` (K,), ``params`` (stacked, leading axis K), ``losses`` (K,),
        ``A1`` (K, 4, 2) hidden activations of the four points, ``grid`` (K, G, G)
        network output over the input square, with K = n_iterations // every + 1.

    Examples
    --------
    >>> snap = snapshots(seed=283, n_iterations=200, every=100)
    >>> snap["iterations"], snap["A1"].shape
    (array([  0, 100, 200]), (3, 4, 2))
    """
    kept = trained_snapshots(int(seed), float(lr), int(n_iterations), int(every))
    return {key: ({k: v.copy() for k, v in value.items()} if isinstance(value, dict)
                  else value.copy()) for key, value in kept.items()}


@functools.lru_cache(maxsize=4)
def trained_snapshots(seed: int, lr: float, n_iterations: int, every: int) -> dict[str, Any]:
    """One training run, kept every ``every`` steps; cached, so the explorer reuses the run
    the notebook just printed. Callers get copies through :func:`snapshots`."""
    X, t = xor.xor_data()
    params = {k: v[None] for k, v in xor.init_params(np.random.default_rng(seed)).items()}
    kept = [params]
    with references_unlocked():
        for _ in range(n_iterations // every):
            params = xor.train_batch(params, X, t, lr, every)
            kept.append(params)
    stacked = {k: np.concatenate([p[k] for p in kept]) for k in xor.PARAMS}
    gx, gy = np.meshgrid(_GRID, _GRID)
    A1, _ = xor.forward(stacked, X)
    _, out = xor.forward(stacked, np.column_stack([gx.ravel(), gy.ravel()]))
    return {"iterations": every * np.arange(len(kept)), "params": stacked,
            "losses": xor.loss(stacked, X, t), "A1": A1,
            "grid": out[:, :, 0].reshape(len(kept), len(_GRID), len(_GRID))}


def draw_points(ax: Axes | None = None, points: ArrayLike | None = None,
                title: str = "XOR: no line separates red (t=1) from blue (t=0)") -> Axes:
    """Scatter the four XOR points (or their images ``points`` (4, 2)) coloured by target."""
    from matplotlib.transforms import offset_copy

    from .plotting import new_axes, set_title

    ax = new_axes(ax, figsize=(4, 4))
    X, t = xor.xor_data()
    points = X if points is None else np.asarray(points)
    ax.scatter(points[:, 0], points[:, 1], c=_COLORS[t[:, 0].astype(int)], s=90,
               edgecolors="k", zorder=3)
    for (x0, x1), p in zip(X, points):  # labels point away from the square's centre
        # a text shifted by a fixed offset: what an annotation without arrow draws, cheaper
        shift = offset_copy(ax.transData, fig=ax.figure, x=6 if x0 else -30, y=6 if x1 else -14,
                            units="points")
        ax.text(p[0], p[1], f"({x0:.0f},{x1:.0f})", fontsize=9, transform=shift)
    ax.set_aspect("equal")
    set_title(ax, title)
    return ax


def draw_boundary(grid: ArrayLike, ax: Axes | None = None, title: str = "input space") -> Axes:
    """Network output over the input square (G, G) with its 0.5 contour and the points."""
    from .plotting import new_axes

    ax = new_axes(ax, figsize=(4, 4))
    ax.contourf(_GRID, _GRID, grid, levels=np.linspace(0, 1, 11), cmap="coolwarm", alpha=0.6)
    if grid.min() < 0.5 < grid.max():
        ax.contour(_GRID, _GRID, grid, levels=[0.5], colors="k", linewidths=2)
    draw_points(ax, title=title)
    ax.set(xlabel="x\u2081", ylabel="x\u2082", xlim=(-0.5, 1.5), ylim=(-0.5, 1.5),
           xticks=_TICKS, yticks=_TICKS)
    return ax


def draw_hidden(A1: ArrayLike, W2: ArrayLike, b2: ArrayLike, ax: Axes | None = None,
                title: str = "hidden space") -> Axes:
    """The four points as the hidden layer sees them, A1 (4, 2), and the output's 0.5 line.

    The output is 0.5 where W2 @ a + b2 = 0: a straight line in hidden space.
    """
    from .plotting import new_axes

    ax = new_axes(ax, figsize=(4, 4))
    w, b = np.ravel(W2), float(np.ravel(b2)[0])
    a = np.linspace(-0.05, 1.05, 2)
    if abs(w[1]) > 1e-12:
        ax.plot(a, -(w[0] * a + b) / w[1], "k-", lw=2)
    elif abs(w[0]) > 1e-12:
        ax.axvline(-b / w[0], color="k", lw=2)
    draw_points(ax, A1, title=title)
    ax.set(xlabel="hidden unit 1, a\u2081", ylabel="hidden unit 2, a\u2082",
           xlim=(-0.05, 1.05), ylim=(-0.05, 1.05), xticks=_TICKS, yticks=_TICKS)
    return ax


def draw_xor(axes: Sequence[Axes] | np.ndarray, iteration: int = 0,
             snap: dict[str, Any] | None = None) -> int:
    """Boundary, hidden representation and loss curve at ``iteration`` (a snapshot's)."""
    from .plotting import power_ticks, set_title

    snap = snapshots() if snap is None else snap
    k = int(np.argmin(np.abs(snap["iterations"] - iteration)))
    ax_in, ax_hidden, ax_loss = np.ravel(axes)
    p = {name: value[k] for name, value in snap["params"].items()}
    draw_boundary(snap["grid"][k], ax_in, title=f"input space, iteration {snap['iterations'][k]}")
    draw_hidden(snap["A1"][k], p["W2"], p["b2"], ax_hidden)
    ax_loss.plot(snap["iterations"], snap["losses"])
    ax_loss.plot(snap["iterations"][k], snap["losses"][k], "o", color="C3")
    # whole decades: every decade is labelled, and the unlabelled minor marks (each drawn
    # at about the cost of a label) can go when the loss spans two or more
    decades = np.log10([snap["losses"].min(), snap["losses"].max()])
    limits = 10.0 ** np.floor(decades[0]), 10.0 ** np.ceil(decades[1])
    ax_loss.set(yscale="log", xlabel="iteration", ylabel="loss L", ylim=limits)
    ax_loss.set_xticks(np.linspace(0, snap["iterations"][-1], 3))
    power_ticks(ax_loss.yaxis, limits)
    set_title(ax_loss, f"loss {snap['losses'][k]:.4f}")
    return k


def xor_explorer(seed: int = 283, lr: float = 0.5, n_iterations: int = 10_000,
                 every: int = 100) -> VBox | None:
    """An iteration slider over precomputed snapshots (None while grading)."""
    from .widgets import explorer_from, int_slider

    if grading():
        return None  # training the run is not worth it then
    snap = snapshots(seed, lr, n_iterations, every)
    slider = int_slider("iteration", 0, 0, n_iterations, step=every, continuous_update=True)
    return explorer_from(functools.partial(draw_xor, snap=snap), {"iteration": slider},
                         figsize=(12, 4), ncols=3, style=None,
                         margins=dict(left=0.65, right=0.2, bottom=0.55, top=0.35, gap=0.9))
