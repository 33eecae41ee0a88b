"""The 2-2-1 tanh network of notebook 4: reference forward and backward for one example.

Two inputs, two tanh hidden units, one tanh output, squared-error loss. Every
intermediate has a name (DESIGN section 3), and the backward pass is the chain rule
written out, one local derivative at a time:

    Z1 = W1 x + b1       A1 = tanh(Z1)       Z2 = W2 A1 + b2       y_hat = tanh(Z2)
    L = (y_hat - t)**2

with ``W1[j, i]`` the weight from input ``i`` to hidden unit ``j``. The functions marked
``@reference(4)`` answer notebook 4's exercises and are locked while it runs; the checks
still use them. The batched form of the same formulas is notebook 5's business.
"""

import numpy as np

from .course import reference
from .validation import as_array, as_scalar

__all__ = ["PARAM_SHAPES", "CACHE_KEYS", "FACTOR_KEYS", "init_params", "forward", "loss",
           "local_derivatives", "backward", "loss_at"]

PARAM_SHAPES = {"W1": (2, 2), "b1": (2,), "W2": (1, 2), "b2": (1,)}
"""Shape of each parameter; a gradient has the same keys and shapes."""

CACHE_KEYS = ("x", "Z1", "A1", "Z2", "y_hat")
"""The named intermediates that :func:`forward` returns, in the order they are computed."""

FACTOR_KEYS = ("dL_dy_hat", "dy_hat_dZ2", "dZ2_dA1", "dA1_dZ1", "dZ1_dW1")
"""The five local derivatives whose product is ``dL/dW1[j, i]``."""


def _params(params):
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict with keys {list(PARAM_SHAPES)}; "
                        f"got {type(params).__name__}")
    missing = [key for key in PARAM_SHAPES if key not in params]
    if missing:
        raise KeyError(f"params is missing {missing}; it needs {list(PARAM_SHAPES)}")
    return {key: as_array(params[key], key, shape=shape) for key, shape in PARAM_SHAPES.items()}


def _target(t):
    return as_array(t, "t").reshape(-1) if np.ndim(t) else np.array([as_scalar(t, "t")])


