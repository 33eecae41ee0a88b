"""The benchmark table: rows, how a ratio reads, which goals are met, and where it is saved.

Columns: what, measured, baseline, ratio, goal, met?. A ratio reads one of two ways,
given by the row's ``better``:

* ``"lower"``: measured time over baseline time, printed ``1.27x`` (the series, the
  explorers, grading): lower is better;
* ``"higher"``: baseline time over measured time, a speed-up, printed ``152x faster``
  (or ``2x slower`` below 1): higher is better.
"""

import datetime
import json
import os
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["Row", "format_ratio", "meets", "render_text", "render_markdown", "machine_info",
           "write_results", "COLUMNS"]

COLUMNS = ("what", "measured", "baseline", "ratio", "goal", "met?")


@dataclass
class Row:
    """One line of the table.

    Attributes
    ----------
    what : str
        What was measured, in a few words.
    measured, baseline : str
        The two figures, with units, already formatted.
    ratio : float or None
        See the module docstring; None where no ratio applies.
    better : {"lower", "higher"}
        How the ratio reads.
    goal : str
        The goal in words (``"<= 1.30x"``), or ``""`` when there is none.
    met : bool or None
        Whether the goal is met; None when there is no goal.
    notes : list of str
        Printed under the table: what holds a figure back, how a baseline was scaled.
    samples : dict of str to list of float
        The raw per-repeat seconds behind the figures (saved in the JSON, not printed).
    """

    what: str
    measured: str
    baseline: str
    ratio: float = None
    better: str = "lower"
    goal: str = ""
    met: bool = None
    notes: list = field(default_factory=list)
    samples: dict = field(default_factory=dict)


def format_ratio(ratio, better="lower"):
    """The ratio as the table prints it.

    Examples
    --------
    >>> format_ratio(1.234), format_ratio(15.24, "higher"), format_ratio(0.5, "higher")
    ('1.23x', '15.2x faster', '2x slower')
    >>> format_ratio(2345.6, "higher")
    '2,346x faster'

    >>> format_ratio(None)
    '-'
    """
    if ratio is None:
        return "-"
    if better == "lower":
        return f"{ratio:.2f}x"
    if ratio >= 100:
        return f"{ratio:,.0f}x faster"
    if ratio >= 1:
        return f"{ratio:.3g}x faster"
    return f"{1 / ratio:.3g}x slower"


def meets(ratio, better, threshold):
    """Whether ``ratio`` meets a goal of at most (``lower``) or at least (``higher``) it.

    Examples
    --------
    >>> meets(1.2, "lower", 1.3), meets(90, "higher", 100)
    (True, False)
    """
    if ratio is None:
        return False
    return ratio <= threshold if better == "lower" else ratio >= threshold


def _met(row):
    return "-" if row.met is None else ("yes" if row.met else "NO")


def _cells(row):
    return [row.what, row.measured, row.baseline, format_ratio(row.ratio, row.better),
            row.goal or "-", _met(row)]


def _summary(rows):
    judged = [row for row in rows if row.met is not None]
    if not judged:
        return "no goals in these rows"
    missed = [row.what for row in judged if not row.met]
    line = f"{len(judged) - len(missed)} of {len(judged)} goals met"
    return line + (f"; missed: {'; '.join(missed)}" if missed else "")


def _notes(rows):
    return [f"{row.what}: {note}" for row in rows for note in row.notes]


def render_text(rows):
    """A fixed-width table for the terminal, with the notes and a summary under it."""
    table = [list(COLUMNS)] + [_cells(row) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip()
             for line in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    notes = _notes(rows)
    if notes:
        lines += ["", "Notes:"] + [f"- {note}" for note in notes]
    return "\n".join(lines + ["", _summary(rows)]) + "\n"


def render_markdown(rows, machine=None):
    """The table in Markdown, with the machine it ran on above it and the notes below."""
    lines = []
    if machine:
        load = machine.get("load_average_at_start")
        lines += [f"Ran {machine['date']} on {machine['cpu']} ({machine['cores']} cores), "
                  f"Python {machine['python']}, NumPy {machine['numpy']}"
                  f"{f'; load average {load} at the start' if load else ''}"
                  f"{'; quick run' if machine.get('quick') else ''}.", ""]
    lines += ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        cells = [cell.replace("|", "\\|") for cell in _cells(row)]
        lines.append("| " + " | ".join(cells) + " |")
    notes = _notes(rows)
    if notes:
        lines += ["", "Notes:", ""] + [f"- {note}" for note in notes]
    return "\n".join(lines + ["", _summary(rows) + "."]) + "\n"


def machine_info(quick=False):
    """CPU model, cores, Python and NumPy versions, date and load at the start."""
    import numpy

    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:  # not Linux: platform's answer stands
        pass
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": numpy.__version__, "platform": platform.platform(),
            "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "load_average_at_start": load, "quick": quick}


def write_results(rows, machine, folder):
    """Write ``latest.json`` and ``latest.md`` (and a dated copy of the JSON) to ``folder``.

    Returns
    -------
    pathlib.Path
        The Markdown file.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = {"machine": machine, "rows": [asdict(row) for row in rows]}
    text = json.dumps(data, indent=1)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    (folder / f"bench-{stamp}.json").write_text(text)
    (folder / "latest.json").write_text(text)
    markdown = folder / "latest.md"
    markdown.write_text(render_markdown(rows, machine))
    return markdown
