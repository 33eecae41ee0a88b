"""Tests of the benchmarks: baselines compute what is measured, and the table reads right.

Nothing here asserts on time; speed figures live in the benchmark's table only.
"""

import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # bench/ is a folder of the repository, not an installed package
    sys.path.insert(0, str(ROOT))

from bench import (engine, explorers, grading, gradcheck, problems, series, timing,  # noqa: E402
                   xor_seeds)
from bench.table import Row, format_ratio, meets, render_markdown, render_text  # noqa: E402
from bplab import numdiff, xor  # noqa: E402
from bplab.checks import diagnosis  # noqa: E402


def test_loop_xor_trainer_equals_batched_trainer():
    params = xor.init_batch(np.random.default_rng(1), 3)
    looped = xor_seeds.loop_outputs(params, 3, 300)
    batched = xor_seeds.batched_outputs(params, 300)
    assert looped.shape == batched.shape == (3, 4)
    np.testing.assert_allclose(looped, batched, rtol=1e-12, atol=1e-14)


def test_the_engine_row_times_a_right_backward_pass_per_node():
    parents, rules, root = engine.chain_graph(3)
    assert parents == {"x0": [], "x1": ["x0"], "x2": ["x1"], "x3": ["x2"]} and root == "x3"
    assert engine.seconds_per_node(50, 1) > 0
    (row,) = engine.run(quick=True, repeats=1)
    assert row.ratio > 0 and row.goal == f"<= {engine.GOAL:.2f}x" and row.met is not None


def test_loop_checker_agrees_with_bplab_on_booth():
    problem = problems.booth_problem(40, seed=3)
    looped = problem.loop(gradcheck.loop_gradient)
    for key in problem.keys:
        course = numdiff.derivative(problem.functions[key], problem.points[key])
        assert np.all(diagnosis.relative_error(looped[key], course) < 1e-6), key
        assert gradcheck.loop_passes(problem.exact[key], looped[key])


def test_loop_gradient_matches_numdiff_on_the_tanh_network():
    problem = problems.net221_problem()
    for key in problem.keys:
        course = numdiff.gradient(problem.functions[key], problem.points[key])
        looped = gradcheck.loop_gradient(problem.functions[key], problem.points[key])
        assert np.all(diagnosis.relative_error(looped, course) < 1e-6), key


def test_stacked_mlp_loss_is_the_course_loss_plus_regulariser():
    sizes = [3, 4, 4, 2]
    keyed = problems.mlp_problem(sizes)
    stacked = problems.mlp_vectorized_problem(sizes)
    theta = stacked.points["theta"]
    expected = keyed.functions["W1"](keyed.points["W1"])
    assert np.isclose(stacked.single["theta"](theta), expected, rtol=1e-13)
    rows = theta + np.random.default_rng(0).normal(0, 0.1, (5, theta.size))
    one_by_one = [stacked.single["theta"](row) for row in rows]
    np.testing.assert_allclose(stacked.functions["theta"](rows), one_by_one, rtol=1e-13)
    np.testing.assert_array_equal(stacked.exact["theta"], problems.flatten(keyed.exact))


def test_exact_gradients_are_the_gradients_of_the_checked_functions():
    for problem in (problems.net221_problem(), problems.mlp_problem([3, 4, 4, 2])):
        numerical = problem.loop(gradcheck.loop_gradient)
        for key in problem.keys:
            assert gradcheck.loop_passes(problem.exact[key], numerical[key]), key


def test_course_checker_passes_right_answers_and_names_each_mistake():
    problem = problems.net221_problem()
    checks = gradcheck.course_checks(problem, problem.exact)
    assert gradcheck.course_verdict(checks) is None
    kinds = {name: gradcheck.course_verdict(gradcheck.course_checks(problem, grads))
             for name, grads in problem.mistakes.items()}
    assert kinds == {"sign": "sign", "factor 2": "factor", "transposed": "transposed",
                     "missing term": "missing-term"}
    looped = problem.loop(gradcheck.loop_gradient)
    for grads in problem.mistakes.values():
        assert not all(gradcheck.loop_passes(grads[k], looped[k]) for k in problem.keys)


def test_format_ratio_reads_both_ways():
    assert format_ratio(1.234) == "1.23x"
    assert format_ratio(152.4, "higher") == "152x faster"
    assert format_ratio(0.5, "higher") == "2x slower"
    assert format_ratio(None) == "-"
    assert meets(1.3, "lower", 1.3) and not meets(1.31, "lower", 1.3)
    assert meets(100, "higher", 100) and not meets(99, "higher", 100)
    assert not meets(None, "lower", 1.0)


