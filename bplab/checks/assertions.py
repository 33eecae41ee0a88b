"""Assertions for the notebooks' self-check and graded test cells.

Each check calls the student's function safely, compares its answer with the right one
(see :mod:`bplab.checks.diagnosis` for the tolerance policy), prints one line when it passes,
and otherwise raises ``AssertionError`` with a diagnosis: what is wrong, where, both
values and the tolerance. Nothing is ever written to stderr: nbgrader gives a test cell
no points when anything is, so warnings raised by a student's code become failures with
a message instead.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import numdiff
from . import diagnosis
from ..course import references_unlocked
from .kinds import CheckFailure, plain_words

__all__ = ["call", "close", "mapping", "gradient", "formula", "derivative", "true", "require",
           "failure"]


def failure(message: str, kind: str = "mismatch") -> CheckFailure:
    """Build the failure a check raises, with its diagnosis ``kind`` (see :data:`KINDS`)."""
    return CheckFailure(message, kind)


@contextlib.contextmanager
def _quiet():
    """Turn NumPy floating-point problems and warnings into a list, never stderr.

    Underflow is left out, as NumPy leaves it out by default: a result too small for
    float64 rounds to 0 (``np.exp(-1600)``), which is what a stable formula relies on.
    Overflow, invalid operations and division by zero are recorded.
    """
    with (warnings.catch_warnings(record=True) as caught,
          np.errstate(all="warn", under="ignore")):
        warnings.simplefilter("always")
        yield caught


def _silenced():
    """Keep whatever the course's own functions warn, evaluated by a check, off stderr.

    The warnings are recorded and dropped, unlike :func:`_quiet`, which records every one
    of them for a verdict: here nothing is judged by them.
    """
    return warnings.catch_warnings(record=True)


def call(name: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the student's ``function`` and return its result, or fail with a clear message.

    Parameters
    ----------
    name : str
        How to name the call in feedback, such as ``"mse(y_hat, t)"``.
    function : callable
    *args, **kwargs
        Passed on.

    Returns
    -------
    object
        What ``function`` returned.

    Raises
    ------
    AssertionError
        If the function is not written yet, raises, or emits a RuntimeWarning (NumPy's
        "overflow encountered in exp", "divide by zero encountered in log", ...). Other
        warnings (a ``warnings.warn`` of the student's own) are printed, not penalised, and
        underflow is no warning at all (see :func:`_quiet`).
    """
    __tracebackhide__ = True
    if not callable(function):
        raise failure(f"{name}: expected a function, found {type(function).__name__}.",
                      "not-callable")
    with _quiet() as caught:
        try:
            result = function(*args, **kwargs)
        except NotImplementedError:
            result, error = None, failure(
                f"{name} is not written yet: replace `raise NotImplementedError()` "
                "with your code.", "not-implemented")
        except Exception as exc:  # the student's bug, reported as feedback
            result, error = None, failure(
                f"Calling {name} raised {type(exc).__name__}: {diagnosis.ended(exc)}",
                "exception")
        else:
            error = None
    if error is not None:
        raise error
    numerical = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if numerical:
        first = numerical[0]
        raise failure(f"{name} produced a {first.category.__name__}: '{first.message}'. "
                      "A numerically safe version gives no warnings.", "warning")
    for shown in caught[:3]:  # any other warning is the author's note: shown, never penalised
        print(f"Note: {name} warned ({shown.category.__name__}): "
              f"{diagnosis.ended(shown.message)}")
    return result


def _verdict_or_fail(verdict):
    __tracebackhide__ = True
    if not verdict.passed:
        raise failure(verdict.message, verdict.kind)
    print(verdict.message)


