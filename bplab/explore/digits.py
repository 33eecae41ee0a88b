"""Pictures of notebook 9: digits, learning curves, a confusion matrix, and an explorer.

Every drawing function takes ``ax=None`` (or ``axes=None`` for two panels), draws and
returns what it drew on; none calls ``plt.show()``. The explorer is a pure function
(:func:`curve_values`, the curves of a small network trained with :mod:`bplab.training`,
computed once for every setting of the sliders and kept by :mod:`.digit_curves`), a pure
drawing (:func:`draw_curves`) and a thin widget layer (:func:`curve_explorer`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..digits import IMAGE_SHAPE
from .digit_curves import BATCH_SIZES, LEARNING_RATES, WIDTHS, curve
from .digit_curves import EPOCHS as EXPLORER_EPOCHS

if TYPE_CHECKING:
    from ipywidgets import VBox
    from matplotlib.axes import Axes

__all__ = ["montage", "plot_digits", "plot_learning_curves", "plot_confusion",
           "plot_misclassified", "curve_values", "draw_curves", "curve_explorer",
           "LEARNING_RATES", "WIDTHS", "BATCH_SIZES"]


def montage(X: np.ndarray, ncols: int = 10, pad: int = 1) -> np.ndarray:
    """Tile rows of 64 pixels into one image, ``ncols`` digits a row, ``pad`` pixels apart.

    Returns
    -------
    ndarray of shape (rows * (8 + pad) - pad, ncols * (8 + pad) - pad)
        Gaps are NaN, so they show as the background.

    Examples
    --------
    >>> montage(np.ones((3, 64)), ncols=2).shape
    (17, 17)
    """
    X = np.asarray(X, dtype=np.float64).reshape(-1, *IMAGE_SHAPE)
    h, w = IMAGE_SHAPE
    rows = max(1, -(-len(X) // ncols))
    out = np.full((rows * (h + pad) - pad, ncols * (w + pad) - pad), np.nan)
    for index, image in enumerate(X):
        r, c = divmod(index, ncols)
        out[r * (h + pad):r * (h + pad) + h, c * (w + pad):c * (w + pad) + w] = image
    return out


def _new(ax, figsize):
    from .plotting import new_axes

    return new_axes(ax, figsize=figsize)


def plot_digits(X: np.ndarray, captions: list | None = None, ncols: int = 10,
                ax: Axes | None = None, title: str | None = None) -> Axes:
    """Draw the images in the rows of ``X`` as a grid, each with an optional caption above it.

    Parameters
    ----------
    X : ndarray of shape (n, 64)
    captions : sequence of str, optional
        One per image.
    ncols : int
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    X = np.asarray(X, dtype=np.float64)
    ncols = max(1, min(ncols, len(X)))
    rows = max(1, -(-len(X) // ncols))
    ax = _new(ax, (0.75 * ncols + 0.3, 0.85 * rows + 0.4))
    ax.imshow(montage(X, ncols, pad=2), cmap="gray_r", vmin=0.0, vmax=1.0,
              interpolation="nearest")
    for index, caption in enumerate(captions or []):
        r, c = divmod(index, ncols)
        ax.text(c * 10 + 3.5, r * 10 - 0.7, caption, ha="center", va="bottom", fontsize=8)
    ax.set_axis_off()
    if title:
        ax.set_title(title, pad=12)
    return ax


def plot_learning_curves(history: dict,
                         axes: Sequence[Axes] | np.ndarray | None = None,
) -> Sequence[Axes] | np.ndarray:
    """Loss (left) and accuracy (right) per epoch on the training and validation sets.

    Parameters
    ----------
    history : dict
        As :func:`bplab.training.train` returns it; a ``"best_epoch"`` gets a dotted line.
    axes : pair of matplotlib Axes, optional

    Returns
    -------
    pair of matplotlib Axes
    """
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
    epochs = np.arange(1, len(history["train_loss"]) + 1)
    for ax, kind, label in ((axes[0], "loss", "mean cross-entropy"),
                            (axes[1], "acc", "accuracy")):
        ax.plot(epochs, history[f"train_{kind}"], color="C0", label="training")
        ax.plot(epochs, history[f"val_{kind}"], color="C1", label="validation")
        if "best_epoch" in history:
            ax.axvline(history["best_epoch"] + 1, color="gray", ls=":", label="best epoch")
        ax.set(xlabel="epoch", ylabel=label)
        ax.grid(alpha=0.3)
    axes[0].set_yscale("log")
    axes[1].set_ylim(min(0.8, min(history["val_acc"]) - 0.02), 1.005)
    axes[0].legend(fontsize=8)
    return axes


def plot_confusion(C: np.ndarray, ax: Axes | None = None) -> Axes:
    """The confusion matrix ``C[true, predicted]`` as a grid of counts, the diagonal faded.

    Returns
    -------
    matplotlib Axes
    """
    C = np.asarray(C)
    K = C.shape[0]
    ax = _new(ax, (5.2, 4.6))
    off = C.astype(np.float64).copy()
    np.fill_diagonal(off, np.nan)
    ax.imshow(off, cmap="Reds", vmin=0, vmax=max(1.0, np.nanmax(off)))
    for i in range(K):
        for j in range(K):
            if C[i, j]:
                ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=8,
                        color="black" if i != j else "gray")
    ax.set(xticks=range(K), yticks=range(K), xlabel="predicted digit", ylabel="true digit")
    ax.set_title(f"{int(np.trace(C))} of {int(C.sum())} right; mistakes in red")
    return ax


def plot_misclassified(X: np.ndarray, y: np.ndarray, labels: np.ndarray, ax: Axes | None = None,
                       limit: int = 20, ncols: int = 10) -> Axes:
    """The images whose predicted label is wrong, captioned ``true -> predicted``.

    Returns
    -------
    matplotlib Axes
    """
    y, labels = np.asarray(y), np.asarray(labels)
    wrong = np.flatnonzero(y != labels)[:limit]
    if len(wrong) == 0:
        ax = _new(ax, (4, 1))
        ax.text(0.5, 0.5, "no mistakes", ha="center", va="center")
        ax.set_axis_off()
        return ax
    captions = [f"{y[i]}→{labels[i]}" for i in wrong]
    return plot_digits(np.asarray(X)[wrong], captions, ncols=ncols, ax=ax,
                       title=f"{np.sum(y != labels)} mistakes (true→predicted)")


def curve_values(lr: float = 0.1, width: int = 32, batch_size: int = 32) -> dict:
    """The learning curves of a 64-``width``-10 network trained for 20 epochs on the digits.

    Returns
    -------
    dict
        As :func:`bplab.training.learning_curve` returns it (lists are copies).

    Examples
    --------
    >>> values = curve_values(0.1, 8, 256)
    >>> len(values["val_loss"])
    20
    """
    history = curve(float(lr), int(width), int(batch_size))
    return {key: list(value) if isinstance(value, tuple) else value
            for key, value in history.items()}


def draw_curves(axes: Sequence[Axes] | np.ndarray, lr: float = 0.1, width: int = 32,
                batch_size: int = 32) -> float:
    """Draw :func:`curve_values` on two panels; returns the final validation accuracy."""
    from .plotting import power_ticks

    history = curve_values(lr, width, batch_size)
    history.pop("best_epoch", None)
    plot_learning_curves(history, axes)
    # every tick label costs a redraw time: whole epochs, plain-text powers of ten
    axes[0].set_ylim(0.005, 5.0)
    power_ticks(axes[0].yaxis, (0.005, 5.0))
    axes[1].set_ylim(0.0, 1.02)
    axes[1].set_yticks((0.0, 0.25, 0.5, 0.75, 1.0), ("0%", "25%", "50%", "75%", "100%"))
    for ax in axes:
        ax.set_xticks((1, 5, 10, 15, 20))
    steps = -(-1079 // batch_size) * EXPLORER_EPOCHS
    final = history["val_acc"][-1]
    axes[0].set_title(f"lr {lr:g}, width {width}, batch {batch_size}: {steps} steps", y=1.0)
    axes[1].set_title(f"validation accuracy after {EXPLORER_EPOCHS} epochs: {final:.1%}", y=1.0)
    return final


def curve_explorer() -> VBox | None:
    """Sliders for learning rate, hidden width and batch size (None while grading)."""
    from .widgets import choice, explorer_from

    controls = {"lr": choice("learning rate", LEARNING_RATES, 0.1, slider=True),
                "width": choice("hidden width", WIDTHS, 32, slider=True),
                "batch_size": choice("batch size", BATCH_SIZES, 32, slider=True)}
    return explorer_from(draw_curves, controls, figsize=(10, 3.8), ncols=2,
                         margins=dict(left=0.75, right=0.2, bottom=0.55, top=0.4, gap=0.8))
