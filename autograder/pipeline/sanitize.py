"""HTML that a student wrote or printed, made inert: the tags of prose, nothing that runs.

Markdown cells and HTML outputs of a submission end up in feedback pages, the graded
notebooks formgrader shows, and the report. :func:`clean` keeps the markup of text
(headings, paragraphs, lists, tables, emphasis, code, images embedded as data, links to
web pages and anchors) and drops everything else: ``<script>``, ``<style>``, forms,
frames, event handlers (``onerror=``), ``style`` attributes and ``javascript:`` or other
links; what is dropped is shown as text. It uses bleach, the sanitiser nbconvert itself
relies on.
"""

from __future__ import annotations

__all__ = ["clean", "TAGS", "ATTRIBUTES", "PROTOCOLS"]

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul", "var",
})
ATTRIBUTES = {"*": ["id", "class", "title"], "a": ["href", "name"], "img": ["src", "alt"],
              "td": ["colspan", "rowspan"], "th": ["colspan", "rowspan"], "ol": ["start"]}
PROTOCOLS = frozenset({"http", "https", "mailto", "data"})


def _allowed(tag: str, name: str, value: str) -> bool:
    if name not in ATTRIBUTES.get(tag, []) and name not in ATTRIBUTES["*"]:
        return False
    if name in ("href", "src"):
        text = value.strip().lower()
        scheme = text.split(":", 1)[0] if ":" in text.split("/", 1)[0] else ""
        if tag == "img":  # only pictures carried in the page itself
            return text.startswith("data:image/") and not text.startswith("data:image/svg")
        # web pages, mail, and anchors in the page; a relative link (a notebook's course
        # map, say) has nothing to point at beside a page or notebook that travels alone
        return scheme in PROTOCOLS - {"data"} or text.startswith("#")
    return True


def clean(fragment: str) -> str:
    """``fragment`` with only inert markup left (see the module docstring).

    Examples
    --------
    >>> clean('<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x">a</a></p>')
    '<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;<a>a</a></p>'
    """
    import bleach

    return bleach.clean(str(fragment), tags=TAGS, attributes=_allowed,
                        protocols=PROTOCOLS, strip=False, strip_comments=True)
