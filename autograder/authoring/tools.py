"""Which of ``bplab``'s names a notebook hands its students: read from its code, declared.

A notebook's tools are every ``bp.<...>`` name its code cells use outside the test cells
(demo, try-it and answer cells, the model answers included): what a student is shown and
may call. Each notebook declares them in ``source/<notebook>/tools.toml``; where it is
graded, its answer processes import a ``bplab`` with those names alone
(:mod:`autograder.sandbox.tools`). :func:`used_tools` reads them from a source, so that a
test can hold each declaration to what its notebook uses.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .. import SOURCE_DIR
from ..sandbox.tools import parse_package, read_tools
from .sourcefmt import parse

__all__ = ["used_tools", "declared_tools", "tools_file"]

_ALIASES = ("bp", "bplab")


def tools_file(name: str) -> Path:
    """``source/<name>/tools.toml``."""
    return SOURCE_DIR / name / "tools.toml"


def declared_tools(name: str) -> list[str]:
    """The tools notebook ``name`` declares (an empty list if it has no such file)."""
    path = tools_file(name)
    return read_tools(path) if path.exists() else []


def _chains(source: str) -> set[tuple[str, ...]]:
    """Every ``bp.a.b.c`` attribute chain in ``source``, as ``("a", "b", "c")``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    found = set()
    for node in ast.walk(tree):
        chain = []
        while isinstance(node, ast.Attribute):
            chain.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in _ALIASES and chain:
            found.add(tuple(reversed(chain)))
    return found


def used_tools(source_text: str, package: str | Path) -> list[str]:
    """The tools a notebook's source uses outside its test cells, as ``module.name``.

    Each chain is cut where it leaves the package: ``bp.explore.losses.loss_explorer``
    is ``explore.losses.loss_explorer``; ``bp.mlp.forward(...).shape`` is ``mlp.forward``;
    a whole module named and not entered (``bp.losses``) is ``losses``.
    """
    modules = parse_package(package)
    tools = set()
    for cell in parse(source_text):
        if cell.kind not in ("code", "setup", "solution"):
            continue
        for chain in _chains(cell.source):
            module = ""
            for position, part in enumerate(chain):
                child = f"{module}.{part}" if module else part
                if child in modules:
                    module = child
                    if position == len(chain) - 1:
                        tools.add(module)
                    continue
                tools.add(f"{module}.{part}" if module else part)
                break
    # a chain that stops at a module also used through one of its names says no more
    return sorted(t for t in tools if not any(u.startswith(t + ".") for u in tools))
