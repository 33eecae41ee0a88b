"""Environment variables set for a while, then put back as they were.

What a process starts meanwhile (a kernel, an nbgrader converter's kernel) inherits them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

__all__ = ["variables"]


@contextlib.contextmanager
def variables(**values: str | None) -> Iterator[None]:
    """Set each variable to its string, or remove it where the value is None; on leaving,
    restore every one of them as it was (set, or absent).

    Examples
    --------
    >>> with variables(BPLAB_EXAMPLE="on"):
    ...     os.environ["BPLAB_EXAMPLE"]
    'on'
    >>> "BPLAB_EXAMPLE" in os.environ
    False
    >>> os.environ["BPLAB_EXAMPLE"] = "kept"
    >>> with variables(BPLAB_EXAMPLE=None):
    ...     "BPLAB_EXAMPLE" in os.environ
    False
    >>> os.environ.pop("BPLAB_EXAMPLE")
    'kept'
    """
    saved = {key: os.environ.get(key) for key in values}
    try:
        for key, value in values.items():
            _put(key, value)
        yield
    finally:
        for key, value in saved.items():
            _put(key, value)


def _put(key: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(key, None)
    else:
        os.environ[key] = value
