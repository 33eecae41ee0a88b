"""Handwritten digits: 1,797 images of 8x8 pixels, ten classes, shipped with the package.

The data are scikit-learn's copy of the test set of the UCI "Optical Recognition of
Handwritten Digits" data (E. Alpaydin and C. Kaynak, 1998; UCI Machine Learning
Repository, licensed CC BY 4.0), as scikit-learn ships it in
``sklearn/datasets/data/digits.csv.gz`` (scikit-learn is BSD-3-Clause). They were
extracted once into ``bplab/data/digits.npz`` (about 45 KB), so nothing is downloaded and
scikit-learn is not needed to use them. Each image is a 32x32 bitmap of a digit written
by hand, reduced to 8x8 blocks whose pixels count the inked bits of a 4x4 block (0 to 16).

::

    X, y = bp.digits.load_digits()          # X (1797, 64) in [0, 1], y (1797,) in 0..9
    splits = bp.digits.load_splits()         # {"train": (X, y), "val": ..., "test": ...}
    X_test, y_test = splits["test"]

:func:`split` is stratified (each class is divided in the same proportions) and
deterministic: the same ``seed`` gives the same split on every machine.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np

from .validation import as_array, as_scalar

__all__ = ["N_CLASSES", "IMAGE_SHAPE", "SPLITS", "load_digits", "split", "load_splits"]

N_CLASSES = 10
IMAGE_SHAPE = (8, 8)
SPLITS = ("train", "val", "test")
_MAX_PIXEL = 16.0


@lru_cache(maxsize=1)
def _raw():
    with resources.files(__package__).joinpath("data", "digits.npz").open("rb") as handle:
        with np.load(handle) as data:
            pixels, labels = data["pixels"], data["labels"]
    pixels.setflags(write=False)
    labels.setflags(write=False)
    return pixels, labels


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """All 1,797 digits as a design matrix and integer labels.

    Returns
    -------
    X : ndarray of shape (1797, 64), float64
        One image per row, its 8x8 pixels row by row, scaled from 0..16 to [0, 1].
    y : ndarray of shape (1797,), int64
        The digit each image shows, 0 to 9.

    Notes
    -----
    ``X[n].reshape(8, 8)`` is image ``n``; a pixel of 1.0 is fully inked.
    A fresh copy is returned on every call, so changing it changes nothing here.

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, y.shape, X.dtype, float(X.min()), float(X.max())
    ((1797, 64), (1797,), dtype('float64'), 0.0, 1.0)
    >>> np.bincount(y)
    array([178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    """
    pixels, labels = _raw()
    return pixels.astype(np.float64) / _MAX_PIXEL, labels.astype(np.int64)


def split(X: np.ndarray, y: np.ndarray, fractions: tuple = (0.6, 0.2, 0.2),
          seed: int = 0) -> dict:
    """Divide a labelled data set into train, validation and test parts, class by class.

    Parameters
    ----------
    X : ndarray of shape (N, n_features)
    y : ndarray of shape (N,)
        Integer labels.
    fractions : tuple of 3 floats, default (0.6, 0.2, 0.2)
        Shares of each class for train, validation and test; positive, summing to 1.
    seed : int, default 0
        Seed of the shuffle within each class.

    Returns
    -------
    dict of str to (ndarray, ndarray)
        ``{"train": (X_train, y_train), "val": (X_val, y_val), "test": (X_test, y_test)}``;
        every example lands in exactly one part, and the parts are shuffled.

    Notes
    -----
    For a class of :math:`n_c` examples, the validation and test parts get
    :math:`\\mathrm{round}(f n_c)` of them each and the training part the rest, so every
    part has nearly the class proportions of the whole.

    Examples
    --------
    >>> X, y = np.arange(20.0).reshape(10, 2), np.array([0, 1] * 5)
    >>> parts = split(X, y, fractions=(0.6, 0.2, 0.2), seed=1)
    >>> {name: len(part[1]) for name, part in parts.items()}
    {'train': 6, 'val': 2, 'test': 2}
    >>> np.bincount(parts["val"][1]).tolist()
    [1, 1]
    >>> split(X, y, fractions=(0.5, 0.5, 0.5))
    Traceback (most recent call last):
    ...
    ValueError: fractions must be three positive shares summing to 1; got (0.5, 0.5, 0.5)
    """
    X = as_array(X, "X", ndim=2)
    y_array = np.asarray(y)
    if y_array.shape != (X.shape[0],) or not np.issubdtype(y_array.dtype, np.integer):
        raise ValueError(f"y must be integer labels of shape ({X.shape[0]},), one per row of X; "
                         f"got {y_array.dtype} of shape {y_array.shape}")
    shares = tuple(float(f) for f in fractions)
    if len(shares) != 3 or min(shares) <= 0 or abs(sum(shares) - 1.0) > 1e-9:
        raise ValueError(f"fractions must be three positive shares summing to 1; got {fractions}")
    seed = as_scalar(seed, "seed", integer=True)
    rng = np.random.default_rng(seed)
    parts = {name: [] for name in SPLITS}
    for label in np.unique(y_array):
        members = rng.permutation(np.flatnonzero(y_array == label))
        n_val = int(round(shares[1] * len(members)))
        n_test = int(round(shares[2] * len(members)))
        parts["val"].append(members[:n_val])
        parts["test"].append(members[n_val:n_val + n_test])
        parts["train"].append(members[n_val + n_test:])
    out = {}
    for name in SPLITS:
        index = rng.permutation(np.concatenate(parts[name]))
        out[name] = (X[index], y_array[index])
    return out


def load_splits(seed: int = 0) -> dict:
    """The digits divided 60 / 20 / 20 into train, validation and test, by :func:`split`.

    Parameters
    ----------
    seed : int, default 0
        The course's split is ``seed=0``; notebook 9's graded accuracy uses its test part.

    Returns
    -------
    dict of str to (ndarray, ndarray)
        ``"train"`` (1079 examples), ``"val"`` (359) and ``"test"`` (359).

    Examples
    --------
    >>> splits = load_splits()
    >>> {name: X.shape for name, (X, y) in splits.items()}
    {'train': (1079, 64), 'val': (359, 64), 'test': (359, 64)}
    """
    X, y = load_digits()
    return split(X, y, seed=seed)
