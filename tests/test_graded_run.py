"""A graded run spends its time on what earns points.

nbgrader sets ``NBGRADER_EXECUTION`` while it grades, and ``bp.grading()`` is then True: the
demonstrations that draw, train or time something run only outside it. Grading a class
runs every notebook once a student, and the gate runs each about forty times, so a second
spent on a demonstration is paid many times over. Each notebook's solution is run here
cell by cell as a graded run runs it: no cell fails (a demonstration skipped under grading
leaves nothing undefined that a later cell reads), no demonstration draws a figure, and
none takes half a second.
"""

import contextlib
import io
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.figure  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from autograder import SOURCE_DIR  # noqa: E402
from autograder.authoring.mutants import solution_code  # noqa: E402
from autograder.authoring.sourcefmt import parse  # noqa: E402

GRADED = sorted(folder.name for folder in SOURCE_DIR.iterdir()
                if (folder / f"{folder.name}.py").exists() and folder.name != "00_start_here")
# run this way, the slowest demonstration left in a graded run takes under 0.1 s, and the
# ones it skips took up to 5 s
DEMO_BUDGET_SECONDS = 0.5


def graded_run(source_text, path):
    """Run a source's cells in order under grading, the answers as the solution gives them.

    Returns
    -------
    list of (int, str, float, int)
        Per plain code cell: its line, its first line of code, the seconds it took and
        the number of figures it created.
    """
    created = []
    original_init = matplotlib.figure.Figure.__init__

    def counting_init(figure, *args, **kwargs):
        created.append(figure)
        original_init(figure, *args, **kwargs)

    namespace, demos = {"__name__": "__main__"}, []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NBGRADER_EXECUTION", "autograde")
        patch.setenv("BPLAB_PROGRESS", "off")
        patch.setattr(matplotlib.figure.Figure, "__init__", counting_init)
        try:
            for cell in parse(source_text, str(path)):
                if cell.kind == "markdown":
                    continue
                before, started = len(created), time.perf_counter()
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(solution_code(cell.source), f"{path}:{cell.line}", "exec"),
                         namespace)
                if cell.kind == "code":
                    demos.append((cell.line, cell.source.strip().splitlines()[0],
                                  time.perf_counter() - started, len(created) - before))
        finally:
            plt.close("all")
    return demos


@pytest.mark.slow
@pytest.mark.parametrize("name", GRADED)
def test_a_graded_run_draws_nothing_and_spends_no_time_on_demonstrations(name, tmp_path,
                                                                         monkeypatch):
    monkeypatch.chdir(tmp_path)  # as a grading folder: nothing beside the notebook
    path = SOURCE_DIR / name / f"{name}.py"
    demos = graded_run(path.read_text(), path)
    drawn = [f"line {line}: {first}" for line, first, _, figures in demos if figures]
    assert not drawn, f"{name}: demonstrations that draw in a graded run: {drawn}"
    slow = [f"line {line}: {first} ({seconds:.2f} s)" for line, first, seconds, _ in demos
            if seconds > DEMO_BUDGET_SECONDS]
    assert not slow, f"{name}: demonstrations that take time in a graded run: {slow}"
