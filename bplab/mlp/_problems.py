"""Fixed problems for a :mod:`bplab.mlp` network, and its loss as a function of one parameter.

Demos and test cells need a network, a batch and targets that are the same on every run
(:func:`example_problem`); gradient checks need the loss as a function of one parameter
array at a time (:func:`loss_of`), to differentiate it numerically key by key::

    params, X, t = bp.mlp.example_problem([3, 4, 2], 5, seed=0)
    f = bp.mlp.loss_of(params, X, t, "W2", hidden="tanh")  # f(W2) -> float

Shapes as in :mod:`bplab.mlp`: ``X`` is ``(N, n_0)`` and ``t`` is ``(N, n_L)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..course import references_unlocked
from ._network import forward, init_params, n_layers
from ._output import mean_loss
from ..validation import as_array

__all__ = ["loss_of", "example_problem", "example_cache"]


def loss_of(params: dict[str, ArrayLike], X: ArrayLike, t: ArrayLike, key: str,
            hidden: str = "sigmoid", output: str = "sigmoid",
            loss: str = "mse") -> Callable[[ArrayLike], float]:
    """The mean loss as a function of one parameter array, for gradient checks.

    Parameters
    ----------
    params : dict of str to ndarray
    X, t : ndarray
    key : str
        Which parameter varies, such as ``"W2"``.
    hidden, output, loss : str
        As in :func:`bplab.mlp.forward` and :func:`bplab.mlp.mean_loss`.

    Returns
    -------
    callable
        ``f(value) -> float``: the loss with ``params[key]`` replaced by ``value``.

    Examples
    --------
    >>> params = init_params([2, 2, 1], np.random.default_rng(1))
    >>> X, t = np.eye(2), np.array([1.0, 0.0])
    >>> f = loss_of(params, X, t, "b2")
    >>> from bplab import mlp
    >>> bool(np.isclose(f(params["b2"]), mlp.loss_and_grads(params, X, t)[0]))
    True
    """
    if key not in params:
        raise ValueError(f"key must be one of {sorted(params)}; got {key!r}")
    def f(value):
        trial = dict(params)
        trial[key] = as_array(value, key, shape=params[key].shape)
        y_hat, cache = forward(trial, X, hidden=hidden, output=output)
        Z_out = cache[f"Z{n_layers(trial)}"] if output == "sigmoid" else None
        return mean_loss(y_hat, t, loss, Z=Z_out)

    return f


def example_problem(sizes: Sequence[int], N: int, seed: int,
                    loss: str = "mse") -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """A deterministic network, batch and targets, for demos and test cells.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, as in :func:`bplab.mlp.init_params`.
    N : int
        Number of examples.
    seed : int
    loss : {"mse", "half_mse", "bce"}
        ``"bce"`` gives 0/1 targets, the others targets in [0, 1).

    Returns
    -------
    params : dict of str to ndarray
        Weights of standard deviation 0.8 and small random biases.
    X : ndarray of shape (N, sizes[0])
    t : ndarray of shape (N, sizes[-1])

    Examples
    --------
    >>> params, X, t = example_problem([3, 4, 2], 5, seed=0)
    >>> X.shape, t.shape, params["b1"].shape
    ((5, 3), (5, 2), (4,))
    """
    rng = np.random.default_rng(seed)
    params = init_params(sizes, rng, scale=0.8)
    for key in params:
        if key.startswith("b"):
            params[key] = 0.2 * rng.standard_normal(params[key].shape)
    X = rng.standard_normal((N, params["W1"].shape[1]))
    shape = (N, len(params[f"b{n_layers(params)}"]))
    t = rng.integers(0, 2, shape).astype(np.float64) if loss == "bce" else rng.uniform(0, 1, shape)
    return params, X, t


def example_cache(sizes: Sequence[int], N: int, seed: int, hidden: str = "sigmoid",
                  loss: str = "mse",
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """:func:`example_problem` and the forward pass's cache for it, for test cells.

    The cache is what a backward pass needs (``"A0"``, ``"Z{l}"``, ``"A{l}"``) for this
    fixed problem only, so a test can hand a correct one to a student's backward pass in
    the notebook where the forward pass itself is an exercise.

    Returns
    -------
    params, X, t
        As :func:`example_problem` returns them.
    cache : dict of str to ndarray
        ``"A0"`` and ``"Z{l}"``, ``"A{l}"`` for every layer; the output is a sigmoid.

    Examples
    --------
    >>> params, X, t, cache = example_cache([2, 3, 1], 4, seed=1, hidden="tanh")
    >>> sorted(cache), cache["A2"].shape
    (['A0', 'A1', 'A2', 'Z1', 'Z2'], (4, 1))
    """
    params, X, t = example_problem(sizes, N, seed, loss=loss)
    with references_unlocked():
        cache = forward(params, X, hidden=hidden, output="sigmoid")[1]
    return params, X, t, {key: value for key, value in cache.items()
                          if key not in ("hidden", "output")}
