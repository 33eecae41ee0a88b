"""Notebook 4's network with a sigmoid output and binary cross-entropy, for one example.

The transfer exercise of notebook 4: the hidden layer is unchanged, the output unit
squashes with the sigmoid instead of tanh, and the loss is the binary cross-entropy::

    z1 = W1 x + b1     a1 = tanh(z1)     z2 = W2 a1 + b2     y_hat = sigmoid(z2)
    L = -t log(y_hat) - (1 - t) log(1 - y_hat),      t in [0, 1]

The loss is computed from ``z2`` (``log(1 + exp(z2)) - t z2``), exact for any ``z2``.
Parameters and shapes as in :mod:`bplab.net221`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..activations import sigmoid
from ..course import reference
from ._network import PARAM_SHAPES, check_params, number
from ..validation import as_array

__all__ = ["loss_at", "backward"]


def _hidden(x, p):
    a1 = np.tanh(p["W1"] @ x + p["b1"])
    return a1, p["W2"] @ a1 + p["b2"]


def loss_at(x: ArrayLike, t: float, params: dict[str, ArrayLike], name: str | None = None,
            value: ArrayLike | None = None) -> float:
    """Cross-entropy of the sigmoid-output network, with ``params[name]`` replaced by ``value``.

    Parameters
    ----------
    x : ndarray of shape (2,)
    t : float in [0, 1]
    params : dict
        ``W1`` (2, 2), ``b1`` (2,), ``W2`` (1, 2), ``b2`` (1,).
    name : str, optional
    value : ndarray of the shape of ``params[name]``, optional

    Returns
    -------
    float

    Examples
    --------
    >>> params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.zeros((1, 2)), "b2": np.zeros(1)}
    >>> round(loss_at(np.array([1.0, 2.0]), 1.0, params), 6)      # y_hat = 0.5: log 2
    0.693147
    """
    if name is not None:
        if name not in PARAM_SHAPES:
            raise KeyError(f"name must be one of {list(PARAM_SHAPES)}; got {name!r}")
        params = {**params, name: value}
    x = as_array(x, "x", shape=(2,))
    z2 = float(_hidden(x, check_params(params))[1][0])
    return float(np.logaddexp(0.0, z2) - number(t, "t") * z2)


@reference(4)
def backward(x: ArrayLike, t: float, params: dict[str, ArrayLike]) -> dict[str, np.ndarray]:
    """Gradients of :func:`loss_at` with respect to every parameter.

    Parameters
    ----------
    x : ndarray of shape (2,)
    t : float in [0, 1]
    params : dict

    Returns
    -------
    dict of str to ndarray
        The keys and shapes of ``params``.

    Notes
    -----
    The output delta is :math:`\\delta^2 = \\hat y - t`: the sigmoid's slope
    :math:`\\hat y (1 - \\hat y)` cancels the cross-entropy's denominator. The rest is
    notebook 4's backward pass: :math:`\\delta^1 = (W^2)^T \\delta^2 \\odot (1 - (a^1)^2)`,
    :math:`dW^l = \\delta^l (a^{l-1})^T`, :math:`db^l = \\delta^l`.

    Examples
    --------
    >>> params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.zeros((1, 2)), "b2": np.zeros(1)}
    >>> backward(np.array([1.0, 2.0]), 1.0, params)["b2"]
    array([-0.5])
    """
    x = as_array(x, "x", shape=(2,))
    p = check_params(params)
    a1, z2 = _hidden(x, p)
    dz2 = sigmoid(z2) - number(t, "t")
    dz1 = (p["W2"].T @ dz2) * (1.0 - a1**2)
    return {"W1": np.outer(dz1, x), "b1": dz1, "W2": np.outer(dz2, a1), "b2": dz2}
