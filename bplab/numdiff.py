"""Numerical derivatives: central differences and the complex step.

Two kinds of function are differentiated here:

* an **elementwise** function ``f`` (``f(x)[i]`` depends on ``x[i]`` only, like
  ``np.tanh``): its derivative at every point of ``x`` costs two calls, whatever the size
  of ``x`` (:func:`derivative`, :func:`complex_step_derivative`);
* a **scalar** function of an array (a loss of weights): its gradient has one entry per
  element of ``x``, each from two evaluations (:func:`gradient`,
  :func:`complex_step_gradient`). With ``vectorized=True`` all ``2 x.size`` perturbed
  copies go to ``f`` in one stacked call.

The step of a central difference trades truncation error, about ``h**2 |f'''| / 6``,
against round-off error, about ``eps |f| / h``. Their sum is smallest near
``h = eps**(1/3)``, about 6e-6, scaled by the size of ``x``; there a well-scaled
derivative is accurate to about 1e-10 relative.

A difference can also bound its own error (:func:`derivative_with_error`,
:func:`gradient_with_error`): the same difference at twice the step shows the truncation
error (it grows four-fold), and the size of ``f`` bounds the round-off. The course's checker
uses that bound, so that it neither fails a right answer where the difference is poor (near
a singularity, or a gradient far smaller than its function) nor passes a wrong one that the
difference can resolve.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .complexstep import complex_step_derivative, complex_step_gradient
from .course import reference
from .validation import as_array

__all__ = [
    "EPS",
    "central_step",
    "derivative",
    "gradient",
    "derivative_with_error",
    "gradient_with_error",
    "complex_step_derivative",
    "complex_step_gradient",
]

EPS = np.finfo(np.float64).eps
ROUNDOFF_ULPS = 8.0
"""Rounding error of one value of ``f``, in units of ``eps * |f|``, that error bounds allow."""


def central_step(x: ArrayLike) -> np.ndarray:
    """Step for a central difference at ``x``: ``eps**(1/3) * max(|x|, 1)``.

    The step is rounded so that ``x + h`` and ``x - h`` are exact in float64, which removes
    one source of error (the difference in the denominator is then exactly ``2h``).

    Parameters
    ----------
    x : ndarray of any shape
        Evaluation points.

    Returns
    -------
    ndarray of the shape of x
        Positive steps.

    Examples
    --------
    >>> float(central_step(np.array(0.0)))  # doctest: +ELLIPSIS
    6.05...e-06
    """
    x = np.asarray(x, dtype=np.float64)
    h = np.cbrt(EPS) * np.maximum(np.abs(x), 1.0)
    return (x + h) - x


@reference(1)
def derivative(f: Callable[[np.ndarray], np.ndarray], x: ArrayLike,
               h: ArrayLike | None = None) -> np.ndarray:
    """Central-difference derivative of an elementwise function at every point of ``x``.

    Parameters
    ----------
    f : callable
        Elementwise: maps an array to an array of the same shape.
    x : ndarray of any shape
        Evaluation points.
    h : float or ndarray, optional
        Step; defaults to :func:`central_step`.

    Returns
    -------
    ndarray of the shape of x
        ``(f(x + h) - f(x - h)) / (2 h)``.

    Examples
    --------
    >>> bool(np.allclose(derivative(np.sin, np.array([0.0, 1.0])), np.cos([0.0, 1.0])))
    True
    """
    x = as_array(x, "x")
    h = central_step(x) if h is None else np.asarray(h, dtype=np.float64)
    return _elementwise(f, x, h)[0]


def _elementwise(f, x, h):
    """Central differences of an elementwise ``f`` at step ``h``, and ``|f|`` at the ends."""
    with np.errstate(all="ignore"):
        up, down = np.asarray(f(x + h), dtype=np.float64), np.asarray(f(x - h), dtype=np.float64)
        return (up - down) / (2 * h), np.maximum(np.abs(up), np.abs(down))


@reference(1)
def gradient(f: Callable[[np.ndarray], Any], x: ArrayLike, *,
             vectorized: bool = False) -> np.ndarray:
    """Central-difference gradient of a scalar function of an array.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` for ``x`` of the shape given. With ``vectorized=True`` it must
        also accept a stack of shape ``(k, *x.shape)`` and return shape ``(k,)``.
    x : ndarray of any shape
        The point.
    vectorized : bool, default False
        Evaluate all perturbed points in one call.

    Returns
    -------
    ndarray of the shape of x
        Entry ``i`` is ``(f(x + h_i e_i) - f(x - h_i e_i)) / (2 h_i)``.

    Notes
    -----
    The result has the shape of what it differentiates, like every gradient in the course.

    Examples
    --------
    >>> gradient(lambda w: float(np.sum(w ** 2)), np.array([1.0, -2.0])).round(6)
    array([ 2., -4.])
    """
    x = as_array(x, "x")
    return _partials(f, x, central_step(x).ravel(), vectorized)[0]


def _partials(f, x, h, vectorized):
    """Central differences of a scalar ``f`` along each entry (flat steps ``h``).

    Returns the differences, of the shape of x, and the larger ``|f|`` of each pair.
    """
    n = x.size
    with np.errstate(all="ignore"):
        if vectorized:
            offsets = np.zeros((2 * n, n))
            offsets[np.arange(n), np.arange(n)] = h
            offsets[n + np.arange(n), np.arange(n)] = -h
            points = x.ravel()[None, :] + offsets
            values = np.asarray(f(points.reshape((2 * n,) + x.shape)), dtype=np.float64)
            up, down = values.reshape(2 * n)[:n], values.reshape(2 * n)[n:]
        else:
            flat = x.ravel().copy()
            up, down = np.empty(n), np.empty(n)
            for i in range(n):
                saved = flat[i]
                flat[i] = saved + h[i]
                up[i] = float(f(flat.reshape(x.shape)))
                flat[i] = saved - h[i]
                down[i] = float(f(flat.reshape(x.shape)))
                flat[i] = saved
        scale = np.maximum(np.abs(up), np.abs(down)).reshape(x.shape)
        return ((up - down) / (2 * h)).reshape(x.shape), scale


def _error(first, second, scale, h):
    """Error bound of the difference ``first`` (step h), given ``second`` (step 2h)."""
    with np.errstate(all="ignore"):
        bound = np.abs(first - second) + ROUNDOFF_ULPS * EPS * scale / h
    return np.where(np.isfinite(bound), bound, np.inf)


@reference(1)
def derivative_with_error(f: Callable[[np.ndarray], np.ndarray],
                          x: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    r""":func:`derivative` at its usual step, with a bound on its error at every point.

    Parameters
    ----------
    f : callable, elementwise (an array in, an array of its shape out)
    x : ndarray of any shape
        The points where the derivative is estimated.

    Returns
    -------
    estimate : ndarray of the shape of x
        The central difference at the step of :func:`central_step`.
    error : ndarray of the shape of x
        A bound on ``|estimate - f'(x)|``, positive (``inf`` where ``f`` is not finite).

    Notes
    -----
    With :math:`D(h) = f'(x) + h^2 f^{(3)}(x)/6 + O(h^4)`, :math:`|D(h) - D(2h)|` is about
    three times the truncation error of :math:`D(h)`; round-off adds at most about
    :math:`k\,\varepsilon |f| / h`, with :math:`k` = ``ROUNDOFF_ULPS``. The bound is the sum.

    Examples
    --------
    >>> estimate, error = derivative_with_error(np.sin, np.array([0.5]))
    >>> bool(abs(estimate[0] - np.cos(0.5)) <= error[0] < 1e-8)
    True
    """
    x = as_array(x, "x")
    h = central_step(x)
    first, scale = _elementwise(f, x, h)
    second, scale_2 = _elementwise(f, x, (x + 2 * h) - x)
    return first, _error(first, second, np.maximum(scale, scale_2), h)


@reference(1)
def gradient_with_error(f: Callable[[np.ndarray], Any], x: ArrayLike, *,
                        vectorized: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """:func:`gradient`, with a bound on the error of every entry.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``; see :func:`gradient` for ``vectorized``.
    x : ndarray of any shape
        The point.
    vectorized : bool, default False

    Returns
    -------
    estimate, error : ndarray of the shape of x
        The central differences of :func:`gradient`, and bounds on their errors (see
        :func:`derivative_with_error`).

    Examples
    --------
    >>> w = np.array([1e-3, 0.5])
    >>> estimate, error = gradient_with_error(lambda v: float(-np.sum(np.log(v))), w)
    >>> bool(np.all(np.abs(estimate + 1 / w) <= error))
    True
    """
    x = as_array(x, "x")
    h = central_step(x)
    first, scale = _partials(f, x, h.ravel(), vectorized)
    second, scale_2 = _partials(f, x, ((x + 2 * h) - x).ravel(), vectorized)
    return first, _error(first, second, np.maximum(scale, scale_2), h)
