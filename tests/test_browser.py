"""Every notebook in a real JupyterLab, in headless Chromium.

Student release notebooks must open cleanly with their markdown and mathematics rendered.
Solution notebooks must run from top to bottom without an error, draw their plots, and
have explorers whose sliders render and redraw the figure when moved with the keyboard.

Needs the system Chromium (Debian: ``apt-get install -y chromium``) and the ``playwright``
package (no ``playwright install``). Without Chromium the tests are skipped, except when
the ``CI`` environment variable is set: there they fail, so that a missing browser cannot
hide a broken notebook. One server and one browser serve the whole session; each test gets
a fresh page and its kernels are shut down afterwards.
"""

import contextlib
import os
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from autograder import START, assignments
from tests.browser import lab
from tests.browser.jupyter_server import JupyterServer

REPO = Path(__file__).resolve().parent.parent
# Generous: speed is measured in bench/, not here, and CI machines may be busy.
RUN_ALL_TIMEOUT_MS = 240_000
INSTALL_HINT = "install chromium: apt-get install -y chromium"
SHOTS = Path(os.environ.get("BPLAB_BROWSER_SHOTS", Path(tempfile.gettempdir()) / "bplab-browser"))

# One worker runs them all (make test uses pytest-xdist with --dist loadgroup): one server.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"),
              pytest.mark.needs("chromium")]


