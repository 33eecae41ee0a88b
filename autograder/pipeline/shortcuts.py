"""Answers that reach a derivation by a shortcut: for the instructor to look at.

Where a notebook asks for a derived formula (the exercises of its ``derivations.toml``),
a gradient can also be *computed* without deriving anything: by a complex step
(``f(x + 1j*h).imag / h``, exact to round-off), by a difference quotient, or by calling the
package's numerical derivative or autograd engine. The first passes every exactness check;
the others mostly do not, but deserve a look where they do. :func:`flags` finds these in
answer cells; the report lists them and the points stand: the instructor decides.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from .plagiarism import Flag

__all__ = ["shortcuts", "flags"]

_NUMERICAL_MODULES = {"numdiff": "the package's numerical derivative",
                      "complexstep": "the package's complex-step derivative",
                      "autograd": "the package's autograd engine"}
_NUMERICAL_CHECKS = {"gradient", "derivative"}


def _complex(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, complex):
            return True
        if isinstance(node, ast.Attribute) and node.attr == "imag":
            return True
        if isinstance(node, ast.Name) and node.id == "complex":
            return True
        if isinstance(node, ast.Attribute) and node.attr in ("imag", "complex128", "complex64"):
            return True
    return False


def _callee(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        return ast.unparse(node.func)
    return None


def _difference_quotient(tree: ast.AST) -> bool:
    """``(f(a) - f(b)) / d`` with the same ``f``: a finite difference."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) \
                and isinstance(node.left, ast.BinOp) and isinstance(node.left.op, ast.Sub):
            left, right = _callee(node.left.left), _callee(node.left.right)
            if left is not None and left == right:
                return True
    return False


def _package_helpers(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        chain = []
        while isinstance(node, ast.Attribute):
            chain.append(node.attr)
            node = node.value
        if not (isinstance(node, ast.Name) and node.id in ("bp", "bplab")) or not chain:
            continue
        parts = list(reversed(chain))
        if parts[0] in _NUMERICAL_MODULES:
            found.append(_NUMERICAL_MODULES[parts[0]])
        elif parts[0] == "checks" and len(parts) > 1 and parts[1] in _NUMERICAL_CHECKS:
            found.append("the checker's numerical derivative")
    return found


def shortcuts(source: str) -> list[str]:
    """What ``source`` (an answer cell) computes a derivative with, in words; [] if none.

    Examples
    --------
    >>> shortcuts("def g(x):\\n    return (f(x + 1j * 1e-20)).imag / 1e-20")
    ['complex arithmetic (a complex step)']
    >>> shortcuts("def g(x, h=1e-6):\\n    return (f(x + h) - f(x - h)) / (2 * h)")
    ['a difference quotient']
    >>> shortcuts("def g(y, t):\\n    return 2 * (y - t) / len(y)")
    []
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    if _complex(tree):
        found.append("complex arithmetic (a complex step)")
    if _difference_quotient(tree):
        found.append("a difference quotient")
    found += _package_helpers(tree)
    return list(dict.fromkeys(found))


def flags(answers: Mapping[tuple[str, str], Mapping[str, str]],
          derivations: Mapping[str, set[str]]) -> list[Flag]:
    """A flag per student and derivation exercise answered by a shortcut.

    Parameters
    ----------
    answers : mapping
        ``(assignment, student)`` to ``{answer cell id: source}``.
    derivations : mapping
        Assignment to the ids of its exercises that ask for a derivation.
    """
    found = []
    for (assignment, student), cells in sorted(answers.items()):
        for cell, source in sorted(cells.items()):
            if cell not in derivations.get(assignment, set()):
                continue
            used = shortcuts(source)
            if used:
                found.append(Flag(assignment, cell, (student,),
                                  "computes the derivative instead of deriving it: "
                                  + ", ".join(used)))
    return found
