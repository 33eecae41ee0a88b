"""Which mutants can share one synthetic student without hiding each other.

A mutant plants one mistake in one answer cell, and names the exercises it must lose
points on. Grading a notebook costs the same whether it holds one mistake or five, so the
gate plants several in one student, on one condition: no mutant can reach an exercise
another one names. Then each exercise a mutant names is reached by that mutant alone in
the student, and scores there exactly what it would score with that mutant graded alone,
which is all the gate judges a mutant by. Exercises that several mutants reach but none
names (a capstone's trained model, which every part of it feeds) judge nobody.

What a mistake can reach is read from the notebook's code, statement by statement, in
the order the notebook runs, on the safe side:

* every statement of the mutated answer cell is *tainted*;
* any other statement is tainted when it reads a tainted name: directly, through a
  function whose body reads one when it is called, or through a string naming one (the
  names ``bp.checks.earlier.blamed`` looks up in ``globals()``);
* a tainted statement taints every name it binds, and, when it or the mistake's cell
  may change a value in place (:func:`changes_in_place`), every data name it reads and
  every value those may be part of (``out = f(data)`` may return ``data`` itself); an
  untainted statement that surely runs frees the names it binds (loop bodies run twice
  in this reading, what one round taints the next reads; branches free nothing, and a
  caught exception carries whatever its ``try`` body read);
* a mutant's *reach* is its cell's exercise, the exercises it declares it loses, and
  the exercise of every test cell with a tainted statement.

What code cannot show, the gate catches when it grades: an exercise that none of a
student's mutants reaches must keep its full marks there, or that student's mutants are
graded again one by one.
"""

from __future__ import annotations

import ast
import functools
import re
import symtable
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import exercise_of
from .mutants import mutate
from .sourcefmt import Cell

__all__ = ["bound_names", "changes_in_place", "reach", "mutant_reaches", "pack"]

_WORD = re.compile(r"[A-Za-z_]\w*")
_CODE_KINDS = {"code", "setup", "solution", "tests", "timing"}


@dataclass(frozen=True)
class _Statement:
    """What one top-level statement reads and binds."""

    reads: frozenset[str]  # when it runs, strings that name a name included
    deferred: frozenset[str]  # what the functions it defines read when they are called
    binds: frozenset[str]
    binds_code: bool  # a def, class or import: what it binds is code, not data
    frees: bool  # it surely runs: an untainted binding frees the name
    changes: bool = True  # it may change a value in place (:func:`changes_in_place`)


def bound_names(code: str) -> set[str]:
    r"""The global names ``code`` binds when it runs (not those local to its functions).

    Code that does not parse binds every word in it (the safe side).

    Examples
    --------
    >>> sorted(bound_names("import numpy as np\ndef f(x):\n    y = x\nz, w = 1, 2"))
    ['f', 'np', 'w', 'z']
    """
    return {name for statement in _statements(code) for name in statement.binds}


@functools.lru_cache(maxsize=4096)  # every mutant of a notebook reads the same cells
def _statements(code: str) -> tuple[_Statement, ...]:
    """The statements of ``code`` in the order they run, compound ones opened up: a loop's
    body twice (what one round taints, the next reads), a branch without freeing names."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        words = frozenset(_WORD.findall(code))
        return (_Statement(words, frozenset(), words, False, True),)
    return tuple(_flat(tree.body, frees=True))


def _flat(body: list[ast.stmt], frees: bool) -> list[_Statement]:
    found: list[_Statement] = []
    for node in body:
        if isinstance(node, (ast.For, ast.AsyncFor)):
            header = ast.Assign(targets=[node.target], value=node.iter, lineno=0)
            found += [_statement(header, frees)] + 2 * _flat(node.body, False)
            found += _flat(node.orelse, False)
        elif isinstance(node, (ast.While, ast.If)):
            found += [_statement(ast.Expr(node.test), frees)]
            found += 2 * _flat(node.body, False) + _flat(node.orelse, False)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                header = (ast.Assign(targets=[item.optional_vars], value=item.context_expr,
                                     lineno=0) if item.optional_vars
                          else ast.Expr(item.context_expr))
                found.append(_statement(header, frees))
            found += _flat(node.body, frees)
        elif isinstance(node, ast.Try):
            tried = _flat(node.body, False)
            found += tried
            for handler in node.handlers:
                if handler.name:  # the exception came from anything the body read
                    reads = frozenset().union(*(s.reads for s in tried))
                    found.append(_Statement(reads, frozenset(), frozenset({handler.name}),
                                            False, False))
                found += _flat(handler.body, False)
            found += _flat(node.orelse, False) + _flat(node.finalbody, False)
        else:
            found.append(_statement(node, frees))
    return found


def _statement(node: ast.stmt, frees: bool) -> _Statement:
    table = symtable.symtable(ast.unparse(node), "<cell>", "exec")
    binds = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    reads = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
    reads |= {n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
              and isinstance(n.value, str) and n.value.isidentifier()}
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        reads.add(node.target.id)  # ``x += 1`` reads x first
    nested: set[str] = set()
    scopes = list(table.get_children())
    while scopes:
        scope = scopes.pop()
        for symbol in scope.get_symbols():
            if symbol.is_referenced() and symbol.is_global():
                nested.add(symbol.get_name())
            if symbol.is_declared_global() and symbol.is_assigned():
                binds.add(symbol.get_name())
        scopes.extend(scope.get_children())
    binds_code = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                   ast.Import, ast.ImportFrom))
    if not binds_code:  # its comprehensions and lambdas run now, or soon after
        reads |= nested
    return _Statement(frozenset(reads), frozenset(nested), frozenset(binds), binds_code, frees,
                      not binds_code and changes_in_place(ast.unparse(node)))


_IN_PLACE_METHODS = {"append", "extend", "insert", "pop", "remove", "clear", "update",
                     "setdefault", "popitem", "sort", "reverse", "fill", "resize", "put",
                     "itemset", "setflags", "__setitem__", "__delitem__", "__iadd__"}


def changes_in_place(code: str) -> bool:
    r"""Whether ``code`` may change a value it was given: an augmented assignment, a
    store into an item or attribute, ``out=``, ``.at`` or a method that changes its
    object. (A value built in the function and changed there counts too: the safe side.)

    Examples
    --------
    >>> changes_in_place("def f(a):\n    return a * 2")
    False
    >>> changes_in_place("def f(p, g):\n    p['W'] -= g")
    True
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.AugAssign):
            return True
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(
                node.ctx, (ast.Store, ast.Del)):
            return True
        if isinstance(node, ast.keyword) and node.arg == "out":
            return True
        if isinstance(node, ast.Attribute) and (node.attr in _IN_PLACE_METHODS
                                                or node.attr == "at"):
            return True
    return False


