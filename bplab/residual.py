"""A residual block, y = x + f(x), and its Jacobian: the reference for notebook 7's transfer.

The block's branch is two dense layers with one activation between them,
``f(x) = W2 h(W1 x + b1) + b2``, shapes as in the course's notation page (docs/notation.md):
``W1`` (m, n), ``b1`` (m,), ``W2`` (n, m), ``b2`` (n,), for an input ``x`` of n entries. The
identity path adds ``x`` back, so the block's Jacobian is the identity plus the branch's.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .activations import ACTIVATIONS
from .course import reference
from .validation import as_array

__all__ = ["residual_forward", "residual_jacobian"]


def _parts(params, x, activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}; got {activation!r}")
    x = as_array(x, "x", ndim=1)
    W1 = as_array(params["W1"], "W1", shape=(None, x.size))
    W2 = as_array(params["W2"], "W2", shape=(x.size, W1.shape[0]))
    z = W1 @ x + as_array(params["b1"], "b1", shape=(W1.shape[0],))
    return x, W1, W2, z, ACTIVATIONS[activation]


def residual_forward(params: dict, x: ArrayLike, activation: str = "tanh") -> np.ndarray:
    """Output ``x + W2 h(W1 x + b1) + b2`` of a residual block at one input.

    Parameters
    ----------
    params : dict
        ``W1`` (m, n), ``b1`` (m,), ``W2`` (n, m), ``b2`` (n,).
    x : ndarray of shape (n,)
    activation : {"sigmoid", "tanh", "relu"}

    Returns
    -------
    ndarray of shape (n,)

    Examples
    --------
    >>> zero = {"W1": np.zeros((3, 2)), "b1": np.zeros(3), "W2": np.zeros((2, 3)),
    ...         "b2": np.zeros(2)}
    >>> residual_forward(zero, np.array([1.0, -2.0]))  # a branch of zeros: the identity
    array([ 1., -2.])
    """
    x, _, W2, z, (h, _) = _parts(params, x, activation)
    return x + W2 @ h(z) + as_array(params["b2"], "b2", shape=(x.size,))


@reference(7)
def residual_jacobian(params: dict, x: ArrayLike, activation: str = "tanh") -> np.ndarray:
    """Jacobian ``dy/dx`` of the residual block ``y = x + W2 h(W1 x + b1) + b2``.

    Parameters
    ----------
    params : dict of str to ndarray
        The block's weights and biases: ``W1`` (m, n), ``b1`` (m,), ``W2`` (n, m) and
        ``b2`` (n,).
    x : ndarray of shape (n,)
        The input at which the Jacobian is taken.
    activation : {"sigmoid", "tanh", "relu"}
        The branch's activation h.

    Returns
    -------
    ndarray of shape (n, n)
        Entry ``[i, j]`` is ``dy_i/dx_j``.

    Notes
    -----
    dy/dx = I + W2 diag(h'(z)) W1 with z = W1 x + b1: the identity path's Jacobian plus the
    branch's, a product of two layers' Jacobians.

    Examples
    --------
    >>> params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": 2 * np.eye(2), "b2": np.zeros(2)}
    >>> residual_jacobian(params, np.zeros(2), "tanh")  # I + 2 I tanh'(0)
    array([[3., 0.],
           [0., 3.]])
    """
    x, W1, W2, z, (_, h_grad) = _parts(params, x, activation)
    return np.eye(x.size) + (W2 * h_grad(z)) @ W1
