"""A graded run spends its time on what earns points.

nbgrader sets ``NBGRADER_EXECUTION`` while it grades, and ``bp.grading()`` is then True: the
demonstrations that draw, train or time something run only outside it. Grading a class
runs every notebook once a student, and the gate runs each about forty times, so a second
spent on a demonstration is paid many times over (``make bench``'s notebook rows measure
it). Each notebook's solution is run here cell by cell as a graded run runs it: no cell
fails (a demonstration skipped under grading leaves nothing undefined that a later cell
reads) and no demonstration draws a figure.
"""

import contextlib
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.figure  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from autograder import SOURCE_DIR, assignments  # noqa: E402
from autograder.authoring.mutants import solution_code  # noqa: E402
from autograder.authoring.sourcefmt import parse  # noqa: E402

GRADED = assignments()


def graded_run(source_text, path):
    """Run a source's cells in order under grading, the answers as the solution gives them.

    Returns
    -------
    list of (int, str, int)
        Per plain code cell: its line, its first line of code and the number of figures
        it created.
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
                before = len(created)
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(solution_code(cell.source), f"{path}:{cell.line}", "exec"),
                         namespace)
                if cell.kind == "code":
                    demos.append((cell.line, cell.source.strip().splitlines()[0],
                                  len(created) - before))
        finally:
            plt.close("all")
    return demos


@pytest.mark.slow
@pytest.mark.parametrize("name", GRADED)
def test_a_graded_run_draws_nothing_and_leaves_nothing_undefined(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # as a grading folder: nothing beside the notebook
    path = SOURCE_DIR / name / f"{name}.py"
    demos = graded_run(path.read_text(), path)
    drawn = [f"line {line}: {first}" for line, first, figures in demos if figures]
    assert not drawn, f"{name}: demonstrations that draw in a graded run: {drawn}"
