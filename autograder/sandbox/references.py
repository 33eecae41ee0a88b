"""The helper package as the answer process gets it: without the notebook's references.

``bplab`` holds a reference implementation of each exercise, marked ``@reference(N)``
(:mod:`bplab.course`). In the notebook that teaches it the reference is only locked, and
any student can unlock it. Where the independent check runs a student's cells, the
package is replaced by a copy built by :func:`build_package`, in which every function
marked ``@reference(N)`` for the notebook being graded keeps its name, signature and
decorator but has its body (and docstring) replaced by a ``raise``: no lock to lift,
nothing to import from elsewhere, no source to read.

:func:`reference_functions` gives the references' own source, for the plagiarism check.
"""

from __future__ import annotations

import ast
import compileall
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

__all__ = ["notebook_number", "build_package", "strip_references", "reference_functions",
           "REMOVED_NOTE"]

REMOVED_NOTE = "is not available where this notebook is graded: it answers one of its exercises"
_REMOVED_ALIAS = "_ReferenceRemovedError"
_START = re.compile(r"start_notebook\(\s*(\d+)\s*\)")


def notebook_number(name_or_source: str) -> int:
    """The course number of a notebook, from its name (``"01_loss_functions"``) or source.

    Examples
    --------
    >>> notebook_number("03_chain_rule")
    3
    >>> notebook_number("import bplab as bp\\nrng = bp.start_notebook(5)")
    5
    """
    head = re.match(r"(\d+)_", name_or_source)
    if head:
        return int(head.group(1))
    found = _START.search(name_or_source)
    if found:
        return int(found.group(1))
    raise ValueError("no notebook number: expected a name such as 01_loss_functions or a "
                     "source that calls start_notebook(N)")


def _taught_in(decorator: ast.expr) -> int | None:
    """N for a ``@reference(N)`` decorator (any spelling of the name), else None."""
    if not (isinstance(decorator, ast.Call) and decorator.args
            and isinstance(decorator.args[0], ast.Constant)):
        return None
    function = decorator.func
    name = (function.id if isinstance(function, ast.Name)
            else function.attr if isinstance(function, ast.Attribute) else None)
    value = decorator.args[0].value
    return value if name == "reference" and isinstance(value, int) else None


def _references(tree: ast.AST) -> Iterator[tuple[ast.FunctionDef | ast.AsyncFunctionDef, int]]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                number = _taught_in(decorator)
                if number is not None:
                    yield node, number


def _module_name(package: Path, path: Path) -> str:
    return ".".join((package.name, *path.relative_to(package).with_suffix("").parts))


def _private_helpers(tree: ast.Module, functions: list[ast.AST]) -> list[ast.AST]:
    """The module's private functions that ``functions`` call, directly or through others:
    a reference that delegates its work keeps its answer there."""
    private = {node.name: node for node in tree.body
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
               and node.name.startswith("_") and not node.name.startswith("__")}
    found: dict[str, ast.AST] = {}
    pending = list(functions)
    while pending:
        for inner in ast.walk(pending.pop()):
            if isinstance(inner, ast.Name) and inner.id in private and inner.id not in found:
                found[inner.id] = private[inner.id]
                pending.append(private[inner.id])
    return list(found.values())


def strip_references(text: str, module: str, notebook: int) -> tuple[str, list[str]]:
    """The source ``text`` of ``module`` with notebook ``notebook``'s references emptied
    (each body a ``raise`` that names it), and the private helpers they call too; and the
    qualified names of all it emptied."""
    if "reference(" not in text:
        return text, []
    tree = ast.parse(text)
    removed = []
    references = [node for node, number in _references(tree) if number == notebook]
    for node in [*references, *_private_helpers(tree, references)]:
        removed.append(f"{module}.{node.name}")
        message = f"{module}.{node.name} {REMOVED_NOTE}"
        node.body = [ast.Expr(ast.Constant("Not available where this notebook is graded.")),
                     ast.Raise(exc=ast.Call(func=ast.Name(_REMOVED_ALIAS, ast.Load()),
                                            args=[ast.Constant(message)], keywords=[]),
                               cause=None)]
    if not removed:
        return text, []
    position = 0
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        position = 1  # after the module docstring
    while (position < len(body) and isinstance(body[position], ast.ImportFrom)
           and body[position].module == "__future__"):
        position += 1
    package = module.split(".")[0]
    body.insert(position, ast.ImportFrom(
        module=f"{package}.course", names=[ast.alias("ReferenceLockedError", _REMOVED_ALIAS)],
        level=0))
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n", removed


def build_package(package: str | Path, notebook: int, target: str | Path) -> list[str]:
    """Copy the package at ``package`` to ``target`` without notebook ``notebook``'s references.

    Every file is copied but the caches of the full package; the Python files are then
    compiled, so the copy imports as fast as the original.

    Returns
    -------
    list of str
        The qualified names of the functions whose bodies were removed.
    """
    package, target = Path(package), Path(target)
    removed: list[str] = []
    for path in sorted(package.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        out = target / path.relative_to(package)
        out.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix != ".py":  # data the package reads (notebook 9's digits, say)
            shutil.copyfile(path, out)
            continue
        text = path.read_text()
        if "reference(" in text:
            text, gone = strip_references(text, _module_name(package, path), notebook)
            removed += gone
        out.write_text(text)
    compileall.compile_dir(str(target), quiet=2)
    return removed


def reference_functions(package: str | Path, notebook: int) -> dict[str, str]:
    """Qualified name to source of every function of ``package`` marked ``@reference(notebook)``."""
    package = Path(package)
    found = {}
    for path in sorted(package.rglob("*.py")):
        text = path.read_text()
        if "__pycache__" in path.parts or "reference(" not in text:
            continue
        for node, number in _references(ast.parse(text)):
            if number == notebook:
                found[f"{_module_name(package, path)}.{node.name}"] = ast.get_source_segment(
                    text, node) or ast.unparse(node)
    return found
