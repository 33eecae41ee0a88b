"""Batch and layer normalisation: the forward passes, and the backward passes notebook 10 derives.

**Batch normalisation** standardises each feature (column) of a batch ``Z`` of shape
``(N, n)`` over the ``N`` examples, then scales and shifts it by learned ``gamma`` and
``beta``::

    mu = Z.mean(axis=0);  var = Z.var(axis=0);  Z_hat = (Z - mu) / sqrt(var + eps)
    Y = gamma * Z_hat + beta

**Layer normalisation** does the same for each example (row) over its ``n`` features, so
it does not mix the examples of a batch. In both, every normalised entry depends on every
entry it was averaged with, which is what makes the backward pass worth deriving.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .course import reference
from .validation import as_array, as_scalar

__all__ = ["EPS", "batch_norm_forward", "batch_norm_backward", "layer_norm_forward",
           "layer_norm_backward"]

EPS = 1e-5
"""Added to the variance before the square root, so a constant feature divides by no zero."""


def _normalise(Z, gamma, beta, eps, axis):
    Z = as_array(Z, "Z", ndim=2)
    n = Z.shape[1]  # gamma and beta are per feature, whichever axis is averaged
    gamma = as_array(gamma, "gamma", shape=(n,))
    beta = as_array(beta, "beta", shape=(n,))
    eps = as_scalar(eps, "eps", positive=True)
    mu = Z.mean(axis=axis, keepdims=True)
    inv_std = 1.0 / np.sqrt(Z.var(axis=axis, keepdims=True) + eps)
    Z_hat = (Z - mu) * inv_std
    return gamma * Z_hat + beta, {"Z_hat": Z_hat, "inv_std": inv_std, "gamma": gamma}


def _backward(dY, cache, axis):
    dY = as_array(dY, "dY", shape=np.shape(cache["Z_hat"]))
    Z_hat, inv_std = cache["Z_hat"], cache["inv_std"]
    m = Z_hat.shape[axis]  # how many entries each mean and variance averaged
    dZ_hat = dY * cache["gamma"]
    dZ = inv_std / m * (m * dZ_hat - dZ_hat.sum(axis=axis, keepdims=True)
                        - Z_hat * (dZ_hat * Z_hat).sum(axis=axis, keepdims=True))
    return dZ, (dY * Z_hat).sum(axis=0), dY.sum(axis=0)


def batch_norm_forward(Z: ArrayLike, gamma: ArrayLike, beta: ArrayLike,
                       eps: float = EPS) -> tuple[np.ndarray, dict]:
    """Batch normalisation of ``Z``, each column over the examples of the batch.

    Parameters
    ----------
    Z : ndarray of shape (N, n)
        Pre-activations of a layer, one example per row.
    gamma, beta : ndarray of shape (n,)
        Learned scale and shift of each feature.
    eps : float, default EPS

    Returns
    -------
    Y : ndarray of shape (N, n)
        ``gamma * Z_hat + beta``.
    cache : dict
        What the backward pass needs: ``"Z_hat"`` (N, n), the standardised ``Z``;
        ``"inv_std"`` (1, n), ``1 / sqrt(var + eps)`` per feature; ``"gamma"`` (n,).

    Examples
    --------
    >>> Y, cache = batch_norm_forward(np.array([[1.0, 10.0], [3.0, 30.0]]), np.ones(2), np.zeros(2))
    >>> np.round(Y, 3)
    array([[-1., -1.],
           [ 1.,  1.]])
    """
    return _normalise(Z, gamma, beta, eps, axis=0)


@reference(10)
def batch_norm_backward(dY: ArrayLike, cache: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of batch normalisation, given ``dY = dL/dY``.

    Parameters
    ----------
    dY : ndarray of shape (N, n)
    cache : dict
        From :func:`batch_norm_forward`.

    Returns
    -------
    dZ : ndarray of shape (N, n)
        ``inv_std / N * (N dZ_hat - sum_n dZ_hat - Z_hat * sum_n (dZ_hat * Z_hat))`` with
        ``dZ_hat = dY * gamma`` and the sums over the examples (axis 0).
    dgamma, dbeta : ndarray of shape (n,)
        ``sum_n dY * Z_hat`` and ``sum_n dY``.

    Examples
    --------
    >>> Z = np.array([[1.0, -2.0], [0.5, 4.0], [-3.0, 1.0]])
    >>> _, cache = batch_norm_forward(Z, np.array([2.0, 0.5]), np.zeros(2))
    >>> dZ, dgamma, dbeta = batch_norm_backward(np.ones((3, 2)), cache)
    >>> np.allclose(dZ, 0.0), np.round(dbeta, 6)
    (True, array([3., 3.]))
    """
    return _backward(dY, cache, axis=0)


def layer_norm_forward(Z: ArrayLike, gamma: ArrayLike, beta: ArrayLike,
                       eps: float = EPS) -> tuple[np.ndarray, dict]:
    """Layer normalisation of ``Z``, each row over its features.

    Parameters, returns and the cache as for :func:`batch_norm_forward`, except that
    ``"inv_std"`` has shape (N, 1): one per example.

    Examples
    --------
    >>> Y, _ = layer_norm_forward(np.array([[1.0, 3.0], [10.0, 30.0]]), np.ones(2), np.zeros(2))
    >>> np.round(Y, 3)
    array([[-1.,  1.],
           [-1.,  1.]])
    """
    return _normalise(Z, gamma, beta, eps, axis=1)


@reference(10)
def layer_norm_backward(dY: ArrayLike, cache: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of layer normalisation, given ``dY = dL/dY``.

    Parameters
    ----------
    dY : ndarray of shape (N, n)
    cache : dict
        From :func:`layer_norm_forward`.

    Returns
    -------
    dZ : ndarray of shape (N, n)
        The batch-norm formula with the sums over the features (axis 1) and ``n`` for
        ``N``: ``inv_std / n * (n dZ_hat - sum_k dZ_hat - Z_hat * sum_k (dZ_hat * Z_hat))``.
    dgamma, dbeta : ndarray of shape (n,)
        ``sum_n dY * Z_hat`` and ``sum_n dY``: gamma and beta are still shared by the rows.

    Examples
    --------
    >>> Z = np.array([[1.0, -2.0, 0.5], [4.0, -3.0, 1.0]])
    >>> _, cache = layer_norm_forward(Z, np.ones(3), np.zeros(3))
    >>> dZ, dgamma, dbeta = layer_norm_backward(np.ones((2, 3)), cache)
    >>> np.allclose(dZ, 0.0), dbeta
    (True, array([2., 2., 2.]))
    """
    return _backward(dY, cache, axis=1)