def discover(folder):
    return sorted(p.relative_to(REPO).as_posix() for p in (REPO / folder).glob("*/*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)


RELEASES = discover("notebooks")
GRADED = set(assignments())
SOLUTIONS = discover("solutions")


def name_of(path):
    return Path(path).stem


def unavailable(reason):
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; the CI environment variable is set, so the browser tests "
                    "must run, not skip", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def lab_browser(request):
    if lab.chromium_path() is None:
        unavailable(f"no chromium on PATH ({INSTALL_HINT})")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("the playwright package is missing (pip install -r requirements-dev.txt)")
    browser = lab.launch(request.getfixturevalue("playwright_driver"))
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def lab_server(lab_browser):
    server = JupyterServer().start()
    yield server
    server.stop()


@pytest.fixture
def lab_page(lab_browser, lab_server):
    page = lab.new_page(lab_browser)
    yield page
    page.context.close()
    lab_server.delete_sessions()


@contextlib.contextmanager
def screenshot_on_failure(page, name):
    """On an assertion error, save a screenshot and say where it is."""
    try:
        yield
    except Exception as error:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        with contextlib.suppress(Exception):
            page.screenshot(path=str(path))
            error.add_note(f"screenshot: {path}")
        raise


class Clock:
    """Seconds spent in each phase of a test (printed, shown by pytest on failure)."""

    def __init__(self):
        self.last = time.monotonic()
        self.phases = []

    def __call__(self, phase):
        now = time.monotonic()
        self.phases.append(f"{phase} {now - self.last:.1f} s")
        self.last = now

    def __str__(self):
        return ", ".join(self.phases)


def stored(path):
    return nbformat.read(REPO / path, as_version=4)


def png_outputs(nb):
    return sum("image/png" in output.get("data", {})
               for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs)


def short(texts, limit=1500):
    return "\n---\n".join(texts)[:limit]


def test_notebooks_were_found():
    assert RELEASES, "no notebook under notebooks/: build the course (make release)"
    assert SOLUTIONS, "no notebook under solutions/: build the course (make release)"
    assert [name_of(p) for p in RELEASES] == [name_of(p) for p in SOLUTIONS], (
        "notebooks/ and solutions/ hold different assignments")


@pytest.mark.parametrize("path", RELEASES, ids=name_of)
def test_release_opens_with_rendered_markdown_and_math(lab_page, lab_server, path):
    page, nb = lab_page, stored(path)
    with screenshot_on_failure(page, f"release-{name_of(path)}"):
        lab.open_notebook(page, lab_server, path)
        lab.wait_for_cells(page, len(nb.cells))
        lab.wait_for_kernel(page)
        assert not lab.dialogs(page), f"{path} opened with a dialog: {lab.dialogs(page)}"

        markdown = [c for c in nb.cells if c.cell_type == "markdown"]
        report = lab.wait_for_math(page)
        assert report["cells"] == len(markdown), (
            f"{path}: {report['cells']} markdown cells on the page, {len(markdown)} in the file")
        assert report["rendered"] == len(markdown), f"{path}: unrendered markdown cells: {report}"
        if any("$" in c.source for c in markdown):
            assert report["math"] > 0, f"{path}: MathJax typeset nothing"
        assert not report["raw"], f"{path}: raw TeX left in rendered markdown: {report['raw']}"
        assert not lab.error_outputs(page), f"{path}: {short(lab.error_outputs(page))}"
        assert not page.bplab_errors, f"{path}: JavaScript errors: {page.bplab_errors}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=name_of)
def test_solution_runs_draws_and_its_explorers_respond(lab_page, lab_server, path):
    page, nb = lab_page, stored(path)
    code_cells = sum(c.cell_type == "code" for c in nb.cells)
    clock = Clock()
    with screenshot_on_failure(page, f"solution-{name_of(path)}"):
        lab.open_notebook(page, lab_server, path)
        lab.wait_for_cells(page, len(nb.cells))
        lab.wait_for_kernel(page)
        clock("open")
        assert not lab.dialogs(page), f"{path} opened with a dialog: {lab.dialogs(page)}"

        # Run All from clean outputs, so that nothing shown comes from the stored file.
        lab.clear_outputs(page)
        lab.run_all(page)
        lab.wait_until_finished(page, timeout=RUN_ALL_TIMEOUT_MS)
        clock("run all")
        errors = lab.error_outputs(page)
        assert not errors, f"{path}: Run All wrote to stderr:\n{short(errors)}"
        assert lab.prompts(page) == list(range(1, code_cells + 1)), (
            f"{path}: execution counts after Run All: {lab.prompts(page)}")

        body = page.locator(lab.FRONT).inner_text()
        assert "Error displaying widget" not in body, f"{path}: a widget failed to display"
        clock("checks")
        explorers = lab.explorers(page)
        if name_of(path) in GRADED:  # the start page has no explorer
            assert explorers, f"{path}: no explorer with a slider rendered (.widget-hslider)"
        for number, explorer in enumerate(explorers, 1):
            old = lab.explorer_image_src(explorer)
            if old is None:  # the first drawing may still be on its way
                old = lab.wait_for_new_image(explorer, None, timeout_s=15)
            assert old, f"{path}: explorer {number} shows no figure"
            before, after = lab.move_slider(page, explorer)
            new = lab.wait_for_new_image(explorer, old)
            lab.wait_for_kernel(page)  # every redraw the key presses asked for is done
            errors = lab.error_outputs(page)
            assert not errors, f"{path}: moving explorer {number}'s slider failed:\n{short(errors)}"
            assert before != after, (
                f"{path}: explorer {number}'s slider did not move with the keyboard ({before})")
            assert new, (f"{path}: explorer {number}'s figure did not change when its slider "
                         f"moved from {before} to {after}")
            assert not lab.error_outputs(page)
            clock(f"explorer {number}")
        plots, expected = lab.images(page), png_outputs(nb)
        blank = [p for p in plots if not (p["complete"] and p["width"] > 0)]
        assert not blank, f"{path}: {len(blank)} of {len(plots)} plots were not drawn"
        drawn = len(plots)
        assert drawn == expected, f"{path}: {drawn} plots drawn, the built solution has {expected}"
        if os.environ.get("BPLAB_BROWSER_SHOTS") and explorers:
            SHOTS.mkdir(parents=True, exist_ok=True)
            explorers[0].scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / f"explorer-{name_of(path)}.png"))
        assert not page.bplab_errors, f"{path}: JavaScript errors: {page.bplab_errors}"
    print(f"{path}: {clock}")


