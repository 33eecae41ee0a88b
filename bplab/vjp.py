"""The softmax's Jacobian, and the vector-Jacobian product frameworks use instead of it.

For one example, ``p = softmax(z)`` with ``K`` classes has the ``(K, K)`` Jacobian
``J[i, j] = dp_i / dz_j = p_i (delta_ij - p_j)``, that is ``diag(p) - p p^T``. A backward
pass never needs ``J`` itself, only ``g^T J`` for the gradient ``g`` arriving from above:
the **vector-Jacobian product** ``p * (g - g . p)``, which costs ``O(K)`` per example
where building ``J`` costs ``O(K^2)`` in time and in memory.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .course import reference
from .validation import as_array, as_scalar

__all__ = ["softmax_jacobian", "softmax_vjp", "jacobian_bytes"]


def _softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


@reference(10)
def softmax_jacobian(z: ArrayLike) -> np.ndarray:
    """The Jacobian of the softmax at the logits ``z`` of one example.

    Parameters
    ----------
    z : ndarray of shape (K,)

    Returns
    -------
    ndarray of shape (K, K)
        ``J[i, j] = dp_i / dz_j = p_i (delta_ij - p_j)``: ``diag(p) - outer(p, p)``.

    Examples
    --------
    >>> J = softmax_jacobian(np.zeros(2))
    >>> J
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """
    p = _softmax_rows(as_array(z, "z", ndim=1))
    return np.diag(p) - np.outer(p, p)


@reference(10)
def softmax_vjp(P: ArrayLike, G: ArrayLike) -> np.ndarray:
    """``dL/dZ`` for a batch, given the softmax's outputs ``P`` and ``G = dL/dP``.

    Parameters
    ----------
    P : ndarray of shape (N, K)
        ``softmax(Z)``, one example per row.
    G : ndarray of shape (N, K)
        The gradient arriving from above.

    Returns
    -------
    ndarray of shape (N, K)
        Row ``n`` is ``g_n^T J_n = p_n * (g_n - g_n . p_n)``, without forming ``J_n``.

    Examples
    --------
    >>> P = np.array([[0.5, 0.5], [0.9, 0.1]])
    >>> softmax_vjp(P, np.array([[1.0, 0.0], [1.0, 1.0]]))
    array([[ 0.25, -0.25],
           [ 0.  ,  0.  ]])
    """
    P = as_array(P, "P", ndim=2)
    G = as_array(G, "G", shape=P.shape)
    return P * (G - np.sum(G * P, axis=1, keepdims=True))


def jacobian_bytes(N: int, K: int, itemsize: int = 8) -> int:
    """Bytes of ``N`` softmax Jacobians of ``K`` classes, ``N K^2`` numbers of ``itemsize``.

    Examples
    --------
    >>> jacobian_bytes(64, 1000) / 1e6
    512.0
    """
    N = as_scalar(N, "N", positive=True, integer=True)
    K = as_scalar(K, "K", positive=True, integer=True)
    return int(N) * int(K) ** 2 * int(itemsize)
