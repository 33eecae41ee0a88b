"""Many 2-2-1 XOR networks trained at once, and how often training learns XOR.

Every parameter of :mod:`bplab.xor` gets a leading seed axis S (see
:func:`bplab.xor.init_batch`), and one NumPy call does the work of S networks: no
product ever sums over, or pairs up, two different seeds. Notebook 6 trains 1,000
networks for 10,000 iterations this way to estimate the success rate::

    params = bp.xor.init_batch(rng, 1000)
    trained = bp.xor.train_batch(params, X, t, lr=0.5, n_iterations=10_000)
    rate, y_hat = bp.xor.success_rate(1000, 0.5, 10_000, 0.5, rng)

The functions marked as references answer notebook 6's exercises and are locked there.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..course import reference
from ..validation import as_array
from ._network import PARAMS, as_params, forward, init_batch, xor_data

__all__ = ["unchecked_sigmoid", "stacked_gradients", "batched_gradients", "train_batch",
           "success_rate", "weight_drift", "SUCCESS_TOL"]

SUCCESS_TOL = 0.1
"""A run succeeds when every output is within this distance of its target."""


def unchecked_sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic sigmoid for the training loop: no input checks, no warnings.

    ``activations.sigmoid`` checks its input and masks large values; in a loop that runs a
    thousand networks for ten thousand steps that costs more than the arithmetic. Here
    exp(-z) overflows to inf for z < -709, and 1 / inf is the right answer, 0.

    Parameters
    ----------
    z : ndarray

    Returns
    -------
    ndarray of the shape of z
    """
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


@reference(6)
def stacked_gradients(p: dict[str, np.ndarray], X: np.ndarray, t: np.ndarray,
                      hidden: str = "sigmoid",
                      loss_kind: str = "half_mse") -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Stacked gradients and final outputs; no product ever mixes two seeds s.

    The two products with X use np.tensordot, the fastest form here of the einsums
    "ni,sji->snj" and "snj,ni->sji".
    """
    tanh_hidden = hidden == "tanh"
    A1 = (np.tanh if tanh_hidden else unchecked_sigmoid)(
        np.tensordot(X, p["W1"], axes=(1, 2)).transpose(1, 0, 2) + p["b1"][:, None, :])
    y_hat = unchecked_sigmoid(np.einsum("snj,skj->snk", A1, p["W2"]) + p["b2"][:, None, :])
    N = len(X)
    if loss_kind == "bce":  # sigmoid + cross-entropy: dL/dZ2 = (y_hat - t) / N
        dZ2 = (y_hat - t) / N
    else:  # sigmoid + half squared error
        dZ2 = (y_hat - t) / N * y_hat * (1.0 - y_hat)
    dZ1 = np.einsum("snk,skj->snj", dZ2, p["W2"]) * ((1.0 - A1 * A1) if tanh_hidden
                                                     else A1 * (1.0 - A1))
    grads = {"W1": np.tensordot(dZ1, X, axes=(1, 0)),
             "b1": np.einsum("snj->sj", dZ1),
             "W2": np.einsum("snk,snj->skj", dZ2, A1),
             "b2": np.einsum("snk->sk", dZ2)}
    return grads, y_hat


@reference(6)
def batched_gradients(params: dict[str, ArrayLike], X: ArrayLike,
                      t: ArrayLike) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Gradients of S networks at once (mean half squared error, sigmoid units).

    Returns
    -------
    grads : dict of str to ndarray
        Each the shape of its stacked parameter; ``grads[name][s]`` is the gradient of
        network s alone.
    losses : ndarray of shape (S,)
    """
    p = as_params(params)
    X, t = as_array(X, "X", shape=(None, 2)), as_array(t, "t", shape=(len(X), 1))
    grads, y_hat = stacked_gradients(p, X, t)
    return grads, 0.5 * ((y_hat - t) ** 2).sum(axis=2).mean(axis=1)


