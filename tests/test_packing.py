"""Which mutants may share a synthetic student: what a mistake in one cell can reach."""

import pytest

from autograder import assignments
from autograder.authoring.gate import spilled
from autograder.authoring.learner import source_cells
from autograder.authoring.mutants import answers, load_mutants, mutate
from autograder.authoring.packing import (bound_names, changes_in_place, mutant_reaches, pack,
                                          reach)
from autograder.authoring.sourcefmt import Cell
from autograder.pipeline.worker import Graded


def _notebook(*cells):
    """Cells from (kind, id, source) triples; markdown cells are left out (they run nothing)."""
    return [Cell(kind, source, {"id": grade_id} if grade_id else {}) for kind, grade_id, source in cells]


def _answer(grade_id, source):
    return ("solution", grade_id, source)


def _test(grade_id, source):
    return ("tests", grade_id, source)


def test_a_function_defined_earlier_carries_a_later_mistake_to_its_callers():
    cells = _notebook(("setup", "setup", "def helper(x):\n    return f(x) + 1"),
                      _answer("f", "def f(x):\n    return x"),
                      _answer("g", "def g(x):\n    return 2 * x"),
                      _test("g__calls", "assert g(1) == 2"),
                      _test("helper__uses_f", "assert helper(1) == 2"))
    assert reach(cells, "f", "def f(x):\n    return -x") == {"f", "helper"}
    assert reach(cells, "g", "def g(x):\n    return 3 * x") == {"g"}


def test_a_name_looked_up_by_its_string_is_read():
    cells = _notebook(_answer("f", "def f(x):\n    return x"),
                      _answer("h", "def h(x):\n    return f(x)"),
                      _test("h__blamed", "with blamed('h', globals(), ['f']):\n    pass"))
    assert "h" in reach(cells, "f", "def f(x):\n    return 0")


def test_a_name_bound_again_from_clean_values_no_longer_carries_the_mistake():
    cells = _notebook(_answer("f", "def f(x):\n    return x"),
                      ("code", None, "y = f(1)\nprint(y)"),
                      _test("f__value", "assert f(1) == 1"),
                      ("code", None, "y = 2"),
                      _answer("g", "def g(x):\n    return x"),
                      _test("g__on_y", "assert g(y) == 2"))
    assert reach(cells, "f", "def f(x):\n    return 0") == {"f"}
    # in a branch, a binding may not run: the name stays tainted
    cells[3] = Cell("code", "if False:\n    y = 2", {})
    assert reach(cells, "f", "def f(x):\n    return 0") == {"f", "g"}


def _on_shared_data(f_source, demo):
    """A notebook where a demo passes the data that g's test reads to the answer f."""
    return _notebook(("setup", "setup", "data = [1.0, 2.0]"),
                     _answer("f", f_source),
                     ("code", None, demo),
                     _answer("g", "def g(values):\n    return max(values)"),
                     _test("g__max", "assert g(data) == 2.0"))


def _g_reads_what_code_after_f_binds(code, name):
    """A notebook where a code cell after the answer f binds ``name``, which g's test reads."""
    return _notebook(_answer("f", "def f(x):\n    return x"), ("code", None, code),
                     _answer("g", "def g(x):\n    return x"),
                     _test(f"g__{name}", f"assert g({name}) == {name}"))


def test_only_a_mistake_that_changes_its_arguments_spoils_the_data_it_is_given():
    cells = _on_shared_data("def f(values):\n    return sum(values)", "total = f(data)")
    assert reach(cells, "f", "def f(values):\n    return sum(values) + 1") == {"f"}
    assert reach(cells, "f", "def f(values):\n    values.append(9.0)\n    return 0") == {"f", "g"}


def test_a_loop_carries_what_one_round_taints_into_the_next():
    cells = _g_reads_what_code_after_f_binds(
        "state = 0\nfor step in range(3):\n    out = state\n    state = f(step)", "out")
    assert "g" in reach(cells, "f", "def f(x):\n    return -x")


def test_declared_losses_are_part_of_the_reach_and_unknown_cells_are_refused():
    cells = _notebook(_answer("f", "def f(x):\n    return x"))
    assert reach(cells, "f", "def f(x):\n    return 1", loses=["later"]) == {"f", "later"}
    with pytest.raises(ValueError, match="cell must name an answer cell"):
        reach(cells, "nope", "")