def close(name: str, actual: ArrayLike, expected: ArrayLike, *, tol: float = diagnosis.EXACT_TOL,
          terms: dict[str, ArrayLike] | None = None, batch_size: int | None = None,
          n_out: int | None = None, upstream: ArrayLike | None = None,
          broadcast_copies: int | None = None) -> None:
    """Assert that ``actual`` matches ``expected`` within ``tol``; diagnose if not.

    Parameters
    ----------
    name : str
        The variable or call being checked.
    actual : array_like
    expected : array_like
    tol : float, default EXACT_TOL
    terms : dict of str to ndarray, optional
        Named parts of the answer often left out (see :func:`bplab.checks.diagnosis.diagnose`).
    batch_size : int, optional
        N, to name factor-of-N mistakes.
    n_out, upstream, broadcast_copies : optional
        The number of outputs per example, the ``grad_out`` a backward rule was handed,
        and the number of broadcast copies a gradient sums over: each lets the diagnosis
        name the mistake that context explains (see :func:`bplab.checks.diagnosis.diagnose`).

    Examples
    --------
    >>> close("x", 1.0, 1.0)
    x is correct (largest relative error 0, tolerance 1e-09).
    >>> close("x", -1.0, 1.0)
    Traceback (most recent call last):
    ...
    bplab.checks.kinds.CheckFailure: x is not right: it has the opposite sign ...
    """
    __tracebackhide__ = True
    verdict = diagnosis.diagnose(name, actual, expected, tol=tol, terms=terms,
                                 batch_size=batch_size, n_out=n_out, upstream=upstream,
                                 broadcast_copies=broadcast_copies)
    _verdict_or_fail(verdict)


def mapping(name: str, actual: Any, expected: dict[str, float], *,
            tol: float = diagnosis.EXACT_TOL) -> None:
    """Assert that the dict ``actual`` holds a value close to each value of ``expected``.

    The values are compared together, in the order of ``expected``'s keys, so the
    diagnosis names the worst key by its position in that order.

    Parameters
    ----------
    name : str
    actual : dict of str to float
        The student's answer; extra keys are allowed.
    expected : dict of str to float
    tol : float, default EXACT_TOL

    Examples
    --------
    >>> mapping("bars", {"a": 3.0, "b": 6.0}, {"a": 3.0, "b": 6.0})
    bars (keys in the order ['a', 'b']) is correct (largest relative error 0, tolerance 1e-09).
    >>> mapping("bars", {"a": 3.0}, {"a": 3.0, "b": 6.0})
    Traceback (most recent call last):
    ...
    bplab.checks.kinds.CheckFailure: bars: expected a dict with a value for each of ['a', 'b']; ...
    """
    __tracebackhide__ = True
    keys = list(expected)
    if not (isinstance(actual, dict) and set(keys) <= set(actual)):
        found = sorted(map(str, actual)) if isinstance(actual, dict) else type(actual).__name__
        raise failure(f"{name}: expected a dict with a value for each of {keys}; "
                      f"got {diagnosis.ended(f'{found!s:.200}')}", "shape")
    try:
        values = np.array([np.squeeze(np.asarray(actual[key], dtype=np.float64)) for key in keys])
    except (TypeError, ValueError):
        values = f"{ {key: actual[key] for key in keys}!s:.200}"
        raise failure(f"{name}: every value should be a single number; got "
                      f"{diagnosis.ended(values)}", "shape") from None
    close(f"{name} (keys in the order {keys})", values,
          np.array([expected[key] for key in keys], dtype=np.float64), tol=tol)


