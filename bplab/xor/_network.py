"""XOR with a 2-2-1 sigmoid network: the data, one network or a stack of them, and training.

Shapes follow the course's notation page (docs/notation.md): ``W1`` (2, 2), ``b1`` (2,),
``W2`` (1, 2), ``b2`` (1,), inputs stacked as rows ``X`` (N, 2), targets ``t`` (N, 1). A *batch of networks* (one per
random initialisation, or "seed") stacks every parameter along a leading axis of length
S: ``W1`` (S, 2, 2), ``b1`` (S, 2), ``W2`` (S, 1, 2), ``b2`` (S, 1); activations then have
shape (S, N, n). The loss is the mean over examples of the half squared error,
``L = (1/N) sum_n 1/2 (y_hat_n - t_n)**2``.

:func:`forward` and :func:`loss` take one network or a stack. Training a whole stack in
one computation, and the success rate, live in ``_batch.py`` beside this module (both
are :mod:`bplab.xor`); what notebook 6's
checks compare against lives in :mod:`bplab.checks.xor`. The functions marked as
references answer notebook 6's exercises and are locked there.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..activations import sigmoid, sigmoid_grad, tanh
from ..course import reference
from ..validation import as_array, as_scalar

__all__ = ["xor_data", "init_params", "init_batch", "as_params", "forward", "loss",
           "gradients", "tanh_gradients", "xor_step", "train_xor", "PARAMS"]

PARAMS = ("W1", "b1", "W2", "b2")
"""Parameter names, in the order they are drawn and updated."""

_SHAPES = {"W1": (2, 2), "b1": (2,), "W2": (1, 2), "b2": (1,)}


def xor_data() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR examples: X (4, 2), rows (0,0) (0,1) (1,0) (1,1), and t (4, 1).

    Examples
    --------
    >>> X, t = xor_data()
    >>> t.ravel()
    array([0., 1., 1., 0.])
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.logical_xor(X[:, :1], X[:, 1:]).astype(np.float64)


def init_params(rng: np.random.Generator, init_scale: float = 0.5) -> dict[str, np.ndarray]:
    """Random parameters of one network: W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,).

    Every entry is ``init_scale`` times a standard normal draw from ``rng``, drawn in
    that order (the order :func:`train_xor` relies on).
    """
    init_scale = as_scalar(init_scale, "init_scale")
    return {name: init_scale * rng.standard_normal(_SHAPES[name]) for name in PARAMS}


def init_batch(rng: np.random.Generator, n_seeds: int,
               init_scale: float = 0.5) -> dict[str, np.ndarray]:
    """Random parameters of ``n_seeds`` networks, stacked along a leading seed axis.

    Returns
    -------
    dict of str to ndarray
        ``W1`` (S, 2, 2), ``b1`` (S, 2), ``W2`` (S, 1, 2), ``b2`` (S, 1) with S = n_seeds.

    Examples
    --------
    >>> init_batch(np.random.default_rng(0), 5)["W1"].shape
    (5, 2, 2)
    """
    if not isinstance(n_seeds, (int, np.integer)) or n_seeds < 1:
        raise ValueError(f"n_seeds must be a positive integer; got {n_seeds!r}")
    init_scale = as_scalar(init_scale, "init_scale")
    return {name: init_scale * rng.standard_normal((n_seeds,) + _SHAPES[name])
            for name in PARAMS}


def as_params(params: dict[str, ArrayLike]) -> dict[str, np.ndarray]:
    """The four parameter arrays of one network or of a stack, as float64 arrays.

    Raises a TypeError, which names the keys expected, for anything but a dict with
    exactly the keys of :data:`PARAMS`.

    Examples
    --------
    >>> as_params({"W1": [[1, 0], [0, 1]], "b1": [0, 0], "W2": [[1, 1]], "b2": [0]})["W2"]
    array([[1., 1.]])
    """
    if not isinstance(params, dict) or set(params) != set(PARAMS):
        raise TypeError(f"params must be a dict with keys {PARAMS}; got {params!r:.80}")
    return {name: as_array(params[name], name) for name in PARAMS}


def forward(params: dict[str, ArrayLike], X: ArrayLike,
            hidden: str = "sigmoid") -> tuple[np.ndarray, np.ndarray]:
    """Forward pass of one network, or of a stack of networks.

    Parameters
    ----------
    params : dict of str to ndarray
        One network's parameters, or a stack with a leading seed axis S.
    X : ndarray of shape (N, 2)
    hidden : {"sigmoid", "tanh"}
        Hidden activation; the output unit is always a sigmoid.

    Returns
    -------
    A1 : ndarray of shape (N, 2), or (S, N, 2) for a stack
    y_hat : ndarray of shape (N, 1), or (S, N, 1)

    Notes
    -----
    Z1 = X @ W1.T + b1, A1 = h(Z1), Z2 = A1 @ W2.T + b2, y_hat = sigmoid(Z2);
    the stacked version does the same for every seed s.
    """
    p = as_params(params)
    X = as_array(X, "X", shape=(None, 2))
    h = {"sigmoid": sigmoid, "tanh": tanh}[hidden]
    A1 = h(np.einsum("ni,...ji->...nj", X, p["W1"]) + p["b1"][..., None, :])
    y_hat = sigmoid(np.einsum("...nj,...kj->...nk", A1, p["W2"]) + p["b2"][..., None, :])
    return A1, y_hat


def loss(params: dict[str, ArrayLike], X: ArrayLike, t: ArrayLike,
         hidden: str = "sigmoid") -> float | np.ndarray:
    """Mean half squared error of one network (a float) or of each network of a stack (S,).

    ``hidden`` is the hidden activation, as in :func:`forward`.

    Notes
    -----
    L = (1/N) sum_n 1/2 (y_hat_n - t_n)**2.

    Examples
    --------
    >>> X, t = xor_data()
    >>> zero = {name: np.zeros(shape) for name, shape in _SHAPES.items()}
    >>> loss(zero, X, t)  # every output is 0.5, every squared error 0.25
    0.125
    """
    _, y_hat = forward(params, X, hidden)
    per_network = 0.5 * ((y_hat - as_array(t, "t")) ** 2).sum(axis=-1).mean(axis=-1)
    return float(per_network) if per_network.ndim == 0 else per_network


@reference(6)
def gradients(params: dict[str, ArrayLike], X: ArrayLike,
              t: ArrayLike) -> tuple[dict[str, np.ndarray], float]:
    """Gradient of the loss (mean half squared error) of one network, by backprop.

    Returns
    -------
    grads : dict of str to ndarray
        Keys W1, b1, W2, b2: dL with respect to each, in that parameter's shape.
    loss : float
        L at ``params``.

    Notes
    -----
    dZ2 = (y_hat - t) / N * y_hat (1 - y_hat); dW2 = dZ2.T @ A1; db2 = dZ2.sum(0);
    dZ1 = (dZ2 @ W2) * A1 (1 - A1); dW1 = dZ1.T @ X; db1 = dZ1.sum(0).
    """
    p = as_params(params)
    X, t = as_array(X, "X", shape=(None, 2)), as_array(t, "t", shape=(len(X), 1))
    Z1 = X @ p["W1"].T + p["b1"]
    A1 = sigmoid(Z1)
    Z2 = A1 @ p["W2"].T + p["b2"]
    y_hat = sigmoid(Z2)
    dZ2 = (y_hat - t) / len(X) * sigmoid_grad(Z2)
    dZ1 = (dZ2 @ p["W2"]) * sigmoid_grad(Z1)
    grads = {"W1": dZ1.T @ X, "b1": dZ1.sum(axis=0), "W2": dZ2.T @ A1, "b2": dZ2.sum(axis=0)}
    return grads, float(0.5 * np.mean(np.sum((y_hat - t) ** 2, axis=1)))


@reference(6)
def tanh_gradients(params: dict[str, ArrayLike], X: ArrayLike,
                   t: ArrayLike) -> tuple[dict[str, np.ndarray], float]:
    """Gradient of the loss of one network whose hidden units are tanh, by backprop.

    The output unit stays a sigmoid and the loss the mean half squared error.

    Returns
    -------
    grads : dict of str to ndarray
        Keys W1, b1, W2, b2, each in its parameter's shape.
    loss : float

    Notes
    -----
    A1 = tanh(Z1); dZ2 = (y_hat - t) / N * y_hat (1 - y_hat);
    dZ1 = (dZ2 @ W2) * (1 - A1**2); dW = dZ.T @ A_prev; db = dZ.sum(0).
    """
    p = as_params(params)
    X, t = as_array(X, "X", shape=(None, 2)), as_array(t, "t", shape=(len(X), 1))
    A1 = tanh(X @ p["W1"].T + p["b1"])
    Z2 = A1 @ p["W2"].T + p["b2"]
    y_hat = sigmoid(Z2)
    dZ2 = (y_hat - t) / len(X) * sigmoid_grad(Z2)
    dZ1 = (dZ2 @ p["W2"]) * (1.0 - A1 ** 2)
    grads = {"W1": dZ1.T @ X, "b1": dZ1.sum(axis=0), "W2": dZ2.T @ A1, "b2": dZ2.sum(axis=0)}
    return grads, float(0.5 * np.mean(np.sum((y_hat - t) ** 2, axis=1)))


@reference(6)
def xor_step(params: dict[str, ArrayLike], X: ArrayLike, t: ArrayLike,
             lr: float) -> tuple[dict[str, np.ndarray], float]:
    """One full-batch gradient-descent step: ``(params - lr * grads, loss before the step)``."""
    grads, value = gradients(params, X, t)
    lr = as_scalar(lr, "lr")
    return {name: params[name] - lr * grads[name] for name in PARAMS}, value


@reference(6)
def train_xor(seed: int, lr: float = 0.5,
              n_iterations: int = 10_000) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Train one network on XOR from ``init_params(np.random.default_rng(seed))``.

    Returns
    -------
    params : dict of str to ndarray
    losses : ndarray of shape (n_iterations,)
        The loss before each step.
    """
    X, t = xor_data()
    params = init_params(np.random.default_rng(seed))
    losses = np.empty(n_iterations)
    for i in range(n_iterations):
        params, losses[i] = xor_step(params, X, t, lr)
    return params, losses
