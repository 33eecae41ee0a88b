"""What a notebook promises at the top is what it holds.

Every release notebook opens with a header that states its time, its exercises and their
points, its loss convention, and links to the course's notation page; each graded exercise
(and checkpoint) has a heading whose points equal its test cells' points; and the README's
course map gives the same times as the notebooks.
"""

import re
from collections import Counter

import nbformat
import pytest

from autograder import NOTEBOOKS_DIR, REPO_ROOT, assignments, exercise_of

TIME = re.compile(r"\*\*Estimated time:\*\* (\d+)(?: to (\d+))? minutes")
EXERCISES = re.compile(r"\*\*Exercises:\*\* (\d+), worth (\d+) points")
HEADING_POINTS = re.compile(r"^#+ .*\((\d+) points?\)\s*$", re.MULTILINE)
README_ROW = re.compile(r"^\| *(\d+) *\| *\[[^\]]+\]\(notebooks/(\w+)/\2\.ipynb\).*\| *"
                        r"(\d+)(?:-(\d+))? min *\|", re.MULTILINE)


def release(name):
    return nbformat.read(NOTEBOOKS_DIR / name / f"{name}.ipynb", as_version=4)


def header(nb):
    return next(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def points_by_exercise(nb):
    """Exercise id to points, in the order the exercises' test cells first appear."""
    totals = Counter()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            totals[exercise_of(meta["grade_id"])] += meta["points"]
    return totals


def minutes(name):
    found = TIME.search(header(release(name)))
    assert found, f"{name}: the header should say **Estimated time:** <a> to <b> minutes"
    low, high = found.groups()
    return int(low), int(high or low)


@pytest.mark.parametrize("name", assignments())
def test_header_states_exercises_and_points_as_the_metadata_has_them(name):
    nb = release(name)
    totals = points_by_exercise(nb)
    found = EXERCISES.search(header(nb))
    assert found, f"{name}: the header should say **Exercises:** <n>, worth <p> points"
    assert (int(found[1]), int(found[2])) == (len(totals), round(sum(totals.values()))), (
        f"{name}: the header promises {found[0]!r}; the test cells hold {len(totals)} "
        f"exercises worth {sum(totals.values()):g} points")


@pytest.mark.parametrize("name", assignments())
def test_each_exercise_heading_gives_its_points(name):
    nb = release(name)
    headings = [int(points) for cell in nb.cells if cell.cell_type == "markdown"
                for points in HEADING_POINTS.findall(cell.source)]
    assert headings == [round(p) for p in points_by_exercise(nb).values()]


@pytest.mark.parametrize("name", assignments())
def test_header_states_the_loss_and_links_the_notation(name):
    text = header(release(name))
    assert "**Loss:**" in text, f"{name}: the header should state its loss convention"
    assert "](notation.md)" in text, f"{name}: the header should link the notation"
    assert minutes(name)


def test_readme_course_map_gives_the_notebooks_times():
    rows = {name: (int(low), int(high or low))
            for _, name, low, high in README_ROW.findall((REPO_ROOT / "README.md").read_text())}
    assert rows == {name: minutes(name) for name in assignments()}


CHECKPOINT = re.compile(r"^#+ Checkpoint\b.*\(1 point\)\s*$", re.MULTILINE)


@pytest.mark.parametrize("name", assignments())
def test_each_notebook_has_two_checkpoints_and_asks_for_derivations(name):
    """Predict-then-run checkpoints and declared derivations: what makes a student think."""
    nb = release(name)
    checkpoints = [found for cell in nb.cells if cell.cell_type == "markdown"
                   for found in CHECKPOINT.findall(cell.source)]
    assert len(checkpoints) >= 2, f"{name}: {len(checkpoints)} one-point checkpoints, want 2"
    declared = REPO_ROOT / "source" / name / "derivations.toml"
    assert declared.exists() and "[[derivation]]" in declared.read_text(), (
        f"{name}: source/{name}/derivations.toml should declare its exercises' formulas")