def gradient(name: str, grad: ArrayLike, f: Callable[[np.ndarray], float], x: ArrayLike, *,
             tol: float = diagnosis.NUMERICAL_TOL, terms: dict[str, ArrayLike] | None = None,
             batch_size: int | None = None, vectorized: bool = False,
             n_out: int | None = None, upstream: ArrayLike | None = None,
             broadcast_copies: int | None = None) -> None:
    """Assert that ``grad`` is the gradient of the scalar function ``f`` at ``x``.

    The expected gradient is a central difference computed here, where the course's
    references are unlocked, so ``f`` may be a reference implementation. Each entry that
    matches it within ``tol`` relatively passes at once: that costs what a plain
    entry-by-entry check costs. Only the other entries are judged against the difference's
    own error bound (:func:`bplab.numdiff.gradient_with_error`, which also refines the
    difference where its step was too large; the policy is in :mod:`bplab.checks.diagnosis`):
    within ``tol`` relatively, or within that bound absolutely.

    Parameters
    ----------
    name : str
    grad : array_like of the shape of x
        The student's gradient.
    f : callable
        ``f(x) -> float``.
    x : ndarray
    tol : float, default NUMERICAL_TOL
    terms, batch_size, n_out, upstream, broadcast_copies
        See :func:`close`.
    vectorized : bool, default False
        See :func:`bplab.numdiff.gradient`.

    Raises
    ------
    ValueError
        If the central difference cannot resolve any entry of the gradient (each is
        smaller than its error bound): such a check could not tell a right answer from
        zeros, so it must be made against an exact reference, or at another point.

    Examples
    --------
    >>> w = np.array([0.5, -1.0])
    >>> gradient("g", 1e-13 * np.cos(w), lambda v: 1e-13 * float(np.sum(np.sin(v))), w)
    g is correct (largest relative error below 1e-09, tolerance 1e-05).
    >>> gradient("g", -1e-13 * np.cos(w), lambda v: 1e-13 * float(np.sum(np.sin(v))), w)
    Traceback (most recent call last):
    ...
    bplab.checks.kinds.CheckFailure: g is not right: it has the opposite sign ...
    """
    __tracebackhide__ = True
    with references_unlocked(), _silenced():
        estimate = numdiff.gradient(f, x, vectorized=vectorized)
    _judge_numerical(name, grad, estimate, lambda where: numdiff.gradient_with_error(
        f, x, vectorized=vectorized, estimate=estimate, where=where), tol, terms=terms,
        batch_size=batch_size, n_out=n_out, upstream=upstream, broadcast_copies=broadcast_copies)


FEW_ENTRIES = 16
"""Up to this many entries, agreement with the estimate is first tested in Python floats:
for the small gradients of the early notebooks, each NumPy call costs more than the test."""


def _comparable(actual, estimate):
    """``actual`` as an array of numbers of the estimate's shape, or None."""
    try:
        raw = np.asarray(actual)
    except (TypeError, ValueError):
        return None
    return raw if raw.dtype.kind in "biuf" and raw.shape == estimate.shape else None


def _agreeing(raw, estimate, tol):
    """Which entries of ``raw`` are within ``tol`` of the estimate, relatively (not where
    the estimate is 0, which may be rounding alone), and every entry's relative error."""
    with np.errstate(all="ignore"):  # an infinite entry's error is NaN: not agreeing
        relative = np.abs(raw - estimate) / np.maximum(np.abs(raw), np.abs(estimate))
        return (relative <= tol) & (estimate != 0.0), relative


def _largest_agreeing_error(raw, estimate, tol):
    """The largest relative error if every entry agrees (as :func:`_agreeing` judges),
    else None."""
    if raw.size > FEW_ENTRIES:
        agree, relative = _agreeing(raw, estimate, tol)
        return (float(relative.max()) if relative.size else 0.0) if agree.all() else None
    worst = 0.0
    # the same float64 operations as _agreeing, entry by entry; a NaN fails the test, and
    # so does a scale that is not positive (0 beside a NaN estimate), before it divides
    for got, wanted in zip(raw.astype(np.float64, copy=False).ravel().tolist(),
                           estimate.ravel().tolist()):
        scale = max(abs(got), abs(wanted))
        if wanted == 0.0 or not scale > 0.0:
            return None
        relative = abs(got - wanted) / scale
        if not relative <= tol:
            return None
        worst = max(worst, relative)
    return worst


