"""Mini-batch training with early stopping, and the learning curves it records.

The reference for notebook 9's training loop::

    params, history = bp.training.train(params, X_train, y_train, X_val, y_val,
                                        lr=0.1, batch_size=32, epochs=60, patience=8, rng=rng)
    history["val_loss"][history["best_epoch"]] == min(history["val_loss"])

One **epoch** shuffles the training set with ``rng``, cuts it into mini-batches of
``batch_size`` rows (the last one may be smaller) and takes one SGD step on each. After
every epoch the loss and accuracy on the whole training and validation sets are
recorded. **Early stopping** keeps the parameters of the epoch with the lowest
validation loss, and stops once ``patience`` epochs in a row have not improved on it.
"""

from __future__ import annotations

import numpy as np

from .classifier import accuracy, he_init, loss_and_grads, predict, sgd_step
from .course import reference, references_unlocked
from .digits import load_splits
from .validation import as_scalar

__all__ = ["HISTORY_KEYS", "minibatches", "evaluate", "train", "learning_curve"]

HISTORY_KEYS = ("train_loss", "val_loss", "train_acc", "val_acc")


def minibatches(N: int, batch_size: int, rng: np.random.Generator) -> list:
    """Row indices of one epoch: a shuffle of ``range(N)`` cut into batches.

    Returns
    -------
    list of ndarray
        ``ceil(N / batch_size)`` index arrays; together they hold each row exactly once.

    Examples
    --------
    >>> [len(b) for b in minibatches(10, 4, np.random.default_rng(0))]
    [4, 4, 2]
    """
    N = as_scalar(N, "N", positive=True, integer=True)
    batch_size = as_scalar(batch_size, "batch_size", positive=True, integer=True)
    order = rng.permutation(N)
    return [order[start:start + batch_size] for start in range(0, N, batch_size)]


def evaluate(params: dict, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """``(loss, accuracy)`` of ``params`` on the whole set ``(X, y)``.

    Examples
    --------
    >>> params = {"W1": np.zeros((3, 2)), "b1": np.zeros(3)}
    >>> loss, acc = evaluate(params, np.ones((4, 2)), np.array([0, 1, 2, 0]))
    >>> round(loss, 4), acc
    (1.0986, 0.5)
    """
    with references_unlocked():  # the course's own evaluation, usable in any notebook
        loss, _ = loss_and_grads(params, X, y)
        return loss, accuracy(predict(params, X), y)


@reference(9)
def train(params: dict, X_train: np.ndarray, y_train: np.ndarray, X_val: np.ndarray,
          y_val: np.ndarray, lr: float, batch_size: int, epochs: int, patience: int,
          rng: np.random.Generator) -> tuple[dict, dict]:
    """Mini-batch SGD with early stopping on the validation loss.

    Parameters
    ----------
    params : dict of str to ndarray
        Starting parameters (not modified).
    X_train, y_train : ndarray of shape (N, n_0) and (N,)
    X_val, y_val : ndarray of shape (M, n_0) and (M,)
    lr : float
    batch_size : int
    epochs : int
        The most epochs to run.
    patience : int
        Stop after this many epochs in a row without a new lowest validation loss.
    rng : numpy.random.Generator
        Shuffles the training set at the start of every epoch.

    Returns
    -------
    best_params : dict of str to ndarray
        The parameters after the epoch of lowest validation loss.
    history : dict
        ``"train_loss"``, ``"val_loss"``, ``"train_acc"``, ``"val_acc"``: lists with one
        float per epoch run, measured after the epoch; ``"best_epoch"``: the index of the
        lowest ``val_loss`` (0 for the first epoch).

    Examples
    --------
    >>> splits = load_splits()
    >>> (X, y), (Xv, yv) = splits["train"], splits["val"]
    >>> rng = np.random.default_rng(0)
    >>> params, history = train(he_init([64, 32, 10], rng), X[:300], y[:300], Xv, yv,
    ...                         lr=0.2, batch_size=30, epochs=40, patience=3, rng=rng)
    >>> best = history["best_epoch"]
    >>> history["val_loss"][best] == min(history["val_loss"])
    True
    >>> len(history["val_loss"]) in (best + 4, 40)
    True
    """
    epochs = as_scalar(epochs, "epochs", positive=True, integer=True)
    patience = as_scalar(patience, "patience", positive=True, integer=True)
    history = {key: [] for key in HISTORY_KEYS}
    best_params, best_loss, best_epoch = dict(params), np.inf, 0
    for epoch in range(epochs):
        for index in minibatches(len(y_train), batch_size, rng):
            with references_unlocked():
                params, _ = sgd_step(params, X_train[index], y_train[index], lr)
        for name, (X, y) in (("train", (X_train, y_train)), ("val", (X_val, y_val))):
            loss, acc = evaluate(params, X, y)
            history[f"{name}_loss"].append(loss)
            history[f"{name}_acc"].append(acc)
        if history["val_loss"][-1] < best_loss:
            best_params, best_loss, best_epoch = params, history["val_loss"][-1], epoch
        elif epoch - best_epoch >= patience:
            break
    history["best_epoch"] = best_epoch
    return best_params, history


def learning_curve(lr: float = 0.1, width: int = 64, batch_size: int = 32, epochs: int = 30,
                   seed: int = 0, n_train: int | None = None) -> dict:
    """Train a 64-``width``-10 ReLU network on the digits and return its history.

    The pure function behind notebook 9's explorer: no early stopping (``patience`` equal to
    ``epochs``), so the curves show what happens after the best epoch too.

    Parameters
    ----------
    lr : float
    width : int
        Hidden units.
    batch_size : int
    epochs : int
    seed : int
        Seeds the initialisation and the shuffles.
    n_train : int, optional
        Train on the first ``n_train`` training examples only (default: all 1079).

    Returns
    -------
    dict
        As :func:`train` returns it.

    Examples
    --------
    >>> history = learning_curve(lr=0.1, width=16, batch_size=64, epochs=3)
    >>> len(history["train_loss"]), history["train_loss"][-1] < history["train_loss"][0]
    (3, True)
    """
    splits = load_splits()
    (X, y), (X_val, y_val) = splits["train"], splits["val"]
    if n_train is not None:
        n_train = as_scalar(n_train, "n_train", positive=True, integer=True)
        X, y = X[:n_train], y[:n_train]
    width = as_scalar(width, "width", positive=True, integer=True)
    rng = np.random.default_rng(seed)
    with references_unlocked():
        params = he_init([X.shape[1], width, 10], rng)
        return train(params, X, y, X_val, y_val, lr, batch_size, epochs, epochs, rng)[1]
