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
error (it grows four-fold), and the size of ``f`` bounds the round-off (or the rounding its
values show, where that is more). Where the step is too large for the function there (it
reaches across a singularity, a kink or the edge of the domain), smaller steps are tried.
The course's checker uses that bound, so that it neither fails a right answer where the
difference is poor (near a singularity, or a gradient far smaller than its function) nor
passes a wrong one that the difference can resolve.
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
_CBRT_EPS = float(np.cbrt(EPS))
ROUNDOFF_ULPS = 8.0
"""Rounding error of one value of ``f``, in units of ``eps * |f|``, that error bounds allow."""
REFINE_ABOVE = 1e-6
"""An error bound, relative to its estimate, above which a smaller step is tried."""
MAX_REFINEMENTS = 6
"""How many times a step is divided by 16 at most, while truncation dominates its bound."""


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
    h = _CBRT_EPS * np.maximum(np.abs(x), 1.0)
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
    differences, _ = _partials(f, x, central_step(x).ravel(), vectorized, sizes=False)
    return differences.reshape(x.shape)


def _partials(f, x, h, vectorized, entries=None, sizes=True):
    """Central differences of a scalar ``f`` along each entry (flat steps ``h``).

    Returns the differences and the larger ``|f|`` of each pair (None unless ``sizes``),
    flat: one per index of ``entries`` (every entry by default), ``h`` holding one step per
    index.
    """
    shape = x.shape
    h = np.asarray(h, dtype=np.float64)
    with np.errstate(all="ignore"):
        if vectorized:
            entries = np.arange(x.size) if entries is None else np.asarray(entries)
            n = len(entries)
            points = np.repeat(x.reshape(1, -1), 2 * n, axis=0)
            points[np.arange(n), entries] += h
            points[n + np.arange(n), entries] -= h
            values = np.asarray(f(points.reshape((2 * n,) + shape)), dtype=np.float64)
            up, down = values.reshape(2 * n)[:n], values.reshape(2 * n)[n:]
        else:
            flat = x.ravel().copy()
            point = flat.reshape(shape)  # a view: f sees each change made to flat
            indices = range(x.size) if entries is None else np.asarray(entries).tolist()
            up, down, steps, start = [], [], h.tolist(), flat.tolist()
            # Python floats in the loop: the same float64 sums, without NumPy's scalar cost
            for i, step in zip(indices, steps):
                saved = start[i]
                flat[i] = saved + step
                up.append(float(f(point)))
                flat[i] = saved - step
                down.append(float(f(point)))
                flat[i] = saved
            if not sizes:  # the quotients alone, with the same float64 operations
                return np.array([(u - d) / (2.0 * step)
                                 for u, d, step in zip(up, down, steps)]), None
            up, down = np.array(up), np.array(down)
        return (up - down) / (2 * h), np.maximum(np.abs(up), np.abs(down)) if sizes else None


def _bound(first, second, scale, h, noise):
    """Error bounds of the differences ``first`` (steps h), given ``second`` (steps 2h),
    and whether truncation dominates them.

    A bound is ``inf`` where it cannot be trusted: where ``f`` is not finite, and where
    truncation dominates while the two differences disagree by more than a tenth, outside
    the regime in which their gap measures the truncation error (a step across a kink or
    the edge of the domain).
    """
    with np.errstate(all="ignore"):
        truncation = np.abs(first - second)
        rounding = np.maximum(ROUNDOFF_ULPS * EPS * scale, noise) / h
        bound = truncation + rounding
        coarse = ~(truncation <= rounding)
        credible = ~coarse | (truncation <= 0.1 * np.abs(first))
    return np.where(np.isfinite(bound) & credible, bound, np.inf), coarse


def _rounding_noise(first, second, scale, h):
    """How much the values of ``f`` round, beyond a few ulps of each: from the third
    differences ``4 h |D(h) - D(2h)|``, at most ``ROUNDOFF_ULPS`` ulps of ``max(|f|, 1)``."""
    with np.errstate(all="ignore"):
        seen = 4.0 * h * np.abs(first - second)
        seen, scale = seen[np.isfinite(seen)], scale[np.isfinite(scale)]
    ceiling = ROUNDOFF_ULPS * EPS * max(1.0, float(np.max(scale, initial=0.0)))
    return min(float(np.max(seen, initial=0.0)), ceiling)


def _with_error(differences, x, estimate, where):
    """Estimates and error bounds at the entries ``where`` (flat), refined by smaller steps.

    ``differences(steps, entries) -> (D, |f|)`` takes flat indices and one step for each.
    """
    entries = np.flatnonzero(np.ones(x.size, dtype=bool) if where is None
                             else np.broadcast_to(np.asarray(where, dtype=bool), x.shape))
    flat_x, steps = x.ravel(), central_step(x).ravel()[entries]
    if estimate is None:
        first, scale = np.full(x.size, np.nan), np.zeros(x.size)
        first[entries], scale[entries] = differences(steps, entries)
    else:
        first = as_array(estimate, "estimate", shape=x.shape, finite=False).ravel().copy()
        scale = np.zeros(x.size)
    error = np.full(x.size, np.nan)
    if not entries.size:
        return first.reshape(x.shape), error.reshape(x.shape)
    second, scale_2 = differences((flat_x[entries] + 2 * steps) - flat_x[entries], entries)
    scale = np.maximum(scale[entries], scale_2)
    noise = _rounding_noise(first[entries], second, scale, steps)
    best, coarse = _bound(first[entries], second, scale, steps, noise)
    estimates = first[entries]
    retry = coarse & ~(best <= REFINE_ABOVE * np.abs(estimates))
    for _ in range(MAX_REFINEMENTS):
        if not np.any(retry):
            break
        at, points = np.flatnonzero(retry), flat_x[entries[retry]]
        steps[at] = (points + steps[at] / 16.0) - points
        one, scale_1 = differences(steps[at], entries[at])
        two, scale_2 = differences((points + 2 * steps[at]) - points, entries[at])
        bound, coarse = _bound(one, two, np.maximum(scale_1, scale_2), steps[at], noise)
        better = bound < best[at]
        best[at[better]], estimates[at[better]] = bound[better], one[better]
        retry[at] = coarse & ~(bound <= REFINE_ABOVE * np.abs(one))
    first[entries], error[entries] = estimates, best
    return first.reshape(x.shape), error.reshape(x.shape)


