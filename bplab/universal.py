"""One hidden layer can draw any continuous curve: a 1-H-1 tanh network built as a staircase.

A hidden tanh unit with a large weight is a smooth step: ``(1 + tanh(s (x - m))) / 2`` rises
from 0 to 1 near ``x = m``. Put ``H`` such steps at the midpoints between ``H + 1`` equally
spaced knots ``x_0 < ... < x_H`` of an interval, give step ``k`` the height
``f(x_k) - f(x_(k-1))``, and the output unit adds them up to a staircase through the values
of ``f`` at the knots. For a continuous ``f`` the staircase gets as close as you like once
the knots are close enough: the idea behind the universal approximation theorem, here with
every weight written down rather than trained.

The network follows the course's shapes (docs/notation.md) for one input and one output:
``W1`` (H, 1), ``b1`` (H,), ``W2`` (1, H), ``b2`` (1,), a tanh hidden layer and a linear output.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from .validation import as_array, as_scalar

__all__ = ["TARGETS", "staircase_params", "forward_1d", "staircase_error"]

TARGETS = {
    "sin(3x)": lambda x: np.sin(3.0 * x),
    "|x|": np.abs,
    "bump": lambda x: np.exp(-8.0 * x ** 2),
}
"""Continuous functions on [-1, 1] to approximate, by name."""


def _target(f):
    if isinstance(f, str):
        if f not in TARGETS:
            raise ValueError(f"f must be a function or one of {sorted(TARGETS)}; got {f!r}")
        return TARGETS[f]
    if not callable(f):
        raise TypeError(f"f must be a function or the name of one; got {type(f).__name__}")
    return f


def staircase_params(f: Callable[[np.ndarray], np.ndarray] | str, H: int, sharpness: float = 3.0,
                     lo: float = -1.0, hi: float = 1.0) -> dict:
    """Weights of a 1-H-1 tanh network whose output is a smooth staircase through ``f``.

    Parameters
    ----------
    f : callable or str
        The function to approximate (vectorised), or a name from :data:`TARGETS`.
    H : int
        Number of hidden units, one step each.
    sharpness : float
        How steep each step is, relative to the spacing of the knots: the tanh's weight is
        ``sharpness / spacing``.
    lo, hi : float
        The interval.

    Returns
    -------
    dict
        ``W1`` (H, 1), ``b1`` (H,), ``W2`` (1, H), ``b2`` (1,).

    Notes
    -----
    With knots x_k = lo + k (hi - lo) / H, midpoints m_k and s = sharpness H / (hi - lo),
    unit k computes tanh(s (x - m_k)) and the output is
    f(x_0) + sum_k (f(x_k) - f(x_(k-1))) (1 + tanh(s (x - m_k))) / 2.

    Examples
    --------
    >>> params = staircase_params("|x|", 4)
    >>> params["W1"].shape, params["W2"].shape
    ((4, 1), (1, 4))
    """
    f = _target(f)
    H = as_scalar(H, "H", positive=True, integer=True)
    sharpness = as_scalar(sharpness, "sharpness", positive=True)
    if not hi > lo:
        raise ValueError(f"hi must be larger than lo; got lo={lo!r}, hi={hi!r}")
    knots = np.linspace(lo, hi, H + 1)
    rises = np.diff(np.asarray(f(knots), dtype=np.float64))
    s = sharpness * H / (hi - lo)
    middles = 0.5 * (knots[:-1] + knots[1:])
    return {"W1": np.full((H, 1), s), "b1": -s * middles,
            "W2": 0.5 * rises[None, :], "b2": np.array([f(knots[:1])[0] + 0.5 * rises.sum()])}


def forward_1d(params: dict, x: ArrayLike) -> np.ndarray:
    """Output of a 1-H-1 network with tanh hidden units and a linear output, at points ``x``.

    Parameters
    ----------
    params : dict
        ``W1`` (H, 1), ``b1`` (H,), ``W2`` (1, H), ``b2`` (1,).
    x : ndarray of shape (M,)

    Returns
    -------
    ndarray of shape (M,)

    Examples
    --------
    >>> x = np.linspace(-1, 1, 5)
    >>> bool(np.max(np.abs(forward_1d(staircase_params("sin(3x)", 200), x) - np.sin(3 * x))) < 0.01)
    True
    """
    x = as_array(x, "x", ndim=1)
    A1 = np.tanh(x[:, None] @ params["W1"].T + params["b1"])
    return (A1 @ params["W2"].T + params["b2"])[:, 0]


def staircase_error(f: Callable[[np.ndarray], np.ndarray] | str, H: int, sharpness: float = 3.0,
                    n_points: int = 2001) -> float:
    """Largest distance between ``f`` and its H-unit staircase on [-1, 1].

    Examples
    --------
    >>> staircase_error("bump", 64) < staircase_error("bump", 8)
    True
    """
    f = _target(f)
    x = np.linspace(-1.0, 1.0, n_points)
    return float(np.max(np.abs(forward_1d(staircase_params(f, H, sharpness), x) - f(x))))
