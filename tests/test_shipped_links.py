"""Nothing dead in a notebook a student gets: every relative link resolves where they have it.

A student working from the repository has ``notebooks/``; a student on a JupyterHub has
only what nbgrader hands out, each assignment's folder as ``nbgrader generate_assignment``
releases it. So every relative link of every release notebook (and of the pages shipped
beside it) must resolve in ``notebooks/<name>/`` and inside ``release/<name>/`` of a course
root built by the course's own build.
"""

from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest

from autograder import NOTEBOOKS_DIR, SOLUTIONS_DIR, START, assignments, notebooks
from autograder.authoring import pages
from autograder.authoring.build import write_course
from autograder.authoring.learner import headers
from autograder.authoring.sourcefmt import Cell
from autograder.nbgrader_cli import nbgrader

GRADED = assignments()


def links_of(folder, name):
    """``(file, link)`` for every relative link of notebook ``name`` and the pages beside it."""
    found = []
    notebook = folder / name / f"{name}.ipynb"
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown":
            found += [(notebook, link) for link in pages.relative_links(cell.source)]
    for page in sorted((folder / name).glob("*.md")):
        found += [(page, link) for link in pages.relative_links(page.read_text())]
    return found


def dead(folder, name, inside):
    """The links of ``name`` in ``folder`` that lead to no file within ``inside``."""
    problems = []
    for source, link in links_of(folder, name):
        target = (source.parent / unquote(link.partition("#")[0])).resolve()
        if not (target.is_file() and target.is_relative_to(inside.resolve())):
            problems.append(f"{source.relative_to(folder)}: {link}")
    return problems


@pytest.mark.parametrize("name", notebooks())
def test_every_link_of_a_notebook_resolves_in_notebooks(name):
    assert dead(NOTEBOOKS_DIR, name, NOTEBOOKS_DIR) == []


@pytest.mark.parametrize("name", GRADED)
def test_every_assignment_ships_the_pages_it_links_to(name):
    for folder in (NOTEBOOKS_DIR, SOLUTIONS_DIR):
        for page, text in pages.pages(headers()).items():
            assert (folder / name / page).read_text() == text, f"{folder.name}/{name}/{page}"
    linked = {link for _, link in links_of(NOTEBOOKS_DIR, name)}
    assert {"course-map.md", "notation.md"} <= linked, f"{name} links {sorted(linked)}"
    assert dead(NOTEBOOKS_DIR, name, NOTEBOOKS_DIR / name) == [], "a link leaves its folder"


def test_the_course_map_page_lists_every_assignment_without_linking_one():
    text = pages.course_map_page(headers())
    for h in headers():
        if h.name != START:
            assert f"{h.title} (`{h.name}/`)" in text
    assert pages.relative_links(text) == ["notation.md"]


@pytest.mark.slow
def test_every_link_resolves_inside_the_release_nbgrader_makes(tmp_path):
    write_course(tmp_path, GRADED)
    nbgrader(tmp_path, "generate_assignment", "*", "--force")
    release = tmp_path / "release"
    assert sorted(p.name for p in release.iterdir()) == GRADED
    for name in GRADED:
        shipped = sorted(p.name for p in (release / name).iterdir())
        assert shipped == sorted([f"{name}.ipynb", *pages.PAGES])
        assert dead(release, name, release / name) == []


def test_links_that_would_be_dead_are_rewritten():
    course = ["00_start_here", "01_a", "02_b"]
    cell = Cell("markdown", "Read the [notation](../../docs/notation.md#a-batch) and the "
                "[course map](../../README.md#course-map), then [notebook 2](../02_b/02_b.ipynb)"
                " or [the map](../00_start_here/00_start_here.ipynb); [Exercise 1]"
                "(#Exercise-1-(3-points)) and [the web](https://example.org) stay.")
    text = pages.resolvable([cell], "01_a", course)[0].source
    assert text == ("Read the [notation](notation.md#a-batch) and the [course map]"
                    "(course-map.md), then notebook 2 or [the map](course-map.md); [Exercise 1]"
                    "(#Exercise-1-(3-points)) and [the web](https://example.org) stay.")


@pytest.mark.parametrize("link", ["../../docs/other.md", "../../README.md", "../03_c/03_c.ipynb",
                                  "../01_a/data.csv"])
def test_a_link_a_student_would_not_have_stops_the_build(link):
    with pytest.raises(ValueError, match="leaves the notebook's folder") as raised:
        pages.resolvable([Cell("markdown", f"see [this]({link})")], "01_a",
                         ["00_start_here", "01_a", "02_b"])
    assert link in str(raised.value)


def test_a_changed_page_is_drift(tmp_path):
    from autograder.authoring.build import page_drift

    for folder in ("committed", "fresh"):
        (tmp_path / folder).mkdir()
        for page in pages.PAGES:
            (tmp_path / folder / page).write_text("same")
    assert page_drift(tmp_path / "committed", tmp_path / "fresh", "x") == []
    (tmp_path / "fresh" / "notation.md").write_text("changed")
    assert page_drift(tmp_path / "committed", tmp_path / "fresh", "x") == [
        "x/notation.md differs from what the build ships: run `make release` and commit the "
        "result"]
