"""Compare an answer with the right one and say, in plain words, what is wrong.

The tolerance policy, the same in every notebook:

* errors are **relative**: ``|yours - expected| / max(|yours|, |expected|, floor)``,
  entry by entry, with ``floor = 1e-6`` so that entries near zero are judged on their
  absolute error instead of dividing by almost nothing;
* against a **machine-precision** reference (an exact formula or the complex step) an
  answer passes at ``EXACT_TOL = 1e-9``;
* against a **central difference** it passes at ``NUMERICAL_TOL = 1e-5``: the
  difference itself is only good to about 1e-10 relative on the course's well-scaled
  examples, and the margin keeps round-off from ever failing a right answer, while every
  real mistake (a wrong sign, factor or term) is off by 1e-2 or more;
* where a notebook asks for a **derived** gradient, hidden tests also compare it with the
  exact one at ``FORMULA_TOL = 1e-12``, at points chosen so that a finite difference,
  however carefully stepped, is off by more: a formula is exact to about 1e-15 there.
"""

from dataclasses import dataclass, field

import numpy as np

from ..validation import shape_str

__all__ = ["FLOOR", "EXACT_TOL", "NUMERICAL_TOL", "FORMULA_TOL", "relative_error", "error_bound",
           "Verdict", "diagnose"]

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


def relative_error(actual, expected, floor=FLOOR):
    """Entrywise relative error with a floor in the denominator.

    Parameters
    ----------
    actual, expected : ndarray of the same shape
    floor : float, default FLOOR

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


def _close(actual, expected, tol):
    return actual.shape == expected.shape and bool(np.all(relative_error(actual, expected) <= tol))


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
        ``"transposed"``, ``"non-finite"``, ``"sign"``, ``"factor"``, ``"missing-term"``,
        ``"swapped"``, ``"mismatch"``.
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


def _worst(actual, expected):
    errors = relative_error(actual, expected)
    flat = int(np.argmax(errors)) if errors.size else 0
    index = np.unravel_index(flat, errors.shape) if errors.ndim else ()
    return float(errors.max()) if errors.size else 0.0, tuple(int(i) for i in index)


def _ratio(actual, expected):
    """Least-squares c with actual ~ c * expected, or None."""
    denominator = float(np.sum(expected * expected))
    if denominator == 0.0:
        return None
    return float(np.sum(actual * expected)) / denominator


def diagnose(name, actual, expected, *, tol=EXACT_TOL, terms=None, batch_size=None):
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

    Returns
    -------
    Verdict

    Examples
    --------
    >>> diagnose("g", [-1.0, 2.0], np.array([1.0, -2.0])).kind
    'sign'
    >>> diagnose("g", [2.0, 4.0], np.array([1.0, 2.0])).kind
    'factor'
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
                       f"got {type(actual).__name__}: {actual!r:.80}", tolerance=tol)

    if actual.shape != expected.shape:
        return _diagnose_shape(name, actual, expected, tol)

    if not np.all(np.isfinite(actual)):
        bad = np.argwhere(~np.isfinite(actual))
        index = tuple(int(i) for i in bad[0])
        return Verdict(False, "non-finite",
                       f"{name} contains {actual[index]} at {_index_str(index) or 'its only entry'} "
                       f"({len(bad)} non-finite entr{'y' if len(bad) == 1 else 'ies'} in all). "
                       "Look for a division by zero, log(0), or exp of a large number.",
                       tolerance=tol, worst_index=index, actual_value=float(actual[index]),
                       expected_value=float(expected[index]))

    max_error, index = _worst(actual, expected)
    at = dict(max_error=max_error, tolerance=tol, worst_index=index,
              actual_value=float(actual[index]), expected_value=float(expected[index]))
    worst = (f"Largest difference at {_index_str(index) or 'the value'}: yours "
             f"{actual[index]:.10g}, expected {expected[index]:.10g} (relative error "
             f"{max_error:.2g}, tolerance {tol:.0e}).")
    if max_error <= tol:
        return Verdict(True, "ok", f"{name} is correct (largest relative error "
                       f"{error_bound(max_error)}, tolerance {tol:.0e}).", **at)

    kind, explanation = _explain(actual, expected, tol, terms or {}, batch_size)
    return Verdict(False, kind, f"{name} is not right: {explanation} {worst}", **at)


def _explain(actual, expected, tol, terms, batch_size):
    if _close(-actual, expected, tol):
        return "sign", "it has the opposite sign to the right answer in every entry."
    for term_name, term in terms.items():
        term = np.broadcast_to(np.asarray(term, dtype=np.float64), expected.shape)
        if _close(actual, expected - term, tol):
            return "missing-term", f"it is missing {term_name}."
        if _close(actual, expected - 2 * term, tol):
            return "missing-term", f"{term_name} has the wrong sign."
        if _close(actual, expected + term, tol):
            return "missing-term", f"{term_name} is counted twice."
    ratio = _ratio(actual, expected)
    if ratio is not None and _close(actual, ratio * expected, tol):
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
    if actual.ndim == 2 and actual.shape[0] == actual.shape[1] and _close(actual.T, expected, tol):
        return "transposed", ("it is the transpose of the right answer: W[j, i] is the weight "
                              "from input i to output j.")
    wrong = np.argwhere(relative_error(actual, expected) > tol)
    if (len(wrong) >= 2 and _close(np.sort(actual, axis=None), np.sort(expected, axis=None), tol)):
        places = ", ".join(_index_str(i) for i in wrong[:4])
        return "swapped", (f"it holds the right numbers in the wrong places ({places}): "
                           "two entries are swapped.")
    share = len(wrong) / expected.size
    return "mismatch", (f"{len(wrong)} of {expected.size} entries differ"
                        f"{'' if share < 1 else ' (all of them)'}.")


def _diagnose_shape(name, actual, expected, tol):
    wanted, got = shape_str(expected.shape), shape_str(actual.shape)
    base = dict(tolerance=tol)
    if actual.ndim == 2 and actual.T.shape == expected.shape and _close(actual.T, expected, tol):
        return Verdict(False, "transposed",
                       f"{name} has shape {got} but should have shape {wanted}: its numbers are "
                       "right but transposed. A gradient has the shape of what it "
                       "differentiates.", **base)
    if actual.size == expected.size and _close(actual.reshape(expected.shape), expected, tol):
        return Verdict(False, "reshaped",
                       f"{name} has shape {got} but should have shape {wanted}; the numbers are "
                       "right, so reshape (or avoid flattening) it.", **base)
    hint = ""
    if actual.ndim == 0 and expected.ndim > 0:
        hint = " It is a single number: did you sum or average where no reduction was needed?"
    elif actual.ndim > 0 and expected.ndim == 0:
        hint = " It should be a single number: did you forget to average over the examples?"
    return Verdict(False, "shape", f"{name} should have shape {wanted}; got {got}.{hint}", **base)
