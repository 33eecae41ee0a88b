"""The exporter of feedback pages: nbconvert's HTML exporter, lighter for a class.

nbconvert's ``HTMLExporter`` parses every page it writes back with BeautifulSoup, to add
alternative texts to pictures and keyboard focus to cells of its JupyterLab template;
for a feedback page that pass took as long as writing the page. The course's template
(``templates/bplab_feedback``) writes its pictures with alternative texts itself, and
has no JupyterLab cells, so :class:`FeedbackExporter` skips it.

Most of the rest went to rendering what is the same for every student of an assignment:
its markdown (with its formulas as MathML) and the code cells students do not write. A
grading worker renders a class's pages one after another, so each markdown source and
each code cell is rendered once per process (:class:`RenderedHTML`) and reused, keyed by
everything its HTML depends on; a student's own text is a new key, rendered for them.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

__all__ = ["FeedbackExporter", "RenderedHTML", "forget_rendered"]


class RenderedHTML:
    """HTML already made, by key; past ``size`` entries, the least recently used goes."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._html: OrderedDict[Hashable, str] = OrderedDict()

    def get(self, key: Hashable, render: Callable[[], str]) -> str:
        """The HTML stored under ``key``, made by ``render()`` and stored if there is none."""
        if key in self._html:
            self._html.move_to_end(key)
            return self._html[key]
        html = self._html[key] = render()
        if len(self._html) > self.size:
            self._html.popitem(last=False)
        return html

    def clear(self) -> None:
        """Forget everything stored."""
        self._html.clear()


_RENDERED = RenderedHTML()


def forget_rendered() -> None:
    """Empty this process's store of rendered HTML (the next page renders everything)."""
    _RENDERED.clear()


def _key(value: Any) -> str:
    """A cell's attachments or metadata as a key: the same JSON for the same content."""
    return json.dumps(value, sort_keys=True, default=str)


class FeedbackExporter(HTMLExporter):
    """``HTMLExporter`` that returns the template's page as it is, rendering what it has
    rendered before in this process only once (see the module docstring)."""

    def default_filters(self) -> Iterator[tuple[str, Any]]:
        yield from super().default_filters()
        yield ("markdown_cell", self.markdown_cell)

    @pass_context
    def markdown_cell(self, context: Any, source: str) -> str:
        """A markdown cell's HTML, sanitised, its formulas as MathML."""
        cell = context.get("cell", {})
        attachments = cell.get("attachments", {})

        def render() -> str:  # the template's own filters, as configured
            filters = self.environment.filters
            html = HTMLExporter.markdown2html(self, context, source)
            return filters["tex_to_mathml"](filters["sanitize"](
                filters["strip_files_prefix"](html)))

        if self.embed_images:  # pictures read from the notebook's own folder: not shared
            return render()
        return _RENDERED.get(("markdown", source, _key(attachments), self.anchor_link_text,
                              self.exclude_anchor_links, _key(self.lexer_options)), render)

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None,
                           **kw: Any) -> tuple[str, dict[str, Any]]:
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name", None))
        highlight = self.filters.get("highlight_code",
                                     Highlight2HTML(pygments_lexer=lexer, parent=self))
        formatting = _key(getattr(highlight, "extra_formatter_options", {}))

        def highlight_code(source: str, language: str | None = None,
                           metadata: Any = None) -> str:
            return _RENDERED.get(
                ("code", source, language, lexer, _key(metadata or {}), formatting),
                lambda: highlight(source, language=language, metadata=metadata))

        self.register_filter("highlight_code", highlight_code)
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)
