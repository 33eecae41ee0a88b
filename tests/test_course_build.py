"""The committed notebooks/ and solutions/ are exactly what source/ builds, and safe to release."""

import re

import nbformat
import pytest

from autograder import NOTEBOOKS_DIR, SOLUTIONS_DIR, SOURCE_DIR, assignments
from autograder.authoring.build import drift
from autograder.authoring.mutants import solution_code
from autograder.authoring.sourcefmt import parse

NAMES = assignments()
MARKERS = re.compile(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS")


def _release(name):
    return nbformat.read(NOTEBOOKS_DIR / name / f"{name}.ipynb", as_version=4)


def _hidden_blocks(source):
    return re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", source, re.S)


@pytest.mark.slow
def test_notebooks_and_solutions_match_their_source():
    assert drift() == []


@pytest.mark.parametrize("name", NAMES)
def test_release_holds_no_solutions_markers_or_hidden_tests(name):
    release = _release(name)
    text = "\n".join(cell.source for cell in release.cells)
    assert not MARKERS.search(text)
    source_cells = parse((SOURCE_DIR / name / f"{name}.py").read_text())
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in release.cells}
    # A hidden line may repeat a visible line of another cell (the same fixture set-up).
    visible = "\n".join(re.sub(r"### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS", "", cell.source,
                               flags=re.S) for cell in source_cells if cell.kind != "solution")
    for cell in source_cells:
        if cell.kind == "solution":
            body = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S)
            assert body, f"{cell.grade_id}: no solution block"
            released = by_id[cell.grade_id].source
            assert "raise NotImplementedError()" in released
            for line in body.group(1).strip().splitlines():
                if line.strip() and not line.strip().startswith("#"):
                    assert line not in released, f"{cell.grade_id} leaks solution line {line!r}"
        for block in _hidden_blocks(cell.source):
            for line in block.strip().splitlines():
                if len(line.strip()) > 25 and line.strip() not in visible:
                    assert line not in text, f"hidden test line leaked: {line!r}"


@pytest.mark.parametrize("name", NAMES)
def test_release_has_no_outputs_and_locks_tests(name):
    for cell in _release(name).cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code":
            assert cell.outputs == []
        if meta.get("grade"):
            assert meta["locked"] and "checksum" in meta


@pytest.mark.parametrize("name", NAMES)
def test_solution_ran_without_errors_or_stderr(name):
    solution = nbformat.read(SOLUTIONS_DIR / name / f"{name}.ipynb", as_version=4)
    for cell in solution.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{name}: error in\n{cell.source[:300]}"
            if output.output_type == "stream":
                assert output.name == "stdout", f"{name}: stderr in\n{cell.source[:300]}"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_has_the_course_structure(name):
    text = "\n".join(c.source for c in _release(name).cells if c.cell_type == "markdown")
    for needed in ("Estimated time", "Learning objectives", "Prerequisites", "## Summary",
                   "## Going further"):
        assert needed in text, f"{name} lacks {needed!r}"
    number = int(name[:2])
    setup = [c for c in _release(name).cells if c.get("id") == "setup"]
    assert setup and f"bp.start_notebook({number})" in setup[0].source


def test_solution_code_strips_markers_only():
    source = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n"
    assert solution_code(source) == "def f():\n    return 1\n"


def test_drift_ignores_run_timestamps_but_not_source_or_metadata(tmp_path):
    from autograder.authoring.build import comparable

    original = SOLUTIONS_DIR / NAMES[0] / f"{NAMES[0]}.ipynb"
    nb = nbformat.read(original, as_version=4)
    baseline = comparable(original)
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.metadata["execution"] = {"iopub.execute_input": "2000-01-01T00:00:00Z"}
    nbformat.write(nb, tmp_path / "timestamps.ipynb")
    assert comparable(tmp_path / "timestamps.ipynb") == baseline
    code.source += "\n# edited by hand"
    nbformat.write(nb, tmp_path / "edited.ipynb")
    assert comparable(tmp_path / "edited.ipynb") != baseline
    code.source = code.source.removesuffix("\n# edited by hand")
    code.metadata["deletable"] = True
    nbformat.write(nb, tmp_path / "unlocked.ipynb")
    assert comparable(tmp_path / "unlocked.ipynb") != baseline


def test_drift_ignores_the_kernels_description_of_itself(tmp_path):
    """An unexecuted build (the drift check's) has no language_info; a run adds Python's."""
    from autograder.authoring.build import comparable

    original = SOLUTIONS_DIR / NAMES[0] / f"{NAMES[0]}.ipynb"
    nb = nbformat.read(original, as_version=4)
    nb.metadata["language_info"] = {"name": "python", "version": "3.99.0"}
    nbformat.write(nb, tmp_path / "other_python.ipynb")
    assert comparable(tmp_path / "other_python.ipynb") == comparable(original)
    nb.metadata["kernelspec"] = {"name": "julia", "display_name": "Julia", "language": "julia"}
    nbformat.write(nb, tmp_path / "other_kernel.ipynb")
    assert comparable(tmp_path / "other_kernel.ipynb") != comparable(original)


