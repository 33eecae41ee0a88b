"""The start page, the links between notebooks, progress recording and the README's map.

What the build adds to the authored notebooks comes from one source of truth (the course
order and the notebooks' headers), so these tests check the built notebooks against it:
the start page is no assignment, every notebook links to the map and its neighbours, every
graded test cell shows only its checks and records its outcome by its cell id, and the
README's course map says what the headers say, with a Binder badge per notebook.
"""

import doctest
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import (NOTEBOOKS_DIR, README, SOLUTIONS_DIR, START, assignments, exercise_of,
                        notebooks)
from autograder.authoring import coursemap, learner, pages
from autograder.authoring.build import readme_drift, write_course
from autograder.authoring.coursemap import BINDER, Header, navigation
from autograder.authoring.learner import headers, source_cells
from autograder.authoring.sourcefmt import Cell
from bplab import progress

GRADED = assignments()
ALL = notebooks()


def built(folder, name):
    return nbformat.read(folder / name / f"{name}.ipynb", as_version=4)


def first_markdown(nb):
    return next(c.source for c in nb.cells if c.cell_type == "markdown")


def test_the_start_page_is_a_notebook_of_the_course_but_no_assignment():
    assert ALL[0] == START
    assert START not in GRADED
    assert GRADED == [name for name in ALL if name != START]


def test_the_modules_examples_run():
    for module in (coursemap, learner, pages):
        result = doctest.testmod(module)
        assert result.attempted and not result.failed, module.__name__


@pytest.mark.parametrize("folder", [NOTEBOOKS_DIR, SOLUTIONS_DIR], ids=["release", "solution"])
@pytest.mark.parametrize("name", GRADED)
def test_test_cells_show_only_their_checks_and_their_id_names_the_check(folder, name):
    """No bookkeeping line in a test cell: its cell id, the grade id, is what records it."""
    cells = built(folder, name).cells
    tests = [c for c in cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert tests
    for cell in tests:
        assert "bp.progress." not in cell.source
        assert cell.source.startswith('"""'), "the docstring stays first: it titles the feedback"
        assert cell.id == cell.metadata["nbgrader"]["grade_id"]
        assert progress.check_of(cell.id) == cell.id
        shown = [(o.output_type, o.get("name")) for o in cell.get("outputs", [])]
        assert set(shown) <= {("stream", "stdout")}, f"{cell.id} shows more than its checks"
    others = [c for c in cells if c not in tests]
    assert [c.id for c in others if progress.check_of(c.id)] == []


def test_the_source_notebook_nbgrader_reads_holds_the_test_cells_as_written(tmp_path):
    name = GRADED[0]
    write_course(tmp_path, [name])
    source = nbformat.read(tmp_path / "source" / name / f"{name}.ipynb", as_version=4)
    tests = [c for c in source.cells if c.metadata.get("nbgrader", {}).get("grade")]
    written = {c.grade_id: c.source for c in source_cells(name) if c.kind == "tests"}
    assert {c.id: c.source for c in tests} == written
    assert any("### BEGIN HIDDEN TESTS" in c.source for c in tests)


@pytest.mark.parametrize("name", ALL)
def test_every_notebook_links_to_the_map_and_names_its_neighbours(name):
    """An assignment links the course map shipped beside it and names its neighbours (a
    student has them only once fetched); the start page, never released, links the next."""
    nb = built(NOTEBOOKS_DIR, name)
    line = navigation(headers(), name, START)
    if name != START:
        line = pages.resolvable([Cell("markdown", line)], name, ALL)[0].source
    header = first_markdown(nb)
    assert header.splitlines()[0].startswith("# "), "the title stays the first line"
    assert line in header, f"{name}: no navigation line under the title"
    last = [c.source for c in nb.cells if c.cell_type == "markdown"][-1]
    assert last.endswith(line), f"{name}: no navigation line at the end"
    at = ALL.index(name)
    neighbours = [h.label for h in headers() if h.name in ALL[max(at - 1, 1):at + 2]
                  and h.name != name]
    assert all(label in line for label in neighbours), f"{name}: {line}"
    links = pages.relative_links(line)
    expected = ([f"../{ALL[1]}/{ALL[1]}.ipynb"] if name == START else ["course-map.md"])
    assert links == expected
    for link in links:
        assert (NOTEBOOKS_DIR / name / link).resolve().is_file(), f"{name}: dead link {link}"


def test_navigation_handles_any_set_of_notebooks():
    course = [Header(n, n[3:].title()) for n in ("00_map", "01_a", "02_b", "08_c", "09_d")]
    assert navigation(course, "00_map", "00_map") == "**Next:** [1. A](../01_a/01_a.ipynb)"
    assert "Previous:** [2. B](../02_b/02_b.ipynb) · **Next:** [9. D](../09_d/09_d.ipynb)" in (
        navigation(course, "08_c", "00_map"))
    last = navigation(course, "09_d", "00_map")
    assert last.startswith("[Course map](../00_map/00_map.ipynb)") and "Next" not in last
    without_map = navigation(course[1:], "01_a", "00_map")
    assert without_map == "**Next:** [2. B](../02_b/02_b.ipynb)"


def test_the_start_page_release_is_plain_and_shows_the_course_map():
    nb = built(NOTEBOOKS_DIR, START)
    for cell in nb.cells:
        assert "nbgrader" not in cell.metadata, "the start page is no nbgrader assignment"
        if cell.cell_type == "code":
            assert cell.outputs == [] and "bp.progress." not in cell.source
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert learner.MAP_MARKER not in text
    assert coursemap.map_table([h for h in headers() if h.name != START]) in text
    for name in GRADED:
        assert f"](../{name}/{name}.ipynb)" in text
    assert "bp.progress()" in "\n".join(c.source for c in nb.cells)


def test_the_start_page_solution_ran_and_lists_every_exercise_as_not_run():
    nb = built(SOLUTIONS_DIR, START)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"
                or (o.output_type == "stream" and o.name == "stderr")]
    table = next(o for o in outputs if "text/html" in o.get("data", {}))["data"]["text/html"]
    for name in GRADED:
        release = built(NOTEBOOKS_DIR, name)
        exercises = {exercise_of(c.metadata["nbgrader"]["grade_id"]) for c in release.cells
                     if c.metadata.get("nbgrader", {}).get("grade")}
        for exercise in exercises:
            assert (f'data-notebook="{name}" data-exercise="{exercise}" '
                    f'data-status="not run"') in table


