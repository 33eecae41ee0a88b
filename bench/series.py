"""The whole series: every solution notebook run top to bottom, against its floor.

A student opens a notebook and runs all cells; that costs a kernel start, the notebook's
imports and its cells. The floor is what no notebook can avoid: a fresh kernel that runs
only the import statements of the notebook's first code cell. The goal is for each
notebook to take at most 1.3 times its floor. Both run through nbclient in a fresh
kernel, with ``NBGRADER_EXECUTION`` unset (as a student runs it: plots and explorers on).

Each cell's time comes from the timestamps nbclient records in its metadata, so a
notebook that misses the goal is reported with the cells that hold it back.
"""

import ast
import copy
import os
import subprocess
from datetime import datetime
from pathlib import Path

import nbformat

from .table import Row, meets
from .timing import interleave, log, median, paired_ratio

__all__ = ["GOAL", "notebooks", "floor_notebook", "execute", "cell_seconds", "run"]

GOAL = 1.3
CELL_TIMEOUT = 60
"""Seconds before a cell counts as hung (the slowest cell of the series takes a few)."""
ROOT = Path(__file__).resolve().parent.parent


def notebooks(root=ROOT):
    """Paths of the executed solution notebooks, ``solutions/NN_name/NN_name.ipynb``."""
    return sorted(p / f"{p.name}.ipynb" for p in (Path(root) / "solutions").iterdir()
                  if (p / f"{p.name}.ipynb").is_file())


def floor_notebook(nb):
    """A notebook of one cell: the import statements of ``nb``'s first code cell.

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    nbformat.NotebookNode
    """
    first = next(cell for cell in nb.cells if cell.cell_type == "code")
    tree = ast.parse(first.source)
    imports = [ast.get_source_segment(first.source, node) for node in tree.body
               if isinstance(node, (ast.Import, ast.ImportFrom))]
    floor = nbformat.v4.new_notebook(metadata=copy.deepcopy(nb.metadata))
    floor.cells.append(nbformat.v4.new_code_cell("\n".join(imports)))
    return floor


def _student_env():
    env = dict(os.environ)
    env.pop("NBGRADER_EXECUTION", None)
    return env


def execute(nb, cwd, env=None):
    """Run a copy of ``nb`` top to bottom in a fresh kernel; return the executed copy.

    The kernel starts in ``cwd`` with ``env`` (default: this environment without
    ``NBGRADER_EXECUTION``); its own log lines go to /dev/null, not to the table. A cell
    that runs over ``CELL_TIMEOUT`` raises: nbclient now and then waits forever on a
    notebook with widgets, and such a run is retried rather than timed.
    """
    from nbclient import NotebookClient

    work = copy.deepcopy(nb)
    client = NotebookClient(work, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}})
    client.execute(env=env or _student_env(), stderr=subprocess.DEVNULL)
    return work


def _stamp(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def cell_seconds(nb):
    """Seconds each executed code cell took, by cell index, from nbclient's timestamps."""
    seconds = {}
    for index, cell in enumerate(nb.cells):
        when = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in when and "shell.execute_reply" in when:
            seconds[index] = (_stamp(when["shell.execute_reply"])
                              - _stamp(when["iopub.execute_input"])).total_seconds()
    return seconds


def _label(nb, index):
    first = nb.cells[index].source.strip().splitlines()[0] if nb.cells[index].source.strip() else ""
    return f"cell {index} `{first[:48]}`"


def _holdups(nb, profiles, extras):
    """A note naming the slowest cells after the first (whose imports the floor runs too).

    ``profiles[r]`` holds the cell times of round ``r`` and ``extras[r]`` that round's
    notebook time minus its floor time; medians are taken over rounds.
    """
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    medians = {index: median([p[index] for p in profiles if index in p])
               for index in profiles[0] if index != first_code}
    slow = sorted(((s, i) for i, s in medians.items()), reverse=True)[:3]
    parts = [f"{_label(nb, i)} {s:.2f} s" for s, i in slow]
    rest = sum(medians.values()) - sum(s for s, _ in slow)
    # what no cell accounts for: kernel round trips per cell, the first cell's own work
    other = max(0.0, median([extra - sum(s for i, s in p.items() if i != first_code)
                             for extra, p in zip(extras, profiles)]))
    return (f"{median(extras):.2f} s over the floor. Slowest cells: " + "; ".join(parts)
            + f"; the other {len(medians) - len(slow)} cells {rest:.2f} s; the remaining "
            f"{other:.2f} s is per-cell round trips and the first cell beyond its imports")


def _one(path, repeats):
    nb = nbformat.read(path, as_version=4)
    floor = floor_notebook(nb)
    profiles = []
    functions = {"notebook": lambda: profiles.append(cell_seconds(execute(nb, path.parent))),
                 "floor": lambda: execute(floor, path.parent)}
    retried = []
    times = interleave(functions, repeats, retries=2,
                       on_retry=lambda name, error: retried.append(type(error).__name__))
    ratio = paired_ratio(times["notebook"], times["floor"])
    measured, base = median(times["notebook"]), median(times["floor"])
    met = meets(ratio, "lower", GOAL)
    extras = [a - b for a, b in zip(times["notebook"], times["floor"])]
    notes = [] if met else [_holdups(nb, profiles, extras)]
    if retried:
        notes.append(f"{len(retried)} run(s) stopped and timed again ({', '.join(retried)})")
    return Row(f"series: {path.stem}", f"{measured:.2f} s", f"{base:.2f} s floor", ratio,
               "lower", f"<= {GOAL:.2f}x", met, notes, samples=times)


def run(quick=False, repeats=None):
    """Rows for every notebook (just the first when ``quick``) and one for the whole series.

    Parameters
    ----------
    quick : bool
        One notebook, one repeat: a smoke run.
    repeats : int, optional
        Rounds of (notebook, floor) per notebook; default 3.
    """
    paths = notebooks()[:1] if quick else notebooks()
    repeats = repeats or (1 if quick else 3)
    rows = []
    for path in paths:
        log(f"series: {path.stem} ({repeats} x notebook and floor)")
        rows.append(_one(path, repeats))
    if len(paths) > 1:
        # sums of each notebook's medians: one slow round of one notebook cannot swing it
        total = sum(median(row.samples["notebook"]) for row in rows)
        floor = sum(median(row.samples["floor"]) for row in rows)
        rows.append(Row(f"series: all {len(paths)} notebooks", f"{total:.1f} s",
                        f"{floor:.1f} s floor", total / floor, "lower"))
    return rows
