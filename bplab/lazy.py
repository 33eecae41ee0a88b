"""Submodules imported on first use, so a notebook pays only for what it touches."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from types import ModuleType
from typing import Any

__all__ = ["submodule_getattr"]


def submodule_getattr(package: str, namespace: dict[str, Any]) -> Callable[[str], ModuleType]:
    """A module-level ``__getattr__`` that imports ``package.<name>`` when first asked for.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    namespace : dict
        The package's ``globals()``; each module imported is cached there.

    Returns
    -------
    callable
        ``__getattr__(name) -> module``, raising ``AttributeError`` for names that are no
        submodule (and for private names, which are never imported this way).

    Examples
    --------
    >>> import bplab
    >>> bplab.numdiff.__name__
    'bplab.numdiff'
    """

    def __getattr__(name: str) -> ModuleType:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            module = import_module(f"{package}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{package}.{name}":
                raise
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        namespace[name] = module
        return module

    return __getattr__
