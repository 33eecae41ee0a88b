"""Studies of XOR training over many runs: when a run leaves the plateau, how often runs
succeed, and what the failed ones do next.

Each study trains with the package's references (unlocked here, as the explorers do) and
returns plain arrays or dicts; the ones that take seconds return None while grading.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from .. import xor
from ..course import grading, references_unlocked

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["escape_steps", "failure_drift", "STUDY", "success_study", "plot_success_study"]


@functools.lru_cache(maxsize=8)
def _escape_steps(seed, lrs, threshold, n_iterations, every):
    X, t = xor.xor_data()
    start = xor.init_params(np.random.default_rng(seed))
    params = {k: np.repeat(v[None], len(lrs), axis=0) for k, v in start.items()}
    found = np.full(len(lrs), -1)
    with references_unlocked():
        for step in range(0, n_iterations + 1, every):
            if step:
                params = xor.train_batch(params, X, t, np.array(lrs), every)
            found[(found < 0) & (xor.loss(params, X, t) < threshold)] = step
            if np.all(found >= 0):
                break
    found.flags.writeable = False
    return found


def escape_steps(seed: int = 283, lrs: Sequence[float] = (0.5, 5.0), threshold: float = 0.05,
                 n_iterations: int = 10_000, every: int = 10) -> np.ndarray:
    """When the network of ``seed`` first gets its loss below ``threshold``, for each lr.

    The networks start from the same parameters and train side by side; the loss is
    looked at every ``every`` steps, so each answer is a multiple of ``every``.

    Returns
    -------
    ndarray of int, shape (len(lrs),)
        The first step count at which the loss was below ``threshold``; -1 for a
        network that never got there within ``n_iterations``.

    Examples
    --------
    >>> steps = escape_steps(283, (5.0, 20.0), n_iterations=2000)
    >>> bool(steps[1] < steps[0])
    True
    """
    return _escape_steps(int(seed), tuple(float(lr) for lr in lrs), float(threshold),
                         int(n_iterations), int(every)).copy()


def failure_drift(failed: ArrayLike, seed: int = 6, init_scale: float = 0.5, lr: float = 0.5,
                  n_iterations: int = 10_000, n_blocks: int = 2,
                  every: int = 10_000) -> dict[str, np.ndarray] | None:
    """Train on the networks that failed, and record their weights' size and their loss.

    The networks are those of ``init_batch(np.random.default_rng(seed), len(failed),
    init_scale)`` (the draws of notebook 6's success rate) for which ``failed`` is True.
    They are trained ``n_iterations`` steps (to where the success rate looked at them),
    then :func:`bplab.xor.weight_drift` records them every ``every`` steps.

    Returns
    -------
    dict or None
        What :func:`bplab.xor.weight_drift` returns, with ``steps`` counted from the
        start of training; None while grading (tests/test_xor.py shows a run).
    """
    if grading():
        return None
    failed = np.asarray(failed, dtype=bool)
    X, t = xor.xor_data()
    start = xor.init_batch(np.random.default_rng(seed), len(failed), init_scale)
    with references_unlocked():
        params = xor.train_batch({k: v[failed] for k, v in start.items()}, X, t, lr,
                                 n_iterations)
        record = xor.weight_drift(params, X, t, lr, n_blocks, every)
    record["steps"] = record["steps"] + int(n_iterations)
    return record


STUDY = (("baseline: lr 0.5, init scale 0.5", 0.5, 0.5, "sigmoid", "half_mse"),
         ("lr 0.1", 0.1, 0.5, "sigmoid", "half_mse"),
         ("lr 2", 2.0, 0.5, "sigmoid", "half_mse"),
         ("lr 8", 8.0, 0.5, "sigmoid", "half_mse"),
         ("init scale 0.1", 0.5, 0.1, "sigmoid", "half_mse"),
         ("init scale 2", 0.5, 2.0, "sigmoid", "half_mse"),
         ("tanh hidden units", 0.5, 0.5, "tanh", "half_mse"),
         ("cross-entropy loss", 0.5, 0.5, "sigmoid", "bce"))
"""(label, lr, init_scale, hidden, loss) of each row of the success study."""


def success_study(n_seeds: int = 200, n_iterations: int = 10_000, seed: int = 0,
                  rows: Sequence[tuple] = STUDY) -> dict[str, float] | None:
    """Success rate of each configuration of ``rows``, ``n_seeds`` networks each.

    Configurations that share the hidden activation and loss are trained together as
    one stack, with a learning rate per network. Returns None while grading.

    Returns
    -------
    dict of str to float
        Row label to success rate.
    """
    if grading():
        return None
    rng = np.random.default_rng(seed)
    X, t = xor.xor_data()
    rates = {}
    for kind in sorted({(row[3], row[4]) for row in rows}):
        group = [row for row in rows if (row[3], row[4]) == kind]
        inits = [xor.init_batch(rng, n_seeds, row[2]) for row in group]
        params = {k: np.concatenate([p[k] for p in inits]) for k in xor.PARAMS}
        lr = np.repeat([row[1] for row in group], n_seeds)
        with references_unlocked():
            params = xor.train_batch(params, X, t, lr, n_iterations, *kind)
        y_hat = xor.forward(params, X, kind[0])[1][:, :, 0]
        ok = np.all(np.abs(y_hat - t[:, 0]) < xor.SUCCESS_TOL, axis=1)
        rates.update({row[0]: float(ok[i * n_seeds:(i + 1) * n_seeds].mean())
                      for i, row in enumerate(group)})
    return {row[0]: rates[row[0]] for row in rows}


def plot_success_study(rates: dict[str, float] | None, ax: Axes | None = None) -> Axes | None:
    """Horizontal bars of the success rates from :func:`success_study` (None: no plot)."""
    if rates is None:
        return None
    from .plotting import new_axes

    ax = new_axes(ax, figsize=(7, 3.5))
    labels = list(rates)[::-1]
    ax.barh(labels, [rates[k] for k in labels], color="C0")
    for i, k in enumerate(labels):
        ax.text(rates[k] + 0.01, i, f"{rates[k]:.0%}", va="center")
    ax.set(xlim=(0, 1.1), xlabel="success rate (all four outputs within 0.1)")
    return ax