@reference(6)
def train_batch(params: dict[str, ArrayLike], X: ArrayLike, t: ArrayLike, lr: ArrayLike,
                n_iterations: int, hidden: str = "sigmoid",
                loss: str = "half_mse") -> dict[str, np.ndarray]:
    """Train S stacked networks together by full-batch gradient descent.

    Parameters
    ----------
    params : dict of str to ndarray
        Stacked parameters (leading axis S); not modified.
    X : ndarray of shape (N, 2)
    t : ndarray of shape (N, 1)
    lr : float or ndarray of shape (S,)
        One learning rate, or one per network.
    n_iterations : int
    hidden : {"sigmoid", "tanh"}
    loss : {"half_mse", "bce"}
        Mean half squared error, or binary cross-entropy (mean over examples).

    Returns
    -------
    dict of str to ndarray
        The trained parameters, stacked like ``params``.
    """
    p = {name: value.copy() for name, value in as_params(params).items()}
    X, t = as_array(X, "X", shape=(None, 2)), as_array(t, "t", shape=(len(X), 1))
    lr = as_array(lr, "lr")
    rates = {name: lr.reshape(lr.shape + (1,) * (p[name].ndim - lr.ndim)) for name in PARAMS}
    for _ in range(int(n_iterations)):
        grads, _ = stacked_gradients(p, X, t, hidden, loss)
        for name in PARAMS:
            p[name] -= rates[name] * grads[name]
    return p


@reference(6)
def success_rate(n_seeds: int, lr: float, n_iterations: int, init_scale: float,
                 rng: np.random.Generator) -> tuple[float, np.ndarray]:
    """Fraction of ``n_seeds`` random initialisations that learn XOR.

    Returns
    -------
    rate : float
        Fraction of networks whose four outputs all end within SUCCESS_TOL of the targets.
    y_hat : ndarray of shape (n_seeds, 4)
        Every network's final outputs.
    """
    X, t = xor_data()
    params = train_batch(init_batch(rng, n_seeds, init_scale), X, t, lr, n_iterations)
    y_hat = forward(params, X)[1][:, :, 0]
    return float(np.mean(np.all(np.abs(y_hat - t[:, 0]) < SUCCESS_TOL, axis=1))), y_hat


def weight_drift(params: dict[str, ArrayLike], X: ArrayLike, t: ArrayLike, lr: float, n_blocks: int,
                 every: int) -> dict[str, np.ndarray]:
    """Keep training stacked networks and record, every ``every`` steps, size and loss.

    What happens to networks that have not learned XOR: their loss keeps creeping down
    while their weights keep growing, the sign of a flat valley that goes on for ever
    rather than of a minimum at finite weights.

    Parameters
    ----------
    params : dict of str to ndarray, stacked (leading axis S)
        The networks to train further; not modified.
    X, t : ndarrays of shapes (N, 2) and (N, 1)
    lr : float
    n_blocks, every : int
        Record at 0, every, 2 every, ..., n_blocks * every further steps.

    Returns
    -------
    dict
        ``steps`` (K,), ``norms`` (K, S): the Euclidean norm of all of a network's
        parameters, ``losses`` (K, S), with K = n_blocks + 1.

    Examples
    --------
    >>> from bplab.course import references_unlocked
    >>> X, t = xor_data()
    >>> with references_unlocked():
    ...     record = weight_drift(init_batch(np.random.default_rng(0), 3), X, t, 0.5, 2, 10)
    >>> record["steps"], record["norms"].shape
    (array([ 0, 10, 20]), (3, 3))
    """
    X, t = as_array(X, "X", shape=(None, 2)), as_array(t, "t", shape=(len(X), 1))
    p = as_params(params)
    norms, losses = [], []
    for block in range(int(n_blocks) + 1):
        if block:
            p = train_batch(p, X, t, lr, every)
        norms.append(np.sqrt(sum((p[name] ** 2).reshape(len(p[name]), -1).sum(axis=1)
                                 for name in PARAMS)))
        y_hat = forward(p, X)[1]
        losses.append(0.5 * ((y_hat - t) ** 2).sum(axis=2).mean(axis=1))
    return {"steps": int(every) * np.arange(int(n_blocks) + 1), "norms": np.array(norms),
            "losses": np.array(losses)}
