"""Deterministic fixtures for test cells, and references evaluated for checking.

Each fixture takes a seed, so visible and hidden tests can use different data without
storing any expected answer: expected values are computed when the test runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..course import references_unlocked

__all__ = ["expected", "batch", "probabilities", "points"]


def expected(reference_function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Evaluate a (possibly locked) reference implementation for a check.

    Examples
    --------
    >>> from bplab import losses
    >>> expected(losses.mse, np.array([1.0]), np.array([0.0]))
    1.0
    """
    with references_unlocked():
        return reference_function(*args, **kwargs)


def batch(seed: int, shape: tuple[int, ...], scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Predictions and targets of ``shape``, normally distributed with ``scale``.

    Returns
    -------
    y_hat, t : ndarray of shape ``shape``, float64
    """
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal(shape), scale * rng.standard_normal(shape)


def probabilities(seed: int, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities in [0.05, 0.95] and 0/1 labels of ``shape``.

    Returns
    -------
    y_hat : ndarray of shape ``shape``
    t : ndarray of shape ``shape``, entries 0.0 or 1.0
    """
    rng = np.random.default_rng(seed)
    return rng.uniform(0.05, 0.95, shape), rng.integers(0, 2, shape).astype(np.float64)


def points(seed: int, shape: tuple[int, ...], low: float = -2.0,
           high: float = 2.0) -> np.ndarray:
    """Uniform evaluation points of ``shape`` in ``[low, high)``."""
    return np.random.default_rng(seed).uniform(low, high, shape)
