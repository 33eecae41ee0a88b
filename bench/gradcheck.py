"""Gradient checking: the course's checker against a plain loop, for speed and accuracy.

The course checks a gradient with ``bplab.checks`` (central differences from
``bplab.numdiff``, a step chosen for float64, judged by ``bplab.checks.diagnosis``). The
baseline is the textbook checker: one entry at a time, a fixed step of 1e-5, judged by
the same relative error with the same tolerance, so that only the way the derivative is
estimated differs. Three of the course's functions (see :mod:`bench.problems`):

* Booth's gradient at many points: ``check.derivative`` differentiates elementwise, so
  one partial derivative at all the points costs two calls on arrays;
* the 2-2-1 tanh network's weight gradients (``net221.loss_at``, 9 parameters);
* an MLP with about 1,000 parameters (``mlp.loss_of``), parameter by parameter as the
  notebooks check it, and all at once with ``vectorized=True`` on a stacked loss.

Each also reports accuracy (largest relative error against the exact gradient) and
whether every planted mistake is caught, by each checker.
"""

import contextlib
import io

import numpy as np

from bplab import numdiff
from bplab.checks import CheckFailure, diagnosis
from bplab.checks import assertions as check

from . import problems
from .table import Row
from .timing import autonumber, interleave, log, median, paired_ratio

__all__ = ["STEP", "loop_gradient", "loop_passes", "course_verdict", "run"]

STEP = 1e-5
"""The baseline's fixed step, the usual textbook choice."""


def loop_gradient(f, x, h=STEP):
    """Central differences one entry at a time: the baseline checker's derivative.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``.
    x : ndarray of any shape
    h : float

    Returns
    -------
    ndarray of the shape of x
    """
    x = np.array(x, dtype=np.float64)
    grad = np.empty_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        up = float(f(x))
        x[index] = saved - h
        down = float(f(x))
        x[index] = saved
        grad[index] = (up - down) / (2 * h)
    return grad


def loop_passes(grad, numerical, tol=diagnosis.NUMERICAL_TOL):
    """The baseline's verdict: same shape and every relative error within ``tol``."""
    grad = np.asarray(grad, dtype=np.float64)
    if grad.shape != numerical.shape:
        return False
    scale = np.maximum(np.maximum(np.abs(grad), np.abs(numerical)), diagnosis.FLOOR)
    return bool(np.all(np.abs(grad - numerical) / scale <= tol))


def course_verdict(checks):
    """Run the course's checks; return ``None`` if all pass, else the first diagnosis kind.

    Parameters
    ----------
    checks : iterable of callable
        Each calls ``bplab.checks.gradient`` or ``bplab.checks.derivative``.
    """
    with contextlib.redirect_stdout(io.StringIO()):
        for one in checks:
            try:
                one()
            except CheckFailure as failure:
                return failure.kind
            except AssertionError:
                return "failed"
    return None


def course_checks(problem, grads):
    if problem.elementwise:
        return [lambda k=k: check.derivative(k, grads[k], problem.functions[k], problem.points[k])
                for k in problem.keys]
    return [lambda k=k: check.gradient(k, grads[k], problem.functions[k], problem.points[k],
                                       terms=problem.terms.get(k), vectorized=problem.vectorized)
            for k in problem.keys]


def _course_numerical(problem):
    if problem.elementwise:
        return {k: numdiff.derivative(problem.functions[k], problem.points[k])
                for k in problem.keys}
    return {k: numdiff.gradient(problem.functions[k], problem.points[k],
                                vectorized=problem.vectorized) for k in problem.keys}


def _loop_numerical(problem):
    return problem.loop(loop_gradient)


def _loop_verdicts(problem, grads):
    numerical = _loop_numerical(problem)
    return all(loop_passes(grads[k], numerical[k]) for k in problem.keys)


def _max_error(numerical, exact):
    return max(float(np.max(diagnosis.relative_error(numerical[k], exact[k]))) for k in exact)


def _worst_entry(numerical, exact):
    """Words on the entry with the largest relative error: its size and absolute error."""
    errors = {k: diagnosis.relative_error(numerical[k], exact[k]) for k in exact}
    key = max(errors, key=lambda k: errors[k].max())
    index = np.unravel_index(np.argmax(errors[key]), errors[key].shape)
    largest = max(float(np.max(np.abs(g))) for g in exact.values())
    return (f"the course's largest relative error is on an entry of size "
            f"{abs(exact[key][index]):.1e} (largest entry {largest:.1e}), absolute error "
            f"{abs(numerical[key][index] - exact[key][index]):.1e}")


def _speed_row(problem, repeats):
    course = lambda: course_verdict(course_checks(problem, problem.exact))  # noqa: E731
    loop = lambda: _loop_verdicts(problem, problem.exact)  # noqa: E731
    number = {"course": autonumber(course), "loop": autonumber(loop)}
    times = interleave({"course": course, "loop": loop}, repeats, number)
    ratio = paired_ratio(times["loop"], times["course"])
    return Row(f"gradcheck speed: {problem.label}", f"{1e3 * median(times['course']):.3g} ms",
               f"{1e3 * median(times['loop']):.3g} ms loop", ratio, "higher", samples=times)


def _accuracy_row(problem):
    course_numerical = _course_numerical(problem)
    course_error = _max_error(course_numerical, problem.exact)
    loop_error = _max_error(_loop_numerical(problem), problem.exact)
    correct_course = course_verdict(course_checks(problem, problem.exact)) is None
    correct_loop = _loop_verdicts(problem, problem.exact)
    kinds, caught_loop = [], 0
    for mistake, grads in problem.mistakes.items():
        kinds.append((mistake, course_verdict(course_checks(problem, grads))))
        caught_loop += not _loop_verdicts(problem, grads)
    caught = sum(kind is not None for _, kind in kinds)
    total = len(problem.mistakes)
    met = (course_error < diagnosis.NUMERICAL_TOL and correct_course and caught == total)
    named = ", ".join(f"{mistake} -> {kind or 'MISSED'}" for mistake, kind in kinds)
    notes = [f"the course's checker names each mistake: {named}"
             + (f" ({problem.note})" if problem.note else ""),
             _worst_entry(course_numerical, problem.exact)]
    if not (correct_course and correct_loop):
        notes.append(f"a correct gradient failed: course {not correct_course}, "
                     f"loop {not correct_loop}")
    return Row(f"gradcheck accuracy: {problem.label}",
               f"err {course_error:.1e}, caught {caught}/{total}",
               f"err {loop_error:.1e}, caught {caught_loop}/{total}", None, "lower",
               f"err < {diagnosis.NUMERICAL_TOL:.0e}, {total}/{total}", met, notes)


def run(quick=False, repeats=None):
    """Speed, accuracy and detection rows for each problem.

    Parameters
    ----------
    quick : bool
        Smaller problems and fewer repeats: a smoke run.
    repeats : int, optional
        Rounds of (course, loop) timings; default 5.
    """
    repeats = repeats or (2 if quick else 5)
    speed, accuracy = [], []
    for problem in problems.all_problems(quick):
        log(f"gradcheck: {problem.label}")
        speed.append(_speed_row(problem, repeats))
        accuracy.append(_accuracy_row(problem))
    return speed + accuracy
