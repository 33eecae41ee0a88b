"""The learner's progress file and table (bplab.progress).

A test cell records its outcome when it runs, found by its cell id. Recording must never
change a check's outcome (it never raises or prints), must do nothing while nbgrader
grades, and must survive a missing or corrupt file; the table must list every exercise of
every notebook beside the file, with the outcome of its last run.
"""

import json
import os

import nbformat
import pytest

import bplab as bp
from bplab import progress
from bplab.progress import report


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A notebooks folder with two small notebooks; the kernel's cwd is notebook 1's folder."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("BPLAB_PROGRESS", raising=False)
    write_notebook(tmp_path, "01_first", "1. First", {
        "Exercise 1: f (2 points)": ["f__one", "f__two"],
        "Exercise 2: g (1 point)": ["g__one"]})
    write_notebook(tmp_path, "02_second", "2. Second", {"Checkpoint: h (1 point)": ["h__one"]})
    monkeypatch.chdir(tmp_path / "01_first")
    return tmp_path


def write_notebook(folder, name, title, exercises):
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# {title}\n\n*A subtitle.*"))
    for heading, checks in exercises.items():
        nb.cells.append(nbformat.v4.new_markdown_cell(f"### {heading}"))
        for check in checks:
            cell = nbformat.v4.new_code_cell(f'"""{check}."""')
            cell.metadata["nbgrader"] = {"grade": True, "grade_id": check, "points": 1.0}
            nb.cells.append(cell)
    (folder / name).mkdir()
    nbformat.write(nb, folder / name / f"{name}.ipynb")


def statuses(table):
    return {(nb.name, e.exercise): e.status for nb in table.notebooks for e in nb.exercises}


def test_the_file_sits_beside_the_notebooks_folders(course):
    assert progress.progress_file() == course / progress.FILE_NAME
    os.chdir(course)  # a kernel started in the notebooks folder itself finds the same file
    assert progress.progress_file() == course / progress.FILE_NAME


def test_the_lines_of_earlier_releases_record_failed_then_passed_and_the_table_shows_it(course):
    """Test cells built by earlier releases open with checking() and close with passed()."""
    progress.checking("01_first", "f__one")
    assert statuses(report())[("01_first", "f")] == "failed"
    progress.passed("01_first", "f__one")
    assert statuses(report())[("01_first", "f")] == "started"  # f__two not run yet
    progress.checking("01_first", "f__two")
    progress.passed("01_first", "f__two")
    progress.checking("01_first", "g__one")  # its assertion failed: never reached passed()
    assert statuses(report()) == {("01_first", "f"): "passed", ("01_first", "g"): "failed",
                                  ("02_second", "h"): "not run"}
    saved = json.loads((course / progress.FILE_NAME).read_text())["notebooks"]
    assert saved["01_first"]["f__one"]["passed"] is True
    assert saved["01_first"]["g__one"]["passed"] is False


@pytest.fixture
def shell(tmp_path, monkeypatch):
    """The IPython shell a kernel runs cells in; JupyterLab names each cell it runs."""
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    shell = InteractiveShell.instance()
    yield shell
    InteractiveShell.clear_instance()


def outcomes(folder):
    return {check: outcome["passed"] for check, outcome in
            progress.load(folder / progress.FILE_NAME).get("01_first", {}).items()}


def test_a_test_cell_records_its_outcome_by_its_cell_id_as_it_runs(course, shell):
    assert progress.record_test_cells()
    before = len(shell.events.callbacks["post_run_cell"])
    bp.start_notebook(1)
    bp.start_notebook(1)  # the setup cell run again adds no second callback
    assert len(shell.events.callbacks["post_run_cell"]) == before
    shell.run_cell("answer = 1", cell_id="c003-code")  # no check: nothing to record
    assert outcomes(course) == {}
    shell.run_cell('"""f works."""\nassert answer == 1', cell_id="f__one")
    shell.run_cell('"""g works."""\nassert answer == 2, "wrong"', cell_id="g__one")
    assert outcomes(course) == {"f__one": True, "g__one": False}
    shell.run_cell("answer = 2", cell_id="c005-code")
    shell.run_cell('"""g works."""\nassert answer == 2, "wrong"', cell_id="g__one")
    shell.run_cell('"""f works."""\nassert answer == 1', cell_id="f__one")
    assert outcomes(course) == {"f__one": False, "g__one": True}  # the last run counts


