"""Course bookkeeping: which notebook is open, and the references it must not lean on.

``bplab`` ships reference implementations of what earlier notebooks taught, so that no
notebook depends on a student's earlier answer. In the notebook where a thing is
*taught*, delegating to its reference would defeat the exercise, so
:func:`start_notebook` locks those references: calling one raises
:class:`ReferenceLockedError` with a message that says why. The checks that grade the
exercise still use the references, inside :func:`references_unlocked`.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import numpy as np

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "ReferenceLockedError",
    "reference",
    "start_notebook",
    "current_notebook",
    "close_notebook",
    "references_unlocked",
    "grading",
    "taught_in",
]

_state = {"notebook": None, "unlocked_depth": 0}
_TAUGHT_IN = {}


class ReferenceLockedError(RuntimeError):
    """A reference implementation was called in the notebook that teaches it."""


def reference(notebook: int, *, also: tuple[int, ...] = ()) -> Callable[[F], F]:
    """Mark a function as the reference for an exercise of notebook ``notebook``.

    Parameters
    ----------
    notebook : int
        Number of the notebook whose exercise the function answers.
    also : tuple of int, default ()
        Later notebooks that ask for the same result computed another way (notebook 8
        rebuilds notebook 4's gradients with an autograd engine); locked there too.

    Returns
    -------
    decorator : callable
        Wraps the function so that it refuses to run while one of those notebooks is
        open, except inside :func:`references_unlocked`.
    """
    locked_in = (notebook, *also)

    def decorate(function):
        # the name a notebook reads, bplab.mlp.forward, not its private module's
        public = ".".join(p for p in function.__module__.split(".") if not p.startswith("_"))
        qualified = f"{public}.{function.__name__}"
        _TAUGHT_IN[qualified] = notebook

        @functools.wraps(function)
        def guarded(*args, **kwargs):
            if _state["notebook"] in locked_in and _state["unlocked_depth"] == 0:
                if _state["notebook"] != notebook:
                    raise ReferenceLockedError(
                        f"{qualified} gives what an exercise of this notebook asks you to "
                        "compute another way, so it is switched off here."
                    )
                raise ReferenceLockedError(
                    f"{qualified} is the answer to an exercise in this notebook, so it is "
                    "switched off here: write the computation yourself with NumPy."
                )
            return function(*args, **kwargs)

        guarded.taught_in = notebook
        guarded.locked_in = locked_in
        return guarded

    return decorate


def taught_in() -> dict[str, int]:
    """Map each reference function's qualified name to the notebook that teaches it."""
    return dict(_TAUGHT_IN)


def start_notebook(number: int) -> np.random.Generator:
    """Declare which notebook is running and lock the references it teaches.

    Parameters
    ----------
    number : int
        The notebook's number in the course, 1 to 7.

    Returns
    -------
    numpy.random.Generator
        A generator seeded with ``number``, for the notebook's demos.
    """
    import numpy as np

    if not isinstance(number, int) or not 1 <= number <= 99:
        raise ValueError(f"number must be a notebook number such as 1; got {number!r}")
    _state["notebook"] = number
    np.set_printoptions(precision=6, suppress=True)
    return np.random.default_rng(number)


def close_notebook() -> None:
    """Declare that no notebook is running: every reference is callable again."""
    _state["notebook"] = None


def current_notebook() -> int | None:
    """The number given to :func:`start_notebook`, or None."""
    return _state["notebook"]


@contextlib.contextmanager
def references_unlocked() -> Iterator[None]:
    """Let the course's own checks call locked references inside this block."""
    _state["unlocked_depth"] += 1
    try:
        yield
    finally:
        _state["unlocked_depth"] -= 1


def grading() -> bool:
    """True while nbgrader executes the notebook (``NBGRADER_EXECUTION`` is set).

    Plots and widgets cost grading time and earn no points, so notebooks skip them then.
    """
    return bool(os.environ.get("NBGRADER_EXECUTION"))
