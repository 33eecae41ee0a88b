"""The course map, read from the notebooks' own headers, and the links between notebooks.

Each notebook's first markdown cell opens with ``# <n>. <Title>``, an italic subtitle line,
and ``**Estimated time:** <a> to <b> minutes. **Exercises:** <n>, worth <p> points.``. The
build reads those facts here and writes, from them alone: the navigation line of every
notebook (the course map, the previous and the next notebook, in course order), the course
map table of the start page, and the README's (between the markers :data:`README_START`
and :data:`README_END`), so that none of them can disagree with a header.
"""

import re
from dataclasses import dataclass

__all__ = ["Header", "header", "navigation", "map_table", "readme_table", "with_readme_table",
           "README_START", "README_END", "BINDER"]

README_START = "<!-- course-map:start -->"
README_END = "<!-- course-map:end -->"
BINDER = "https://mybinder.org/v2/gh/backprop-lab/backprop-lab/HEAD?urlpath=lab/tree/"
BADGE = "https://mybinder.org/badge_logo.svg"
_TITLE = re.compile(r"^# +(?:(\d+)\. +)?(.+?)\s*$", re.MULTILINE)
# an italic paragraph, which may wrap over several lines
_SUBTITLE = re.compile(r"^\*([^*\s][^*]*?)\*\s*$", re.MULTILINE)
_TIME = re.compile(r"\*\*Estimated time:\*\* (\d+)(?: to (\d+))? minutes")
_EXERCISES = re.compile(r"\*\*Exercises:\*\* (\d+), worth (\d+) points")


@dataclass(frozen=True)
class Header:
    """What a notebook's header says about it (None where it says nothing)."""

    name: str
    title: str
    subtitle: str = ""
    minutes: tuple[int, int] | None = None
    exercises: int | None = None
    points: int | None = None

    @property
    def number(self) -> int:
        """The notebook's number in the course: ``"03_chain_rule"`` -> 3."""
        return int(self.name[:2])

    @property
    def path(self) -> str:
        """Its notebook, relative to the notebooks folder."""
        return f"{self.name}/{self.name}.ipynb"

    @property
    def label(self) -> str:
        """``"3. The chain rule"``, as links name it."""
        return f"{self.number}. {self.title}"


def header(name: str, text: str) -> Header:
    """The :class:`Header` of notebook ``name`` from the text of its first markdown cell.

    Examples
    --------
    >>> h = header("01_loss", "# 1. Losses\\n\\n*How wrong?*\\n\\n"
    ...            "**Estimated time:** 60 to 75 minutes. **Exercises:** 5, worth 14 points.")
    >>> h.label, h.subtitle, h.minutes, h.exercises, h.points
    ('1. Losses', 'How wrong?', (60, 75), 5, 14)
    """
    title = _TITLE.search(text)
    subtitle = _SUBTITLE.search(text)
    time = _TIME.search(text)
    exercises = _EXERCISES.search(text)
    return Header(
        name=name,
        title=title.group(2) if title else name,
        subtitle=" ".join(subtitle.group(1).split()) if subtitle else "",
        minutes=(int(time[1]), int(time[2] or time[1])) if time else None,
        exercises=int(exercises[1]) if exercises else None,
        points=int(exercises[2]) if exercises else None)


def navigation(headers: list[Header], name: str, start: str) -> str:
    """The markdown line linking notebook ``name`` to the map and its neighbours.

    Parameters
    ----------
    headers : list of Header
        Every notebook of the course, in course order, the start page included.
    name : str
        The notebook the line is for.
    start : str
        The start page's name (the course map); no link to it when it is not in
        ``headers``.

    Examples
    --------
    >>> hs = [Header("00_map", "Start"), Header("01_a", "A"), Header("02_b", "B")]
    >>> navigation(hs, "01_a", "00_map")
    '[Course map](../00_map/00_map.ipynb) · **Next:** [2. B](../02_b/02_b.ipynb)'
    >>> navigation(hs, "02_b", "00_map")
    '[Course map](../00_map/00_map.ipynb) · **Previous:** [1. A](../01_a/01_a.ipynb)'
    """
    names = [h.name for h in headers]
    at = names.index(name)
    parts = [] if name == start or start not in names else [
        f"[Course map](../{start}/{start}.ipynb)"]
    if at > 0 and names[at - 1] != start:
        parts.append(f"**Previous:** {_link(headers[at - 1], '../')}")
    if at + 1 < len(headers):
        parts.append(f"**Next:** {_link(headers[at + 1], '../')}")
    return " · ".join(parts)


def _link(h, prefix):
    return f"[{h.label}]({prefix}{h.path})"


def _title(h, linked):
    return f"[{_cell(h.title)}](../{h.path})" if linked else f"{_cell(h.title)} (`{h.name}/`)"


def _cell(text):
    return str(text).replace("|", "\\|")


def _time(h):
    if not h.minutes:
        return "? min"
    low, high = h.minutes
    return f"{low}-{high} min" if high != low else f"{low} min"


def _exercises(h):
    return f"{h.exercises}, worth {h.points} points" if h.exercises is not None else "?"


def _totals(headers):
    """One sentence: how many notebooks, exercises and hours in all."""
    timed = [h.minutes for h in headers if h.minutes]
    low, high = sum(m[0] for m in timed), sum(m[1] for m in timed)
    exercises = sum(h.exercises or 0 for h in headers)
    points = sum(h.points or 0 for h in headers)
    return (f"In all: {len(headers)} notebooks, {exercises} exercises worth {points} points, "
            f"about {low / 60:.0f} to {high / 60:.0f} hours.")


def map_table(headers: list[Header], linked: bool = True) -> str:
    """The course map: links relative to a notebook's folder, or (``linked=False``) each
    notebook's title with its folder's name.

    ``headers`` are the graded notebooks, in course order.

    Examples
    --------
    >>> print(map_table([Header("01_a", "A", minutes=(5, 5))], linked=False).splitlines()[2])
    | 1 | A (`01_a/`) |  | 5 min | ? |
    """
    rows = ["| # | Notebook | What it is about | Time | Exercises |",
            "|---|----------|------------------|------|-----------|"]
    rows += [f"| {h.number} | {_title(h, linked)} | {_cell(h.subtitle)} "
             f"| {_time(h)} | {_exercises(h)} |" for h in headers]
    return "\n".join(rows) + "\n\n" + _totals(headers)


def readme_table(headers: list[Header], folder: str = "notebooks") -> str:
    """The README's course map: links from the repository's root and a Binder badge each."""
    rows = ["| # | Notebook | What it is about | Time | Exercises | Binder |",
            "|---|----------|------------------|------|-----------|--------|"]
    for h in headers:
        path = f"{folder}/{h.path}"
        rows.append(f"| {h.number} | [{_cell(h.title)}]({path}) | {_cell(h.subtitle)} "
                    f"| {_time(h)} | {_exercises(h)} | [![Binder]({BADGE})]({BINDER}{path}) |")
    return "\n".join(rows) + "\n\n" + _totals(headers)


def with_readme_table(readme: str, table: str) -> str:
    """``readme`` with the text between its course-map markers replaced by ``table``.

    Raises
    ------
    ValueError
        If the markers are missing or out of order.
    """
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        raise ValueError(f"README.md needs the markers {README_START} and {README_END}, "
                         "in that order, around the course map")
    return readme[:start + len(README_START)] + "\n" + table + "\n" + readme[end:]
