"""Timing that survives a noisy, shared machine: interleaved repeats and medians.

A figure and its baseline are timed in the same run, one after the other, with their
order rotated from one repeat to the next. Load that comes and goes then hits both
alike, and the ratio of each repeat's pair is far steadier than either time alone. The
reported ratio is the median of those per-repeat ratios.
"""

import math
import statistics
import sys
import time

__all__ = ["median", "timed", "autonumber", "interleave", "paired_ratio", "log"]


def log(message):
    """Progress for the person waiting; stderr, so that stdout holds only the table."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def median(values):
    """Median of a non-empty sequence of numbers.

    Examples
    --------
    >>> median([3.0, 1.0, 2.0])
    2.0
    """
    return float(statistics.median(values))


def timed(function, number=1):
    """Seconds per call of ``function()``, averaged over ``number`` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(number):
        function()
    return (time.perf_counter() - start) / number


def autonumber(function, target=0.05, limit=10_000):
    """How many back-to-back calls make one timing last about ``target`` seconds.

    Very short functions are timed over many calls so that the clock's resolution and
    the loop's own cost do not matter; the first call also serves as a warm-up.

    Parameters
    ----------
    function : callable
        Called with no arguments.
    target : float
        Seconds one timing should take.
    limit : int
        Most calls per timing.

    Returns
    -------
    int
    """
    once = timed(function)
    return int(min(limit, max(1, math.ceil(target / max(once, 1e-9)))))


def interleave(functions, repeats, number=None, warmup=False, retries=0, on_retry=None):
    """Time several functions in turn, ``repeats`` times, rotating who goes first.

    Parameters
    ----------
    functions : dict of str to callable
        Called with no arguments; what they return is ignored (close over a list to keep
        results).
    repeats : int
        Rounds; in round ``r`` the functions run in their order rotated by ``r``.
    number : dict of str to int, optional
        Calls per timing for each function (default 1 each).
    warmup : bool
        Call each function once, untimed, before the first round.
    retries : int
        Times a failing call is timed again before its exception propagates; for tools
        that now and then hang or lose a kernel, where the failed attempt's time means
        nothing.
    on_retry : callable, optional
        ``on_retry(name, exception)``, called before each retry.

    Returns
    -------
    dict of str to list of float
        Seconds per call, one entry per round, for each function.
    """
    names = list(functions)
    number = {name: (number or {}).get(name, 1) for name in names}
    if warmup:
        for name in names:
            functions[name]()
    times = {name: [] for name in names}
    for r in range(repeats):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            for attempt in range(retries + 1):
                try:
                    times[name].append(timed(functions[name], number[name]))
                    break
                except Exception as error:
                    if attempt == retries:
                        raise
                    log(f"{name} failed ({type(error).__name__}: {error}); timing it again")
                    if on_retry:
                        on_retry(name, error)
    return times


def paired_ratio(numerator, denominator):
    """Median over repeats of ``numerator[r] / denominator[r]``.

    Examples
    --------
    >>> paired_ratio([2.0, 3.0, 10.0], [1.0, 1.0, 2.0])
    3.0
    """
    return median([a / b for a, b in zip(numerator, denominator)])