def _judge_numerical(name, actual, estimate, bounded, tol, **details):
    """Compare with a central difference; ``bounded(where)`` gives ``(estimate, error)`` with
    error bounds at the entries ``where``, for those that the first comparison left open."""
    __tracebackhide__ = True
    raw = _comparable(actual, estimate)
    worst = None if raw is None else _largest_agreeing_error(raw, estimate, tol)
    if worst is not None:  # the plain loop's verdict, at the plain loop's cost
        print(f"{name} is correct (largest relative error {diagnosis.error_bound(worst)}, "
              f"tolerance {tol:.0e}).")
        return
    agree = np.zeros(estimate.shape, dtype=bool) if raw is None else _agreeing(
        raw, estimate, tol)[0]
    open_entries = ~agree
    error = np.zeros(estimate.shape)
    if np.any(open_entries):
        with references_unlocked(), _silenced():
            estimate, bounds = bounded(open_entries)
        error = np.where(open_entries, bounds, 0.0)
        resolved = np.abs(estimate) * (1.0 - tol) > error
        if estimate.size and not np.any(resolved):
            raise ValueError(
                f"Checking {name}: a central difference cannot resolve this gradient (its "
                f"largest entry, {np.max(np.abs(estimate)):.1e}, is below the difference's "
                f"error bound, {np.min(error):.1e} or more), so it could not tell a right "
                "answer from zeros. Check against an exact reference (bplab.checks.close or "
                "formula), or at a point where the gradient is larger.")
    floor = np.maximum(error / tol, np.finfo(np.float64).tiny)
    verdict = diagnosis.diagnose(name, actual, estimate, tol=tol, floor=floor, **details)
    _verdict_or_fail(verdict)


def formula(name: str, actual: ArrayLike, expected: ArrayLike, *,
            batch_size: int | None = None, n_out: int | None = None,
            upstream: ArrayLike | None = None, broadcast_copies: int | None = None) -> None:
    """Assert that a derived gradient equals the exact one, not a finite-difference estimate.

    A real mistake is diagnosed as by :func:`close` first (at ``NUMERICAL_TOL``); then the
    answer must be within ``FORMULA_TOL`` (1e-12) of ``expected``, which a formula meets
    and a finite difference does not, at points chosen for it (large values, or values
    near the edge of the domain).

    Parameters
    ----------
    name : str
    actual : array_like
        The student's gradient.
    expected : ndarray
        The exact gradient, from a reference formula.
    batch_size : int, optional
        N, to name factor-of-N mistakes.
    n_out, upstream, broadcast_copies : optional
        See :func:`close`.

    Examples
    --------
    >>> formula("g", np.array([2.0, -4.0]), np.array([2.0, -4.0]))
    g is exact (largest relative error 0, tolerance 1e-12).
    >>> formula("g", np.array([2.0 + 1e-9, -4.0]), np.array([2.0, -4.0]))
    Traceback (most recent call last):
    ...
    bplab.checks.kinds.CheckFailure: g is within 5.0e-10 of the exact value, ...
    """
    __tracebackhide__ = True
    # The same absolute allowance as the exact comparison below (floor * tol = 1e-18), so a
    # zero or sign-flipped answer of tiny entries is named as such, not as an approximation.
    floor = diagnosis.FLOOR * diagnosis.FORMULA_TOL / diagnosis.NUMERICAL_TOL
    verdict = diagnosis.diagnose(name, actual, expected, tol=diagnosis.NUMERICAL_TOL,
                                 batch_size=batch_size, floor=floor, n_out=n_out,
                                 upstream=upstream, broadcast_copies=broadcast_copies)
    if not verdict.passed:
        raise failure(verdict.message, verdict.kind)
    error = float(np.max(diagnosis.relative_error(actual, expected), initial=0.0))
    tol = diagnosis.FORMULA_TOL
    require(error <= tol, f"{name} is within {error:.1e} of the exact value, but a formula is "
         f"exact to about 1e-15 here (tolerance {tol:g}). An error this size is what a "
         "finite difference leaves: differentiate the formula instead of approximating the "
         "derivative numerically.", "approximate")
    print(f"{name} is exact (largest relative error {diagnosis.error_bound(error)}, "
          f"tolerance {tol:g}).")


