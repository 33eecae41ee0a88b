"""What depth costs and what it buys: notebook 7's measurements.

* Cost: how the gradient of a deep network grows or shrinks with the number of layers.
  :func:`depth_slope` fits the base-2 logarithm of ``||dL/dW^l||`` against the depth L, so
  a slope of +1 means the gradient doubles with every layer added.
* Gain: a deep ReLU network can draw far more linear pieces than a shallow one with as
  many units. :func:`sawtooth_params` composes the "tent" map, two ReLU units a layer;
  ``L`` layers draw ``2**L`` pieces on [0, 1], where one hidden layer needs ``2**L - 1``
  units. :func:`count_pieces` counts them on a grid.

Networks use :mod:`bplab.mlp`'s parameter dicts (``W1``, ``b1``, ..., shapes as in the
course's notation page, docs/notation.md), ReLU hidden layers and a linear output.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from . import mlp
from .course import references_unlocked
from .jacobians import deep_network
from .validation import as_array, as_scalar

__all__ = ["layer_norms", "depth_slope", "sawtooth_params", "count_pieces"]


def layer_norms(depth: int, width: int, gain: float, activation: str, seed: int,
                N: int = 32) -> np.ndarray:
    """``||dL/dW^l||_F`` for l = 1..depth of a random network on random data.

    The network is :func:`bplab.jacobians.deep_network` (weights of variance
    gain^2 / width, zero biases) with ``activation`` in its hidden layers, a linear output
    and the half squared error; data and targets are standard normal, all from ``seed``.

    Returns
    -------
    ndarray of shape (depth,)

    Examples
    --------
    >>> layer_norms(4, 8, 1.0, "relu", seed=0).shape
    (4,)
    """
    rng = np.random.default_rng(seed)
    params = deep_network(depth, width, gain, rng)
    X, t = rng.standard_normal((N, width)), rng.standard_normal((N, width))
    with references_unlocked():  # notebook 5's backprop, a tool here
        _, grads = mlp.loss_and_grads(params, X, t, hidden=activation, output="identity",
                                      loss="half_mse")
    return np.array([np.linalg.norm(grads[f"W{l}"]) for l in range(1, depth + 1)])


def depth_slope(activation: str = "relu", gain: float = 2.0, width: int = 128,
                depths: Sequence[int] = (4, 8, 12, 16, 20), n_seeds: int = 2) -> float:
    """How fast the gradient grows with depth: the slope of log2 ||dL/dW|| against L.

    For each depth, the mean over layers and seeds of ``log2 ||dL/dW^l||`` (see
    :func:`layer_norms`); then the least-squares slope of those means against the depth.

    Returns
    -------
    float
        Change of log2 of the gradient norm per layer added: +1 doubles, -1/2 divides
        by sqrt(2).

    Notes
    -----
    For ReLU with Var(W) = gain^2 / n_in, each layer multiplies the mean square of the
    forward signal, and of the backward delta, by gain^2 / 2. The gradient of every layer
    is then about (gain^2/2)^((L-1)/2) ||delta^L|| ||x||, and delta^L = (y_hat - t) / N
    tends to -t / N when the output dies (gain^2 < 2: slope log2(gain^2/2) / 2) but grows
    like the output, (gain^2/2)^(L/2), when it explodes (gain^2 > 2: slope log2(gain^2/2)).
    So gain^2 = 1 gives -1/2 per layer, gain^2 = 4 gives +1.

    Examples
    --------
    >>> abs(depth_slope("relu", np.sqrt(2.0), width=64, depths=(4, 8, 12))) < 0.25
    True
    """
    depths = np.asarray(depths)
    means = [np.mean([np.log2(layer_norms(int(L), width, gain, activation, seed))
                      for seed in range(n_seeds)]) for L in depths]
    return float(np.polyfit(depths, means, 1)[0])


def sawtooth_params(depth: int) -> dict:
    """A ReLU network of ``depth`` hidden layers of 2 units that draws a sawtooth on [0, 1].

    Each hidden layer applies the tent map g(u) = 2 relu(u) - 4 relu(u - 1/2), folded into
    the next layer's weights; the output is g of the last layer. The result has
    ``2**depth`` linear pieces on [0, 1] (``2**(depth - 1)`` teeth).

    Returns
    -------
    dict
        ``W1`` (2, 1), ``b1`` (2,), ``W2 .. W{depth}`` (2, 2), ``W{depth+1}`` (1, 2), biases.

    Examples
    --------
    >>> params = sawtooth_params(3)
    >>> with references_unlocked():
    ...     y = mlp.forward(params, np.array([[0.0], [0.125], [0.25]]), hidden="relu",
    ...                     output="identity")[0]
    >>> y.ravel()
    array([0., 1., 0.])
    """
    depth = as_scalar(depth, "depth", positive=True, integer=True)
    split = np.array([[1.0], [1.0]])       # both units read the same number u
    shift = np.array([0.0, -0.5])           # relu(u) and relu(u - 1/2)
    tent = np.array([[2.0, -4.0]])          # g(u) = 2 relu(u) - 4 relu(u - 1/2)
    params = {"W1": split.copy(), "b1": shift.copy()}
    for l in range(2, depth + 1):
        params[f"W{l}"], params[f"b{l}"] = split @ tent, shift.copy()
    params[f"W{depth + 1}"], params[f"b{depth + 1}"] = tent.copy(), np.zeros(1)
    return params


def count_pieces(x: ArrayLike, y: ArrayLike, tol: float = 1e-9) -> int:
    """Number of linear pieces of a piecewise linear curve sampled at sorted points.

    Counts the places where the slope between neighbouring samples changes. The count is
    exact when every kink falls on a sample (the sawtooth's kinks are at multiples of
    2**-depth, so a grid of 2**k + 1 points with k > depth has them all); a kink between two
    samples counts twice.

    Examples
    --------
    >>> x = np.linspace(0, 1, 9)
    >>> count_pieces(x, np.abs(x - 0.5))
    2
    """
    x, y = as_array(x, "x", ndim=1), as_array(y, "y", shape=(len(x),))
    slopes = np.diff(y) / np.diff(x)
    return int(1 + np.sum(np.abs(np.diff(slopes)) > tol * max(1.0, np.max(np.abs(slopes)))))
