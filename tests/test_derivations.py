"""No notebook gives away a formula that its student is asked to derive.

Each assignment declares, in ``source/<assignment>/derivations.toml``, the formulas its
exercises ask for, as regular expressions over cell text with all whitespace removed::

    [[derivation]]
    exercise = "mse_grad"
    patterns = ['2\\*\\(y_hat-t\\)/', '\\\\frac\\{2\\}\\{N\\}']

None may match a cell of the student release from its first cell through the exercise's
last visible test cell (markdown above, the stub and its docstring, "Try it" cells, visible
tests); each must match somewhere in the solution notebook, where the answer and the
"What you just derived" passage show it, so that a pattern that matches nothing is caught.

A result that earlier notebooks might be tempted to state as a fact (the sigmoid's slope,
the cancellation that leaves "predicted minus target") is declared ``course_wide = true``:
then no cell of any earlier notebook, the start page included, may match it either.
"""

import re
import tomllib

import nbformat
import pytest

from autograder import (NOTEBOOKS_DIR, SOLUTIONS_DIR, SOURCE_DIR, assignments, exercise_of,
                        notebooks)


def declared(name):
    path = SOURCE_DIR / name / "derivations.toml"
    if not path.exists():
        return []
    entries = tomllib.loads(path.read_text()).get("derivation", [])
    for entry in entries:
        assert {"exercise", "patterns"} <= set(entry) <= {"exercise", "patterns", "course_wide"}
        assert entry["patterns"], f"{path}: each [[derivation]] needs a non-empty patterns list"
        assert entry.get("course_wide", False) in (True, False), f"{path}: course_wide is a bool"
    return entries


def squeezed(cell):
    return re.sub(r"\s+", "", cell.source)


def leaks(release_nb, exercise, patterns):
    """``(cell index, pattern)`` for each giveaway before the exercise's answer is checked."""
    test_cells = [i for i, cell in enumerate(release_nb.cells)
                  if cell.metadata.get("nbgrader", {}).get("grade")
                  and exercise_of(cell.metadata["nbgrader"]["grade_id"]) == exercise]
    if not test_cells:
        raise AssertionError(f"no visible test cell of exercise {exercise!r}")
    found = []
    for index, cell in enumerate(release_nb.cells[:test_cells[-1] + 1]):
        text = squeezed(cell)
        found += [(index, pattern) for pattern in patterns if re.search(pattern, text)]
    return found


def _notebook(folder, name):
    return nbformat.read(folder / name / f"{name}.ipynb", as_version=4)


WITH_DERIVATIONS = [name for name in assignments() if declared(name)]


@pytest.mark.parametrize("name", WITH_DERIVATIONS)
def test_no_release_shows_a_formula_before_its_exercise_is_answered(name):
    release = _notebook(NOTEBOOKS_DIR, name)
    problems = [f"cell {index} shows the formula of {entry['exercise']} ({pattern!r}): "
                f"{release.cells[index].source[:120]!r}"
                for entry in declared(name)
                for index, pattern in leaks(release, entry["exercise"], entry["patterns"])]
    assert problems == []


@pytest.mark.parametrize("name", WITH_DERIVATIONS)
def test_every_declared_formula_appears_in_the_solution(name):
    text = "".join(squeezed(cell) for cell in _notebook(SOLUTIONS_DIR, name).cells)
    missing = [f"{entry['exercise']}: {pattern!r}" for entry in declared(name)
               for pattern in entry["patterns"] if not re.search(pattern, text)]
    assert missing == [], "patterns that match nothing in the solution cannot catch a leak"


def test_a_leak_in_markdown_or_a_docstring_is_caught():
    nb = nbformat.v4.new_notebook()
    hint = nbformat.v4.new_markdown_cell("The gradient is $2 (\\hat y - t) / N$.")
    stub = nbformat.v4.new_code_cell('def g(y_hat, t):\n    """Return 2 * (y_hat - t) / N."""\n')
    test = nbformat.v4.new_code_cell("check()")
    test.metadata["nbgrader"] = {"grade": True, "grade_id": "g__value"}
    later = nbformat.v4.new_markdown_cell("What you just derived: $2 (\\hat y - t) / N$.")
    nb.cells = [hint, stub, test, later]
    found = leaks(nb, "g", [r"2\*\(y_hat-t\)/", r"2\(\\haty-t\)/N"])
    assert found == [(0, r"2\(\\haty-t\)/N"), (1, r"2\*\(y_hat-t\)/")]


COURSE_WIDE = [(name, entry) for name in WITH_DERIVATIONS for entry in declared(name)
               if entry.get("course_wide")]


def earlier_leaks(name, patterns):
    """``(notebook, cell index, pattern)`` for each match in a release before ``name``."""
    order = notebooks()
    found = []
    for earlier in order[:order.index(name)]:
        for index, cell in enumerate(_notebook(NOTEBOOKS_DIR, earlier).cells):
            text = squeezed(cell)
            found += [(earlier, index, pattern) for pattern in patterns
                      if re.search(pattern, text)]
    return found


@pytest.mark.parametrize("name, entry", COURSE_WIDE,
                         ids=[f"{name}:{entry['exercise']}" for name, entry in COURSE_WIDE])
def test_no_earlier_notebook_states_a_course_wide_result(name, entry):
    problems = [f"{earlier} cell {index} states what {name}'s {entry['exercise']} asks for "
                f"({pattern!r})" for earlier, index, pattern in earlier_leaks(name, entry["patterns"])]
    assert problems == []


def test_the_sigmoid_slope_and_the_cancellation_are_declared_course_wide():
    """The two results the course had given away early stay declared."""
    declared_wide = {(name, entry["exercise"]) for name, entry in COURSE_WIDE}
    assert {("05_delta_rules", "sigmoid_prime"), ("05_delta_rules", "output_delta")} <= declared_wide


def test_an_earlier_statement_of_a_course_wide_result_is_caught():
    entry = next(e for name, e in COURSE_WIDE if e["exercise"] == "sigmoid_prime")
    stated = [r"$\sigma'(z) = \sigma(z)(1 - \sigma(z))$", r"$\sigma'(u) = \sigma(u)\,(1 - \sigma(u))$"]
    for text in stated:
        squeezed_text = re.sub(r"\s+", "", text)
        assert any(re.search(p, squeezed_text) for p in entry["patterns"]), text
    entry = next(e for name, e in COURSE_WIDE if e["exercise"] == "output_delta")
    for text in ["in notebook 5 it cancels and leaves the famous $\\hat y - t$.",
                 "the output delta is simply $$\\delta^2 = \\hat y - t$$"]:
        squeezed_text = re.sub(r"\s+", "", text)
        assert any(re.search(p, squeezed_text) for p in entry["patterns"]), text
    untouched = "compare $\\delta^2 = (\\hat y - t)(1 - \\hat y^2)$ and $\\hat y(1 - \\hat y)$"
    assert not any(re.search(p, re.sub(r"\s+", "", untouched))
                   for e in (entry,) for p in e["patterns"])