MAP = f"notebooks/{START}/{START}.ipynb"
FIRST = "notebooks/01_loss_functions/01_loss_functions.ipynb"
# A right answer to notebook 1's first exercise, typed on one line as a student might.
MSE = ("def mse(y_hat, t): return float(((np.asarray(y_hat, dtype=float) "
       "- np.asarray(t, dtype=float)) ** 2).sum() / len(y_hat))")


def wait_for_prompt(page, code_index, timeout=lab.TIMEOUT_MS):
    """Wait until code cell ``code_index`` (among code cells) has run and the kernel idles."""
    page.wait_for_function(
        """([front, n]) => {
            const prompts = [...document.querySelectorAll(front + ' .jp-CodeCell .jp-InputPrompt')]
                .map((p) => p.textContent);
            return /\\[\\d+\\]/.test(prompts[n] || '') && !prompts.some((p) => p.includes('*'));
        }""", arg=[lab.FRONT, code_index], timeout=timeout)
    lab.wait_for_kernel(page)


@pytest.mark.skipif(not (REPO / MAP).exists() or not (REPO / FIRST).exists(),
                    reason="needs the start page and notebook 1 (make release)")
def test_a_check_run_in_a_notebook_shows_on_the_course_map(lab_page, lab_server):
    """Answer exercise 1 of notebook 1, run its checks, open the map: it is ticked."""
    page, nb = lab_page, stored(FIRST)
    ids = [(c.get("id"), c.cell_type) for c in nb.cells]
    code = [i for i, (_, kind) in enumerate(ids) if kind == "code"]
    answer = ids.index(("mse", "code"))
    mse_checks = [i for i, (cell_id, _) in enumerate(ids) if cell_id.startswith("mse__")]
    grad_check = next(i for i, (cell_id, _) in enumerate(ids) if cell_id.startswith("mse_grad__"))
    served = lab_server.served("notebooks") / ".bplab-progress.json"
    served.unlink(missing_ok=True)
    in_repo = REPO / "notebooks" / ".bplab-progress.json"
    repo_before = in_repo.read_bytes() if in_repo.exists() else None
    with screenshot_on_failure(page, "progress-map"):
        lab.open_notebook(page, lab_server, FIRST)
        lab.wait_for_cells(page, len(nb.cells))
        lab.wait_for_kernel(page)
        lab.set_code(page, answer, MSE)
        # every code cell up to the checks but the other exercises' answers and checks: those
        # are not answered
        others = {i for i, c in enumerate(nb.cells)
                  if (c.metadata.get("nbgrader", {}).get("solution")
                      or c.metadata.get("nbgrader", {}).get("grade"))
                  and i != answer and i not in mse_checks}
        for cell in [i for i in code if i <= mse_checks[-1] and i not in others]:
            lab.run_cells(page, cell, cell)
            wait_for_prompt(page, code.index(cell))
        assert not lab.error_outputs(page), short(lab.error_outputs(page))
        lab.run_cells(page, grad_check, grad_check)  # the next exercise is not answered yet
        wait_for_prompt(page, code.index(grad_check))
        assert lab.error_outputs(page), "the unanswered exercise's check did not fail"

        lab.open_notebook(page, lab_server, MAP)
        lab.wait_for_cells(page, len(stored(MAP).cells))
        lab.wait_for_kernel(page)
        lab.run_all(page)
        lab.wait_until_finished(page)
        assert not lab.error_outputs(page), short(lab.error_outputs(page))
        rows = lab.progress_rows(page)
        if os.environ.get("BPLAB_BROWSER_SHOTS"):
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.locator(f"{lab.FRONT} .bplab-progress tr").first.scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "progress-table.png"))
    assert rows["01_loss_functions/mse"] == "passed", rows
    assert rows["01_loss_functions/mse_grad"] == "failed", rows
    assert rows["01_loss_functions/bce"] == "not run", rows
    assert served.exists(), "the progress file is not in the served notebooks folder"
    assert (in_repo.read_bytes() if in_repo.exists() else None) == repo_before, (
        "the repository's own progress file changed")
