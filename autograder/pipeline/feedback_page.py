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
And nbgrader makes a new exporter for every page, whose Jinja environment would compile
the template's files again: their compiled code is kept once per process too
(:class:`CompiledTemplates`), checked against each file's source at every use.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from jinja2 import BytecodeCache, Environment, pass_context
from jinja2.bccache import Bucket
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

__all__ = ["FeedbackExporter", "RenderedHTML", "CompiledTemplates", "forget_rendered"]


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


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates, in memory, for every environment made alike.

    Jinja keys a template's code by its name and file, and checks it against the file's
    source when loading it (a changed file is compiled again). What else the code depends
    on is the environment's syntax and compiler settings, which are part of the key here.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def get_bucket(self, environment: Environment, name: str, filename: str | None,
                   source: str) -> Bucket:
        key = repr((_settings(environment), self.get_cache_key(name, filename)))
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()


def _settings(environment: Environment) -> tuple[Any, ...]:
    """What an environment's compiled templates depend on, besides their source."""
    return (environment.block_start_string, environment.block_end_string,
            environment.variable_start_string, environment.variable_end_string,
            environment.comment_start_string, environment.comment_end_string,
            environment.line_statement_prefix, environment.line_comment_prefix,
            environment.trim_blocks, environment.lstrip_blocks, environment.newline_sequence,
            environment.keep_trailing_newline, tuple(sorted(environment.extensions)),
            environment.optimized, environment.finalize, environment.autoescape,
            environment.is_async)


_COMPILED = CompiledTemplates()


def forget_rendered() -> None:
    """Empty this process's stores of rendered HTML and compiled templates (the next page
    renders and compiles everything)."""
    _RENDERED.clear()
    _COMPILED.clear()


def _key(value: Any) -> str:
    """A cell's attachments or metadata as a key: the same JSON for the same content."""
    return json.dumps(value, sort_keys=True, default=str)


class FeedbackExporter(HTMLExporter):
    """``HTMLExporter`` that returns the template's page as it is, rendering what it has
    rendered before in this process only once (see the module docstring)."""

    def default_filters(self) -> Iterator[tuple[str, Any]]:
        yield from super().default_filters()
        yield ("markdown_cell", self.markdown_cell)

    def _create_environment(self) -> Environment:
        environment = super()._create_environment()
        environment.bytecode_cache = _COMPILED
        return environment

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
        # Of a cell's metadata, nbconvert's highlighter reads only the magics language, not
        # the execution times every graded cell has, different for each student; another
        # highlighter, configured instead, may read any of it.
        nbconvert_s = isinstance(highlight, Highlight2HTML)

        def highlight_code(source: str, language: str | None = None,
                           metadata: Any = None) -> str:
            read = ((metadata or {}).get("magics_language") if nbconvert_s
                    else _key(metadata or {}))
            return _RENDERED.get(("code", source, language, lexer, read, formatting),
                                 lambda: highlight(source, language=language, metadata=metadata))

        self.register_filter("highlight_code", highlight_code)
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)
