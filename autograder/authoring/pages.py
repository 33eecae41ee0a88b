"""Pages shipped beside every assignment's notebook, and links that resolve where it goes.

A student on a JupyterHub has what nbgrader hands out: the assignment's folder, fetched
into their home folder, and nothing of the repository around it. So every relative link in
an assignment's notebook must resolve inside its own folder, in ``notebooks/NN_name/`` and
in nbgrader's ``release/NN_name/`` alike. The build ships two pages in each folder
(:data:`PAGES`): ``course-map.md``, the course map (:func:`course_map_page`), and copies of
``docs/notation.md`` and ``docs/lectures.md`` (which the notation links); and
:func:`resolvable` rewrites the links that leave the folder:

* to the notation or the lectures page (``../../docs/notation.md``,
  ``../../docs/lectures.md``): the shipped copy, its anchor kept;
* to the course map (``../../README.md#course-map``, or the start page
  ``../00_start_here/00_start_here.ipynb``, which is no assignment): ``course-map.md``;
* to another notebook of the course: its name in plain text, no link, since a student has
  it only once it is released and fetched;
* anything else that leaves the folder stops the build, naming the link.

The start page, which only lives in ``notebooks/``, keeps its links to the notebooks.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from pathlib import Path

from markdown_it import MarkdownIt

from .. import REPO_ROOT, START
from .coursemap import Header, map_table
from .sourcefmt import Cell

__all__ = ["PAGES", "NOTATION", "course_map_page", "pages", "write_pages", "relative_links",
           "resolvable"]

NOTATION = REPO_ROOT / "docs" / "notation.md"
SHIPPED_DOCS = ("notation.md", "lectures.md")
"""Pages of ``docs/`` shipped as they are."""
PAGES = ("course-map.md", *SHIPPED_DOCS)
"""The files shipped beside every assignment's notebook."""

_NOTEBOOK_LINK = re.compile(r"^\.\./(\d\d_\w+)/\1\.ipynb(#.*)?$")
_MARKDOWN = MarkdownIt("commonmark", {"html": True})


def course_map_page(course: list[Header]) -> str:
    """``course-map.md``: every graded notebook in course order, and where to find them.

    ``course`` is every notebook's header in course order; the start page is left out.
    The table names notebooks without linking them: a student on a hub has a notebook
    only once it is released and fetched.
    """
    table = map_table([h for h in course if h.name != START], linked=False)
    return "\n".join([
        "# Backprop Lab: course map",
        "",
        "The notebooks in course order. Each opens with its time, its exercises and what you "
        "need to know first; work through them in order.",
        "",
        table,
        "",
        "**Where the notebooks are.** On a JupyterHub, each notebook arrives when your "
        "instructor releases it: fetch it from the Assignments tab, and it lands in a folder "
        "of its name in your home folder, with this page and the notation beside it. On your "
        "own machine or on Binder, every notebook is in `notebooks/`, and the start page, "
        f"`notebooks/{START}/{START}.ipynb`, shows this map with your progress.",
        "",
        "**Your progress.** `bp.progress()`, run in any notebook, lists every exercise with a "
        "tick when its visible checks passed, a cross when they failed, or nothing yet.",
        "",
        "**Symbols and shapes** are the same in every notebook: see "
        "[the notation](notation.md).",
        "",
    ])


def pages(course: list[Header]) -> dict[str, str]:
    """The text of each page of :data:`PAGES`, by file name."""
    return {"course-map.md": course_map_page(course),
            **{page: (REPO_ROOT / "docs" / page).read_text() for page in SHIPPED_DOCS}}


def write_pages(folder: str | Path, course: list[Header]) -> list[Path]:
    """Write :data:`PAGES` into ``folder`` (an assignment's folder); return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in pages(course).items():
        (folder / name).write_text(text)
        written.append(folder / name)
    return written


def relative_links(markdown: str) -> list[str]:
    """Every link and image target of ``markdown`` that is a path, not a URL or an anchor.

    Examples
    --------
    >>> relative_links("[a](notation.md) [b](#Ex-1-(3-points)) [c](https://x.org) "
    ...                "![d](img/p.png) `[e](nope.md)`")
    ['notation.md', 'img/p.png']
    """
    found = []
    for token in _MARKDOWN.parse(markdown):
        for child in [token, *(token.children or [])]:
            target = child.attrGet("href") if child.type == "link_open" else (
                child.attrGet("src") if child.type == "image" else None)
            found += [str(target)] if target else []
            if child.type in ("html_inline", "html_block"):
                found += re.findall(r"""(?:href|src)\s*=\s*["']([^"']+)["']""", child.content)
    return [t for t in found if not re.match(r"^([a-z][a-z0-9+.-]*:|#|/)", t, re.IGNORECASE)]


def _replacement(target: str, name: str, course: Iterable[str]) -> str | None:
    """What a link from notebook ``name`` to ``target`` becomes: a page, "" to unlink it,
    or None to keep it."""
    path, _, anchor = target.partition("#")
    if not path.startswith("../"):
        return None
    resolved = posixpath.normpath(posixpath.join("source", name, path))
    if resolved.startswith("docs/") and resolved[len("docs/"):] in SHIPPED_DOCS:
        return resolved[len("docs/"):] + (f"#{anchor}" if anchor else "")
    if resolved == "README.md" and anchor == "course-map":
        return "course-map.md"
    notebook = _NOTEBOOK_LINK.match(target)
    if notebook and notebook[1] == START:
        return "course-map.md"
    if notebook and notebook[1] in course:
        return ""
    raise ValueError(f"source/{name}: the link {target!r} leaves the notebook's folder, and a "
                     "student who fetched it has nothing there: link the notation "
                     "(../../docs/notation.md), the lectures page (../../docs/lectures.md), "
                     "the course map (../../README.md#course-map), "
                     "another notebook of the course, or a web page")


def resolvable(cells: list[Cell], name: str, course: Iterable[str]) -> list[Cell]:
    """``cells`` of assignment ``name`` with every link that leaves its folder rewritten.

    ``course`` names every notebook of the course. See the module docstring for the rules.

    Examples
    --------
    >>> cell = Cell("markdown", "[Course map](../00_start_here/00_start_here.ipynb) · "
    ...             "**Next:** [2. B](../02_b/02_b.ipynb); see the [notation]"
    ...             "(../../docs/notation.md#shapes).")
    >>> print(resolvable([cell], "01_a", ["00_start_here", "01_a", "02_b"])[0].source)
    [Course map](course-map.md) · **Next:** 2. B; see the [notation](notation.md#shapes).
    """
    course = list(course)
    for cell in cells:
        if cell.kind != "markdown":
            continue
        for target in dict.fromkeys(relative_links(cell.source)):
            new = _replacement(target, name, course)
            if new is None:
                continue
            link = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\(" + re.escape(target) + r"\)")
            cell.source = link.sub((lambda m: m[1]) if new == "" else
                                   (lambda m, new=new: f"[{m[1]}]({new})"), cell.source)
    return cells