def derivative(name: str, values: ArrayLike, f: Callable[[np.ndarray], np.ndarray], x: ArrayLike,
               *, tol: float = diagnosis.NUMERICAL_TOL,
               upstream: ArrayLike | None = None) -> None:
    """Assert that ``values`` are the derivative of the elementwise ``f`` at the points ``x``.

    Judged as :func:`gradient` judges a gradient, against
    :func:`bplab.numdiff.derivative_with_error`.

    Parameters
    ----------
    name : str
    values : array_like of the shape of x
    f : callable
        Elementwise function.
    x : ndarray
    tol : float, default NUMERICAL_TOL
    upstream : float or ndarray, optional
        See :func:`close`.

    Raises
    ------
    ValueError
        If the central difference resolves no entry (see :func:`gradient`).
    """
    __tracebackhide__ = True
    with references_unlocked(), _silenced():
        estimate = numdiff.derivative(f, x)
    _judge_numerical(name, values, estimate, lambda where: numdiff.derivative_with_error(
        f, x, estimate=estimate, where=where), tol, upstream=upstream)


def require(condition: Any, message: str, kind: str = "mismatch") -> None:
    """Fail with ``message`` unless ``condition`` holds; print nothing when it does.

    For the preconditions inside a check that prints its own verdict (a dict's keys before
    its values are compared): see :func:`true` for a check of its own.

    Examples
    --------
    >>> require(1 + 1 == 2, "arithmetic works")
    """
    __tracebackhide__ = True
    if not condition:
        raise failure(message, kind)


_PASSED = {
    "shape": "the shape is right",
    "keys": "the keys are right",
    "non-finite": "the values are finite",
    "not-a-pair": "a pair is returned",
    "in-place": "the inputs are left as they were",
    "first-order": "the difference is of second order",
    "order": "the order is topological",
    "not-learned": "the training converged",
}


def true(condition: Any, message: str, kind: str = "mismatch", *,
         passed: str | None = None) -> None:
    """Assert a plain condition with a message (for properties such as "is finite").

    Like every check, it prints one line when it passes, naming what passed.

    Parameters
    ----------
    condition : object
        Truthy when the answer is right.
    message : str
        What is wrong when it is not, for the student.
    kind : str, default "mismatch"
        The diagnosis kind of the failure (see :data:`KINDS`).
    passed : str, optional
        The line to print on success. By default it is made from ``message``: its first
        clause (up to "; got" and the like) when it says what "should" be, or what "is
        not" so turned around, otherwise the property ``kind`` checks.

    Examples
    --------
    >>> true(1 + 1 == 2, "1 + 1 should be 2; got something else")
    passed: 1 + 1 should be 2.
    >>> true(True, "the array changed in place", "in-place")
    passed: the inputs are left as they were.
    >>> true(True, "it holds", passed="the property holds.")
    the property holds.
    """
    __tracebackhide__ = True
    if not condition:
        raise failure(message, kind)
    print(passed if passed is not None else f"passed: {_requirement(message, kind)}.")


def _requirement(message, kind):
    """What a failure message says should hold: its first clause when it says what
    "should" be, or, negated back, what "is not"; else the property its kind checks."""
    head = re.split(r";|: |\. |\?", message, maxsplit=1)[0].strip().rstrip(".")
    if " should " in f" {head} ":
        return head
    for negation, affirmation in ((" is not ", " is "), (" are not ", " are "),
                                  (" does not ", " does ")):
        if negation in head:
            return head.replace(negation, affirmation, 1)
    return _PASSED.get(kind, f"no {plain_words(kind)} found")
