"""Shared pytest set-up: headless matplotlib, the course's state, and system packages."""

import os
import re

import matplotlib
import pytest

from system_packages import PACKAGES, SKIP_PREFIX, install_command, missing

matplotlib.use("Agg")
os.environ.pop("NBGRADER_EXECUTION", None)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "needs(*packages): the test needs these system packages "
                   f"({', '.join(PACKAGES)}); skipped without them, failed under CI=true")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    absent = [name for marker in item.iter_markers("needs") for name in marker.args
              if missing(name)]
    if not absent:
        return
    reason = f"{SKIP_PREFIX} {', '.join(absent)}: {install_command(absent)}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: every test must run)", pytrace=False)
    pytest.skip(reason)


def pytest_terminal_summary(terminalreporter):
    """One line for every test skipped for want of a system package, with the fix."""
    names, count = set(), 0
    for report in terminalreporter.stats.get("skipped", []):
        text = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        found = re.search(rf"{SKIP_PREFIX} ([\w, ]+):", text)
        if found:
            count += 1
            names |= {name.strip() for name in found.group(1).split(",")}
    if count:
        terminalreporter.write_line(
            f"skipped {count} test{'s' if count != 1 else ''} that need "
            f"{', '.join(sorted(names))}; "
            f"install with: {install_command(names)}", yellow=True, bold=True)


@pytest.fixture(autouse=True)
def _not_grading():
    """No test leaves ``NBGRADER_EXECUTION`` set (``verify`` sets it for its own process)."""
    yield
    os.environ.pop("NBGRADER_EXECUTION", None)


@pytest.fixture(autouse=True)
def _fresh_course_state():
    """Each test starts with no notebook open, so locked references are callable."""
    from bplab import course

    saved = course.current_notebook()
    course.close_notebook()
    yield
    if saved is None:
        course.close_notebook()
    else:
        course.start_notebook(saved)


@pytest.fixture(scope="session")
def playwright_driver():
    """Playwright's driver, started once per test process and shared by every browser test.

    Its synchronous API runs an event loop of its own in the test's thread; a second
    driver started beside it in the same process is refused, so the notebook tests and
    the hub test, which a worker may run one after the other, use this one. Tests that
    need it check for the package first (see their ``unavailable``).
    """
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    yield driver
    driver.stop()
