"""Activation functions and their derivatives, vectorised and numerically safe.

Each derivative takes the activation's *input* ``z`` and is computed from its output
``a = h(z)`` where that is cheaper: ``sigmoid'(z) = a (1 - a)`` and ``tanh'(z) = 1 - a**2``.
Writing ``1 - z**2`` (the input instead of the output) is a classic slip.

The derivatives of tanh and of the sigmoid are derived by the student in notebooks 4
and 5, and that of the leaky ReLU in notebook 5's transfer exercise, so they are locked
there (see :mod:`bplab.course`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .course import reference
from .validation import as_array

__all__ = ["sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad",
           "LEAKY_SLOPE", "leaky_relu", "leaky_relu_grad", "ACTIVATIONS"]

LEAKY_SLOPE = 0.1
"""The slope of :func:`leaky_relu` for negative inputs."""


def sigmoid(z: ArrayLike) -> np.ndarray:
    """Logistic sigmoid, safe for any finite input.

    Parameters
    ----------
    z : ndarray of any shape

    Returns
    -------
    ndarray of the shape of z
        Entries in (0, 1); no overflow warning for large ``|z|``.

    Notes
    -----
    :math:`\\sigma(z) = 1 / (1 + e^{-z})`, evaluated as :math:`e^{z} / (1 + e^{z})` for
    negative z so that ``exp`` never overflows.

    Examples
    --------
    >>> sigmoid(np.array([0.0, -1000.0, 1000.0]))
    array([0.5, 0. , 1. ])
    """
    z = as_array(z, "z", dtype=complex if np.iscomplexobj(z) else np.float64)
    if np.iscomplexobj(z):  # complex-step checks: the plain formula is analytic
        return 1.0 / (1.0 + np.exp(-z))
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1.0 + exp_z)
    return out


@reference(5)
def sigmoid_grad(z: ArrayLike) -> np.ndarray:
    """Derivative of the sigmoid at ``z``: ``sigma(z) (1 - sigma(z))``, at most 1/4.

    Examples
    --------
    >>> float(sigmoid_grad(np.array(0.0)))
    0.25
    """
    a = sigmoid(z)
    return a * (1.0 - a)


def tanh(z: ArrayLike) -> np.ndarray:
    """Hyperbolic tangent, shape-preserving. Range (-1, 1)."""
    return np.tanh(as_array(z, "z", dtype=complex if np.iscomplexobj(z) else np.float64))


@reference(4)
def tanh_grad(z: ArrayLike) -> np.ndarray:
    """Derivative of tanh at ``z``: ``1 - tanh(z)**2``, 1 at 0 and vanishing as ``|z|`` grows.

    Examples
    --------
    >>> tanh_grad(np.array([0.0, 1.0, 20.0])).round(4)  # a saturated unit passes nothing back
    array([1.  , 0.42, 0.  ])
    """
    return 1.0 - tanh(z) ** 2


def relu(z: ArrayLike) -> np.ndarray:
    """Rectified linear unit ``max(z, 0)``."""
    return np.maximum(as_array(z, "z"), 0.0)


def relu_grad(z: ArrayLike) -> np.ndarray:
    """Derivative of ReLU: 1 where ``z > 0``, else 0 (the convention at ``z = 0``)."""
    return (as_array(z, "z") > 0).astype(np.float64)


def leaky_relu(z: ArrayLike) -> np.ndarray:
    """Leaky ReLU: ``z`` where ``z > 0``, else ``LEAKY_SLOPE * z``.

    Examples
    --------
    >>> leaky_relu(np.array([2.0, -2.0]))
    array([ 2. , -0.2])
    """
    z = as_array(z, "z")
    return np.where(z > 0, z, LEAKY_SLOPE * z)


@reference(5)
def leaky_relu_grad(z: ArrayLike) -> np.ndarray:
    """Derivative of :func:`leaky_relu`: 1 where ``z > 0``, else ``LEAKY_SLOPE`` (also at 0).

    Examples
    --------
    >>> leaky_relu_grad(np.array([2.0, -2.0]))
    array([1. , 0.1])
    """
    return np.where(as_array(z, "z") > 0, 1.0, LEAKY_SLOPE)


ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
}
"""Name to ``(function, derivative)`` for every activation in the course."""
