"""The complex-step derivative: exact to machine precision, with no subtraction.

For a real-analytic ``f``, :math:`f(x + ih) = f(x) + ih f'(x) + O(h^2)`, so
:math:`\\operatorname{Im} f(x + ih) / h` is :math:`f'(x)` with no difference of nearly equal
numbers, hence no round-off loss, even at ``h = 1e-30``. The course's tests use it as an exact
reference; :mod:`bplab.numdiff` re-exports both functions.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from .validation import as_array

__all__ = ["complex_step_derivative", "complex_step_gradient"]

_COMPLEX_STEP = 1e-30


def complex_step_derivative(f: Callable[[np.ndarray], np.ndarray], x: ArrayLike) -> np.ndarray:
    """Derivative of an elementwise analytic function, exact to machine precision.

    Parameters
    ----------
    f : callable
        Elementwise and analytic, written with operations that accept complex input
        (``np.exp``, ``np.tanh``, ``*``, ``**``; not ``abs``, ``np.maximum`` or comparisons).
    x : ndarray of any shape
        Real evaluation points.

    Returns
    -------
    ndarray of the shape of x
        ``Im f(x + i h) / h`` with ``h = 1e-30``.

    Notes
    -----
    ``f(x + ih) = f(x) + ih f'(x) + O(h^2)``, so the imaginary part divided by ``h`` is
    ``f'(x)`` with no subtraction of nearly equal numbers and so no round-off loss.

    Examples
    --------
    >>> float(complex_step_derivative(np.exp, np.array(1.0))) == float(np.exp(1.0))
    True
    """
    x = as_array(x, "x")
    return np.imag(f(x + 1j * _COMPLEX_STEP)) / _COMPLEX_STEP


def complex_step_gradient(f: Callable[[np.ndarray], float], x: ArrayLike) -> np.ndarray:
    """Gradient of a real-analytic scalar function of an array, to machine precision.

    Parameters
    ----------
    f : callable
        ``f(x) -> scalar`` built from complex-safe operations (see
        :func:`complex_step_derivative`).
    x : ndarray of any shape
        The point.

    Returns
    -------
    ndarray of the shape of x

    Examples
    --------
    >>> complex_step_gradient(lambda w: (w ** 2).sum(), np.array([1.0, -2.0]))
    array([ 2., -4.])
    """
    x = as_array(x, "x")
    flat = x.ravel().astype(complex)
    grad = np.empty(x.size)
    for i in range(x.size):
        flat[i] += 1j * _COMPLEX_STEP
        grad[i] = np.imag(f(flat.reshape(x.shape))) / _COMPLEX_STEP
        flat[i] = x.flat[i]
    return grad.reshape(x.shape)
