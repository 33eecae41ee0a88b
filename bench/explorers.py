"""Explorers: the time from a slider change to the redrawn figure, against 100 ms.

When a slider moves, :func:`bplab.explore.widgets.explorer`'s callback makes a new figure, calls
the explorer's pure drawing function with the slider values, and displays the figure,
which in JupyterLab means rendering it to PNG (IPython's ``print_figure``, as the inline
backend does). This module captures each explorer's drawing function, figure size and
sliders by building the explorer with a recording stand-in for ``bplab.explore.widgets.explorer``,
then times exactly that callback with matplotlib's Agg backend. Each repeat moves one
slider to a new value, so no two consecutive redraws are alike.

The time is split into making the figure, drawing (the explorer's own computation and
matplotlib artists) and rendering the PNG, which says what holds a slow explorer back.
The processor time of the same redraws (``time.process_time``) is noted beside every row:
on a machine busy with other work the wall-clock time grows with the load, the processor
time far less.
"""

import functools
import importlib
import pkgutil
import time
import types
from unittest import mock

from autograder.environment import variables

from .table import Row, meets
from .timing import log, median

__all__ = ["GOAL_MS", "EXPLORERS", "discover", "capture", "redraw", "timed_redraw",
           "slider_values", "run"]

GOAL_MS = 100.0


def _net221():
    from bplab import net221
    from bplab.explore import net221 as explore_net221

    return explore_net221.network_explorer(net221.forward, net221.backward)


def _call(module, name, *args):
    return getattr(importlib.import_module(f"bplab.explore.{module}"), name)(*args)


EXPLORERS = {
    "losses.loss_explorer": functools.partial(_call, "losses", "loss_explorer"),
    "booth.descent_explorer": functools.partial(_call, "booth",
                                                        "descent_explorer"),
    "net221.network_explorer": _net221,
    "depth.weight_explorer": functools.partial(_call, "depth", "weight_explorer"),
    "xor.xor_explorer": functools.partial(_call, "xor", "xor_explorer"),
    "universal.staircase_explorer": functools.partial(_call, "universal", "staircase_explorer"),
    "depth.depth_explorer": functools.partial(_call, "depth", "depth_explorer"),
    "digits.curve_explorer": functools.partial(_call, "digits", "curve_explorer"),
    "autograd.backward_explorer": functools.partial(_call, "autograd", "backward_explorer"),
    "optimizers.optimizer_explorer": functools.partial(_call, "optimizers", "optimizer_explorer"),
    # notebook 3's explorers live with the graphs they draw
    "graph.graph_explorer('j')": functools.partial(_call, "graph",
                                                          "graph_explorer", "j"),
    "graph.graph_explorer('neuron')": functools.partial(_call, "graph",
                                                               "graph_explorer",
                                                               "neuron"),
}
"""How to build each explorer, by where it lives in ``bplab``."""


def discover():
    """Every ``*_explorer`` function of the ``bplab.explore`` modules, as ``module.name``."""
    import bplab.explore

    found = set()
    for info in pkgutil.iter_modules(bplab.explore.__path__):
        module = importlib.import_module(f"bplab.explore.{info.name}")
        found |= {f"{info.name}.{name}" for name in getattr(module, "__all__", dir(module))
                  if name.endswith("_explorer")}
    return found


def capture(build):
    """Build an explorer and return what its widget redraws with.

    Returns
    -------
    dict
        ``draw`` (the callback's drawing function), ``controls`` (name to widget),
        ``figsize`` and ``ncols``, as passed to ``bplab.explore.widgets.explorer``.
    """
    import bplab.explore.widgets

    seen = {}

    def record(draw, controls, *, figsize=(9, 3.6), ncols=1):
        seen.update(draw=draw, controls=controls, figsize=figsize, ncols=ncols)
        # what the explorers touch on the box they return
        return types.SimpleNamespace(children=[types.SimpleNamespace(
            layout=types.SimpleNamespace())])

    # explorers build nothing while grading
    with (variables(NBGRADER_EXECUTION=None),
          mock.patch.object(bplab.explore.widgets, "explorer", record)):
        build()
    return seen


def slider_values(controls, step):
    """Move one control (the ``step``-th, cyclically) to a new value; return all values."""
    names = list(controls)
    widget = controls[names[step % len(names)]]
    if hasattr(widget, "options"):
        options = list(widget.options)
        widget.value = options[(options.index(widget.value) + 1) % len(options)]
    else:
        fraction = (0.2, 0.8, 0.35, 0.65, 0.5, 0.05, 0.95)[step % 7]
        value = widget.min + fraction * (widget.max - widget.min)
        widget.value = type(widget.value)(round(value / widget.step) * widget.step)
    return {name: control.value for name, control in controls.items()}


def redraw(explorer, values):
    """The widget's callback, timed in three parts: figure, draw, PNG (seconds each)."""
    import matplotlib.pyplot as plt

    from bplab.explore.widgets import new_figure, png

    start = time.perf_counter()
    fig, axes = new_figure(explorer["figsize"], explorer["ncols"])
    made = time.perf_counter()
    explorer["draw"](axes, **values)
    drawn = time.perf_counter()
    png(fig)
    rendered = time.perf_counter()
    plt.close(fig)
    return made - start, drawn - made, rendered - drawn


def timed_redraw(explorer, values):
    """:func:`redraw`, and the processor time it took (seconds): ``(parts, cpu)``."""
    start = time.process_time()
    parts = redraw(explorer, values)
    return parts, time.process_time() - start


def _row(name, explorer, repeats):
    redraw(explorer, {k: c.value for k, c in explorer["controls"].items()})  # warm-up
    timed = [timed_redraw(explorer, slider_values(explorer["controls"], r))
             for r in range(repeats)]
    parts, cpus = [t[0] for t in timed], [t[1] for t in timed]
    totals = [sum(p) for p in parts]
    ms, cpu = 1e3 * median(totals), 1e3 * median(cpus)
    figure, draw, png = (1e3 * median([p[i] for p in parts]) for i in range(3))
    ratio = ms / GOAL_MS
    met = meets(ratio, "lower", 1.0)
    notes = [f"processor time {cpu:.0f} ms a redraw ({cpu / GOAL_MS:.2f}x the goal)"]
    if not met:
        notes.append(f"figure {figure:.0f} ms, draw {draw:.0f} ms, PNG {png:.0f} ms "
                     f"({explorer['ncols']} panel(s), {explorer['figsize'][0]:g} x "
                     f"{explorer['figsize'][1]:g} in)")
    return Row(f"explorer: {name}", f"{ms:.0f} ms", f"{GOAL_MS:.0f} ms (goal)", ratio, "lower",
               "< 1.00x", met, notes, samples={"redraw": totals, "cpu": cpus})


def run(quick=False, repeats=None):
    """One row per explorer: median redraw time over ``repeats`` slider changes (default 9)."""
    import matplotlib

    matplotlib.use("Agg")
    repeats = repeats or (2 if quick else 9)
    rows = []
    for name, build in EXPLORERS.items():
        log(f"explorers: {name}")
        rows.append(_row(name, capture(build), repeats))
    return rows
