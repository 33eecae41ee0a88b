"""A ReLU network that classifies: He initialisation, logits, softmax cross-entropy, SGD.

The references for notebook 9. The parameters are a dict as in :mod:`bplab.mlp`
(``"W1", "b1", ..., "WL", "bL"``, ``W{l}`` of shape ``(n_l, n_{l-1})``); hidden layers are
ReLU, the last layer is linear and its outputs are the logits, shape ``(N, K)``::

    params = bp.classifier.he_init([64, 64, 10], rng)
    Z = bp.classifier.logits(params, X)                 # (N, 10)
    labels = bp.classifier.predict(params, X)           # (N,) integers 0..9
    L, grads = bp.classifier.loss_and_grads(params, X, y)
    params, L = bp.classifier.sgd_step(params, X_batch, y_batch, lr=0.1)

The loss is the mean over the batch of the per-example cross-entropy
(:func:`bplab.softmax.softmax_ce`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .activations import relu, relu_grad
from .course import reference, references_unlocked
from .layers import dense_forward
from .mlp import backward_from_delta, n_layers
from .softmax import softmax_ce, softmax_ce_grad
from .validation import as_array, as_scalar

__all__ = ["he_init", "logits", "predict", "accuracy", "confusion_matrix", "loss_and_grads",
           "loss_of", "sgd_step"]


@reference(9)
def he_init(sizes: list, rng: np.random.Generator) -> dict:
    """He initialisation: weights of standard deviation ``sqrt(2 / n_in)``, zero biases.

    Parameters
    ----------
    sizes : sequence of int, length L + 1
        ``[n_0, n_1, ..., n_L]``.
    rng : numpy.random.Generator

    Returns
    -------
    dict of str to ndarray
        ``W{l}`` of shape ``(n_l, n_{l-1})`` drawn from :math:`N(0, 2/n_{l-1})`, ``b{l}``
        zeros of shape ``(n_l,)``.

    Notes
    -----
    A ReLU zeroes about half of its inputs, so it halves the mean square of what passes
    through. Weights of variance :math:`2/n_{in}` make up for it: the mean square of the
    pre-activations stays the same from layer to layer, at any depth.

    Examples
    --------
    >>> params = he_init([400, 300, 10], np.random.default_rng(0))
    >>> round(float(params["W1"].std() * np.sqrt(400 / 2)), 2), params["b1"].any()
    (1.0, np.False_)
    """
    sizes = [as_scalar(n, "sizes entry", positive=True, integer=True) for n in sizes]
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least 2 widths (input and output); got {sizes}")
    params = {}
    for l in range(1, len(sizes)):
        params[f"W{l}"] = np.sqrt(2.0 / sizes[l - 1]) * rng.standard_normal((sizes[l],
                                                                             sizes[l - 1]))
        params[f"b{l}"] = np.zeros(sizes[l])
    return params


def _forward(params, X):
    L = n_layers(params)
    A = as_array(X, "X", ndim=2)
    cache = {"A0": A}
    for l in range(1, L + 1):
        Z = dense_forward(A, params[f"W{l}"], params[f"b{l}"])
        A = Z if l == L else relu(Z)
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    return A, cache


@reference(9)
def logits(params: dict, X: np.ndarray) -> np.ndarray:
    """The network's outputs before the softmax, shape ``(N, K)``.

    Examples
    --------
    >>> params = {"W1": np.array([[1.0, 0.0], [0.0, -1.0]]), "b1": np.zeros(2)}
    >>> logits(params, np.array([[3.0, 2.0]]))
    array([[ 3., -2.]])
    """
    return _forward(params, X)[0]


@reference(9)
def predict(params: dict, X: np.ndarray) -> np.ndarray:
    """The class of highest logit (so of highest probability) for each row of ``X``.

    Returns
    -------
    ndarray of shape (N,), int64

    Examples
    --------
    >>> params = {"W1": np.array([[1.0, 0.0], [0.0, 1.0]]), "b1": np.zeros(2)}
    >>> predict(params, np.array([[3.0, 2.0], [0.0, 1.0]]))
    array([0, 1])
    """
    return np.argmax(_forward(params, X)[0], axis=1).astype(np.int64)


def accuracy(labels: np.ndarray, y: np.ndarray) -> float:
    """Share of ``labels`` equal to ``y``, a float in [0, 1].

    Examples
    --------
    >>> accuracy(np.array([1, 2, 3, 4]), np.array([1, 2, 0, 4]))
    0.75
    """
    labels, y = np.asarray(labels), np.asarray(y)
    if labels.shape != y.shape or labels.ndim != 1:
        raise ValueError(f"labels must have the shape of y, {y.shape}; got {labels.shape}")
    return float(np.mean(labels == y))


def confusion_matrix(y: np.ndarray, labels: np.ndarray, K: int = 10) -> np.ndarray:
    """Counts ``C[i, j]`` of examples of true class ``i`` predicted as class ``j``.

    Examples
    --------
    >>> confusion_matrix(np.array([0, 0, 1]), np.array([0, 1, 1]), K=2)
    array([[1, 1],
           [0, 1]])
    """
    y, labels = np.asarray(y, dtype=np.int64), np.asarray(labels, dtype=np.int64)
    if labels.shape != y.shape:
        raise ValueError(f"labels must have the shape of y, {y.shape}; got {labels.shape}")
    C = np.zeros((K, K), dtype=np.int64)
    np.add.at(C, (y, labels), 1)
    return C


@reference(9)
def loss_and_grads(params: dict, X: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    """The mean softmax cross-entropy on ``(X, y)`` and its gradient for every parameter.

    Returns
    -------
    L : float
    grads : dict of str to ndarray
        The keys of ``params``, each gradient of its parameter's shape.

    Notes
    -----
    Output delta :math:`\\partial L/\\partial Z^L` from :func:`bplab.softmax.softmax_ce_grad`;
    hidden deltas :math:`\\delta^l = (\\delta^{l+1} W^{l+1}) \\odot [Z^l > 0]` in row form.

    Examples
    --------
    >>> params = he_init([3, 4, 2], np.random.default_rng(1))
    >>> L, grads = loss_and_grads(params, np.ones((2, 3)), np.array([0, 1]))
    >>> {key: g.shape for key, g in grads.items()}
    {'W1': (4, 3), 'b1': (4,), 'W2': (2, 4), 'b2': (2,)}
    """
    return _loss_and_grads(params, X, y)


def _loss_and_grads(params, X, y):
    Z_out, cache = _forward(params, X)
    with references_unlocked():  # the course's own computation, in any notebook
        loss, dZ = softmax_ce(Z_out, y), softmax_ce_grad(Z_out, y)
        return loss, backward_from_delta(params, cache, dZ, relu_grad)


def loss_of(params: dict, X: np.ndarray, y: np.ndarray, key: str) -> Callable:
    """The mean loss on ``(X, y)`` as a function of the one parameter ``params[key]``.

    For gradient checks: ``bp.checks.gradient(name, dW1, loss_of(params, X, y, "W1"),
    params["W1"])``. The other parameters are copied, so later changes to ``params`` do
    not move the function.

    Examples
    --------
    >>> params = {"W1": np.zeros((3, 2)), "b1": np.zeros(3)}
    >>> f = loss_of(params, np.ones((2, 2)), np.array([0, 2]), "b1")
    >>> round(f(np.zeros(3)), 6)  # log(3)
    1.098612
    """
    if key not in params:
        raise KeyError(f"key must be one of {sorted(params)}; got {key!r}")
    fixed = {name: np.array(value, dtype=np.float64) for name, value in params.items()}

    def loss(value):
        return _loss_and_grads(dict(fixed, **{key: value}), X, y)[0]

    return loss


@reference(9)
def sgd_step(params: dict, X: np.ndarray, y: np.ndarray, lr: float) -> tuple[dict, float]:
    """One step of stochastic gradient descent on the mini-batch ``(X, y)``.

    Parameters
    ----------
    params : dict of str to ndarray
    X : ndarray of shape (B, n_0)
    y : ndarray of shape (B,)
    lr : float
        Learning rate.

    Returns
    -------
    new_params : dict of str to ndarray
        ``params[key] - lr * dL/dparams[key]`` for every key; ``params`` is left unchanged.
    L : float
        The batch's loss before the step.

    Examples
    --------
    >>> params = he_init([3, 4, 2], np.random.default_rng(1))
    >>> X, y = np.ones((2, 3)), np.array([0, 1])
    >>> new, L = sgd_step(params, X, y, lr=0.1)
    >>> loss_and_grads(new, X, y)[0] < L
    True
    """
    lr = as_scalar(lr, "lr", positive=True)
    L, grads = _loss_and_grads(params, X, y)
    return {key: params[key] - lr * grads[key] for key in params}, L
