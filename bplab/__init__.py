"""Backprop Lab helper package.

Every notebook imports it once, as ``import bplab as bp``, and reaches its parts as
attributes: ``bp.check``, ``bp.gradcheck``, ``bp.losses``, ``bp.plotting``, ...
Submodules are imported on first use so that a notebook pays only for what it uses
(ipywidgets and matplotlib are never imported by the numerical core).
"""

from importlib import import_module

__version__ = "1.0.0"

__all__ = ["__version__", "start_notebook", "grading"]


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    try:
        module = import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module 'bplab' has no attribute {name!r}") from None
    globals()[name] = module
    return module


def start_notebook(number):
    """Set up a course notebook; see :func:`bplab.course.start_notebook`."""
    from .course import start_notebook as _start

    return _start(number)


def grading():
    """True while nbgrader executes the notebook; see :func:`bplab.course.grading`."""
    from .course import grading as _grading

    return _grading()