@reference(1)
def derivative_with_error(f: Callable[[np.ndarray], np.ndarray], x: ArrayLike, *,
                          estimate: ArrayLike | None = None,
                          where: ArrayLike | None = None) -> tuple[np.ndarray, np.ndarray]:
    r""":func:`derivative`, with a bound on its error at every point.

    Parameters
    ----------
    f : callable, elementwise (an array in, an array of its shape out)
    x : ndarray of any shape
        The points where the derivative is estimated.
    estimate : ndarray of the shape of x, optional
        ``derivative(f, x)``, if already computed: it is not computed again.
    where : ndarray of bool of the shape of x, optional
        The points to bound (all by default); elsewhere ``estimate`` is returned as it is.

    Returns
    -------
    estimate : ndarray of the shape of x
        The central difference at the step of :func:`central_step`, or at a smaller step
        where that one is too large (see Notes).
    error : ndarray of the shape of x
        A bound on ``|estimate - f'(x)|``, positive (``inf`` where ``f`` is not finite, NaN
        outside ``where``).

    Notes
    -----
    With :math:`D(h) = f'(x) + h^2 f^{(3)}(x)/6 + O(h^4)`, :math:`|D(h) - D(2h)|` is about
    three times the truncation error of :math:`D(h)`; round-off adds at most about
    :math:`k\,arepsilon |f| / h`, with :math:`k` = ``ROUNDOFF_ULPS``. The bound is the sum.

    Two refinements make the bound honest where those assumptions fail:

    * a function computed from quantities larger than its value (a log-sum-exp of
      saturated logits, :math:`|r| + \log(1 + e^{-2|r|}) - \log 2` at a small residual)
      rounds at their scale, not at its own: where the third differences of its values,
      :math:`4h |D(h) - D(2h)|`, show more rounding than :math:`karepsilon |f|`, the
      largest of them is allowed instead, up to :math:`k` ulps of :math:`\max(|f|, 1)`;
    * where truncation dominates a bound above ``REFINE_ABOVE`` of the estimate (near a
      singularity, a kink, or the edge of the function's domain, which a step of
      :math:`6 \cdot 10^{-6}` may cross: a probability of :math:`10^{-8}`), the step is
      divided by 16, up to ``MAX_REFINEMENTS`` times, while truncation still dominates;
      the estimate with the smallest bound is kept. A bound is trusted only where the two
      differences agree to a tenth or rounding dominates them: where no step gives one,
      the bound is ``inf`` (the point is a kink, or the edge is too near to tell).

    Examples
    --------
    >>> estimate, error = derivative_with_error(np.sin, np.array([0.5]))
    >>> bool(abs(estimate[0] - np.cos(0.5)) <= error[0] < 1e-8)
    True
    >>> estimate, error = derivative_with_error(np.log, np.array([1e-8]))   # x - 6e-6 < 0
    >>> bool(abs(estimate[0] * 1e-8 - 1) <= error[0] * 1e-8 < 1e-5)
    True
    """
    x = as_array(x, "x")

    def differences(steps, entries):
        h = central_step(x)
        h.ravel()[entries] = steps
        value, scale = _elementwise(f, x, h)
        return value.ravel()[entries], scale.ravel()[entries]

    return _with_error(differences, x, estimate, where)


@reference(1)
def gradient_with_error(f: Callable[[np.ndarray], Any], x: ArrayLike, *,
                        vectorized: bool = False, estimate: ArrayLike | None = None,
                        where: ArrayLike | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`gradient`, with a bound on the error of every entry.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``; see :func:`gradient` for ``vectorized``.
    x : ndarray of any shape
        The point.
    vectorized : bool, default False
    estimate : ndarray of the shape of x, optional
        ``gradient(f, x)``, if already computed: it is not computed again.
    where : ndarray of bool of the shape of x, optional
        The entries to bound (all by default); only they cost evaluations of ``f``.

    Returns
    -------
    estimate, error : ndarray of the shape of x
        The central differences of :func:`gradient` (refined where their step is too
        large), and bounds on their errors, NaN outside ``where`` (see
        :func:`derivative_with_error`).

    Examples
    --------
    >>> w = np.array([1e-3, 0.5])
    >>> estimate, error = gradient_with_error(lambda v: float(-np.sum(np.log(v))), w)
    >>> bool(np.all(np.abs(estimate + 1 / w) <= error))
    True
    """
    x = as_array(x, "x")
    return _with_error(lambda steps, entries: _partials(f, x, steps, vectorized, entries),
                       x, estimate, where)
