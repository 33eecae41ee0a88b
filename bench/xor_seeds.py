"""XOR over many seeds: every initialisation trained at once, against a loop over seeds.

Notebook 6 trains 1,000 randomly initialised 2-2-1 sigmoid networks for 10,000
iterations each to estimate how often XOR is learned. ``bplab.xor.train_batch`` does it
as one stacked computation. The baseline, :func:`train_one`, is the same float64
arithmetic for one network at a time, in a Python loop over seeds: a careful student's
first version. It is lean (no input checks, in-place updates), so the speed-up is
vectorisation's, not the checks'.

A loop over 1,000 seeds would take minutes, so the baseline trains a subset of the seeds
and its time is scaled linearly to all of them (every seed does identical work). Before
anything is timed, the final outputs of those seeds must agree with the batched run's.
"""

import numpy as np

from bplab import xor
from bplab.course import references_unlocked

from .table import Row, meets
from .timing import interleave, log, median, paired_ratio

__all__ = ["GOAL", "train_one", "loop_outputs", "batched_outputs", "run"]

GOAL = 100.0
LR = 0.5


def _sigmoid(z):
    with np.errstate(over="ignore"):  # exp(-z) = inf for very negative z; 1 / inf = 0 is right
        return 1.0 / (1.0 + np.exp(-z))


def train_one(W1, b1, W2, b2, X, t, lr, n_iterations):
    """Train one network by full-batch gradient descent; return its final outputs (N,).

    Parameters
    ----------
    W1 : ndarray of shape (2, 2)
    b1 : ndarray of shape (2,)
    W2 : ndarray of shape (1, 2)
    b2 : ndarray of shape (1,)
        Initial parameters (not modified).
    X : ndarray of shape (N, 2)
    t : ndarray of shape (N, 1)
    lr : float
    n_iterations : int

    Notes
    -----
    Mean half squared error, sigmoid units: ``dZ2 = (y_hat - t) y_hat (1 - y_hat) / N``,
    ``dZ1 = (dZ2 @ W2) A1 (1 - A1)``, ``dW = dZ.T @ A_prev``, ``db = dZ.sum(0)``.
    """
    W1, b1, W2, b2 = W1.copy(), b1.copy(), W2.copy(), b2.copy()
    N = len(X)
    for _ in range(n_iterations):
        A1 = _sigmoid(X @ W1.T + b1)
        y_hat = _sigmoid(A1 @ W2.T + b2)
        dZ2 = (y_hat - t) / N * y_hat * (1.0 - y_hat)
        dZ1 = (dZ2 @ W2) * (A1 * (1.0 - A1))
        W1 -= lr * (dZ1.T @ X)
        b1 -= lr * dZ1.sum(axis=0)
        W2 -= lr * (dZ2.T @ A1)
        b2 -= lr * dZ2.sum(axis=0)
    return _sigmoid(_sigmoid(X @ W1.T + b1) @ W2.T + b2)[:, 0]


def loop_outputs(params, n_seeds, n_iterations, lr=LR):
    """Final outputs (n_seeds, 4) of the first ``n_seeds`` networks, one at a time."""
    X, t = xor.xor_data()
    return np.array([train_one(*(params[name][s] for name in xor.PARAMS), X, t, lr,
                               n_iterations) for s in range(n_seeds)])


def batched_outputs(params, n_iterations, lr=LR):
    """Final outputs (S, 4) of every network of the stack, trained together."""
    X, t = xor.xor_data()
    with references_unlocked():
        trained = xor.train_batch(params, X, t, lr, n_iterations)
        return xor.forward(trained, X)[1][:, :, 0]


def run(quick=False, repeats=None, n_seeds=None, n_iterations=None, subset=None):
    """One row: the batched trainer against the loop, scaled to all seeds.

    Parameters
    ----------
    quick : bool
        100 seeds x 500 iterations, 4 looped: a smoke run.
    repeats : int, optional
        Rounds of (batched, loop); default 3.
    n_seeds, n_iterations, subset : int, optional
        Default 1,000 seeds x 10,000 iterations, 20 of them looped.
    """
    n_seeds = n_seeds or (100 if quick else 1_000)
    n_iterations = n_iterations or (500 if quick else 10_000)
    subset = subset or (4 if quick else 20)
    repeats = repeats or (1 if quick else 3)
    params = xor.init_batch(np.random.default_rng(0), n_seeds)
    log(f"xor_seeds: checking {subset} seeds against the batched run")
    batched = batched_outputs(params, n_iterations)
    looped = loop_outputs(params, subset, n_iterations)
    agree = bool(np.allclose(looped, batched[:subset]))
    difference = float(np.max(np.abs(looped - batched[:subset])))
    success = float(np.mean(np.all(np.abs(batched - xor.xor_data()[1][:, 0])
                                   < xor.SUCCESS_TOL, axis=1)))
    log(f"xor_seeds: timing ({repeats} x batched and loop)")
    times = interleave({"batched": lambda: batched_outputs(params, n_iterations),
                        "loop": lambda: loop_outputs(params, subset, n_iterations)}, repeats)
    scale = n_seeds / subset
    scaled = [seconds * scale for seconds in times["loop"]]
    ratio = paired_ratio(scaled, times["batched"])
    notes = [f"loop timed on {subset} seeds ({median(times['loop']):.2f} s) and scaled x{scale:g} "
             "to all seeds",
             f"final outputs of the {subset} looped seeds "
             f"{'agree' if agree else 'DO NOT agree'} with the batched run (np.allclose; largest "
             f"difference {difference:.1e}); {success:.0%} of the {n_seeds:,} networks learn XOR"]
    full = (n_seeds, n_iterations) == (1_000, 10_000)
    if not full:
        notes.append("the goal is judged only at full size (1,000 seeds x 10,000 iterations)")
    return [Row(f"XOR: {n_seeds:,} seeds x {n_iterations:,} iterations, batched",
                f"{median(times['batched']):.3g} s", f"{median(scaled):.3g} s loop (scaled)",
                ratio, "higher", f">= {GOAL:g}x faster" if full else "",
                (agree and meets(ratio, "higher", GOAL)) if full else (None if agree else False),
                notes, samples=times)]
