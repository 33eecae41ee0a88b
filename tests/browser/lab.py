"""Playwright helpers that drive JupyterLab 4 the way a student does.

Everything is scoped to the notebook in front (``.jp-NotebookPanel:not(.lm-mod-hidden)``).
The DOM facts used here (ipywidgets 8 sliders, MathJax 3 output, output mime types) are
those of JupyterLab 4.6 with ipywidgets 8.1.
"""

import shutil
import time
import uuid

__all__ = [
    "CHROMIUM_FLAGS", "FRONT", "chromium_path", "launch", "new_page", "open_notebook",
    "wait_for_cells",
    "wait_for_kernel", "dialogs", "clear_outputs", "run_all", "wait_until_finished",
    "prompts", "error_outputs", "markdown_report", "wait_for_math", "images", "explorers",
    "move_slider", "explorer_image_src", "wait_for_new_image",
]

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
FRONT = ".jp-NotebookPanel:not(.lm-mod-hidden)"
VIEWPORT = {"width": 1400, "height": 1000}
TIMEOUT_MS = 60_000


def chromium_path():
    """The system Chromium (Debian package ``chromium``), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def launch(playwright):
    """Start headless Chromium with a fresh profile and no background traffic."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)


def new_page(browser):
    """A page in a fresh context; page errors are collected in ``page.bplab_errors``."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.bplab_errors = []
    page.on("pageerror", lambda error: page.bplab_errors.append(str(error)))
    return page


def open_notebook(page, server, path):
    """Open ``path`` (relative to the served root) in a workspace of its own."""
    workspace = "t" + uuid.uuid4().hex[:12]
    page.goto(server.lab_url(path, workspace))
    page.locator(f"{FRONT} .jp-Notebook").wait_for(state="visible")
    page.locator(f"{FRONT} .jp-Cell").first.wait_for(state="attached")
    return workspace


def wait_for_cells(page, count, timeout=TIMEOUT_MS):
    """Wait until the front notebook has attached all ``count`` cells to the page."""
    page.wait_for_function(
        "([front, n]) => document.querySelectorAll(front + ' .jp-Cell').length >= n",
        arg=[FRONT, count], timeout=timeout)


def wait_for_kernel(page, timeout=TIMEOUT_MS):
    """Wait until the front notebook has a kernel and the kernel is idle.

    The execution indicator says idle before any kernel exists, so the kernel name must
    also be set (not "No Kernel" and not empty).
    """
    page.wait_for_function(
        """(front) => {
            const panel = document.querySelector(front);
            if (!panel) return false;
            const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator')
                || document.querySelector('.jp-Notebook-ExecutionIndicator');
            const name = panel.querySelector('.jp-KernelName');
            const label = name ? name.textContent.trim() : '';
            return indicator && indicator.getAttribute('data-status') === 'idle'
                && label !== '' && label !== 'No Kernel' && !/Connecting|Starting/i.test(label);
        }""", arg=FRONT, timeout=timeout)


def dialogs(page):
    """Text of every open dialog (an error, a kernel chooser, ...)."""
    return page.locator(".jp-Dialog").all_inner_texts()


def _menu(page, menu, item):
    page.get_by_role("menuitem", name=menu, exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def clear_outputs(page):
    """Edit > Clear Outputs of All Cells (solutions are stored with their outputs)."""
    _menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(
        """(front) => !document.querySelector(front + ' .jp-OutputArea-output')
            && [...document.querySelectorAll(front + ' .jp-CodeCell .jp-InputPrompt')]
                .every((p) => !/\\d/.test(p.textContent))""", arg=FRONT)


def run_all(page):
    """Run > Run All Cells (exact, not "Restart Kernel and Run All Cells...")."""
    _menu(page, "Run", "Run All Cells")


def wait_until_finished(page, timeout=TIMEOUT_MS):
    """Wait until Run All has finished: every code cell numbered, or an error shown.

    Run All stops at the first error, so the later prompts stay empty then.
    """
    page.wait_for_function(
        """(front) => {
            const panel = document.querySelector(front);
            const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator')
                || document.querySelector('.jp-Notebook-ExecutionIndicator');
            if (!indicator || indicator.getAttribute('data-status') !== 'idle') return false;
            const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                .map((p) => p.textContent);
            if (prompts.some((p) => p.includes('*'))) return false;
            const failed = panel.querySelector(
                '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
            return Boolean(failed) || prompts.every((p) => /\\[\\d+\\]/.test(p));
        }""", arg=FRONT, timeout=timeout)


def prompts(page):
    """Execution counts of the code cells in order (None for a cell that did not run)."""
    texts = page.locator(f"{FRONT} .jp-CodeCell .jp-InputPrompt").all_text_contents()
    counts = []
    for text in texts:
        digits = "".join(ch for ch in text if ch.isdigit())
        counts.append(int(digits) if digits else None)
    return counts


def error_outputs(page):
    """Text of every stderr output (tracebacks and warnings render with this mime type)."""
    selector = f'{FRONT} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    return page.locator(selector).all_inner_texts()


def markdown_report(page):
    """Rendered markdown cells: how many, how much MathJax, and text left with raw TeX.

    Code spans and MathJax output are removed before looking for ``$``.
    """
    return page.evaluate(
        """(front) => {
            const cells = [...document.querySelectorAll(front + ' .jp-MarkdownCell')];
            const rendered = cells.map((c) => c.querySelector('.jp-RenderedMarkdown'))
                .filter(Boolean);
            const raw = [];
            for (const node of rendered) {
                const copy = node.cloneNode(true);
                copy.querySelectorAll('mjx-container, code, pre, script').forEach((e) => e.remove());
                const text = copy.textContent;
                const at = text.indexOf('$');
                if (at >= 0) raw.push(text.slice(Math.max(0, at - 60), at + 60));
            }
            return {
                cells: cells.length,
                rendered: rendered.length,
                math: document.querySelectorAll(front + ' .jp-MarkdownCell mjx-container').length,
                raw: raw,
            };
        }""", FRONT)


def wait_for_math(page, timeout=TIMEOUT_MS):
    """Wait until MathJax has typeset the markdown (no raw ``$`` left); return the report."""
    try:
        page.wait_for_function(
            """(front) => {
                const nodes = [...document.querySelectorAll(front + ' .jp-MarkdownCell .jp-RenderedMarkdown')];
                if (!nodes.length) return false;
                return nodes.every((node) => {
                    const copy = node.cloneNode(true);
                    copy.querySelectorAll('mjx-container, code, pre, script').forEach((e) => e.remove());
                    return !copy.textContent.includes('$');
                });
            }""", arg=FRONT, timeout=timeout)
    except Exception:  # the caller reports what is left
        pass
    return markdown_report(page)


def images(page, inside_widgets=False):
    """Plots in the front notebook: [{'width', 'complete'}] for static or widget outputs."""
    return page.evaluate(
        """([front, insideWidgets]) => {
            const all = [...document.querySelectorAll(
                front + ' .jp-OutputArea-output[data-mime-type="image/png"] img')];
            return all.filter((img) => Boolean(img.closest('.widget-output')) === insideWidgets)
                .map((img) => ({width: img.naturalWidth, complete: img.complete}));
        }""", [FRONT, inside_widgets])


def explorers(page):
    """Locators of the cell outputs that hold sliders (one per explorer)."""
    outputs = page.locator(f"{FRONT} .jp-Cell-outputArea").filter(
        has=page.locator(".widget-hslider"))
    return [outputs.nth(i) for i in range(outputs.count())]


def explorer_image_src(explorer):
    """The ``src`` of the explorer's figure (a blob URL), or None while none has loaded.

    The figure is the explorer's Image widget (``bplab.explore.widgets.explorer``); its
    ``src`` changes at each redraw.
    """
    image = explorer.locator("img.bplab-explorer-figure")
    if image.count() == 0:
        return None
    return image.first.evaluate(
        "(img) => (img.complete && img.naturalWidth > 0) ? img.src : null")


def move_slider(page, explorer, presses=3):
    """Focus the explorer's first slider handle and move it with the keyboard.

    Moves right, or left when the handle already sits at its maximum. Returns the slider's
    readout before and after (the readout follows the model; the handle's
    ``aria-valuenow`` is not kept up to date by ipywidgets).
    """
    slider = explorer.locator(".widget-hslider").first
    handle = slider.locator(".noUi-handle").first
    readout = slider.locator(".widget-readout").first
    slider.scroll_into_view_if_needed()
    before = readout.inner_text().strip()
    at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
    handle.focus()
    for _ in range(presses):
        page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
    return before, readout.inner_text().strip()


def wait_for_new_image(explorer, old_src, timeout_s=30.0):
    """Poll until the explorer's figure differs from ``old_src``; return the new src or None."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        src = explorer_image_src(explorer)
        if src and src != old_src:
            return src
        time.sleep(0.1)
    return None


def select_cell(page, index):
    """Select the front notebook's cell ``index`` (command mode), by clicking its prompt."""
    cell = page.locator(f"{FRONT} .jp-Cell").nth(index)
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputPrompt").first.click()
    return cell


def set_code(page, index, code):
    """Replace the text of code cell ``index`` as a student would: select all, type anew."""
    cell = page.locator(f"{FRONT} .jp-Cell").nth(index)
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(code)
    page.keyboard.press("Escape")  # back to command mode, the edit kept


def run_cells(page, first, last):
    """Run cells ``first`` to ``last`` in order with Shift+Enter, from the first selected."""
    select_cell(page, first)
    for _ in range(first, last + 1):
        page.keyboard.press("Shift+Enter")


def progress_rows(page):
    """The progress table's exercise rows: ``{(notebook, exercise): status}``."""
    return page.evaluate(
        """(front) => Object.fromEntries([...document.querySelectorAll(
                front + ' .bplab-progress tr[data-exercise]')]
            .map((row) => [row.dataset.notebook + '/' + row.dataset.exercise,
                           row.dataset.status]))""", FRONT)