def init_params(rng, scale=1.0, biases=True):
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
    >>> params["b1"]
    array([0., 0.])
    """
    scale = as_scalar(scale, "scale", positive=True)
    params = {key: scale * rng.standard_normal(shape) for key, shape in PARAM_SHAPES.items()}
    if not biases:
        params["b1"], params["b2"] = np.zeros(2), np.zeros(1)
    return params


@reference(4)
def forward(x, params):
    """Forward pass of one example, keeping every intermediate.

    Parameters
    ----------
    x : ndarray of shape (2,)
        The input (x1, x2).
    params : dict
        ``W1`` (2, 2), ``b1`` (2,), ``W2`` (1, 2), ``b2`` (1,).

    Returns
    -------
    cache : dict of str to ndarray
        ``x`` (2,), ``Z1`` (2,), ``A1`` (2,), ``Z2`` (1,), ``y_hat`` (1,).

    Notes
    -----
    :math:`Z_1 = W_1 x + b_1`, :math:`A_1 = \\tanh Z_1`, :math:`Z_2 = W_2 A_1 + b_2`,
    :math:`\\hat y = \\tanh Z_2`.

    Examples
    --------
    >>> params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.ones((1, 2)), "b2": np.zeros(1)}
    >>> cache = forward(np.array([0.0, 1.0]), params)
    >>> cache["Z1"], cache["A1"].round(4), cache["y_hat"].round(4)
    (array([0., 1.]), array([0.    , 0.7616]), array([0.6420]))
    """
    x = as_array(x, "x", shape=(2,))
    p = _params(params)
    Z1 = p["W1"] @ x + p["b1"]
    A1 = np.tanh(Z1)
    Z2 = p["W2"] @ A1 + p["b2"]
    return {"x": x, "Z1": Z1, "A1": A1, "Z2": Z2, "y_hat": np.tanh(Z2)}


def loss(y_hat, t):
    """Squared error of one prediction: ``(y_hat - t)**2`` summed over the one output.

    Examples
    --------
    >>> loss(np.array([0.5]), 1.0)
    0.25
    """
    y_hat = as_array(y_hat, "y_hat", shape=(1,))
    return float(np.sum((y_hat - _target(t)) ** 2))


@reference(4)
def local_derivatives(cache, t, params, j, i):
    """The five local derivatives along the path from ``W1[j, i]`` to the loss.

    Parameters
    ----------
    cache : dict
        As returned by :func:`forward`.
    t : float
        The target.
    params : dict
    j, i : int
        Hidden unit and input, each 0 or 1.

    Returns
    -------
    dict of str to float
        ``dL_dy_hat``, ``dy_hat_dZ2``, ``dZ2_dA1``, ``dA1_dZ1``, ``dZ1_dW1``; their product
        is ``dL/dW1[j, i]``.

    Notes
    -----
    :math:`\\partial L/\\partial \\hat y = 2(\\hat y - t)`,
    :math:`\\partial \\hat y/\\partial Z_2 = 1 - \\hat y^2`,
    :math:`\\partial Z_2/\\partial A_{1j} = W_2[0, j]`,
    :math:`\\partial A_{1j}/\\partial Z_{1j} = 1 - A_{1j}^2` (the *output* of tanh),
    :math:`\\partial Z_{1j}/\\partial W_1[j, i] = x_i`.

    Examples
    --------
    >>> params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.ones((1, 2)), "b2": np.zeros(1)}
    >>> cache = forward(np.array([0.0, 0.0]), params)
    >>> local_derivatives(cache, 1.0, params, 0, 1)
    {'dL_dy_hat': -2.0, 'dy_hat_dZ2': 1.0, 'dZ2_dA1': 1.0, 'dA1_dZ1': 1.0, 'dZ1_dW1': 0.0}
    """
    p = _params(params)
    if j not in (0, 1) or i not in (0, 1):
        raise ValueError(f"j and i must each be 0 or 1; got j={j!r}, i={i!r}")
    y_hat = float(cache["y_hat"][0])
    return {
        "dL_dy_hat": 2.0 * (y_hat - float(_target(t)[0])),
        "dy_hat_dZ2": 1.0 - y_hat**2,
        "dZ2_dA1": float(p["W2"][0, j]),
        "dA1_dZ1": 1.0 - float(cache["A1"][j]) ** 2,
        "dZ1_dW1": float(cache["x"][i]),
    }


@reference(4, also=(8,))
def backward(x, t, params, cache):
    """Gradient of the loss with respect to every parameter, for one example.

    Parameters
    ----------
    x : ndarray of shape (2,)
    t : float
    params : dict
    cache : dict
        As returned by ``forward(x, params)``.

    Returns
    -------
    grads : dict of str to ndarray
        The keys of ``params``; ``grads["W1"]`` is dL/dW1, of shape (2, 2), and so on:
        each gradient has the shape of what it differentiates.

    Notes
    -----
    With ``dZ2 = 2 (y_hat - t) (1 - y_hat**2)`` and
    ``dZ1 = (W2.T @ dZ2) * (1 - A1**2)``:
    ``dW2 = outer(dZ2, A1)``, ``db2 = dZ2``, ``dW1 = outer(dZ1, x)``, ``db1 = dZ1``.

    Examples
    --------
    >>> params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.ones((1, 2)), "b2": np.zeros(1)}
    >>> x = np.array([1.0, 0.0])
    >>> grads = backward(x, 0.0, params, forward(x, params))
    >>> {key: value.shape for key, value in grads.items()}
    {'W1': (2, 2), 'b1': (2,), 'W2': (1, 2), 'b2': (1,)}
    """
    x = as_array(x, "x", shape=(2,))
    p = _params(params)
    y_hat, A1 = cache["y_hat"], cache["A1"]
    dL_dy_hat = 2.0 * (y_hat - _target(t))
    dZ2 = dL_dy_hat * (1.0 - y_hat**2)
    dA1 = p["W2"].T @ dZ2
    dZ1 = dA1 * (1.0 - A1**2)
    return {"W1": np.outer(dZ1, x), "b1": dZ1, "W2": np.outer(dZ2, A1), "b2": dZ2}


def loss_at(x, t, params, name=None, value=None):
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
