"""The exporter of feedback pages: nbconvert's HTML exporter without its last pass.

nbconvert's ``HTMLExporter`` parses every page it writes back with BeautifulSoup, to add
alternative texts to pictures and keyboard focus to cells of its JupyterLab template;
for a feedback page that pass took as long as writing the page. The course's template
(``templates/bplab_feedback``) writes its pictures with alternative texts itself, and
has no JupyterLab cells, so :class:`FeedbackExporter` skips it.
"""

from __future__ import annotations

from typing import Any

from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

__all__ = ["FeedbackExporter"]


class FeedbackExporter(HTMLExporter):
    """``HTMLExporter`` that returns the template's page as it is."""

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None,
                           **kw: Any) -> tuple[str, dict[str, Any]]:
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name", None))
        self.register_filter("highlight_code", self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)
