"""The 2-2-1 tanh network of notebook 4: reference forward and backward for one example.

Two inputs, two tanh hidden units, one tanh output, the half squared error. One example,
so every name is lower case (upper case is for batches)::

    z1 = W1 x + b1       a1 = tanh(z1)       z2 = W2 a1 + b2       y_hat = tanh(z2)
    L = 1/2 (y_hat - t)**2

with ``W1[j, i]`` the weight from input ``i`` to hidden unit ``j``. ``z2`` and ``y_hat``
are arrays of shape (1,), like ``b2``; every function here also takes them as plain
floats. The functions marked ``@reference(4)`` answer notebook 4's exercises and are
locked while it runs; the checks still use them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..course import reference
from ..scalars import describe, number, product
from ..validation import as_array, as_scalar

__all__ = ["PARAM_SHAPES", "CACHE_KEYS", "FACTOR_KEYS", "init_params", "forward", "loss",
           "local_derivatives", "backward", "loss_at", "number", "product", "describe", "check_params"]

PARAM_SHAPES = {"W1": (2, 2), "b1": (2,), "W2": (1, 2), "b2": (1,)}
"""Shape of each parameter; a gradient has the same keys and shapes."""

CACHE_KEYS = ("x", "z1", "a1", "z2", "y_hat")
"""The named intermediates that :func:`forward` returns, in the order they are computed."""

FACTOR_KEYS = ("dL_dy_hat", "dy_hat_dz2", "dz2_da1", "da1_dz1", "dz1_dW1")
"""The five local derivatives whose product is ``dL/dW1[j, i]``."""


def check_params(params: dict[str, ArrayLike]) -> dict[str, np.ndarray]:
    """``params`` as float64 arrays of the shapes in :data:`PARAM_SHAPES`, or a clear error."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict with keys {list(PARAM_SHAPES)}; "
                        f"got {type(params).__name__}")
    missing = [key for key in PARAM_SHAPES if key not in params]
    if missing:
        raise KeyError(f"params is missing {missing}; it needs {list(PARAM_SHAPES)}")
    return {key: as_array(params[key], key, shape=shape) for key, shape in PARAM_SHAPES.items()}


def init_params(rng: np.random.Generator, scale: float = 1.0,
                biases: bool = True) -> dict[str, np.ndarray]:
    """Random parameters of the 2-2-1 network.

    Parameters
    ----------
    rng : numpy.random.Generator
    scale : float, default 1.0
        Standard deviation of the normal draws.
    biases : bool, default True
        When False, ``b1`` and ``b2`` are zeros (the network of the lecture notes).

    Returns
    -------
    dict of str to ndarray
        ``W1`` (2, 2), ``b1`` (2,), ``W2`` (1, 2), ``b2`` (1,), float64.

    Examples
    --------
    >>> params = init_params(np.random.default_rng(0), biases=False)
    >>> {key: value.shape for key, value in params.items()}
    {'W1': (2, 2), 'b1': (2,), 'W2': (1, 2), 'b2': (1,)}
    """
    scale = as_scalar(scale, "scale", positive=True)
    params = {key: scale * rng.standard_normal(shape) for key, shape in PARAM_SHAPES.items()}
    if not biases:
        params["b1"], params["b2"] = np.zeros(2), np.zeros(1)
    return params


@reference(4)
def forward(x: ArrayLike, params: dict[str, ArrayLike]) -> dict[str, np.ndarray]:
    """Forward pass of one example, keeping every intermediate.

    Parameters
    ----------
    x : ndarray of shape (2,)
    params : dict
        ``W1`` (2, 2), ``b1`` (2,), ``W2`` (1, 2), ``b2`` (1,).

    Returns
    -------
    cache : dict of str to ndarray
        ``x`` (2,), ``z1`` (2,), ``a1`` (2,), ``z2`` (1,), ``y_hat`` (1,).

    Notes
    -----
    :math:`z^1 = W^1 x + b^1`, :math:`a^1 = \\tanh z^1`, :math:`z^2 = W^2 a^1 + b^2`,
    :math:`\\hat y = \\tanh z^2`.

    Examples
    --------
    >>> params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.ones((1, 2)), "b2": np.zeros(1)}
    >>> cache = forward(np.array([0.0, 1.0]), params)
    >>> cache["z1"], cache["a1"].round(4), cache["y_hat"].round(4)
    (array([0., 1.]), array([0.    , 0.7616]), array([0.642]))
    """
    x = as_array(x, "x", shape=(2,))
    p = check_params(params)
    z1 = p["W1"] @ x + p["b1"]
    a1 = np.tanh(z1)
    z2 = p["W2"] @ a1 + p["b2"]
    return {"x": x, "z1": z1, "a1": a1, "z2": z2, "y_hat": np.tanh(z2)}


def loss(y_hat: ArrayLike, t: float) -> float:
    """Half squared error of one prediction, ``1/2 (y_hat - t)**2``, as a float.

    Examples
    --------
    >>> loss(np.array([0.5]), 1.0), loss(0.5, [1.0])
    (0.125, 0.125)
    """
    return 0.5 * (number(y_hat, "y_hat") - number(t, "t")) ** 2


def _cache(cache):
    if not isinstance(cache, dict) or not set(CACHE_KEYS) <= set(cache):
        raise KeyError(f"cache must be a dict with keys {list(CACHE_KEYS)}")
    return cache


