"""A person at a hub in Chromium: log in, the Assignments tab, a notebook, the feedback.

The DOM facts used here are those of JupyterHub 6.1's login page and nbgrader 0.9.6's
assignment list in JupyterLab 4.6 (``#released_assignments_list``,
``#fetched_assignments_list``, ``#submitted_assignments_list``, each row's
``.item_status button``); notebook editing reuses :mod:`tests.browser.lab`.
"""

import uuid

import nbformat

from tests.browser import lab

__all__ = ["Person", "SHELL"]

SHELL = "#jp-main-dock-panel"
TIMEOUT_MS = 120_000


class Person:
    """One browser context (its own cookies) for one account at the hub."""

    def __init__(self, browser, hub_url: str, name: str, password: str):
        self.hub_url, self.name, self.password = hub_url, name, password
        self.page = lab.new_page(browser)
        self.page.context.set_default_timeout(TIMEOUT_MS)

    # -- the hub ------------------------------------------------------------------------
    def log_in(self, next_path: str | None = None, wait: bool = True) -> None:
        """Log in with the account's password.

        Without ``next_path`` the hub spawns the account's server and JupyterLab opens
        (waited for, unless ``wait`` is false: then call :meth:`wait_for_lab`).
        """
        page = self.page
        page.goto(f"{self.hub_url}/hub/login" + (f"?next={next_path}" if next_path else ""))
        page.locator("#username_input").fill(self.name)
        page.locator("#password_input").fill(self.password)
        page.locator("#login_submit").click()
        if next_path is not None:
            page.wait_for_load_state("load")
        elif wait:
            self.wait_for_lab()

    def wait_for_lab(self) -> None:
        """Wait until the account's JupyterLab is there (after the hub spawned its server)."""
        self.page.wait_for_url(f"**/user/{self.name}/lab**", timeout=TIMEOUT_MS)
        self.page.locator(SHELL).wait_for(state="visible")

    def status_of(self, path: str) -> int:
        """HTTP status of the last response when this account opens ``path`` of the hub."""
        response = self.page.goto(f"{self.hub_url}{path}")
        return response.status if response is not None else 0

    def lab(self, tree: str | None = None) -> None:
        """JupyterLab in a fresh workspace, on ``tree`` (a file in the home folder) if given."""
        workspace = "w" + uuid.uuid4().hex[:10]
        url = f"{self.hub_url}/user/{self.name}/lab/workspaces/{workspace}"
        self.page.goto(url + (f"/tree/{tree}" if tree else "") + "?reset")
        self.page.locator(SHELL).wait_for(state="visible")

    def disabled_extensions(self) -> set[str]:
        """The plugins JupyterLab's page configuration switches off in the page in front."""
        config = self.page.evaluate(
            "JSON.parse(document.getElementById('jupyter-config-data').textContent)")
        disabled = config.get("disabledExtensions", [])
        if isinstance(disabled, dict):
            return {name for name, off in disabled.items() if off}
        return set(disabled)

    # -- the Assignments tab ----------------------------------------------------------------
    def assignments(self) -> None:
        """Open the Assignments tab from the Nbgrader menu."""
        page = self.page
        page.locator('#jp-menu-panel div.lm-MenuBar-itemLabel:text("Nbgrader")').click()
        page.locator('.lm-Menu li[data-command="nbgrader:open-assignment-list"]').click()
        page.locator("#released_assignments_list").wait_for(state="attached")

    def _rows(self, which: str):
        return self.page.locator(f"#{which}_assignments_list > .list_item")

    def _wait_for_row(self, which: str, assignment: str):
        row = self._rows(which).filter(has_text=assignment)
        row.first.wait_for(state="visible")
        return row.first

    def fetch(self, assignment: str) -> None:
        self._wait_for_row("released", assignment).locator(".item_status button").click()
        self._wait_for_row("fetched", assignment)

    def submit(self, assignment: str) -> None:
        row = self._wait_for_row("fetched", assignment)
        row.locator('.item_status button:text("Submit")').click()
        self._wait_for_row("submitted", assignment)

    def fetch_feedback(self, assignment: str) -> None:
        """Refresh, press Fetch Feedback, and follow "(view feedback)" to its folder."""
        page = self.page
        page.locator("#refresh_assignments_list").click()
        row = self._wait_for_row("submitted", assignment)
        row.locator('.item_status button:text("Fetch Feedback")').click()
        view = page.locator("#submitted_assignments_list a", has_text="view feedback").first
        view.wait_for(state="visible")
        view.click()

    def open_from_file_browser(self, file_name: str) -> None:
        """Double-click ``file_name`` in the file browser's current folder."""
        item = self.page.locator(f'.jp-DirListing-item[title*="{file_name}"]').first
        item.wait_for(state="visible")
        item.dblclick()

    def feedback_page(self, file_name: str) -> dict:
        """What the feedback page open in front shows (JupyterLab's HTML viewer, an iframe):
        ``text``, ``formulas`` (MathML elements) and ``summary``, the page's list of graded
        cells as ``[(link target, text)]``."""
        tab = self.page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")
        tab.filter(has_text=file_name).wait_for(state="visible")
        frame = self.page.frame_locator(".jp-HTMLViewer:not(.lm-mod-hidden) iframe")
        body = frame.locator("body")
        body.wait_for(state="attached")
        summary = frame.locator(".summary li").evaluate_all(
            "items => items.map(li => [(li.querySelector('a') || {}).hash || '', li.textContent])")
        return {"text": body.inner_text(), "formulas": frame.locator("math").count(),
                "summary": summary}

    # -- a notebook ---------------------------------------------------------------------
    def answer(self, notebook_file, code_by_cell: dict[str, str]) -> None:
        """Type each answer into its cell (found by its grade id in ``notebook_file``)."""
        cells = nbformat.read(notebook_file, as_version=4).cells
        lab.wait_for_cells(self.page, len(cells))
        for index, cell in enumerate(cells):
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in code_by_cell:
                lab.set_code(self.page, index, code_by_cell[grade_id])

    def error_outputs(self) -> list[str]:
        """Text of every error output of the notebook in front (also of cells off screen)."""
        return self.page.locator(
            f'{lab.FRONT} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        ).all_text_contents()

    def save(self) -> None:
        page = self.page
        page.keyboard.press("Control+s")
        page.wait_for_function(
            "() => !document.querySelector('.lm-TabBar-tab.lm-mod-current.jp-mod-dirty')")

    def follow_link(self, href: str) -> str:
        """Click the first rendered link to the file ``href`` (beside the notebook), as a
        student would; return the label of the tab it opens. (JupyterLab rewrites a
        relative link to the file's URL on the server and opens it in a tab of its own.)"""
        link = self.page.locator(f'{lab.FRONT} .jp-RenderedMarkdown a[href*="/{href}?"]').first
        link.scroll_into_view_if_needed()
        link.click()
        opened = self.page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current "
                                   ".lm-TabBar-tabLabel").filter(has_text=href).first
        opened.wait_for(state="visible", timeout=30_000)
        return opened.inner_text()
