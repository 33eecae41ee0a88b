"""One number, whatever form it comes in: a float, an array of one entry, or a list of one.

Notebook 4's network has one output, so its ``y_hat`` is an array of shape ``(1,)``; a
student's answer may be that array, a list, or a float. These functions read any of
those forms, and print them in "Try it" cells without ever raising.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .validation import as_array

__all__ = ["number", "product", "describe"]


def number(value: Any, name: str = "value") -> float:
    """A single number given as a float, an int, or an array or list of one entry.

    Examples
    --------
    >>> number(np.array([0.25])), number([2]), number(3.0)
    (0.25, 2.0, 3.0)
    """
    array = as_array(value, name)
    if array.size != 1:
        raise ValueError(f"{name} must be one number (a float or an array of one entry); "
                         f"got shape {array.shape}")
    return float(array.reshape(-1)[0])


def product(values: Iterable[Any]) -> float:
    """The product of numbers in any form :func:`number` takes; NaN if one is not a number.

    Examples
    --------
    >>> product([np.array([2.0]), [0.5], 3.0]), product([2.0, "x"])
    (3.0, nan)
    """
    try:
        return float(np.prod([number(value) for value in values]))
    except (TypeError, ValueError):
        return float("nan")


def describe(value: Any, digits: int = 6) -> str:
    """``value`` as text for a "Try it" cell: one number at ``digits`` decimals, or what it is.

    Never raises, so a cell that prints answers shows them whatever their type.

    Examples
    --------
    >>> describe(np.array([0.1234567])), describe([2.0]), describe(None)
    ('0.123457', '2.000000', 'None (expected a number)')
    """
    try:
        return f"{number(value):.{digits}f}"
    except Exception:  # anything else is shown as it is, for the student to read
        return f"{value!r:.60} (expected a number)"
