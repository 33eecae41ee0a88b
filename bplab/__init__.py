"""Backprop Lab helper package.

Every notebook imports it once, as ``import bplab as bp``, and reaches its parts as
attributes: ``bp.losses``, ``bp.mlp``, ``bp.autograd``, ``bp.checks``, ``bp.explore``, ...
(``docs/architecture.md`` maps them). Submodules are imported on first use so that a
notebook pays only for what it uses (ipywidgets and matplotlib are never imported by the
numerical core).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import submodule_getattr

__version__ = "1.0.0"

if TYPE_CHECKING:
    import numpy as np

__all__ = ["__version__", "start_notebook", "grading"]


__getattr__ = submodule_getattr(__name__, globals())


def start_notebook(number: int) -> np.random.Generator:
    """Set up a course notebook: lock its references, and record its test cells' outcomes.

    See :func:`bplab.course.start_notebook` and :func:`bplab.progress.record_test_cells`.
    """
    from .course import start_notebook as _start
    from .progress import record_test_cells

    rng = _start(number)
    record_test_cells()
    return rng


def grading() -> bool:
    """True while nbgrader executes the notebook; see :func:`bplab.course.grading`."""
    from .course import grading as _grading

    return _grading()
