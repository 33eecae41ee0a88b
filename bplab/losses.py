"""Loss functions and their gradients: the references for notebook 1.

Conventions (the course's notation page, ``docs/notation.md``): predictions ``y_hat`` and targets ``t`` have shape
``(N,)`` (one output per example) or ``(N, n_out)``. The per-example loss sums over
outputs; the dataset loss is the **mean of the per-example losses**, so every gradient
carries a factor ``1/N`` and has the shape of ``y_hat``.

These are locked in notebook 1, where students write them (see :mod:`bplab.course`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike

from .course import reference
from .validation import as_array, as_scalar, prediction_and_target

__all__ = [
    "BCE_EPS",
    "LOGCOSH_SWITCH",
    "squared_error",
    "mse",
    "mse_grad",
    "bce",
    "bce_grad",
    "logcosh",
    "logcosh_grad",
    "bce_with_logits",
    "bce_with_logits_grad",
    "l2_penalty",
    "l2_penalty_grad",
]

BCE_EPS = 1e-12
"""Predictions are clipped into ``[BCE_EPS, 1 - BCE_EPS]`` before taking logs."""

LOGCOSH_SWITCH = 3.0
"""Residual below which :func:`logcosh` uses its small-residual form (either is exact there)."""


def squared_error(y_hat: ArrayLike, t: ArrayLike) -> np.ndarray:
    """Per-example squared error, summed over outputs.

    Parameters
    ----------
    y_hat, t : ndarray of shape (N,) or (N, n_out)

    Returns
    -------
    ndarray of shape (N,)
        :math:`\\ell_n = \\sum_k (\\hat y_{nk} - t_{nk})^2`.

    Examples
    --------
    >>> squared_error(np.array([1.0, 2.0]), np.array([0.0, 0.0]))
    array([1., 4.])
    """
    y_hat, t = prediction_and_target(y_hat, t)
    diff = y_hat - t
    return diff**2 if diff.ndim == 1 else np.sum(diff**2, axis=1)


@reference(1)
def mse(y_hat: ArrayLike, t: ArrayLike) -> float:
    """Mean squared error: the mean over examples of the per-example squared error.

    Parameters
    ----------
    y_hat, t : ndarray of shape (N,) or (N, n_out)

    Returns
    -------
    float
        :math:`L = \\frac{1}{N} \\sum_n \\sum_k (\\hat y_{nk} - t_{nk})^2`.

    Examples
    --------
    >>> mse(np.array([1.0, 2.0]), np.array([0.0, 0.0]))
    2.5
    """
    y_hat, t = prediction_and_target(y_hat, t)
    return float(np.sum((y_hat - t) ** 2) / len(y_hat))


@reference(1)
def mse_grad(y_hat: ArrayLike, t: ArrayLike) -> np.ndarray:
    """Gradient of :func:`mse` with respect to ``y_hat``.

    Returns
    -------
    ndarray of the shape of y_hat
        :math:`\\partial L / \\partial \\hat y_{nk} = 2 (\\hat y_{nk} - t_{nk}) / N`.

    Examples
    --------
    >>> mse_grad(np.array([1.0, 2.0]), np.array([0.0, 0.0]))
    array([1., 2.])
    """
    y_hat, t = prediction_and_target(y_hat, t)
    return 2.0 * (y_hat - t) / len(y_hat)


@reference(1)
def bce(y_hat: ArrayLike, t: ArrayLike, eps: float = BCE_EPS) -> float:
    """Binary cross-entropy of predicted probabilities, safe at 0 and 1.

    Parameters
    ----------
    y_hat : ndarray of shape (N,) or (N, n_out)
        Predicted probabilities in [0, 1].
    t : ndarray of the shape of y_hat
        Targets in [0, 1].
    eps : float, default BCE_EPS
        Predictions are clipped into ``[eps, 1 - eps]`` so that no log sees 0.

    Returns
    -------
    float
        :math:`-\\frac{1}{N} \\sum_{n,k} [t \\log \\hat y + (1 - t) \\log(1 - \\hat y)]`.

    Examples
    --------
    >>> round(bce(np.array([0.5, 0.5]), np.array([0.0, 1.0])), 6)
    0.693147
    >>> bce(np.array([0.0]), np.array([0.0])) < 1e-11
    True
    """
    y_hat, t = prediction_and_target(y_hat, t)
    p = np.clip(y_hat, eps, 1.0 - eps)
    return float(-np.sum(t * np.log(p) + (1.0 - t) * np.log1p(-p)) / len(y_hat))


@reference(1)
def bce_grad(y_hat: ArrayLike, t: ArrayLike, eps: float = BCE_EPS) -> np.ndarray:
    """Gradient of :func:`bce` with respect to ``y_hat`` (inside the clipping range).

    Returns
    -------
    ndarray of the shape of y_hat
        :math:`(\\hat y - t) / (\\hat y (1 - \\hat y) N)`, evaluated at the clipped
        prediction so that it stays finite.

    Examples
    --------
    >>> bce_grad(np.array([0.5, 0.5]), np.array([0.0, 1.0]))
    array([ 1., -1.])
    """
    y_hat, t = prediction_and_target(y_hat, t)
    p = np.clip(y_hat, eps, 1.0 - eps)
    return (p - t) / (p * (1.0 - p) * len(y_hat))


def logcosh(y_hat: ArrayLike, t: ArrayLike) -> float:
    r"""Log-cosh loss: the mean over examples of ``sum_k log(cosh(y_hat - t))``.

    Parameters
    ----------
    y_hat : ndarray of shape (N,) or (N, n_out)
    t : ndarray of the shape of y_hat

    Returns
    -------
    float

    Notes
    -----
    Like half the squared error for small residuals, like :math:`|r| - \log 2` for large ones,
    and computed to a few ulps of its value at every residual: as
    :math:`\log(1 + 2 \sinh^2(r/2))` (:math:`\cosh r - 1 = 2 \sinh^2(r/2)`, with no
    cancellation) below :data:`LOGCOSH_SWITCH`, and as
    :math:`|r| + \log(1 + e^{-2|r|}) - \log 2`, which never overflows, above it. The second
    form alone rounds at the scale of :math:`\log 2`, so for small residuals it loses every
    digit (it returns 0 at :math:`r = 10^{-9}`).

    Examples
    --------
    >>> round(logcosh(np.array([0.0, 1.0]), np.array([0.0, 0.0])), 6)
    0.21689
    """
    y_hat, t = prediction_and_target(y_hat, t)
    r = np.abs(y_hat - t)
    small = r < LOGCOSH_SWITCH
    near = np.log1p(2.0 * np.sinh(0.5 * np.where(small, r, 0.0)) ** 2)
    far = r + np.log1p(np.exp(-2.0 * r)) - np.log(2.0)
    return float(np.sum(np.where(small, near, far)) / len(y_hat))


@reference(1)
def logcosh_grad(y_hat: ArrayLike, t: ArrayLike) -> np.ndarray:
    r"""Gradient of :func:`logcosh` with respect to ``y_hat``.

    Returns
    -------
    ndarray of the shape of y_hat
        :math:`\tanh(\hat y - t) / N`.

    Examples
    --------
    >>> logcosh_grad(np.array([0.0, 0.0]), np.array([0.0, 0.0]))
    array([0., 0.])
    """
    y_hat, t = prediction_and_target(y_hat, t)
    return np.tanh(y_hat - t) / len(y_hat)


def bce_with_logits(z: ArrayLike, t: ArrayLike) -> float:
    """Binary cross-entropy of ``sigmoid(z)``, computed from the logits ``z`` without overflow.

    Notes
    -----
    :math:`-[t \\log \\sigma(z) + (1-t) \\log(1 - \\sigma(z))] = \\log(1 + e^{z}) - t z
    = \\log(1 + e^{-|z|}) + \\max(z, 0) - t z`, evaluated in that last form, with
    ``np.log1p``: for targets in [0, 1] both of its terms are nonnegative (the second is
    :math:`(1 - t) z` or :math:`-t z`), so nothing cancels and the loss is exact to a few ulps
    even where it is tiny. ``np.logaddexp(0, z) - t z`` is not: at :math:`z = 50, t = 1` it
    returns 0 for :math:`e^{-50} \\approx 1.9 \\cdot 10^{-22}`.

    Examples
    --------
    >>> round(bce_with_logits(np.array([0.0]), np.array([1.0])), 6)
    0.693147
    """
    z, t = prediction_and_target(z, t)
    linear = np.where(z > 0.0, (1.0 - t) * z, -t * z)  # max(z, 0) - t z, without cancelling
    return float(np.sum(np.log1p(np.exp(-np.abs(z))) + linear) / len(z))


def bce_with_logits_grad(z: ArrayLike, t: ArrayLike) -> np.ndarray:
    """Gradient of :func:`bce_with_logits` with respect to ``z``: ``(sigmoid(z) - t) / N``."""
    from .activations import sigmoid

    z, t = prediction_and_target(z, t)
    return (sigmoid(z) - t) / len(z)


def l2_penalty(weights: Iterable[ArrayLike], lam: float) -> float:
    """L2 regulariser ``lam / 2 * sum(w**2)`` over one array or a list of arrays.

    Examples
    --------
    >>> round(l2_penalty([np.array([1.0, 2.0]), np.array([[2.0]])], lam=0.1), 12)
    0.45
    """
    lam = as_scalar(lam, "lam")
    arrays = [weights] if isinstance(weights, np.ndarray) else list(weights)
    total = sum(float(np.sum(as_array(w, f"weights[{i}]") ** 2)) for i, w in enumerate(arrays))
    return 0.5 * lam * total


def l2_penalty_grad(weight: ArrayLike, lam: float) -> np.ndarray:
    """Gradient of :func:`l2_penalty` with respect to one weight array: ``lam * weight``."""
    return as_scalar(lam, "lam") * as_array(weight, "weight")