def test_the_readme_course_map_is_what_the_headers_give(tmp_path):
    assert readme_drift() == []
    text = README.read_text()
    for name in GRADED:
        path = f"notebooks/{name}/{name}.ipynb"
        assert f"](notebooks/{name}/{name}.ipynb) |" in text
        assert f"[![Binder](https://mybinder.org/badge_logo.svg)]({BINDER}{path})" in text
    changed = tmp_path / "README.md"
    changed.write_text(text.replace(" min |", " minutes |", 1))
    assert "differs from the notebooks' headers" in readme_drift(changed)[0]
    changed.write_text(text.replace(coursemap.README_START, ""))
    assert "lacks the markers" in readme_drift(changed)[0]


def test_readme_and_start_page_point_newcomers_to_the_start_page():
    text = README.read_text()
    start = f"notebooks/{START}/{START}.ipynb"
    badge = next(line for line in text.splitlines() if "mybinder.org/v2/" in line)
    assert badge.endswith(f"urlpath=lab/tree/{start})")
    assert f"]({start})" in text.split("## Course map")[0], "the Start section links the map"


def naming_the_cell(client):
    """An ``on_cell_execute`` hook that makes ``client`` say which cell it runs, as JupyterLab
    does (``cellId`` in the execute request's metadata); nbclient does not."""
    def name_the_cell(cell, cell_index):
        kc = client.kc

        def execute(code, **options):
            content = {"code": code, "silent": False, "store_history": True,
                       "user_expressions": {}, "allow_stdin": False, "stop_on_error": True,
                       **options}
            message = kc.session.msg("execute_request", content, metadata={"cellId": cell.id})
            kc.shell_channel.send(message)
            return message["header"]["msg_id"]

        kc.execute = execute
    return name_the_cell


@pytest.mark.slow
def test_running_a_notebook_records_progress_that_the_map_shows(tmp_path, monkeypatch):
    """Run notebook 1's solution, then its release, beside the map, as a learner would."""
    from nbclient import NotebookClient

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("BPLAB_PROGRESS", raising=False)
    name = GRADED[0]
    for folder in (name, START):
        (tmp_path / folder).mkdir()
    shutil.copy(NOTEBOOKS_DIR / START / f"{START}.ipynb", tmp_path / START)
    progress_file = tmp_path / ".bplab-progress.json"

    def run(nb, folder, allow_errors=False):
        client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=allow_errors,
                                resources={"metadata": {"path": str(tmp_path / folder)}})
        client.on_cell_execute = naming_the_cell(client)
        client.execute()
        return nb

    solution = built(SOLUTIONS_DIR, name)
    checks = {c.metadata["nbgrader"]["grade_id"] for c in solution.cells
              if c.metadata.get("nbgrader", {}).get("grade")}
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # as nbgrader grades: no record
    run(solution, name)
    assert not progress_file.exists()
    monkeypatch.delenv("NBGRADER_EXECUTION")

    run(built(SOLUTIONS_DIR, name), name)
    recorded = json.loads(progress_file.read_text())["notebooks"][name]
    assert {c for c, o in recorded.items() if o["passed"]} == checks

    shutil.copy(NOTEBOOKS_DIR / name / f"{name}.ipynb", tmp_path / name)
    run(built(NOTEBOOKS_DIR, name), name, allow_errors=True)  # the blank release fails all
    recorded = json.loads(progress_file.read_text())["notebooks"][name]
    assert {c for c, o in recorded.items() if not o["passed"]} == checks

    shown = run(built(NOTEBOOKS_DIR, START), START)
    html = "".join(o.get("data", {}).get("text/html", "")
                   for c in shown.cells if c.cell_type == "code" for o in c.outputs)
    assert f'data-notebook="{name}"' in html and 'data-status="failed"' in html
    assert 'data-status="passed"' not in html
    assert not list(Path(NOTEBOOKS_DIR).glob("**/.bplab-progress.json.*.tmp"))
