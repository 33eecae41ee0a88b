"""Softmax and the softmax cross-entropy of integer labels: the references for notebook 9.

A classifier with ``K`` classes ends in a dense layer whose ``K`` outputs per example, the
**logits** ``Z`` of shape ``(N, K)``, become probabilities through the softmax, row by row.
The loss is the mean over the batch of the per-example cross-entropy
``-log P[n, y[n]]``, where ``y`` holds integer labels ``0..K-1``.

Everything here is numerically safe: a logit of 1000 overflows ``exp`` in float64, so
every function first subtracts each row's largest logit, which changes no probability.
These are locked in notebook 9, where students write them (see :mod:`bplab.course`).
"""

from __future__ import annotations

import numpy as np

from .course import reference
from .validation import as_array, as_scalar

__all__ = ["softmax", "log_softmax", "one_hot", "softmax_ce", "softmax_ce_grad",
           "smoothed_targets", "smoothed_ce", "smoothed_ce_grad"]


def _logits(Z):
    return as_array(Z, "Z", ndim=2)


def _labels(y, Z):
    y = np.asarray(y)
    N, K = Z.shape
    if y.shape != (N,):
        raise ValueError(f"y must hold one label per row of Z, shape ({N},); got shape {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        if not (np.issubdtype(y.dtype, np.floating) and np.all(y == np.round(y))):
            raise TypeError(f"y must hold integer labels; got dtype {y.dtype}")
        y = y.astype(np.int64)
    if y.size and (y.min() < 0 or y.max() >= K):
        raise ValueError(f"labels in y must lie in 0..{K - 1} (Z has {K} columns); "
                         f"got {int(y.min())}..{int(y.max())}")
    return y


@reference(9)
def softmax(Z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of logits, safe for logits of any size.

    Parameters
    ----------
    Z : ndarray of shape (N, K)
        Logits, one example per row.

    Returns
    -------
    P : ndarray of shape (N, K)
        Entries in [0, 1]; every row sums to 1.

    Notes
    -----
    :math:`P_{nk} = e^{Z_{nk} - m_n} / \\sum_j e^{Z_{nj} - m_n}` with
    :math:`m_n = \\max_j Z_{nj}`; subtracting :math:`m_n` cancels in the ratio, and keeps
    every exponent at most 0, so nothing overflows.

    Examples
    --------
    >>> softmax(np.array([[0.0, 0.0], [1000.0, 0.0]]))
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    return _softmax(_logits(Z))


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


@reference(9)
def log_softmax(Z: np.ndarray) -> np.ndarray:
    """Row-wise logarithm of the softmax, without taking the log of a rounded 0.

    Parameters
    ----------
    Z : ndarray of shape (N, K)

    Returns
    -------
    ndarray of shape (N, K)
        :math:`Z_{nk} - m_n - \\log \\sum_j e^{Z_{nj} - m_n}` (log-sum-exp).

    Examples
    --------
    >>> log_softmax(np.array([[0.0, -800.0]]))
    array([[   0., -800.]])
    """
    return _log_softmax(_logits(Z))


def _log_softmax(Z):
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def one_hot(y: np.ndarray, K: int) -> np.ndarray:
    """Integer labels as rows of a ``(N, K)`` matrix with a single 1.0 in column ``y[n]``.

    Examples
    --------
    >>> one_hot(np.array([2, 0]), 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    K = as_scalar(K, "K", positive=True, integer=True)
    y = _labels(y, np.empty((np.size(y), K)))
    T = np.zeros((y.size, K))
    T[np.arange(y.size), y] = 1.0
    return T


@reference(9)
def softmax_ce(Z: np.ndarray, y: np.ndarray) -> float:
    """Mean cross-entropy of the softmax of ``Z`` against integer labels ``y``.

    Parameters
    ----------
    Z : ndarray of shape (N, K)
        Logits.
    y : ndarray of shape (N,)
        Labels in 0..K-1.

    Returns
    -------
    float
        :math:`L = -\\frac1N \\sum_n \\log P_{n, y_n}`, with :math:`P` the softmax of Z.

    Examples
    --------
    >>> round(softmax_ce(np.zeros((2, 10)), np.array([3, 7])), 6)  # log(10)
    2.302585
    >>> softmax_ce(np.array([[1000.0, 0.0]]), np.array([1]))
    1000.0
    """
    Z = _logits(Z)
    y = _labels(y, Z)
    return float(-np.mean(_log_softmax(Z)[np.arange(len(y)), y]))


@reference(9)
def softmax_ce_grad(Z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradient of :func:`softmax_ce` with respect to the logits.

    Parameters
    ----------
    Z : ndarray of shape (N, K)
    y : ndarray of shape (N,)

    Returns
    -------
    ndarray of shape (N, K)
        ``dL/dZ``; each row sums to 0.

    Notes
    -----
    :math:`\\partial L / \\partial Z = (P - T) / N` with :math:`T` the one-hot rows of y.

    Examples
    --------
    >>> softmax_ce_grad(np.zeros((2, 2)), np.array([0, 1]))
    array([[-0.25,  0.25],
           [ 0.25, -0.25]])
    """
    Z = _logits(Z)
    y = _labels(y, Z)
    return (_softmax(Z) - one_hot(y, Z.shape[1])) / Z.shape[0]


def smoothed_targets(y: np.ndarray, K: int, eps: float) -> np.ndarray:
    """Label-smoothed targets: ``1 - eps`` on the label, ``eps / K`` spread on every class.

    Parameters
    ----------
    y : ndarray of shape (N,)
    K : int
    eps : float in [0, 1)

    Returns
    -------
    Q : ndarray of shape (N, K)
        :math:`Q = (1 - \\varepsilon) T + \\varepsilon / K`; rows sum to 1.

    Examples
    --------
    >>> smoothed_targets(np.array([1]), 4, 0.2)
    array([[0.05, 0.85, 0.05, 0.05]])
    """
    eps = as_scalar(eps, "eps")
    if not 0.0 <= eps < 1.0:
        raise ValueError(f"eps must lie in [0, 1); got {eps!r}")
    return (1.0 - eps) * one_hot(y, K) + eps / K


def smoothed_ce(Z: np.ndarray, y: np.ndarray, eps: float) -> float:
    """Mean cross-entropy of the softmax of ``Z`` against label-smoothed targets.

    Returns
    -------
    float
        :math:`L = -\\frac1N \\sum_n \\sum_k Q_{nk} \\log P_{nk}`.

    Examples
    --------
    >>> Z, y = np.array([[2.0, 0.0, -1.0]]), np.array([0])
    >>> smoothed_ce(Z, y, 0.0) == softmax_ce(Z, y)
    True
    """
    Z = _logits(Z)
    Q = smoothed_targets(_labels(y, Z), Z.shape[1], eps)
    return float(-np.sum(Q * _log_softmax(Z)) / Z.shape[0])


@reference(9)
def smoothed_ce_grad(Z: np.ndarray, y: np.ndarray, eps: float) -> np.ndarray:
    """Gradient of :func:`smoothed_ce` with respect to the logits, shape ``(N, K)``.

    Notes
    -----
    Every row of :math:`Q` sums to 1, so :math:`\\partial L/\\partial Z = (P - Q) / N`.

    Examples
    --------
    >>> smoothed_ce_grad(np.zeros((1, 2)), np.array([0]), 0.5)
    array([[-0.25,  0.25]])
    """
    Z = _logits(Z)
    Q = smoothed_targets(_labels(y, Z), Z.shape[1], eps)
    return (_softmax(Z) - Q) / Z.shape[0]
