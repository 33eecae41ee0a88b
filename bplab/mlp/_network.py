"""A fully connected network of any depth: initialisation, forward and backward on a batch.

The API, used from notebook 5 on (notebook 7 measures its gradients layer by layer)::

    params = bp.mlp.init_params([2, 2, 1], rng)            # {"W1", "b1", "W2", "b2"}
    y_hat, cache = bp.mlp.forward(params, X, hidden="sigmoid", output="sigmoid")
    grads = bp.mlp.backward(params, cache, t, loss="mse")  # {"W1": dW1, "b1": db1, ...}
    L, grads = bp.mlp.loss_and_grads(params, X, t, hidden="tanh", loss="bce")
    params = bp.mlp.step(params, grads, lr=0.5)

The output end (output activations, the mean loss and the output delta) is in
``_output.py`` beside this module; deterministic problems and the loss as a function of
one parameter, for demos and checks, are in ``_problems.py``. :mod:`bplab.mlp` shows all.

Conventions (the course's notation page, ``docs/notation.md``):

* ``params`` maps ``"W1", "b1", ..., "WL", "bL"`` to arrays; ``W{l}`` has shape
  ``(n_l, n_{l-1})`` and ``b{l}`` shape ``(n_l,)``; layer ``L`` is the output layer.
* ``X`` has shape ``(N, n_0)``; ``y_hat`` and the target ``t`` have shape ``(N, n_L)``
  (a ``t`` of shape ``(N,)`` is accepted when ``n_L == 1``).
* ``grads`` has **the same keys as params**: ``grads["W1"]`` is dW1 = dL/dW1, of the
  shape of ``W1``; so checking or updating every parameter is one loop over the keys.
* ``cache`` holds ``"A0"`` (= X) and ``"Z{l}"``, ``"A{l}"`` for every layer, plus the
  activation names under ``"hidden"`` and ``"output"``.
* Hidden activations: ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``; output
  activations: those or ``"identity"``. Losses are means over the examples: ``"mse"`` (squared error summed
  over outputs), ``"half_mse"`` (half of it) and ``"bce"`` (needs a sigmoid output).

Backward pass, with deltas ``dZ{l} = dL/dZ{l}`` (one example per row):
output delta ``dZL = dL/dy_hat * h'(ZL)``, or ``(y_hat - t) / N`` for a sigmoid output with
cross-entropy; hidden delta ``dZ{l} = (dZ{l+1} @ W{l+1}) * h'(Z{l})``; then
``dW{l} = dZ{l}.T @ A{l-1}`` and ``db{l} = dZ{l}.sum(axis=0)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..course import reference
from ..layers import dense_backward, dense_forward
from ._output import activation, mean_loss, output_delta
from ..validation import as_array, as_scalar

__all__ = ["init_params", "n_layers", "forward", "backward", "backward_from_delta",
           "loss_and_grads", "step"]

_HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu")


def init_params(sizes: Sequence[int], rng: np.random.Generator,
                scale: float | None = None) -> dict[str, np.ndarray]:
    """Random weights and zero biases for a network with layer widths ``sizes``.

    Parameters
    ----------
    sizes : sequence of int, length L + 1
        ``[n_0, n_1, ..., n_L]``: input width, hidden widths, output width.
    rng : numpy.random.Generator
    scale : float, optional
        Standard deviation of the weights; default ``1 / sqrt(n_{l-1})`` per layer
        (Xavier/Glorot-style: keeps pre-activations of order 1).

    Returns
    -------
    dict of str to ndarray
        ``W{l}`` of shape ``(n_l, n_{l-1})`` drawn from N(0, scale^2), ``b{l}`` zeros of
        shape ``(n_l,)``, for l = 1..L.

    Examples
    --------
    >>> params = init_params([2, 3, 1], np.random.default_rng(0))
    >>> {key: value.shape for key, value in params.items()}
    {'W1': (3, 2), 'b1': (3,), 'W2': (1, 3), 'b2': (1,)}
    """
    sizes = [as_scalar(n, "sizes entry", positive=True, integer=True) for n in sizes]
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least 2 widths (input and output); got {sizes}")
    params = {}
    for l in range(1, len(sizes)):
        std = 1.0 / np.sqrt(sizes[l - 1]) if scale is None else as_scalar(scale, "scale")
        params[f"W{l}"] = std * rng.standard_normal((sizes[l], sizes[l - 1]))
        params[f"b{l}"] = np.zeros(sizes[l])
    return params


def n_layers(params: dict[str, Any]) -> int:
    """Number of weight layers L in ``params`` (keys W1..WL and b1..bL must all be there)."""
    L = sum(1 for key in params if key.startswith("W"))
    expected = {f"{p}{l}" for l in range(1, L + 1) for p in "Wb"}
    if L == 0 or set(params) != expected:
        raise ValueError(f"params must hold exactly the keys W1, b1, ..., WL, bL; "
                         f"got {sorted(params)}")
    return L


@reference(5)
def forward(params: dict[str, ArrayLike], X: ArrayLike, hidden: str = "sigmoid",
            output: str = "sigmoid") -> tuple[np.ndarray, dict[str, Any]]:
    """Forward pass of the whole network on a batch.

    Parameters
    ----------
    params : dict of str to ndarray
        See the module docstring.
    X : ndarray of shape (N, n_0)
    hidden : {"sigmoid", "tanh", "relu", "leaky_relu"}
        Activation of layers 1..L-1.
    output : {"sigmoid", "tanh", "relu", "leaky_relu", "identity"}
        Activation of layer L.

    Returns
    -------
    y_hat : ndarray of shape (N, n_L)
    cache : dict
        ``A0`` = X, ``Z{l}`` and ``A{l}`` of shape (N, n_l), ``hidden`` and ``output``.

    Notes
    -----
    :math:`Z^l = A^{l-1} (W^l)^T + b^l`, :math:`A^l = h(Z^l)`.

    Examples
    --------
    >>> params = {"W1": np.array([[1.0, -1.0]]), "b1": np.array([0.0])}
    >>> forward(params, np.array([[2.0, 2.0]]))[0]
    array([[0.5]])
    """
    L = n_layers(params)
    h_hidden, _ = activation(hidden, _HIDDEN)
    h_out, _ = activation(output)
    A = as_array(X, "X", ndim=2)
    cache = {"A0": A, "hidden": hidden, "output": output}
    for l in range(1, L + 1):
        Z = dense_forward(A, params[f"W{l}"], params[f"b{l}"])
        A = h_out(Z) if l == L else h_hidden(Z)
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    return A, cache


@reference(5, also=(8,))
def backward(params: dict[str, ArrayLike], cache: dict[str, Any], t: ArrayLike,
             loss: str = "mse") -> dict[str, np.ndarray]:
    """Backward pass: the gradient of the mean loss with respect to every parameter.

    Parameters
    ----------
    params : dict of str to ndarray
    cache : dict
        From :func:`forward` with the same ``params``.
    t : ndarray of shape (N, n_L)
    loss : {"mse", "half_mse", "bce"}

    Returns
    -------
    dict of str to ndarray
        The keys of ``params``; ``grads["W{l}"]`` is dL/dW{l}, the shape of ``W{l}``.

    Notes
    -----
    :math:`\\delta^l = (\\delta^{l+1} W^{l+1}) \\odot h'(Z^l)` in row form (per example,
    :math:`(W^{l+1})^T \\delta^{l+1}`), :math:`dW^l = (\\delta^l)^T A^{l-1}`,
    :math:`db^l = \\sum_n \\delta^l_n`.

    Examples
    --------
    >>> params = init_params([2, 3, 1], np.random.default_rng(0))
    >>> X, t = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([1.0, 0.0])
    >>> grads = backward(params, forward(params, X, hidden="tanh")[1], t, loss="bce")
    >>> sorted(grads) == sorted(params)
    True
    """
    _, h_grad = activation(cache["hidden"])
    dZ = output_delta(cache[f"Z{n_layers(params)}"], t, loss=loss, output=cache["output"])
    return backward_from_delta(params, cache, dZ, h_grad)


@reference(5, also=(8,))
def backward_from_delta(params: dict[str, np.ndarray], cache: dict[str, Any], dZ: np.ndarray,
                        h_grad: Callable[[np.ndarray], np.ndarray]) -> dict[str, np.ndarray]:
    """The hidden layers' share of the backward pass, once the output delta is known.

    Parameters
    ----------
    params : dict of str to ndarray
    cache : dict
        ``A{l}`` of shape (N, n_l) for l = 0..L-1 and ``Z{l}`` of shape (N, n_l) for the
        hidden layers, as :func:`forward` stores them.
    dZ : ndarray of shape (N, n_L)
        The output delta ``dL/dZ{L}``, whatever loss and output activation it comes from.
    h_grad : callable
        Derivative of the hidden activation, elementwise on an ndarray.

    Returns
    -------
    dict of str to ndarray
        The keys of ``params``, each gradient of its parameter's shape.

    Examples
    --------
    >>> params = {"W1": np.array([[2.0]]), "b1": np.zeros(1), "W2": np.array([[3.0]]),
    ...           "b2": np.zeros(1)}
    >>> cache = {"A0": np.array([[1.0]]), "Z1": np.array([[0.0]]), "A1": np.array([[0.5]])}
    >>> backward_from_delta(params, cache, np.array([[1.0]]), lambda z: np.full_like(z, 0.25))
    {'W1': array([[0.75]]), 'b1': array([0.75]), 'W2': array([[0.5]]), 'b2': array([1.])}
    """
    grads = {}
    for l in range(n_layers(params), 0, -1):
        dA_prev, grads[f"W{l}"], grads[f"b{l}"] = dense_backward(dZ, cache[f"A{l - 1}"],
                                                                 params[f"W{l}"])
        if l > 1:
            dZ = dA_prev * h_grad(cache[f"Z{l - 1}"])
    return {key: grads[key] for key in params}


def loss_and_grads(params: dict[str, ArrayLike], X: ArrayLike, t: ArrayLike,
                   hidden: str = "sigmoid", output: str = "sigmoid",
                   loss: str = "mse") -> tuple[float, dict[str, np.ndarray]]:
    """The mean loss and its gradients in one call: ``(L, grads)``.

    The gradients are those of the loss returned, everywhere: with ``loss="bce"`` the loss
    is computed from the output's pre-activations (:func:`bplab.losses.bce_with_logits`),
    so a prediction that rounds to exactly 0 or 1 gives a finite loss whose slope is the
    gradient returned, ``(y_hat - t) / N`` at the output, instead of a clipped loss that is
    flat there while its gradient is not.

    Examples
    --------
    >>> params = init_params([2, 2, 1], np.random.default_rng(1))
    >>> L, grads = loss_and_grads(params, np.eye(2), np.array([1.0, 0.0]))
    >>> round(L, 6) > 0, grads["W1"].shape
    (True, (2, 2))
    """
    y_hat, cache = forward(params, X, hidden=hidden, output=output)
    Z_out = cache[f"Z{n_layers(params)}"] if output == "sigmoid" else None
    return mean_loss(y_hat, t, loss, Z=Z_out), backward(params, cache, t, loss=loss)


def step(params: dict[str, np.ndarray], grads: dict[str, ArrayLike],
         lr: float) -> dict[str, np.ndarray]:
    """One gradient-descent step: a new dict ``{key: params[key] - lr * grads[key]}``.

    Examples
    --------
    >>> step({"W1": np.array([[1.0]]), "b1": np.array([0.0])},
    ...      {"W1": np.array([[2.0]]), "b1": np.array([1.0])}, lr=0.5)
    {'W1': array([[0.]]), 'b1': array([-0.5])}
    """
    lr = as_scalar(lr, "lr", positive=True)
    return {key: params[key] - lr * as_array(grads[key], f"grads[{key!r}]",
                                             shape=params[key].shape) for key in params}
