import pytest

from autograder import assignments
from autograder import exercise_of
from autograder.authoring.sourcefmt import parse, to_notebook

SAMPLE = '''# preamble ignored
# %% [markdown] readonly
# # Title
#
# text
# %% setup id="setup"
import numpy as np
# %% solution id="f"
def f(x):
    ### BEGIN SOLUTION
    return x
    ### END SOLUTION
# %% tests id="f__value" points=2
"""f returns its input."""
assert f(1) == 1
'''


def test_parse_reads_kinds_ids_and_markdown():
    cells = parse(SAMPLE)
    assert [c.kind for c in cells] == ["markdown", "setup", "solution", "tests"]
    assert cells[0].source == "# Title\n\ntext"
    assert cells[3].attrs == {"id": "f__value", "points": 2}


def test_notebook_metadata_is_what_nbgrader_expects():
    nb = to_notebook(parse(SAMPLE))
    meta = [c.metadata.get("nbgrader") for c in nb.cells]
    assert meta[0]["locked"] and not meta[0]["grade"]
    assert meta[1]["locked"] and not meta[1]["solution"]
    assert meta[2]["solution"] and not meta[2]["grade"] and meta[2]["grade_id"] == "f"
    assert meta[3]["grade"] and meta[3]["locked"] and meta[3]["points"] == 2.0
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert [c.id for c in nb.cells] == ["c000-markdown", "setup", "f", "f__value"]


@pytest.mark.parametrize("text, error", [
    ("# %% solution\nx = 1\n", "needs id"),
    ('# %% tests id="a__b"\nx = 1\n', "needs points"),
    ("# %% frobnicate\n", "unknown cell header word"),
    ("# %% [markdown]\nnot a comment\n", "must start with '# '"),
    ('# %% solution id="a"\n\n# %% solution id="a"\n', "duplicate id"),
    ('# %% solution id="a.b"\n', "may hold only"),
    ('# %% solution id="a" weight=3\n', "unknown cell header word 'weight'"),
    # a cell id says whether it is a test cell: the learner's progress is recorded by it
    ('# %% tests id="value" points=1\nx = 1\n', "a tests cell's id is <exercise>__<check>"),
    ('# %% solution id="f__value"\nx = 1\n', "only a tests cell's id holds a double"),
    ('# %% setup id="a__b"\nx = 1\n', "only a tests cell's id holds a double"),
])
def test_malformed_source_is_reported_with_its_line(text, error):
    with pytest.raises(ValueError, match=error):
        parse(text, path="x.py")


def test_exercise_of():
    assert exercise_of("mse_grad__matches_numerical") == "mse_grad"


@pytest.mark.parametrize("name", assignments())
def test_every_test_cell_belongs_to_an_answer_cell_and_asserts_through_checks(name):
    from autograder import SOURCE_DIR

    cells = parse((SOURCE_DIR / name / f"{name}.py").read_text())
    answers = {c.grade_id for c in cells if c.kind == "solution"}
    tests = [c for c in cells if c.kind == "tests"]
    assert tests, f"{name} has no graded test cells"
    for cell in tests:
        assert exercise_of(cell.grade_id) in answers, f"{cell.grade_id} grades no answer cell"
        assert cell.source.startswith('"""'), f"{cell.grade_id} must open with a docstring"
        assert "bp.checks." in cell.source, f"{cell.grade_id} must assert through bp.check"
    graded = {exercise_of(c.grade_id) for c in tests}
    assert answers <= graded, f"answer cells with no tests: {answers - graded}"
