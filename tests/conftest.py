"""Shared pytest set-up: headless matplotlib and the course's assignment list."""

import os

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.pop("NBGRADER_EXECUTION", None)


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
