"""The output end of a :mod:`bplab.mlp` network: its activations, mean loss and delta.

The loss enters backprop at the output layer only; this module is that layer's side::

    h, h_grad = bp.mlp.activation("identity")    # (function, derivative)
    L = bp.mlp.mean_loss(y_hat, t, "mse")          # "mse", "half_mse" or "bce"
    dZL = bp.mlp.output_delta(ZL, t, loss="bce")   # dL/dZ of the output layer

Shapes: ``y_hat``, ``Z`` and the target ``t`` are ``(N, n_out)``; a ``t`` of shape
``(N,)`` is accepted when ``n_out == 1``. Losses are means over the examples: ``"mse"``
(squared error summed over outputs), ``"half_mse"`` (half of it) and ``"bce"`` (binary
cross-entropy, which needs a sigmoid output).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .. import activations, losses
from ..course import reference
from ..validation import as_array

__all__ = ["OUTPUTS", "LOSSES", "activation", "mean_loss", "output_delta"]

OUTPUTS = dict(activations.ACTIVATIONS,
               identity=(lambda z: z, lambda z: np.ones_like(np.asarray(z, dtype=np.float64))))
"""Name to ``(function, derivative)``: the hidden activations, and identity for a linear output."""

LOSSES = ("mse", "half_mse", "bce")


def activation(name: str, allowed: Sequence[str] | None = None) -> tuple[
        Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
    """``(h, h')`` for the activation ``name``, one of ``allowed`` (default: any output).

    Examples
    --------
    >>> h, h_grad = activation("identity")
    >>> h_grad(np.array([3.0, -1.0]))
    array([1., 1.])
    """
    allowed = OUTPUTS if allowed is None else allowed
    if name not in allowed:
        raise ValueError(f"activation must be one of {sorted(allowed)}; got {name!r}")
    return OUTPUTS[name]


def _target(t, y_hat):
    t = as_array(t, "t")
    if t.ndim == 1 and y_hat.shape[1] == 1:
        t = t[:, None]
    if t.shape != y_hat.shape:
        raise ValueError(f"t must have shape {y_hat.shape} like y_hat; got {t.shape}")
    return t


def mean_loss(y_hat: ArrayLike, t: ArrayLike, kind: str = "mse",
              Z: ArrayLike | None = None) -> float:
    """Mean over examples of the per-example loss ``kind`` (see :data:`LOSSES`).

    Parameters
    ----------
    y_hat : ndarray of shape (N, n_out)
    t : ndarray of shape (N, n_out), or (N,) when n_out == 1
    kind : {"mse", "half_mse", "bce"}
    Z : ndarray of shape (N, n_out), optional
        The pre-activations of a sigmoid output, ``y_hat = sigmoid(Z)``. With ``"bce"``
        the loss is then computed from them, exactly and without clipping, so that it
        stays consistent with the output delta ``(y_hat - t) / N`` even where ``y_hat``
        rounds to 0 or 1.

    Examples
    --------
    >>> mean_loss(np.array([[1.0], [3.0]]), np.array([0.0, 1.0]), "half_mse")
    1.25
    >>> Z = np.array([[-800.0]])            # sigmoid(Z) is exactly 0.0 in float64
    >>> mean_loss(np.array([[0.0]]), [1.0], "bce", Z=Z)
    800.0
    """
    y_hat = as_array(y_hat, "y_hat", ndim=2)
    t = _target(t, y_hat)
    if kind == "mse":
        return losses.mse(y_hat, t)
    if kind == "half_mse":
        return 0.5 * losses.mse(y_hat, t)
    if kind == "bce":
        if Z is not None:
            return losses.bce_with_logits(as_array(Z, "Z", shape=y_hat.shape), t)
        return losses.bce(y_hat, t)
    raise ValueError(f"kind must be one of {LOSSES}; got {kind!r}")


@reference(5, also=(8,))
def output_delta(Z: ArrayLike, t: ArrayLike, loss: str = "mse",
                 output: str = "sigmoid") -> np.ndarray:
    """Delta of the output layer, ``dL/dZ``, for a mean loss over the batch.

    Parameters
    ----------
    Z : ndarray of shape (N, n_out)
        Pre-activations of the output layer.
    t : ndarray of shape (N, n_out)
    loss : {"mse", "half_mse", "bce"}
    output : {"sigmoid", "tanh", "relu", "identity"}
        The output activation; ``"bce"`` requires ``"sigmoid"``.

    Returns
    -------
    ndarray of shape (N, n_out)

    Notes
    -----
    :math:`\\delta^L = \\partial L/\\partial \\hat y \\odot h'(Z^L)`, with
    :math:`\\partial L/\\partial \\hat y = 2(\\hat y - t)/N` for mse. For a sigmoid output
    with cross-entropy the factor :math:`\\hat y(1-\\hat y)` cancels and
    :math:`\\delta^L = (\\hat y - t)/N`.

    Examples
    --------
    >>> output_delta(np.array([[0.0], [0.0]]), np.array([[1.0], [0.0]]), loss="bce")
    array([[-0.25],
           [ 0.25]])
    """
    Z = as_array(Z, "Z", ndim=2)
    h, h_grad = activation(output)
    y_hat = h(Z)
    t = _target(t, y_hat)
    N = Z.shape[0]
    if loss == "bce":
        if output != "sigmoid":
            raise ValueError(f"loss 'bce' needs a sigmoid output; got output={output!r}")
        return (y_hat - t) / N
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}; got {loss!r}")
    factor = 2.0 if loss == "mse" else 1.0
    return factor * (y_hat - t) / N * h_grad(Z)

