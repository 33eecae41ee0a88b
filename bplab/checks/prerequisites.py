"""One bug costs one exercise: a failing test first names the earlier answer to blame.

Several exercises call the learner's answers to earlier ones (``mlp_backward`` calls
``output_delta``, ``sgd_step`` calls ``softmax_ce_grad``). When such an earlier answer is
wrong, the later exercise's own checks fail too, with a diagnosis of the wrong thing
("10% accuracy: a learning rate too small"). So the checks of the later exercise run
inside :func:`blamed`: when one fails, each earlier answer is run on a small case and
compared with the course's reference (:func:`builds_on`), and if one differs, the
failure's first line names it. When the later exercise passes, nothing more is checked,
so an answer that does not call a wrong earlier one is never failed for it.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from . import diagnosis
from .assertions import call
from .kinds import CheckFailure
from .testdata import expected as reference_value

__all__ = ["Check", "Earlier", "against", "agrees", "builds_on", "blamed"]

Check = Callable[[Any], bool]
"""Whether an earlier answer (a function) gives the right results."""

Earlier = tuple[str, Any, Check]
"""``(label, answer, check)``: how to name an earlier answer, the answer, and its check."""


def against(reference: Callable[..., Any], *args: Any) -> Check:
    """A :data:`Check`: the answer, called on ``args``, agrees with ``reference``.

    Examples
    --------
    >>> against(np.sum, np.ones(3))(np.sum), against(np.sum, np.ones(3))(np.mean)
    (True, False)
    """
    def check(answer):
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                actual = call("the earlier answer", answer, *args)
        except CheckFailure:
            return False
        return agrees(actual, reference_value(reference, *args))

    return check


def agrees(actual: Any, expected: Any, tol: float = diagnosis.NUMERICAL_TOL) -> bool:
    """Whether ``actual`` matches ``expected``: the same structure, numbers within ``tol``.

    Dicts must have the same keys, tuples and lists the same length; numbers and arrays
    are compared by the course's relative error (floor ``1e-6``), shapes exactly.

    Examples
    --------
    >>> agrees({"W": np.ones(2)}, {"W": np.ones(2) + 1e-9})
    True
    >>> agrees((np.ones(2), 1.0), (np.ones(3), 1.0))
    False
    """
    if isinstance(expected, Mapping):
        return (isinstance(actual, Mapping) and set(actual) == set(expected)
                and all(agrees(actual[key], expected[key], tol) for key in expected))
    if isinstance(expected, (tuple, list)):
        return (isinstance(actual, (tuple, list)) and len(actual) == len(expected)
                and all(agrees(a, e, tol) for a, e in zip(actual, expected)))
    try:
        actual_array = np.asarray(actual, dtype=float)
        expected_array = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return False
    if actual_array.shape != expected_array.shape:
        return False
    if not np.all(np.isfinite(actual_array) == np.isfinite(expected_array)):
        return False
    finite = np.isfinite(expected_array)
    error = diagnosis.relative_error(actual_array[finite], expected_array[finite])
    return bool(np.all(error <= tol))


def builds_on(user: str, earlier: Sequence[Earlier]) -> None:
    """Check the earlier answers that ``user`` calls; fail with one line naming the first wrong one.

    Parameters
    ----------
    user : str
        The exercise under test, as the learner knows it, such as ``"mlp_backward"``.
    earlier : sequence of (label, answer, check)
        For each earlier answer ``user`` calls: how to name it (``"output_delta
        (Exercise 4)"``), the learner's function (``None`` when it is not defined), and a
        :data:`Check` of it on a small case, such as :func:`against` a reference.

    Raises
    ------
    CheckFailure
        With kind ``earlier-exercise``, when an earlier answer is missing or its check
        fails. Prints nothing otherwise.

    Examples
    --------
    >>> builds_on("double_sum", [("total (Exercise 1)", np.sum, against(np.sum, np.ones(3)))])
    >>> builds_on("double_sum", [("total (Exercise 1)", np.mean, against(np.sum, np.ones(3)))])
    Traceback (most recent call last):
    ...
    bplab.checks.kinds.CheckFailure: double_sum calls your total (Exercise 1), which does not give the right result yet (its own test cells say what is wrong): fix it first; double_sum is judged once it does. [diagnosis: earlier-exercise]
    """
    __tracebackhide__ = True
    for label, answer, check in earlier:
        first = f"{user} calls your {label}, which"
        if answer is None:
            raise CheckFailure(f"{first} is not defined yet: answer it first.",
                               "earlier-exercise")
        if not check(answer):
            raise CheckFailure(f"{first} does not give the right result yet (its own test "
                               f"cells say what is wrong): fix it first; {user} is judged "
                               "once it does.", "earlier-exercise")


@contextlib.contextmanager
def blamed(user: str, earlier: Sequence[Earlier]) -> Iterator[None]:
    """Run checks of ``user``; if one fails, blame the first wrong earlier answer first.

    Parameters
    ----------
    user : str
        The exercise under test.
    earlier : sequence of (label, answer, check)
        As for :func:`builds_on`.

    Raises
    ------
    CheckFailure
        The failure of a check inside the block, unchanged when every earlier answer is
        right; otherwise one of kind ``earlier-exercise`` whose first line names the wrong
        earlier answer and whose second is the original diagnosis.

    Examples
    --------
    >>> with blamed("double_sum", [("total (Exercise 1)", np.sum, against(np.sum, np.ones(3)))]):
    ...     pass
    >>> with blamed("double_sum", [("total (Exercise 1)", np.mean, against(np.sum, np.ones(3)))]):
    ...     raise CheckFailure("double_sum is 1.0, expected 6.0.")
    Traceback (most recent call last):
    ...
    bplab.checks.kinds.CheckFailure: double_sum calls your total (Exercise 1), which ...
    """
    __tracebackhide__ = True
    try:
        yield
    except CheckFailure as failure:
        try:
            builds_on(user, earlier)
        except CheckFailure as blame:
            raise CheckFailure(f"{blame.plain_message}\nWhat {user}'s own check found: "
                               f"{diagnosis.ended(failure.plain_message)}",
                               "earlier-exercise") from None
        raise
