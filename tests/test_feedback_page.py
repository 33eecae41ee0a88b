"""The feedback page's exporter: what it renders once per process is what it would render
every time, and a student's own text is rendered for that student."""

import nbformat
import pytest

from autograder.converters import course_config
from autograder.pipeline.feedback_page import FeedbackExporter, RenderedHTML, forget_rendered
from autograder.settings import DEFAULT_LIMITS

GIVEN = "The loss is $L = \\frac{1}{2}(y - t)^2$, and <b>bold</b> <script>x()</script>."
GIVEN_CODE = "import numpy as np\nx = np.linspace(0, 1, 5)"


def _page(tmp_path, answer, note=GIVEN):
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    nb.cells = [nbformat.v4.new_markdown_cell(note, id="note"),
                nbformat.v4.new_code_cell(GIVEN_CODE, id="given"),
                nbformat.v4.new_code_cell(answer, id="answer", metadata={"nbgrader": {
                    "solution": True, "grade": False, "grade_id": "mse"}})]
    exporter = FeedbackExporter(config=course_config(tmp_path, DEFAULT_LIMITS))
    resources = {"nbgrader": {"notebook": "n", "score": 0, "max_score": 1,
                              "late_penalty": 0}}
    return exporter.from_notebook_node(nb, resources)[0]


@pytest.fixture
def cold():
    forget_rendered()
    yield
    forget_rendered()


def test_a_page_rendered_again_is_the_same_page(tmp_path, cold):
    first = _page(tmp_path, "def mse(y, t):\n    return 0.5 * (y - t) ** 2")
    assert "<math" in first and "<script>" not in first  # MathML, sanitised
    assert first == _page(tmp_path, "def mse(y, t):\n    return 0.5 * (y - t) ** 2")
    forget_rendered()
    assert first == _page(tmp_path, "def mse(y, t):\n    return 0.5 * (y - t) ** 2")


def test_each_student_s_own_text_is_their_own(tmp_path, cold):
    _page(tmp_path, "def mse(y, t):\n    return 1")
    other = _page(tmp_path, "def mse(y, t):\n    return 'mine'", note="My own *note* $z^2$.")
    assert "mine" in other and "My own <em>note</em>" in other and "<math" in other
    assert "frac" not in other and "return</span> <span class=\"mi\">1" not in other


def test_the_store_keeps_its_newest_entries():
    store = RenderedHTML(size=2)
    calls = []

    def render(text):
        return lambda: calls.append(text) or text.upper()

    assert [store.get(k, render(k)) for k in ("a", "b", "a", "c", "a", "b")] == [
        "A", "B", "A", "C", "A", "B"]
    assert calls == ["a", "b", "c", "b"]  # "b" was the oldest when "c" came