@pytest.mark.slow
def test_release_runs_the_solution_and_ships_what_is_committed(tmp_path, monkeypatch):
    """``make release``'s path: nbgrader's converters in this process, the solution run."""
    from autograder.authoring.build import comparable, release

    monkeypatch.setenv("HOME", str(tmp_path))  # an instructor's own config is not read
    (tmp_path / ".jupyter").mkdir()
    (tmp_path / ".jupyter" / "nbgrader_config.py").write_text(
        "c = get_config()\nc.ClearSolutions.code_stub = {'python': 'pass  # instructor'}\n")
    name = NAMES[0]
    release(tmp_path / "course", tmp_path / "notebooks", tmp_path / "solutions", [name],
            readme=None)
    for kind, committed_dir in (("notebooks", NOTEBOOKS_DIR), ("solutions", SOLUTIONS_DIR)):
        built = tmp_path / kind / name / f"{name}.ipynb"
        assert comparable(built) == comparable(committed_dir / name / f"{name}.ipynb")
    solution = nbformat.read(tmp_path / "solutions" / name / f"{name}.ipynb", as_version=4)
    ran = [c for c in solution.cells if c.cell_type == "code" and c.get("outputs")]
    assert ran, "the solution was not run"
    assert not [o for c in ran for o in c.outputs if o.output_type == "error"]


def _executed_with_widgets(ids, chunks):
    """A tiny executed notebook: a slider model referencing a style model, shown in output."""
    from autograder.authoring.build import WIDGET_STATE

    slider, style = ids
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show()", id="cell")
    cell.metadata["execution"] = {"iopub.execute_input": ids[0]}
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=c) for c in chunks]
    cell.outputs.append(nbformat.v4.new_output(
        "display_data", data={"application/vnd.jupyter.widget-view+json": {
            "model_id": slider, "version_major": 2, "version_minor": 0}}))
    nb.cells = [cell]
    nb.metadata["widgets"] = {WIDGET_STATE: {"version_major": 2, "version_minor": 0, "state": {
        style: {"model_name": "SliderStyleModel", "state": {"description_width": ""}},
        slider: {"model_name": "FloatSliderModel", "state": {"style": f"IPY_MODEL_{style}"}}}}}
    return nb


def test_rebuilt_solutions_do_not_depend_on_the_run():
    import uuid

    from autograder.authoring.build import reproducible

    first = _executed_with_widgets([uuid.uuid4().hex, uuid.uuid4().hex], ["a\n", "b\n"])
    second = _executed_with_widgets([uuid.uuid4().hex, uuid.uuid4().hex], ["a\nb\n"])
    one, two = reproducible(first, "nb"), reproducible(second, "nb")
    assert one == two
    state = one.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    shown = one.cells[0].outputs[-1].data["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert state[shown]["model_name"] == "FloatSliderModel"
    assert state[shown]["state"]["style"].removeprefix("IPY_MODEL_") in state
    assert one.cells[0].outputs[0].text == "a\nb\n"
    assert "execution" not in one.cells[0].metadata
    other = _executed_with_widgets([uuid.uuid4().hex, uuid.uuid4().hex], ["a\nb\n"])
    assert reproducible(other, "another notebook") != one


def test_a_timing_cell_keeps_its_source_and_leaves_its_measurement_out():
    from autograder.authoring.build import reproducible
    from autograder.authoring.sourcefmt import parse, to_notebook

    nb = to_notebook(parse('# %%\nx = 1\n# %% timing\nprint("3.1 ms")\n'))
    for cell in nb.cells:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="3.1 ms\n")]
        cell.execution_count = 1
    plain, timing = reproducible(nb, "timing").cells
    assert timing.source == 'print("3.1 ms")' and timing.outputs == []
    assert plain.outputs[0].text == "3.1 ms\n"
    committed = nbformat.read(SOLUTIONS_DIR / "03_chain_rule" / "03_chain_rule.ipynb", 4)
    timed = [c for c in committed.cells if "best_time" in c.source and "perf_counter" in c.source]
    assert timed and all(c.outputs == [] for c in timed)


def test_widget_twins_no_output_shows_get_the_same_ids_in_any_order():
    """Two sliders that no output shows, each with its own (identical) layout, in any order."""
    import uuid

    from autograder.authoring.build import WIDGET_STATE, reproducible

    def built(state_order):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("make()", id="cell")]
        nb.metadata["widgets"] = {WIDGET_STATE: {"version_major": 2, "version_minor": 0,
                                                 "state": dict(state_order)}}
        return reproducible(nb, "nb")

    twins = []
    for value in (1.0, 2.0):
        slider, layout = uuid.uuid4().hex, uuid.uuid4().hex
        twins += [(slider, {"model_name": "FloatSliderModel",
                            "state": {"layout": f"IPY_MODEL_{layout}", "value": value}}),
                  (layout, {"model_name": "LayoutModel", "state": {}})]
    one = built(twins)
    assert one == built(twins[2:] + twins[:2]) == built(twins[::-1])
    assert one == built([twins[0], twins[3], twins[2], twins[1]])
    state = one.metadata["widgets"][WIDGET_STATE]["state"]
    layouts = [m["state"]["layout"].removeprefix("IPY_MODEL_") for m in state.values()
               if m["model_name"] == "FloatSliderModel"]
    assert sorted(layouts) == sorted(i for i, m in state.items() if m["model_name"] == "LayoutModel")


def test_new_gradebooks_are_stamped_with_the_revision_alembic_names_as_head(tmp_path):
    """What nbgrader itself would stamp: the head that the ``alembic heads`` program prints."""
    import subprocess
    import sys
    from pathlib import Path

    from nbgrader.dbutil import write_alembic_ini

    from autograder.converters import alembic_head

    ini = tmp_path / "alembic.ini"
    write_alembic_ini(str(ini), f"sqlite:///{tmp_path / 'gradebook.db'}")
    printed = subprocess.run([str(Path(sys.executable).parent / "alembic"), "-c", str(ini),
                              "heads"], capture_output=True, text=True, check=True).stdout
    assert alembic_head() == printed.split()[0]