def test_bound_names_and_changes_in_place():
    assert bound_names("for i, (a, b) in pairs:\n    c = a\nwith f() as g:\n    pass") == {
        "i", "a", "b", "c", "g"}
    assert bound_names("def f():\n    global counter\n    counter = 1") == {"f", "counter"}
    assert bound_names("not python (") == {"not", "python"}
    assert not changes_in_place("def f(a):\n    b = a.copy()\n    return b.sum()")
    for changing in ("a[0] = 1", "a += 1", "a.w = 1", "np.add(a, 1, out=a)", "a.fill(0)",
                     "np.add.at(a, [0], 1)", "d.update(x=1)"):
        assert changes_in_place(f"def f(a, d):\n    {changing}"), changing


def test_pack_keeps_every_named_exercise_out_of_the_others_reach():
    reaches = {"a1": {"a"}, "a2": {"a"}, "b1": {"b", "model"}, "ab": {"a", "b"},
               "c1": {"c", "model"}, "m1": {"model"}}
    names = {"a1": {"a"}, "a2": {"a"}, "b1": {"b"}, "ab": {"a"}, "c1": {"c"},
             "m1": {"model"}}
    groups = pack(reaches, names)
    assert sorted(m for g in groups for m in g) == sorted(reaches)
    for group in groups:
        for mutant in group:
            for other in group:
                assert other == mutant or not names[mutant] & reaches[other], (
                    f"{other} reaches what {mutant} names: {groups}")
    # b1 and c1 both reach the model, which neither names: they share a student
    assert any({"b1", "c1"} <= set(g) for g in groups), groups
    # m1 names the model, which b1 and c1 reach: it is graded apart from them
    assert not any({"m1", "b1"} <= set(g) or {"m1", "c1"} <= set(g) for g in groups)
    assert len(groups) == 3


@pytest.mark.parametrize("name", assignments())
def test_every_course_mutant_reaches_its_own_exercises(name):
    mutants = load_mutants(name)
    reaches = mutant_reaches(source_cells(name), answers(name), mutants)
    for mutant in mutants:
        assert {mutant["cell"], *mutant["loses"]} <= reaches[mutant["name"]]


def test_the_reading_sees_the_course_s_own_dependencies():
    """train_xor calls the learner's xor_step; a mistake in xor_step must reach it."""
    name = "06_xor"
    mutant = next(m for m in load_mutants(name) if m["cell"] == "xor_step")
    reached = reach(source_cells(name), "xor_step", mutate(answers(name), mutant)["xor_step"])
    assert {"xor_step", "train_xor"} <= reached


def _graded(kernel, checks=None, problem=None):
    points = {"a__one": 1.0, "a__two": 1.0, "b__one": 2.0}
    return Graded(assignment="x", student="s", fingerprint="", points=points, kernel=kernel,
                  checks=checks or {g: (True, "") for g in points}, check_problem=problem)


def test_spilled_names_exercises_outside_the_reach_that_lost_points():
    full = {"a__one": 1.0, "a__two": 1.0, "b__one": 2.0}
    assert spilled(_graded(dict(full, a__one=0.0)), {"a"}) == set()
    assert spilled(_graded(dict(full, b__one=0.0)), {"a"}) == {"b"}
    unconfirmed = {"a__one": (True, ""), "a__two": (True, ""), "b__one": (False, "wrong")}
    assert spilled(_graded(full, unconfirmed), {"a"}) == {"b"}
    assert spilled(_graded(None), {"a"}) == {"a", "b"}  # not graded: nothing can be told
    assert spilled(_graded(full, problem="the check's process ended"), {"a"}) == {"a", "b"}


def test_a_value_changed_in_place_by_clean_code_carries_the_mistake_it_holds():
    """``out`` may be ``data`` itself: adding to it in place changes ``data`` too."""
    cells = _on_shared_data("def f(values):\n    return values", "out = f(data)\nout += [3.0]")
    assert reach(cells, "f", "def f(values):\n    return values[:1]") == {"f", "g"}


def test_an_exception_caught_from_tainted_code_carries_the_mistake():
    cells = _g_reads_what_code_after_f_binds(
        "try:\n    f(1)\nexcept Exception as error:\n    problem = str(error)", "problem")
    assert "g" in reach(cells, "f", "def f(x):\n    raise ValueError(x)")