def test_a_cell_records_nothing_without_its_id_an_open_notebook_or_while_grading(
        course, shell, monkeypatch):
    bp.start_notebook(1)
    shell.run_cell("assert True")  # a front end that does not name its cells
    bp.course.close_notebook()
    shell.run_cell("assert True", cell_id="f__one")
    bp.start_notebook(1)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    shell.run_cell("assert True", cell_id="f__one")
    assert progress.record_test_cells() is False
    assert not (course / progress.FILE_NAME).exists()


def test_recording_outside_ipython_is_a_silent_no_op(course, capsys):
    assert progress.record_test_cells() is False
    assert capsys.readouterr() == ("", "")


def test_the_notebook_is_the_numbered_folder_the_kernel_runs_in_or_one_beside_it(course):
    assert progress.notebook_name(1) == "01_first"
    assert progress.notebook_name(2) == "02_second"  # in 01_first: the folder beside
    assert progress.notebook_name(3) is None
    (course / "02_copy").mkdir()
    assert progress.notebook_name(2) is None  # two candidates: record nothing rather than guess
    assert progress.notebook_name(2, course / "02_copy") == "02_copy"


def test_nothing_is_recorded_while_nbgrader_grades(course, monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert progress.record("01_first", "f__one", True) is False
    progress.checking("01_first", "f__one")
    progress.passed("01_first", "f__one")
    assert not (course / progress.FILE_NAME).exists()
    assert capsys.readouterr() == ("", "")


def test_nothing_is_recorded_when_switched_off_or_under_results(course, monkeypatch, tmp_path):
    monkeypatch.setenv("BPLAB_PROGRESS", "off")
    assert progress.record("01_first", "f__one", True) is False
    monkeypatch.delenv("BPLAB_PROGRESS")
    results = tmp_path / "grading" / "results" / "01_first"
    results.mkdir(parents=True)
    assert progress.record("01_first", "f__one", True, folder=results) is False
    assert list(tmp_path.rglob(progress.FILE_NAME)) == []


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"notebooks": 3}',
                                     '{"notebooks": {"01_first": {"f__one": "yes"}}}', ""])
def test_a_corrupt_file_reads_as_no_progress_and_is_replaced(course, content):
    path = course / progress.FILE_NAME
    path.write_text(content)
    assert progress.load(path) == {}
    assert statuses(report())[("01_first", "f")] == "not run"
    assert progress.record("01_first", "f__one", True)
    assert progress.load(path)["01_first"]["f__one"]["passed"] is True


def test_a_folder_that_cannot_be_written_makes_recording_a_silent_no_op(tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the notebooks folder should be")
    assert progress.record("01_first", "f__one", True, folder=blocker / "01_first") is False
    assert capsys.readouterr() == ("", "")


def test_writes_are_atomic_and_leave_no_scratch_files(course):
    for n in range(20):
        progress.record("01_first", f"f__{n}", n % 2 == 0)
    assert [p.name for p in course.iterdir() if p.is_file()] == [progress.FILE_NAME]
    assert (course / progress.FILE_NAME).stat().st_mode & 0o777 == 0o644
    assert len(progress.load(course / progress.FILE_NAME)["01_first"]) == 20


def test_the_table_names_exercises_by_their_headings_and_ignores_stale_checks(course):
    progress.passed("01_first", "f__renamed_since")  # an id the notebook no longer has
    progress.passed("09_gone", "x__one")  # a notebook whose file is missing is still listed
    table = report()
    first = table.notebooks[0]
    assert [e.label for e in first.exercises] == ["Exercise 1: f", "Exercise 2: g"]
    assert [(e.checks, e.passed) for e in first.exercises] == [(2, 0), (1, 0)]
    assert [nb.title for nb in table.notebooks] == ["1. First", "2. Second", "09_gone"]


def test_the_table_shows_as_html_with_a_bar_per_notebook_and_as_text(course):
    for check in ("f__one", "f__two"):
        progress.passed("01_first", check)
    progress.checking("01_first", "g__one")
    table = bp.progress()  # the module is callable: bp.progress() shows the table
    html = table._repr_html_()
    assert 'data-exercise="f" data-status="passed"' in html
    assert 'data-exercise="g" data-status="failed"' in html
    assert "1 of 2 exercises" in html and "\u2588" in html
    text = str(table)
    assert "1. First  \u2588\u2588\u2588\u2588\u2588\u2591\u2591\u2591\u2591\u2591 1 of 2" in text
    assert "\u2713 Exercise 1: f: 2 of 2 checks passed" in text
    assert "\u2717 Exercise 2: g: 0 of 1 check passed, 1 failed" in text


def test_an_empty_folder_gives_an_empty_table(tmp_path):
    table = report(tmp_path)
    assert table.notebooks == []
    assert "No notebooks" in str(table)
