"""Answers copied from the package's references, or from each other.

``bplab`` is open source, so an answer cell can be the reference implementation typed
out again with other names. :func:`flags` compares answers after normalising them: the
syntax tree of the cell, docstrings and comments dropped, every name renamed in order of
first appearance, so that spacing, comments and renaming make no difference. A function
of an answer cell that normalises to the same tree as a reference of the notebook is
flagged, and so is a group of students whose answer cells normalise to the same tree
(cells too short to tell are skipped). A flag is a reason to look, not a verdict.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Flag", "normalized", "answer_cells", "flags", "MIN_NODES"]

MIN_NODES = 25
"""Answers with fewer syntax-tree nodes than this are too short to call copied."""


@dataclass(frozen=True)
class Flag:
    """Students whose answer to ``cell`` of ``assignment`` match ``what``."""

    assignment: str
    cell: str
    students: tuple[str, ...]
    what: str


class _Canonical(ast.NodeTransformer):
    """Rename every name (variables, arguments, functions) in order of first appearance."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def _name(self, name: str) -> str:
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_Name(self, node: ast.Name) -> ast.AST:
        node.id = self._name(node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.arg = self._name(node.arg)
        node.annotation = None
        return node

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        node.name = self._name(node.name)
        node.decorator_list, node.returns = [], None
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
        self.generic_visit(node)
        return node

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function


def _size(tree: ast.AST) -> int:
    return sum(1 for _ in ast.walk(tree))


def normalized(source: str | ast.AST) -> str | None:
    """A text that is the same for two pieces of code that differ only in names and layout.

    Examples
    --------
    >>> a = "def f(x, y):\\n    '''Doc.'''\\n    return (x - y) ** 2  # squared\\n"
    >>> b = "def g(p,q): return (p-q)**2"
    >>> normalized(a) == normalized(b)
    True
    >>> normalized("def f(x, y):\\n    return (x + y) ** 2") == normalized(b)
    False
    """
    try:
        tree = ast.parse(source) if isinstance(source, str) else source
    except SyntaxError:
        return None
    return ast.dump(_Canonical().visit(tree), annotate_fields=False)


def _functions(source: str) -> list[ast.AST]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [node for node in tree.body if isinstance(node, (ast.FunctionDef,
                                                            ast.AsyncFunctionDef))]


def answer_cells(notebook: Mapping) -> dict[str, str]:
    """Grade id to source of every answer (solution) cell of a notebook's JSON."""
    cells = {}
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and meta.get("solution") and not meta.get("grade"):
            source = cell.get("source", "")
            cells[meta.get("grade_id", "")] = "".join(source) if isinstance(source, list) \
                else source
    return cells


def flags(answers: Mapping[tuple[str, str], Mapping[str, str]],
          references: Mapping[str, Mapping[str, str]],
          stubs: Mapping[str, Mapping[str, str]] | None = None) -> list[Flag]:
    """Flags for copied answers.

    Parameters
    ----------
    answers : mapping
        ``(assignment, student)`` to ``{answer cell id: source}``.
    references : mapping
        Assignment to ``{qualified name: source}`` of its references.
    stubs : mapping, optional
        Assignment to its release's answer cells, never flagged when handed in unchanged.

    Returns
    -------
    list of Flag
        Reference matches (one flag per student and cell), then groups of students with
        the same answer, sorted.
    """
    reference_forms: dict[str, dict[str, str]] = defaultdict(dict)
    for assignment, functions in references.items():
        for qualified, source in functions.items():
            for function in _functions(source):
                reference_forms[assignment][normalized(function) or ""] = qualified
    stub_forms = {(a, cell): normalized(source) for a, cells in (stubs or {}).items()
                  for cell, source in cells.items()}
    found: list[Flag] = []
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for (assignment, student), cells in sorted(answers.items()):
        for cell, source in sorted(cells.items()):
            for function in _functions(source):
                match = reference_forms[assignment].get(normalized(function) or "")
                if match and _size(function) >= MIN_NODES // 2:
                    found.append(Flag(assignment, cell, (student,),
                                      f"the same code as the package's reference {match}"))
            form = normalized(source)
            try:
                size = _size(ast.parse(source))
            except SyntaxError:
                continue
            if form and size >= MIN_NODES and form != stub_forms.get((assignment, cell)):
                groups[(assignment, cell, form)].append(student)
    for (assignment, cell, _), students in sorted(groups.items()):
        if len(students) > 1:
            found.append(Flag(assignment, cell, tuple(sorted(students)),
                              "the same answer, up to names, spacing and comments"))
    return found


def read_answers(paths: Iterable[tuple[str, str, Path]]) -> dict[tuple[str, str], dict[str, str]]:
    """``(assignment, student)`` to answer cells, for ``(assignment, student, notebook path)``."""
    import json

    answers = {}
    for assignment, student, path in paths:
        try:
            answers[(assignment, student)] = answer_cells(json.loads(Path(path).read_text()))
        except (OSError, ValueError):
            continue
    return answers
