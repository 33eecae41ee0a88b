"""Compare an answer with the right one and say, in plain words, what is wrong.

The tolerance policy, the same in every notebook:

* errors are **relative**: ``|yours - expected| / max(|yours|, |expected|, floor)``,
  entry by entry. The floor is the size below which an entry is judged on its absolute
  error instead of dividing by almost nothing, so an entry passes when it is within ``tol``
  relatively or within ``tol * floor`` absolutely;
* against a **machine-precision** reference (an exact formula or the complex step) an
  answer passes at ``EXACT_TOL = 1e-9`` with ``floor = FLOOR = 1e-6``: an entry is right to
  1e-15 absolutely, or to 1e-9 of its size;
* against a **central difference** it passes at ``NUMERICAL_TOL = 1e-5``, and the floor
  of each entry is the difference's own error bound divided by the tolerance
  (:func:`bplab.numdiff.gradient_with_error`): the truncation error, seen by repeating the
  difference at twice the step, plus round-off of a few ulps of the function's value over
  the step. So a right answer passes where the difference is poor (a loss near a
  singularity, a gradient far smaller than its loss), and a gradient of 1e-13 is judged on
  the 1e-13 scale when its function is that small: a zero or sign-flipped answer fails.
  Where every entry is below the difference's error, a central difference cannot check the
  gradient at all, and the check says so instead of passing whatever it is given;
* where a notebook asks for a **derived** gradient, hidden tests also compare it with the
  exact one at ``FORMULA_TOL = 1e-12`` (floor 1e-6 again), at points chosen so that a
  finite difference is off by more: a formula is exact to about 1e-15 there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from ..validation import shape_str

__all__ = ["FLOOR", "EXACT_TOL", "NUMERICAL_TOL", "FORMULA_TOL", "relative_error", "error_bound",
           "ended", "Verdict", "diagnose"]

FLOOR = 1e-6
EXACT_TOL = 1e-9
NUMERICAL_TOL = 1e-5
FORMULA_TOL = 1e-12

_FACTORS = {
    2.0: "twice the right value (a stray factor of 2)",
    0.5: "half the right value (a factor of 2 missing)",
    -2.0: "minus twice the right value (a flipped sign and a factor of 2)",
    -0.5: "minus half the right value (a flipped sign and a missing factor of 2)",
}


def relative_error(actual: ArrayLike, expected: ArrayLike, floor: ArrayLike = FLOOR) -> np.ndarray:
    """Entrywise relative error with a floor in the denominator.

    Parameters
    ----------
    actual, expected : ndarray of the same shape
    floor : float or ndarray broadcastable to that shape, default FLOOR

    Returns
    -------
    ndarray of that shape
        ``|actual - expected| / max(|actual|, |expected|, floor)``.

    Examples
    --------
    >>> relative_error(np.array([1.0, 0.0]), np.array([1.1, 1e-9])).round(4)
    array([0.0909, 0.001 ])
    """
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    scale = np.maximum(np.maximum(np.abs(actual), np.abs(expected)), floor)
    return np.abs(actual - expected) / scale


def error_bound(error: float) -> str:
    """An error as the power of ten it is below, so a printed pass reads the same everywhere.

    The last digits of a relative error depend on the machine's floating-point library;
    the power of ten above it does not (except at the rare error right on one).

    Examples
    --------
    >>> error_bound(3.7e-11), error_bound(4.2e-11), error_bound(0.0)
    ('below 1e-10', 'below 1e-10', '0')
    """
    if error <= 0.0:
        return "0"
    return f"below 1e{int(np.ceil(np.log10(error)))}"


def ended(text: object) -> str:
    """``text`` with a full stop at its end, unless it ends a sentence already.

    For a message that closes with words it does not choose (an answer's value, an
    exception's text), so that every message ends as a sentence does.

    Examples
    --------
    >>> ended("got tuple"), ended("division by zero."), ended(3)
    ('got tuple.', 'division by zero.', '3.')
    """
    text = str(text).rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _close(actual, expected, tol, floor=FLOOR):
    return (actual.shape == expected.shape
            and bool(np.all(relative_error(actual, expected, floor) <= tol)))


def _index_str(index):
    return "[" + ", ".join(str(int(i)) for i in index) + "]" if len(index) else ""


@dataclass
class Verdict:
    """The outcome of comparing an answer with the expected one.

    Attributes
    ----------
    passed : bool
    kind : str
        ``"ok"`` or a mistake: ``"not-numeric"``, ``"shape"``, ``"reshaped"``,
        ``"transposed"``, ``"non-finite"``, ``"zeros"``, ``"sign"``, ``"factor"``,
        ``"missing-term"``, ``"swapped"``, ``"mismatch"``.
    message : str
        Plain words for the student, naming the variable.
    max_error : float
        Largest entrywise relative error (``inf`` when shapes differ).
    tolerance : float
    worst_index : tuple of int or None
    actual_value, expected_value : float or None
        The two values at ``worst_index``.
    """

    passed: bool
    kind: str
    message: str
    max_error: float = float("inf")
    tolerance: float = EXACT_TOL
    worst_index: tuple = None
    actual_value: float = None
    expected_value: float = None
    details: dict = field(default_factory=dict)

    def __str__(self):
        return self.message


def _worst(actual, expected, floor):
    errors = relative_error(actual, expected, floor)
    flat = int(np.argmax(errors)) if errors.size else 0
    index = np.unravel_index(flat, errors.shape) if errors.ndim else ()
    return float(errors.max()) if errors.size else 0.0, tuple(int(i) for i in index)


def _ratio(actual, expected, floor):
    """The c with actual ~ c * expected, each entry weighted by its own scale, or None.

    A least-squares fit of ``actual / m`` against ``expected / m`` with
    ``m = max(|expected|, floor)``, so every entry counts alike, whatever its size.
    """
    m = np.maximum(np.abs(expected), floor)
    with np.errstate(all="ignore"):
        a, e = actual / m, expected / m
        denominator = float(np.sum(e * e))
        if not denominator > 0.0 or not np.isfinite(denominator):
            return None
        ratio = float(np.sum(a * e)) / denominator
    return ratio if np.isfinite(ratio) else None


def diagnose(name: str, actual: ArrayLike, expected: ArrayLike, *, tol: float = EXACT_TOL,
             terms: dict[str, ArrayLike] | None = None, batch_size: int | None = None,
             floor: ArrayLike = FLOOR) -> Verdict:
    """Judge ``actual`` against ``expected`` and explain the most likely mistake.

    Parameters
    ----------
    name : str
        What is being checked, as the student wrote it (``"dW1"``, ``"mse_grad(y_hat, t)"``).
    actual : array_like
        The student's answer.
    expected : ndarray
        The right answer.
    tol : float, default EXACT_TOL
        Largest relative error accepted (see the module's tolerance policy).
    terms : dict of str to ndarray, optional
        Named parts of ``expected`` that students often leave out, such as
        ``{"the L2 regulariser's gradient lam * W": lam * W}``.
    batch_size : int, optional
        N, so that an answer off by a factor of N or 1/N is named as such.
    floor : float or ndarray of the shape of expected, default FLOOR
        Entries are judged on their absolute error below it (see the module's policy).

    Returns
    -------
    Verdict

    Examples
    --------
    >>> diagnose("g", [-1.0, 2.0], np.array([1.0, -2.0])).kind
    'sign'
    >>> diagnose("g", [2.0, 4.0], np.array([1.0, 2.0])).kind
    'factor'
    >>> diagnose("g", [0.0, 0.0], np.array([3e-13, -1e-13]), floor=1e-20).kind
    'zeros'
    """
    expected = np.asarray(expected, dtype=np.float64)
    try:
        raw = np.asarray(actual)
        if raw.dtype == object or raw.dtype.kind not in "biuf":
            raise TypeError
        actual = raw.astype(np.float64)
    except (TypeError, ValueError):
        return Verdict(False, "not-numeric",
                       f"{name} should be a number or an array of numbers; "
                       f"got {type(actual).__name__}: {ended(f'{actual!r:.80}')}", tolerance=tol)

    floor = np.asarray(floor, dtype=np.float64)
    if actual.shape != expected.shape:
        return _diagnose_shape(name, actual, expected, tol, floor)

    if not np.all(np.isfinite(actual)):
        bad = np.argwhere(~np.isfinite(actual))
        index = tuple(int(i) for i in bad[0])
        return Verdict(False, "non-finite",
                       f"{name} contains {actual[index]} at {_index_str(index) or 'its only entry'} "
                       f"({len(bad)} non-finite entr{'y' if len(bad) == 1 else 'ies'} in all). "
                       "Look for a division by zero, log(0), or exp of a large number.",
                       tolerance=tol, worst_index=index, actual_value=float(actual[index]),
                       expected_value=float(expected[index]))

    max_error, index = _worst(actual, expected, floor)
    at = dict(max_error=max_error, tolerance=tol, worst_index=index,
              actual_value=float(actual[index]), expected_value=float(expected[index]))
    worst = (f"Largest difference at {_index_str(index) or 'the value'}: yours "
             f"{actual[index]:.10g}, expected {expected[index]:.10g} (relative error "
             f"{max_error:.2g}, tolerance {tol:.0e}).")
    if max_error <= tol:
        return Verdict(True, "ok", f"{name} is correct (largest relative error "
                       f"{error_bound(max_error)}, tolerance {tol:.0e}).", **at)

    kind, explanation = _explain(actual, expected, tol, terms or {}, batch_size, floor)
    return Verdict(False, kind, f"{name} is not right: {explanation} {worst}", **at)


def _explain(actual, expected, tol, terms, batch_size, floor):
    def close(a, b):
        return _close(a, b, tol, floor)

    if not np.any(actual):
        return "zeros", ("every entry is zero, and the right answer is not: is a placeholder "
                         "still returned, or a sum never added to?")
    if close(-actual, expected):
        return "sign", "it has the opposite sign to the right answer in every entry."
    for term_name, term in terms.items():
        term = np.broadcast_to(np.asarray(term, dtype=np.float64), expected.shape)
        if close(actual, expected - term):
            return "missing-term", f"it is missing {term_name}."
        if close(actual, expected - 2 * term):
            return "missing-term", f"{term_name} has the wrong sign."
        if close(actual, expected + term):
            return "missing-term", f"{term_name} is counted twice."
    ratio = _ratio(actual, expected, floor)
    if ratio and _close(actual, ratio * expected, tol, abs(ratio) * floor):
        for factor, words in _FACTORS.items():
            if abs(ratio - factor) <= 1e-6 * abs(factor):
                return "factor", f"every entry is {words}."
        if batch_size and batch_size > 1:
            if abs(ratio - batch_size) <= 1e-6 * batch_size:
                return "factor", (f"every entry is {batch_size} times too large: divide by the "
                                  f"number of examples N = {batch_size} (the loss is a mean).")
            if abs(ratio * batch_size - 1) <= 1e-6:
                return "factor", (f"every entry is {batch_size} times too small: divide by "
                                  f"N = {batch_size} only once.")
        return "factor", (f"every entry is {ratio:.6g} times the right value: the formula is "
                          "right up to a constant factor.")
    if actual.ndim == 2 and actual.shape[0] == actual.shape[1] and close(actual.T, expected):
        return "transposed", ("it is the transpose of the right answer: W[j, i] is the weight "
                              "from input i to output j.")
    wrong = np.argwhere(relative_error(actual, expected, floor) > tol)
    if (len(wrong) >= 2 and _close(np.sort(actual, axis=None), np.sort(expected, axis=None), tol,
                                     np.max(floor))):
        places = ", ".join(_index_str(i) for i in wrong[:4])
        return "swapped", (f"it holds the right numbers in the wrong places ({places}): "
                           "two entries are swapped.")
    if expected.size == 1:
        return "mismatch", "its only entry differs."
    share = len(wrong) / expected.size
    return "mismatch", (f"{len(wrong)} of {expected.size} entries "
                        f"{'differs' if len(wrong) == 1 else 'differ'}"
                        f"{'' if share < 1 else ' (all of them)'}.")


def _diagnose_shape(name, actual, expected, tol, floor):
    wanted, got = shape_str(expected.shape), shape_str(actual.shape)
    base = dict(tolerance=tol)
    if (actual.ndim == 2 and actual.T.shape == expected.shape
            and _close(actual.T, expected, tol, floor)):
        return Verdict(False, "transposed",
                       f"{name} has shape {got} but should have shape {wanted}: its numbers are "
                       "right but transposed. A gradient has the shape of what it "
                       "differentiates.", **base)
    if (actual.size == expected.size
            and _close(actual.reshape(expected.shape), expected, tol, floor)):
        return Verdict(False, "reshaped",
                       f"{name} has shape {got} but should have shape {wanted}; the numbers are "
                       "right, so reshape (or avoid flattening) it.", **base)
    hint = ""
    if actual.ndim == 0 and expected.ndim > 0:
        hint = " It is a single number: did you sum or average where no reduction was needed?"
    elif actual.ndim > 0 and expected.ndim == 0:
        hint = " It should be a single number: did you forget to average over the examples?"
    return Verdict(False, "shape", f"{name} should have shape {wanted}; got {got}.{hint}", **base)
