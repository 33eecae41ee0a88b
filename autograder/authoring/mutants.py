"""The synthetic class of an assignment: its solution answers and their typical mistakes.

Mutants live beside the source as ``source/<assignment>/mutants.toml``::

    [[mutant]]
    name = "mse-forgets-the-mean"      # also the synthetic student's id
    cell = "mse"                       # the answer cell to change
    replace = "/ len(y_hat)"           # text that occurs exactly once in its solution
    with = ""                          # what it becomes
    loses = ["mse"]                    # exercises that must lose points (default: [cell])

``code = "..."`` instead of ``replace``/``with`` swaps in the whole cell.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from typing import Any

import nbformat

from .. import SOURCE_DIR
from .sourcefmt import parse

__all__ = ["solution_code", "load_mutants", "answers", "fill_answers", "mutate"]

_SOLUTION_BLOCK = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)


def solution_code(source: str) -> str:
    """A solution cell's code as a student would write it: the markers removed."""
    return _SOLUTION_BLOCK.sub("", source)


def load_mutants(name: str) -> list[dict[str, Any]]:
    """The mutants declared for assignment ``name`` (an empty list if none)."""
    path = SOURCE_DIR / name / "mutants.toml"
    if not path.exists():
        return []
    mutants = tomllib.loads(path.read_text()).get("mutant", [])
    for mutant in mutants:
        missing = {"name", "cell"} - set(mutant)
        if missing or not (("replace" in mutant and "with" in mutant) or "code" in mutant):
            raise ValueError(f"{path}: mutant {mutant.get('name', '?')} needs name, cell, and "
                             "replace+with or code")
        mutant.setdefault("loses", [mutant["cell"]])
    return mutants


def answers(name: str) -> dict[str, str]:
    """Answer cell id to the solution's code, as a student would write it."""
    cells = parse((SOURCE_DIR / name / f"{name}.py").read_text())
    return {c.grade_id: solution_code(c.source) for c in cells if c.kind == "solution"}


def fill_answers(release_nb: Mapping[str, Any],
                 code_by_cell: Mapping[str, str]) -> nbformat.NotebookNode:
    """Copy of a release notebook with the answer cells in ``code_by_cell`` filled in."""
    nb = nbformat.from_dict(json.loads(json.dumps(release_nb)))
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in code_by_cell:
            cell.source = code_by_cell[grade_id]
    return nb


def mutate(code_by_cell: Mapping[str, str], mutant: Mapping[str, Any]) -> dict[str, str]:
    """A copy of ``code_by_cell`` with ``mutant``'s mistake planted in its cell."""
    changed = dict(code_by_cell)
    cell = mutant["cell"]
    if cell not in changed:
        raise ValueError(f"mutant {mutant['name']}: no answer cell {cell!r}")
    if "code" in mutant:
        changed[cell] = mutant["code"]
    else:
        count = changed[cell].count(mutant["replace"])
        if count != 1:
            raise ValueError(f"mutant {mutant['name']}: {mutant['replace']!r} occurs {count} "
                             f"times in cell {cell!r}; it must occur exactly once")
        changed[cell] = changed[cell].replace(mutant["replace"], mutant["with"])
    return changed