@reference(4)
def local_derivatives(cache: dict[str, ArrayLike], t: float, params: dict[str, ArrayLike], j: int,
                      i: int) -> dict[str, float]:
    """The five local derivatives along the path from ``W1[j, i]`` to the loss.

    Parameters
    ----------
    cache : dict
        As returned by :func:`forward` (``y_hat`` may also be a float).
    t : float
    params : dict
    j, i : int
        Hidden unit and input, each 0 or 1.

    Returns
    -------
    dict of str to float
        ``dL_dy_hat``, ``dy_hat_dz2``, ``dz2_da1``, ``da1_dz1``, ``dz1_dW1``; their product
        is ``dL/dW1[j, i]``.

    Notes
    -----
    :math:`\\partial L/\\partial \\hat y = \\hat y - t`,
    :math:`\\partial \\hat y/\\partial z^2 = 1 - \\hat y^2`,
    :math:`\\partial z^2/\\partial a^1_j = W^2[0, j]`,
    :math:`\\partial a^1_j/\\partial z^1_j = 1 - (a^1_j)^2` (the *output* of tanh),
    :math:`\\partial z^1_j/\\partial W^1[j, i] = x_i`.

    Examples
    --------
    >>> params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.ones((1, 2)), "b2": np.zeros(1)}
    >>> cache = forward(np.array([0.0, 0.0]), params)
    >>> local_derivatives(cache, 1.0, params, 0, 1)
    {'dL_dy_hat': -1.0, 'dy_hat_dz2': 1.0, 'dz2_da1': 1.0, 'da1_dz1': 1.0, 'dz1_dW1': 0.0}
    """
    p = check_params(params)
    if j not in (0, 1) or i not in (0, 1):
        raise ValueError(f"j and i must each be 0 or 1; got j={j!r}, i={i!r}")
    cache = _cache(cache)
    y_hat = number(cache["y_hat"], "cache['y_hat']")
    return {
        "dL_dy_hat": y_hat - number(t, "t"),
        "dy_hat_dz2": 1.0 - y_hat**2,
        "dz2_da1": float(p["W2"][0, j]),
        "da1_dz1": 1.0 - float(cache["a1"][j]) ** 2,
        "dz1_dW1": float(cache["x"][i]),
    }


@reference(4, also=(8,))
def backward(x: ArrayLike, t: float, params: dict[str, ArrayLike],
             cache: dict[str, ArrayLike]) -> dict[str, np.ndarray]:
    """Gradient of the loss with respect to every parameter, for one example.

    Parameters
    ----------
    x : ndarray of shape (2,)
    t : float
    params : dict
    cache : dict
        As returned by ``forward(x, params)`` (``y_hat`` may also be a float).

    Returns
    -------
    grads : dict of str to ndarray
        The keys of ``params``; ``grads["W1"]`` is dL/dW1, of shape (2, 2), and so on:
        each gradient has the shape of what it differentiates.

    Notes
    -----
    With the deltas ``dz2 = (y_hat - t) (1 - y_hat**2)`` and
    ``dz1 = (W2.T @ dz2) * (1 - a1**2)``:
    ``dW2 = outer(dz2, a1)``, ``db2 = dz2``, ``dW1 = outer(dz1, x)``, ``db1 = dz1``.

    Examples
    --------
    >>> params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.ones((1, 2)), "b2": np.zeros(1)}
    >>> x = np.array([1.0, 0.0])
    >>> grads = backward(x, 0.0, params, forward(x, params))
    >>> {key: value.shape for key, value in grads.items()}
    {'W1': (2, 2), 'b1': (2,), 'W2': (1, 2), 'b2': (1,)}
    """
    x = as_array(x, "x", shape=(2,))
    p = check_params(params)
    cache = _cache(cache)
    y_hat = number(cache["y_hat"], "cache['y_hat']")
    a1 = as_array(cache["a1"], "cache['a1']", shape=(2,))
    dz2 = np.array([(y_hat - number(t, "t")) * (1.0 - y_hat**2)])
    dz1 = (p["W2"].T @ dz2) * (1.0 - a1**2)
    return {"W1": np.outer(dz1, x), "b1": dz1, "W2": np.outer(dz2, a1), "b2": dz2}


def loss_at(x: ArrayLike, t: float, params: dict[str, ArrayLike], name: str | None = None,
            value: ArrayLike | None = None) -> float:
    """The loss with one parameter replaced by ``value``: the function a gradient check probes.

    Parameters
    ----------
    x : ndarray of shape (2,)
    t : float
    params : dict
    name : str, optional
        A key of ``params``; when given, ``params[name]`` is replaced by ``value``.
    value : ndarray of the shape of ``params[name]``, optional

    Returns
    -------
    float

    Notes
    -----
    It runs the reference :func:`forward`, so in notebook 4 it works inside the course's
    checks (``bp.checks.gradient``) and nowhere else.

    Examples
    --------
    >>> params = init_params(np.random.default_rng(1))
    >>> x = np.array([0.5, -1.0])
    >>> loss_at(x, 0.3, params) == loss_at(x, 0.3, params, "b2", params["b2"])
    True
    """
    if name is not None:
        if name not in PARAM_SHAPES:
            raise KeyError(f"name must be one of {list(PARAM_SHAPES)}; got {name!r}")
        params = {**params, name: value}
    return loss(forward(x, params)["y_hat"], t)
