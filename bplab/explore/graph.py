"""Pictures of computational graphs, and the graph explorer of notebook 3.

Each node of a :class:`bplab.graph.Graph` is drawn as a box holding its label, its value
and its bar value :math:`\\bar v = \\partial L / \\partial v`; each edge is an arrow from
parent to child labelled with the local derivative ``d child / d parent``. Inputs sit in
the first column, every other node as far right as its children allow, so the output
ends the picture. Gradients for the pictures are computed with the references unlocked,
so drawing works in notebook 3, where the references are locked.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ..course import references_unlocked
from ..graph import j_graph, neuron_graph

if TYPE_CHECKING:
    from ipywidgets import VBox
    from matplotlib.axes import Axes

    from ..graph import Graph

__all__ = ["layout", "draw_graph", "draw_j", "draw_neuron", "graph_explorer"]


def _text(value):
    value = np.asarray(value)
    return f"{float(value):.4g}" if value.size == 1 else f"array {value.shape}"


def _bar(name):
    if name.endswith("_hat"):  # y_hat, the prediction: a bar over a hat
        return f"$\\bar{{\\hat {name[:-4]}}}$"
    # a combining macron is plain text, drawn at a fraction of the cost of a mathtext
    # parse (a third of a redraw with mathtext bars); it needs the complex text layout of
    # matplotlib 3.11 and later to clear tall letters (b, L, R), so mathtext draws it before
    if len(name) == 1 and _macron_clears_tall_letters():
        return f"{name}\u0304"
    # mathtext parses "\bar w" faster than "\bar{w}"; the braces are for longer names
    return f"$\\bar {name}$" if len(name) == 1 else f"$\\bar{{{name}}}$"


@functools.cache
def _macron_clears_tall_letters():
    from matplotlib import ft2font

    return hasattr(ft2font, "__libraqm_version__")  # text shaped by libraqm


def layout(graph: Graph) -> dict[str, tuple[float, float]]:
    """Where each node of ``graph`` goes: column by depth, centred rows.

    Parameters
    ----------
    graph : bplab.graph.Graph

    Returns
    -------
    dict of str to tuple of float
        Node name to ``(column, row)``; columns count from 0 (the inputs), rows are
        centred on 0 in each column.

    Examples
    --------
    >>> pos = layout(j_graph())
    >>> pos["a"], pos["u"], pos["J"]
    ((0, 1.0), (1, 0.0), (3, 0.0))
    """
    depth, children = {}, {name: [] for name in graph.order}
    for name, node in graph.nodes.items():
        depth[name] = 1 + max((depth[p] for p in node.parents), default=-1)
        for parent in node.parents:
            children[parent].append(name)
    for name in reversed(graph.order[:-1]):  # inputs on the left, the rest right-aligned
        if graph.nodes[name].kind != "input" and children[name]:
            depth[name] = min(depth[child] for child in children[name]) - 1
    columns = {}
    for name in graph.order:
        columns.setdefault(depth[name], []).append(name)
    return {name: (d, (len(column) - 1) / 2 - i) for d, column in columns.items()
            for i, name in enumerate(column)}


def draw_graph(graph: Graph, ax: Axes | None = None,
               grads: dict[str, ArrayLike] | None = None) -> Axes:
    """Draw the graph left to right: each node with its value and its bar value.

    Parameters
    ----------
    graph : bplab.graph.Graph
        With values (its forward pass done).
    ax : matplotlib Axes, optional
    grads : dict of str to ndarray, optional
        Bar values to show, each the shape of its node's value; computed by a backward
        pass when None.

    Returns
    -------
    matplotlib Axes
        One box per node (``ax.texts``), one arrow per edge (``ax.patches``), edges
        labelled with the local derivative d child / d parent.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = draw_graph(j_graph(5.0, 3.0, 2.0))
    >>> len(ax.patches), [t.get_text() for t in ax.texts][-1].splitlines()[:2]
    (5, ['J = 3v', '= 33'])
    """
    from matplotlib.patches import FancyArrowPatch

    from .plotting import new_axes

    ax = new_axes(ax, figsize=(9, 4))
    if grads is None:
        with references_unlocked():
            grads = graph.backward()
    pos = layout(graph)
    local = graph.local_derivatives()
    for name, node in graph.nodes.items():
        for parent, d in zip(node.parents, local[name]):
            (x0, y0), (x1, y1) = pos[parent], pos[name]
            # a bare arrow patch: what an empty annotation draws, without its text
            ax.add_patch(FancyArrowPatch((x0 + 0.28, y0), (x1 - 0.28, y1), arrowstyle="->",
                                         color="grey", lw=1, mutation_scale=10))
            ax.text(0.5 * (x0 + x1), 0.5 * (y0 + y1) + 0.06, _text(d), fontsize=7,
                    color="grey", ha="center")
    for name, node in graph.nodes.items():
        is_input = node.kind == "input"
        ax.text(*pos[name], f"{node.label}\n= {_text(node.value)}\n"
                f"{_bar(name)} = {_text(grads[name])}", ha="center", va="center",
                fontsize=8, bbox=dict(boxstyle="round", fc="C0" if is_input else "white",
                                      alpha=0.25 if is_input else 1))
    columns = max(x for x, _ in pos.values())
    height = max(abs(y) for _, y in pos.values()) + 0.5
    ax.set(xlim=(-0.6, columns + 0.6), ylim=(-height - 0.3, height + 0.3))
    ax.axis("off")
    return ax


def _draw_titled(ax, graph, output, inputs):
    from .plotting import set_title

    with references_unlocked():
        grads = graph.backward()
    draw_graph(graph, ax=ax, grads=grads)
    parts = ", ".join(f"d{output}/d{name} = {float(grads[name]):.4g}" for name in inputs)
    set_title(ax, f"{output} = {float(graph.nodes[output].value):.4g}: {parts}", fontsize=9)
    return grads


def draw_j(ax: Axes | np.ndarray, a: float = 5.0, b: float = 3.0,
           c: float = 2.0) -> dict[str, np.ndarray]:
    """Draw the graph of J = 3(a + bc) at (a, b, c).

    Returns
    -------
    dict of str to ndarray
        Every node's bar value dJ/d node, each of shape ().
    """
    return _draw_titled(ax, j_graph(a, b, c), "J", "abc")


def draw_neuron(ax: Axes | np.ndarray, w: float = 0.5, b: float = 0.0, x: float = 1.5,
                t: float = 1.0, lam: float = 0.1) -> dict[str, np.ndarray]:
    """Draw the regularised logistic neuron's graph for one example (x, t scalars).

    Returns
    -------
    dict of str to ndarray
        Every node's bar value dL/d node, each of shape ().
    """
    return _draw_titled(ax, neuron_graph(w, b, x, t, lam), "L", "wb")


def graph_explorer(which: str = "neuron") -> VBox | None:
    """Sliders for the inputs of ``"j"`` or ``"neuron"``, graph redrawn (None while grading)."""
    from .widgets import explorer_from, float_slider

    if which not in ("j", "neuron"):
        raise ValueError(f"which must be 'j' or 'neuron'; got {which!r}")
    margins = dict(left=0.1, right=0.1, bottom=0.1, top=0.35)  # no axes to label: a title
    if which == "j":
        controls = {name: float_slider(name, value, -5, 5, 0.5)
                    for name, value in (("a", 5.0), ("b", 3.0), ("c", 2.0))}
        return explorer_from(draw_j, controls, margins=margins, figsize=(9, 3.6), style=None)
    controls = {"w": float_slider("w", 0.5, -3, 3, 0.1), "b": float_slider("b", 0.0, -3, 3, 0.1),
                "x": float_slider("x", 1.5, -3, 3, 0.1), "t": float_slider("t", 1.0, 0, 1, 0.5),
                "lam": float_slider("lam", 0.1, 0, 1, 0.05)}
    return explorer_from(draw_neuron, controls, margins=margins, figsize=(10, 4.2), style=None)
