"""Checkpoints: a prediction is recorded where it is made and judged only when graded.

A checkpoint asks the learner to commit to a prediction before a demo shows the answer.
Its visible test, :func:`recorded`, accepts every well-formed prediction and prints the
same line whatever it is, so running it again and again reveals nothing; trial and error
has nothing to work with. Its hidden test, :func:`judged`, runs when the notebook is
graded and says whether the prediction was right, in words that never state the answer,
so that no failure message can be copied into the checkpoint.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .kinds import CheckFailure

__all__ = ["RECORDED", "recorded", "judged", "well_formed"]

RECORDED = ("Your prediction is recorded; it is judged when the notebook is graded. "
            "Now run the demo below and compare.")
"""The one line every well-formed prediction gets, whatever it is."""


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float, np.integer, np.floating))
            and not isinstance(value, (bool, np.bool_)) and math.isfinite(float(value)))


def _is_choice(value: Any, choices: Sequence[Any]) -> bool:
    """``value`` is one of ``choices``, of the same kind (``True`` is not ``1``)."""
    for choice in choices:
        if isinstance(choice, (bool, np.bool_)):
            if isinstance(value, (bool, np.bool_)) and bool(value) == bool(choice):
                return True
        elif isinstance(choice, str):
            if isinstance(value, str) and value == choice:
                return True
        elif _is_number(value) and _is_number(choice) and float(value) == float(choice):
            return True
    return False


def well_formed(value: Any, *, choices: Sequence[Any] | None = None,
                whole: bool = False) -> bool:
    """Whether ``value`` is a prediction of the expected form.

    Parameters
    ----------
    value : object
        The prediction.
    choices : sequence, optional
        The allowed answers; without it, any finite real number is a prediction.
    whole : bool, default False
        With no ``choices``: only whole numbers (``3`` or ``3.0``).

    Returns
    -------
    bool

    Examples
    --------
    >>> well_formed(0.25), well_formed("0.25"), well_formed(True)
    (True, False, False)
    >>> well_formed(True, choices=(True, False)), well_formed(1, choices=(True, False))
    (True, False)
    >>> well_formed(3.0, whole=True), well_formed(2.5, whole=True)
    (True, False)
    """
    if choices is not None:
        return _is_choice(value, choices)
    return _is_number(value) and (not whole or float(value).is_integer())


def _form(choices: Sequence[Any] | None, whole: bool) -> str:
    if choices is not None:
        return "one of " + ", ".join(repr(choice) for choice in choices)
    return "one whole number" if whole else "one number"


def recorded(name: str, namespace: Mapping[str, Any], *,
             choices: Sequence[Any] | None = None, whole: bool = False) -> None:
    """The visible test of a checkpoint: accept any well-formed prediction.

    Parameters
    ----------
    name : str
        The variable the answer cell sets, such as ``"predicted_loss"``.
    namespace : mapping
        Where to look for it: the test cell's ``globals()``.
    choices : sequence, optional
        The allowed answers (strings, booleans or numbers); without it, a number.
    whole : bool, default False
        With no ``choices``: only whole numbers.

    Raises
    ------
    CheckFailure
        If ``name`` is not set (``not-implemented``) or the prediction is not of the
        expected form (``shape``). Otherwise prints :data:`RECORDED`, the same line for
        every prediction.

    Examples
    --------
    >>> recorded("guess", {"guess": 0.3})
    Your prediction is recorded; it is judged when the notebook is graded. Now run the demo below and compare.
    """
    __tracebackhide__ = True
    if name not in namespace:
        raise CheckFailure(f"Set {name} in the cell above, then run this cell again.",
                           "not-implemented")
    value = namespace[name]
    if not well_formed(value, choices=choices, whole=whole):
        raise CheckFailure(f"{name} should be {_form(choices, whole)}; got {value!r:.60}.",
                           "shape")
    print(RECORDED)


def judged(name: str, namespace: Mapping[str, Any], expected: Any, *,
           rel_tol: float = 0.0, abs_tol: float = 0.0, decades: float | None = None,
           choices: Sequence[Any] | None = None, whole: bool = False) -> None:
    """The hidden test of a checkpoint: is the prediction right?

    Parameters
    ----------
    name, namespace, choices, whole
        As for :func:`recorded`.
    expected : object
        The right answer: a choice, or a number.
    rel_tol, abs_tol : float, default 0.0
        For a number: the relative and the absolute error allowed (the larger wins).
    decades : float, optional
        For a positive number: the allowed distance in orders of magnitude instead
        (``1`` accepts anything within a factor of 10).

    Raises
    ------
    CheckFailure
        If the prediction is missing, ill-formed or wrong; the message never states
        ``expected`` nor anything that points to it.

    Examples
    --------
    >>> judged("guess", {"guess": 2.3}, 2.302585, rel_tol=2e-3)
    >>> judged("guess", {"guess": 1e-4}, 6e-6, decades=1.0)
    Traceback (most recent call last):
    ...
    bplab.checks.kinds.CheckFailure: guess: your prediction was not the right one; the demo after the checkpoint, and the passage after it, show why. [diagnosis: mismatch]
    """
    __tracebackhide__ = True
    if name not in namespace:
        raise CheckFailure(f"{name} was not set: the checkpoint was not answered.",
                           "not-implemented")
    value = namespace[name]
    if not well_formed(value, choices=choices, whole=whole):
        raise CheckFailure(f"{name} should be {_form(choices, whole)}.", "shape")
    if choices is not None:
        right = _is_choice(value, [expected])
    elif decades is not None:
        right = float(value) > 0 and abs(math.log10(float(value) / float(expected))) <= decades
    else:
        right = (abs(float(value) - float(expected))
                 <= max(abs_tol, rel_tol * abs(float(expected))))
    if not right:
        raise CheckFailure(f"{name}: your prediction was not the right one; the demo after "
                           "the checkpoint, and the passage after it, show why.", "mismatch")