def reach(cells: Sequence[Cell], cell: str, changed_code: str,
          loses: Iterable[str] = ()) -> set[str]:
    """The exercises a mistake planted in answer cell ``cell`` can change.

    Parameters
    ----------
    cells : sequence of Cell
        The notebook's source cells (:func:`.sourcefmt.parse`), in order.
    cell : str
        The grade id of the answer cell the mistake is in.
    changed_code : str
        The answer cell's code with the mistake in it.
    loses : iterable of str
        Exercises the mutant declares it loses (always part of its reach).

    Returns
    -------
    set of str
        Exercise names (test ids up to their ``__``).
    """
    code = [c for c in cells if c.kind in _CODE_KINDS]
    answer = next((c for c in code if c.kind == "solution" and c.grade_id == cell), None)
    if answer is None:
        raise ValueError(f"cell must name an answer cell of the notebook; got {cell!r}")
    # Only a mistake that may change what it is given can spoil the data it is called on.
    spoils = changes_in_place(answer.source) or changes_in_place(changed_code)
    tainted: set[str] = set()
    deferred: dict[str, frozenset[str]] = {}  # name -> what using it reads
    data: set[str] = set()  # names bound to values rather than to code
    shares: dict[str, set[str]] = {}  # name -> data names its value may be part of
    reached = {cell, *loses}
    for current in code:
        mutated = current.kind == "solution" and current.grade_id == cell
        statements = _statements(current.source)
        if mutated:
            statements += _statements(changed_code)  # whatever either version binds
        for statement in statements:
            if mutated or _closure(statement.reads, deferred) & tainted:
                tainted |= statement.binds
                if spoils or statement.changes:  # a value it reads may change in place
                    tainted |= _closure(statement.reads & data, shares) & data
                if current.kind == "tests":
                    reached.add(exercise_of(current.grade_id))
            elif statement.frees:
                tainted -= statement.binds
            read_data = statement.reads & data
            for name in statement.binds:
                deferred[name] = statement.deferred
                (data.discard if statement.binds_code else data.add)(name)
                kept = shares.get(name, set()) if name in statement.reads else set()
                shares[name] = (read_data - {name}) | kept  # ``out = f(data)`` may be data
    return reached


def mutant_reaches(cells: Sequence[Cell], solutions: Mapping[str, str],
                   mutants: Iterable[Mapping[str, Any]]) -> dict[str, set[str]]:
    """Each mutant's :func:`reach` in the notebook of ``cells``, by the mutant's name.

    ``solutions`` is answer cell id -> the solution's code (:func:`.mutants.answers`);
    ``mutants`` are as :func:`.mutants.load_mutants` reads them.
    """
    return {m["name"]: reach(cells, m["cell"], mutate(solutions, m)[m["cell"]], m["loses"])
            for m in mutants}


def _closure(names: Iterable[str], deferred: Mapping[str, Iterable[str]]) -> set[str]:
    """``names`` and what they lead to through ``deferred``, transitively: what the
    functions among them read when called, or the values a value may be part of."""
    found: set[str] = set()
    stack = list(names)
    while stack:
        name = stack.pop()
        if name not in found:
            found.add(name)
            stack.extend(deferred.get(name, ()))
    return found


def pack(reaches: Mapping[str, set[str]],
         names: Mapping[str, set[str]]) -> list[list[str]]:
    """Group mutants so that none in a group reaches an exercise another one names.

    First fit, in the order given: each mutant joins the first group it can, else starts
    a new one.

    Parameters
    ----------
    reaches : mapping
        Mutant name -> its reach (:func:`reach`).
    names : mapping
        Mutant name -> the exercises it must lose points on (part of its reach).

    Returns
    -------
    list of list of str
        The groups, each a list of mutant names.

    Examples
    --------
    Mutants that name the same exercise never share; ``ab`` reaches ``b`` without naming
    it, so it may share with ``a1``'s group only if nothing there names ``b``:

    >>> pack({"a1": {"a"}, "a2": {"a"}, "b1": {"b"}, "ab": {"a", "b"}},
    ...      {"a1": {"a"}, "a2": {"a"}, "b1": {"b"}, "ab": {"a"}})
    [['a1', 'b1'], ['a2'], ['ab']]
    >>> pack({"f": {"f", "model"}, "g": {"g", "model"}}, {"f": {"f"}, "g": {"g"}})
    [['f', 'g']]
    """
    groups: list[tuple[list[str], set[str], set[str]]] = []
    for mutant, reached in reaches.items():
        named = set(names[mutant])
        for members, covered, judged in groups:
            if not covered & named and not judged & reached:
                members.append(mutant)
                covered |= reached
                judged |= named
                break
        else:
            groups.append(([mutant], set(reached), named))
    return [members for members, _, _ in groups]
