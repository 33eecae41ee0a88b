"""What backpropagation keeps in memory, and what recomputation trades for it (notebook 10).

The backward pass of a dense layer needs the layer's input ``A_prev`` (for ``dW``) and its
pre-activation ``Z`` (for ``h'(Z)``), so the forward pass keeps them: for a batch of
``N`` examples, ``N (n_0 + 2 (n_1 + ... + n_L))`` numbers for notebook 5's cache (``A0``,
then every ``Z{l}`` and ``A{l}``), growing with the depth, while the weights do not
depend on ``N`` at all.

**Gradient checkpointing** keeps only every ``every``-th layer's activations during the
forward pass. The backward pass, segment by segment from the top, recomputes a segment's
forward pass from its checkpoint, backpropagates through it, and frees it. Memory falls
from ``L`` layers' caches to ``L / every`` checkpoints plus one segment; the price is a
second forward pass through the layers (:func:`checkpointed_grads` counts them).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .course import reference
from .validation import as_array, as_scalar

__all__ = ["kept_for_backward", "cache_bytes", "checkpointed_grads"]


@reference(10)
def kept_for_backward(sizes: list, N: int, itemsize: int = 8) -> int:
    """Bytes of the cache a forward pass keeps for the backward pass.

    Parameters
    ----------
    sizes : list of int
        ``[n_0, n_1, ..., n_L]``, the widths of the input and of every layer.
    N : int
        Examples in the batch.
    itemsize : int, default 8
        Bytes per number (float64).

    Returns
    -------
    int
        ``itemsize * N * (n_0 + 2 * (n_1 + ... + n_L))``: ``A0``, and ``Z{l}`` and ``A{l}``
        of shape ``(N, n_l)`` for every layer.

    Examples
    --------
    >>> kept_for_backward([64, 64, 10], 32)
    54272
    """
    widths = [as_scalar(n, "sizes", positive=True, integer=True) for n in sizes]
    N = as_scalar(N, "N", positive=True, integer=True)
    return int(itemsize) * int(N) * (widths[0] + 2 * sum(widths[1:]))


def cache_bytes(cache: dict) -> int:
    """Bytes of the arrays in a cache (a dict), measured with ``nbytes``; other values skipped.

    Examples
    --------
    >>> cache_bytes({"A0": np.zeros((32, 64)), "Z1": np.zeros((32, 10)), "hidden": "relu"})
    18944
    """
    return int(sum(value.nbytes for value in cache.values() if isinstance(value, np.ndarray)))


def _forward(params, A, first, last):
    """Layers ``first..last`` (ReLU, the last of the network linear); their cache."""
    n_layers = len(params) // 2
    cache = {f"A{first - 1}": A}
    for l in range(first, last + 1):
        Z = A @ params[f"W{l}"].T + params[f"b{l}"]
        A = Z if l == n_layers else np.maximum(Z, 0.0)
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    return A, cache


def _backward(params, cache, dA, first, last, grads):
    """Backpropagate ``dA = dL/dA{last}`` through layers ``last..first``; ``dL/dA{first-1}``."""
    n_layers = len(params) // 2
    for l in range(last, first - 1, -1):
        dZ = dA if l == n_layers else dA * (cache[f"Z{l}"] > 0)
        grads[f"W{l}"] = dZ.T @ cache[f"A{l - 1}"]
        grads[f"b{l}"] = dZ.sum(axis=0)
        dA = dZ @ params[f"W{l}"]
    return dA


def _unique_bytes(arrays):
    """Bytes of the distinct arrays among ``arrays`` (a layer's output is the next one's input)."""
    return int(sum(a.nbytes for a in {id(a): a for a in arrays}.values()))


def checkpointed_grads(params: dict, X: ArrayLike, t: ArrayLike,
                       every: int) -> tuple[dict, dict]:
    """Gradients of the mean half squared error of a ReLU network, with checkpointing.

    Parameters
    ----------
    params : dict of str to ndarray
        ``"W1"``, ``"b1"``, ..., ``"WL"``, ``"bL"``: ReLU hidden layers, a linear last one.
    X : ndarray of shape (N, n_0)
    t : ndarray of shape (N, n_L)
    every : int
        Keep the input of every ``every``-th layer, and the whole cache of the top segment
        only; ``every = 1`` keeps every layer's cache (plain backpropagation).

    Returns
    -------
    grads : dict of str to ndarray
        The same gradients as plain backpropagation, to rounding.
    cost : dict
        ``"peak_bytes"``: the most bytes of activations held at once (the checkpoints
        still needed plus one segment's cache), counting each array once;
        ``"layer_forwards"``: layer forward passes computed, ``L`` for plain
        backpropagation and up to ``2 L`` with recomputation.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> params = {}
    >>> for l in range(1, 9):
    ...     params[f"W{l}"], params[f"b{l}"] = rng.normal(size=(4, 4)) / 2, np.zeros(4)
    >>> X, t = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    >>> plain, plain_cost = checkpointed_grads(params, X, t, every=1)
    >>> saved, saved_cost = checkpointed_grads(params, X, t, every=4)
    >>> all(np.allclose(plain[k], saved[k]) for k in plain)
    True
    >>> plain_cost["peak_bytes"] == kept_for_backward([4] * 9, 5) - 5 * 4 * 8  # A8 is Z8
    True
    >>> saved_cost["peak_bytes"] < plain_cost["peak_bytes"], saved_cost["layer_forwards"]
    (True, 12)
    """
    X = as_array(X, "X", ndim=2)
    t = as_array(t, "t", ndim=2)
    every = as_scalar(every, "every", positive=True, integer=True)
    n_layers = len(params) // 2
    segments = [(first, min(first + every - 1, n_layers))
                for first in range(1, n_layers + 1, every)]
    kept, A, forwards = {}, X, 0
    for first, last in segments:           # forward: each segment keeps its input only...
        A, cache = _forward(params, A, first, last)
        forwards += last - first + 1
        top = (first, last) == segments[-1]
        kept[first] = cache if every == 1 or top else {f"A{first - 1}": cache[f"A{first - 1}"]}
    dA = (A - t) / len(X)
    grads, peak = {}, 0
    for first, last in reversed(segments):  # backward: recompute a segment, use it, free it
        if len(kept[first]) == 1:
            _, kept[first] = _forward(params, kept[first][f"A{first - 1}"], first, last)
            forwards += last - first + 1
        peak = max(peak, _unique_bytes(a for cache in kept.values() for a in cache.values()))
        dA = _backward(params, kept.pop(first), dA, first, last, grads)
    return {key: grads[key] for key in params}, {"peak_bytes": peak, "layer_forwards": forwards}
