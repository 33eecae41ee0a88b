"""Shared pytest set-up: headless matplotlib and the course's assignment list."""

import os

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.pop("NBGRADER_EXECUTION", None)


@pytest.fixture(autouse=True)
def _fresh_course_state():
    """Each test starts with no notebook open, so locked references are callable."""
    from bplab import course

    saved = dict(course._state)
    course._state.update(notebook=None, unlocked_depth=0)
    yield
    course._state.update(saved)
