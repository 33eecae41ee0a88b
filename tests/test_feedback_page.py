"""The feedback page's exporter: what it renders once per process is what it would render
every time, and a student's own text is rendered for that student."""

import jinja2
import nbformat
import pytest
from nbconvert.filters.highlight import Highlight2HTML

from autograder.converters import course_config
from autograder.pipeline.feedback_page import (CompiledTemplates, FeedbackExporter, RenderedHTML,
                                               forget_rendered)
from autograder.settings import DEFAULT_LIMITS

GIVEN = "The loss is $L = \\frac{1}{2}(y - t)^2$, and <b>bold</b> <script>x()</script>."
GIVEN_CODE = "import numpy as np\nx = np.linspace(0, 1, 5)"


def _page(tmp_path, answer, note=GIVEN, given_metadata=None):
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    nb.cells = [nbformat.v4.new_markdown_cell(note, id="note"),
                nbformat.v4.new_code_cell(GIVEN_CODE, id="given", metadata=given_metadata or {}),
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


def _counting(monkeypatch, owner, name):
    calls = []
    original = getattr(owner, name)

    def counted(self, *args, **kwargs):
        calls.append(args[0] if args else None)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_a_given_cell_run_at_another_time_is_highlighted_once(tmp_path, cold, monkeypatch):
    highlighted = _counting(monkeypatch, Highlight2HTML, "__call__")
    answer = "def mse(y, t):\n    return 0.5 * (y - t) ** 2"
    pages = [_page(tmp_path, answer, given_metadata={"execution": {
        "iopub.execute_input": f"2026-12-08T10:00:0{second}.000Z"}}) for second in (1, 2)]
    assert pages[0] == pages[1]
    assert highlighted.count(GIVEN_CODE) == 1


def test_a_magics_language_is_highlighted_as_that_language(tmp_path, cold):
    plain = _page(tmp_path, "x = 1")
    as_bash = _page(tmp_path, "x = 1", given_metadata={"magics_language": "bash"})
    assert plain != as_bash and plain == _page(tmp_path, "x = 1")


def test_a_new_exporter_compiles_no_template_again(tmp_path, cold, monkeypatch):
    compiled = _counting(monkeypatch, jinja2.Environment, "compile")
    first = _page(tmp_path, "x = 1")
    assert compiled, "the first page compiles the template's files"
    del compiled[:]
    assert _page(tmp_path, "x = 1") == first and not compiled


def test_a_changed_template_or_other_syntax_is_compiled_anew():
    store = CompiledTemplates()

    def render(source, **settings):
        environment = jinja2.Environment(loader=jinja2.DictLoader({"page": source}),
                                         bytecode_cache=store, **settings)
        return environment.get_template("page").render(name="Ada")

    assert render("Hello {{ name }}") == "Hello Ada"
    assert render("Bye {{ name }}") == "Bye Ada"  # same template name, new source
    both = "<< name >> {{ name }}"  # the same source read with other delimiters
    assert render(both) == "<< name >> Ada"
    assert render(both, variable_start_string="<<", variable_end_string=">>") == "Ada {{ name }}"