def test_table_flags_unmet_goals_and_lists_notes():
    rows = [Row("fast thing", "1 s", "2 s", 0.5, "lower", "<= 1.30x", True),
            Row("slow thing", "3 s", "1 s", 3.0, "lower", "<= 1.30x", False, ["cell 4 is slow"]),
            Row("no goal", "1 s", "1 s", 1.0)]
    text = render_text(rows)
    lines = {line.split("  ")[0]: line for line in text.splitlines()}
    assert lines["fast thing"].rstrip().endswith("yes")
    assert lines["slow thing"].rstrip().endswith("NO")
    assert lines["no goal"].rstrip().endswith("-")
    assert "3.00x" in lines["slow thing"]
    assert "- slow thing: cell 4 is slow" in text
    assert "1 of 2 goals met; missed: slow thing" in text
    markdown = render_markdown(rows + [Row("a | b", "1", "2")])
    assert markdown.startswith("| what | measured | baseline | ratio | goal | met? |")
    assert "a \\| b" in markdown and "| NO |" in markdown


def test_interleave_rotates_the_order_and_keeps_one_time_per_round():
    calls = []
    functions = {name: (lambda name=name: calls.append(name)) for name in "abc"}
    times = timing.interleave(functions, 3, number={"b": 2})
    assert calls == list("abbc") + list("bbca") + list("cabb")
    assert {name: len(values) for name, values in times.items()} == {"a": 3, "b": 3, "c": 3}
    assert timing.paired_ratio([2.0, 3.0, 10.0], [1.0, 1.0, 2.0]) == 3.0


def test_interleave_times_a_failed_call_again():
    attempts, retried = [], []

    def flaky():
        attempts.append(1)
        if len(attempts) == 2:
            raise TimeoutError("hung")

    times = timing.interleave({"flaky": flaky}, 3, retries=1,
                              on_retry=lambda name, error: retried.append((name, str(error))))
    assert len(times["flaky"]) == 3 and len(attempts) == 4
    assert retried == [("flaky", "hung")]
    with pytest.raises(TimeoutError):
        timing.interleave({"hangs": _always_times_out}, 1, retries=1)


def _always_times_out():
    raise TimeoutError("hung")


def test_floor_notebook_holds_only_the_first_cells_imports():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"),
                nbformat.v4.new_code_cell("import time\n\nimport numpy as np\nrng = 3\n"
                                          "from math import (\n    pi,\n)\n"),
                nbformat.v4.new_code_cell("import os")]
    floor = series.floor_notebook(nb)
    assert [cell.source for cell in floor.cells] == [
        "import time\nimport numpy as np\nfrom math import (\n    pi,\n)"]


def test_series_covers_every_solution_notebook_and_reads_cell_times():
    names = [path.stem for path in series.notebooks()]
    assert names == sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00.250000Z",
                                  "shell.execute_reply": "2026-01-01T00:00:01.000000Z"}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("x"), cell])
    assert series.cell_seconds(nb) == {1: 0.75}


def test_every_explorer_is_benchmarked_and_its_callback_runs():
    benchmarked = {key.split("(")[0] for key in explorers.EXPLORERS}  # graph_explorer('j')
    assert explorers.discover() <= benchmarked
    captured = explorers.capture(explorers.EXPLORERS["losses.loss_explorer"])
    assert captured["ncols"] == 2 and set(captured["controls"]) == {"y_hat", "t"}
    values = explorers.slider_values(captured["controls"], 0)
    assert 0.0 <= values["y_hat"] <= 1.0 and values["y_hat"] != 0.3
    parts = explorers.redraw(captured, values)
    assert len(parts) == 3 and min(parts) >= 0


def _release_like():
    nb = nbformat.v4.new_notebook()
    answer = nbformat.v4.new_code_cell("raise NotImplementedError()")
    answer.metadata["nbgrader"] = {"solution": True, "grade_id": "mse", "grade": False,
                                   "locked": False}
    nb.cells = [nbformat.v4.new_code_cell("import numpy as np"), answer]
    return nb


def test_synthetic_class_is_blank_solution_and_mutants():
    mutants = [{"name": "halved", "cell": "mse", "replace": "2.0", "with": "1.0"},
               {"name": "whole", "cell": "mse", "code": "y = 0"},
               {"name": "unused", "cell": "mse", "code": "y = 1"}]
    students = grading.students_of(_release_like(), {"mse": "y = 2.0 * x"}, mutants, 4)
    assert list(students) == ["blank", "solution", "halved", "whole"]
    sources = {name: nb.cells[1].source for name, nb in students.items()}
    assert sources == {"blank": "raise NotImplementedError()", "solution": "y = 2.0 * x",
                       "halved": "y = 1.0 * x", "whole": "y = 0"}


@pytest.mark.slow
def test_quick_gradcheck_run_prints_a_table(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bench", "--quick", "--only", "gradcheck",
                             "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    header = result.stdout.splitlines()[0].split()
    assert header == ["what", "measured", "baseline", "ratio", "goal", "met?"]
    assert "gradcheck speed: Booth" in result.stdout
    assert "gradcheck accuracy: MLP" in result.stdout
    assert (tmp_path / "latest.md").read_text().count("| gradcheck") == 8
