"""The learning curves behind notebook 9's explorer: trained once, kept in a table.

Every setting of the explorer's sliders (a learning rate, a hidden width and a batch
size) trains a 64-width-10 network on the digits for 20 epochs with
:func:`bplab.training.learning_curve`: a tenth of a second to a few seconds, too slow to
follow a slider. The curves of all 216 settings are computed once, by that same function,
and shipped in ``bplab/data/digit_curves.npz``; :func:`curve` reads the table the first
time it is needed and trains only for a setting the table does not hold (a value off the
sliders, or a table left from other grids). Rebuild the table after changing the training
or the grids::

    python -m bplab.explore.digit_curves

Training is deterministic for its seed, so the table holds what a fresh computation gives
(the tests compare them). Where the learning rate is large and the batches small, the
training is chaotic: a change in the last digit of one weight changes the curves from the
first epochs on, so there another machine's arithmetic (another BLAS) may draw the same
kind of erratic curve but not the same one.
"""

from __future__ import annotations

import functools
import itertools
import sys
from importlib import resources
from pathlib import Path

import numpy as np

from ..course import references_unlocked
from ..training import HISTORY_KEYS, learning_curve

__all__ = ["LEARNING_RATES", "WIDTHS", "BATCH_SIZES", "EPOCHS", "SEED", "TABLE_FILE",
           "train_curve", "curve", "compute_table", "save_table", "load_table"]

LEARNING_RATES = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
WIDTHS = (4, 8, 16, 32, 64, 128)
BATCH_SIZES = (8, 16, 32, 64, 128, 256)
EPOCHS = 20
SEED = 0
TABLE_FILE = "digit_curves.npz"

_GRIDS = {"learning_rates": LEARNING_RATES, "widths": WIDTHS, "batch_sizes": BATCH_SIZES,
          "epochs": (EPOCHS,), "seed": (SEED,)}


def train_curve(lr: float, width: int, batch_size: int) -> dict:
    """The curves of one setting, computed afresh (seconds of training at most).

    Returns
    -------
    dict
        As :func:`bplab.training.learning_curve` returns it for ``epochs=EPOCHS`` and
        ``seed=SEED``: one list of ``EPOCHS`` floats per key of
        :data:`bplab.training.HISTORY_KEYS`, and ``"best_epoch"``.
    """
    # a learning rate too large can send the loss to inf: the curve shows it, silently
    with references_unlocked(), np.errstate(all="ignore"):
        return learning_curve(lr=float(lr), width=int(width), batch_size=int(batch_size),
                              epochs=EPOCHS, seed=SEED)


def compute_table(progress: bool = False) -> dict[str, np.ndarray]:
    """Train every setting of the grids and gather the curves into arrays.

    Parameters
    ----------
    progress : bool
        Print one line per learning rate and width to stderr.

    Returns
    -------
    dict of str to ndarray
        Per key of :data:`bplab.training.HISTORY_KEYS`, an array of shape
        ``(len(LEARNING_RATES), len(WIDTHS), len(BATCH_SIZES), EPOCHS)``;
        ``"best_epoch"`` of shape ``(len(LEARNING_RATES), len(WIDTHS), len(BATCH_SIZES))``;
        and the grids themselves, so that a table can be checked against them.
    """
    shape = (len(LEARNING_RATES), len(WIDTHS), len(BATCH_SIZES))
    table = {key: np.empty(shape + (EPOCHS,)) for key in HISTORY_KEYS}
    table["best_epoch"] = np.empty(shape, dtype=np.int64)
    for i, j in itertools.product(range(shape[0]), range(shape[1])):
        if progress:
            print(f"lr {LEARNING_RATES[i]:g}, width {WIDTHS[j]}", file=sys.stderr, flush=True)
        for k, batch_size in enumerate(BATCH_SIZES):
            history = train_curve(LEARNING_RATES[i], WIDTHS[j], batch_size)
            for key in HISTORY_KEYS:
                table[key][i, j, k] = history[key]
            table["best_epoch"][i, j, k] = history["best_epoch"]
    table.update({name: np.asarray(grid) for name, grid in _GRIDS.items()})
    return table


def save_table(path: str | Path | None = None, progress: bool = True) -> Path:
    """Compute the table and write it (default: ``bplab/data/digit_curves.npz``)."""
    path = Path(path) if path is not None else Path(__file__).parent.parent / "data" / TABLE_FILE
    np.savez_compressed(path, **compute_table(progress))
    load_table.cache_clear()
    curve.cache_clear()
    return path


@functools.lru_cache(maxsize=1)
def load_table() -> dict[str, np.ndarray] | None:
    """The shipped table, read once; None when it is missing or made for other grids."""
    source = resources.files(__package__.rpartition(".")[0]).joinpath("data", TABLE_FILE)
    if not source.is_file():
        return None
    with source.open("rb") as handle, np.load(handle) as data:
        table = {name: data[name] for name in data.files}
    if any(name not in table or not np.array_equal(table[name], grid)
           for name, grid in _GRIDS.items()):
        return None
    return table


def _position(value, grid):
    matches = [index for index, entry in enumerate(grid) if entry == value]
    return matches[0] if matches else None


@functools.lru_cache(maxsize=64)
def curve(lr: float, width: int, batch_size: int) -> dict:
    """The curves of one setting: from the table when it holds them, else trained.

    Returns
    -------
    dict
        What :func:`train_curve` returns, with tuples for lists (the result is cached and
        shared, so it must not change).

    Examples
    --------
    >>> history = curve(0.1, 8, 256)
    >>> fresh = train_curve(0.1, 8, 256)
    >>> len(history["val_acc"]), bool(np.allclose(history["val_acc"], fresh["val_acc"]))
    (20, True)
    """
    table = load_table()
    where = (_position(lr, LEARNING_RATES), _position(width, WIDTHS),
             _position(batch_size, BATCH_SIZES))
    if table is None or None in where:
        history = train_curve(lr, width, batch_size)
        return {key: tuple(value) if isinstance(value, list) else value
                for key, value in history.items()}
    history = {key: tuple(table[key][where].tolist()) for key in HISTORY_KEYS}
    history["best_epoch"] = int(table["best_epoch"][where])
    return history


if __name__ == "__main__":
    print(f"wrote {save_table()}")
