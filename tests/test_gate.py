"""The test-the-tests gate, through real nbgrader autograde, for every assignment."""

from collections import Counter

import pytest

from autograder import assignments
from autograder.authoring.gate import run_gate
from autograder.authoring.mutants import load_mutants
from autograder.authoring.sourcefmt import parse
from autograder import SOURCE_DIR


@pytest.mark.parametrize("name", assignments())
def test_every_exercise_has_typical_wrong_answers(name):
    exercises = {c.grade_id for c in parse((SOURCE_DIR / name / f"{name}.py").read_text())
                 if c.kind == "solution"}
    counts = Counter(ex for mutant in load_mutants(name) for ex in mutant["loses"])
    thin = sorted(ex for ex in exercises if counts[ex] < 2)
    assert not thin, f"{name}: exercises with fewer than 2 mutants: {thin}"


@pytest.mark.slow
@pytest.mark.needs("bubblewrap")
@pytest.mark.parametrize("name", assignments())
def test_release_scores_zero_solution_full_and_every_mutant_loses(name, tmp_path):
    outcome = run_gate(name)
    assert outcome["failures"] == []
    assert set(outcome["mutants"]) == {m["name"] for m in load_mutants(name)}
    assert set(outcome["scores"]) == {"release", "solution", *outcome["mutants"].values()}


@pytest.mark.slow
@pytest.mark.needs("bubblewrap")
def test_the_mistakes_of_a_student_that_spilled_are_graded_again_one_by_one(monkeypatch):
    # As if the first shared student had lost points outside every reach of its mistakes:
    # each of them is then planted alone, and judged there.
    from autograder.authoring import gate

    name, spills = "01_loss_functions", []

    def first_spills(graded, reached):
        spills.append(reached)
        return {"an exercise outside their reach"} if len(spills) == 1 else set()

    monkeypatch.setattr(gate, "spilled", first_spills)
    # four of the notebook's mistakes are enough: they make two shared students
    every_mutant = gate.load_mutants
    monkeypatch.setattr(gate, "load_mutants", lambda assignment: every_mutant(assignment)[:4])
    outcome = run_gate(name)
    assert outcome["failures"] == []
    ((shared, why),) = outcome["regraded"].items()
    assert shared not in outcome["scores"] and "outside their reach" in why
    alone = {m for m, student in outcome["mutants"].items() if student == f"mutant-{m}"}
    members = set(why.split(" changed ")[0].split(", "))
    assert len(members) >= 2 and members <= alone
    assert all(f"mutant-{m}" in outcome["scores"] for m in members)
