"""The backward pass of notebook 8's engine, one node at a time, drawn on its graph.

:func:`expression` builds a few small expressions with :class:`bplab.autograd.Tensor`;
:func:`draw_step` draws one of them after ``step`` nodes of the backward pass: each node
with its value and its gradient so far, the node being processed and the edges to its
parents highlighted. A node used twice shows a partial gradient after its first consumer
and the complete one after its last. Gradients are computed with the references
unlocked, so the pictures work in notebook 8, where they are locked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..autograd import Tensor, backward_steps, graph_of, topological_order
from ..course import grading, references_unlocked

if TYPE_CHECKING:
    from ipywidgets import VBox
    from matplotlib.axes import Axes

__all__ = ["EXPRESSIONS", "expression", "steps_of", "positions", "draw_step", "backward_explorer"]

EXPRESSIONS = ("two diamonds", "shared hidden layer", "2-2-1 network")


def _named(tensor, name):
    tensor.name = name
    return tensor


def expression(which: str = "two diamonds") -> Tensor:
    """The output Tensor of one of :data:`EXPRESSIONS`, its graph recorded.

    ``"two diamonds"``: x -> a = tanh x, b = sigmoid x -> c = a + b -> d = tanh c,
    e = sigmoid c -> s = d + e -> L = mean(s), the graph of
    ``bplab.autograd.EXAMPLES["double_diamond"]``. ``"shared hidden layer"``:
    H = X W feeds both tanh(H) and sigmoid(H). ``"2-2-1 network"``: notebook 4's network
    on one example (a row ``x``, lower-case names), its loss the half squared error
    ``1/2 (y_hat - t)**2``.

    Examples
    --------
    >>> L = expression("two diamonds")
    >>> sorted(graph_of(L)[1]["c"])
    ['a', 'b']
    """
    if which == "two diamonds":
        x = Tensor(np.array(0.5), "x")
        c = _named(_named(x.tanh(), "a") + _named(x.sigmoid(), "b"), "c")
        s = _named(_named(c.tanh(), "d") + _named(c.sigmoid(), "e"), "s")
        return _named(s.mean(), "L")
    if which == "shared hidden layer":
        X = Tensor(np.array([[0.5, -1.0], [1.5, 0.25], [-0.3, 0.8]]), "X")
        H = _named(X @ Tensor(np.array([[0.8, -0.4], [0.3, 0.9]]), "W"), "H")
        S = _named(_named(H.tanh(), "U") + _named(H.sigmoid(), "V"), "S")
        return _named(S.mean(), "L")
    if which == "2-2-1 network":
        p = {"W1": np.array([[0.5, -1.0], [1.5, 0.25]]), "b1": np.array([0.1, -0.2]),
             "W2": np.array([[1.0, -0.75]]), "b2": np.array([0.05])}
        t = {k: Tensor(v, k) for k, v in p.items()}
        x = Tensor(np.array([[0.8, -0.5]]), "x")
        z1 = _named(_named(x @ _named(t["W1"].T, "W1ᵀ"), "xW1ᵀ") + t["b1"], "z1")
        a1 = _named(z1.tanh(), "a1")
        z2 = _named(_named(a1 @ _named(t["W2"].T, "W2ᵀ"), "a1W2ᵀ") + t["b2"], "z2")
        return _named(_named(z2.tanh(), "y_hat").half_mse(np.array([[0.5]])), "L")
    raise ValueError(f"which must be one of {EXPRESSIONS}; got {which!r}")


def steps_of(root: Tensor) -> tuple:
    """Everything a picture of the backward pass needs, as plain data.

    Returns
    -------
    nodes : dict of str to Tensor
    parents : dict of str to list of str
    order : list of str
        Topological order; the backward pass visits it from the end.
    snapshots : list of dict
        ``snapshots[k]`` holds every gradient after ``k`` nodes were processed
        (``snapshots[0]`` only the output's, 1).

    Examples
    --------
    >>> nodes, parents, order, snapshots = steps_of(expression("two diamonds"))
    >>> len(snapshots) == len(order) + 1, sorted(snapshots[1])
    (True, ['L', 's'])
    """
    nodes, parents, rules = graph_of(root)
    with references_unlocked():
        order = topological_order(parents, root.name)
        snapshots = [{root.name: np.ones_like(root.data)}]
        snapshots += [grads for _, grads in backward_steps(parents, root.name, rules,
                                                           np.ones_like(root.data))]
    return nodes, parents, order, snapshots


def positions(order: list, parents: dict) -> dict:
    """Where each node goes: one column per step from the inputs, each node (inputs too)
    in the column just left of its first consumer, a column's operations above its inputs.

    Examples
    --------
    >>> pos = positions(["x", "w", "p", "L"], {"x": [], "w": [], "p": ["x"], "L": ["p", "w"]})
    >>> pos["x"], pos["w"], pos["L"]
    ((0, 0.0), (1, -0.5), (2, 0.0))
    """
    column, children = {}, {name: [] for name in order}
    for name in order:
        column[name] = 1 + max((column[p] for p in parents[name]), default=-1)
        for parent in parents[name]:
            children[parent].append(name)
    for name in reversed(order):
        if children[name]:
            column[name] = min(column[child] for child in children[name]) - 1
    pos = {}
    for c in sorted(set(column.values())):
        members = sorted((name for name in order if column[name] == c),
                         key=lambda name: not parents[name])  # stable: operations first
        pos.update({name: (c, (len(members) - 1) / 2 - i) for i, name in enumerate(members)})
    return pos


def _text(value):
    value = np.asarray(value)
    if value.size == 1:
        return f"{value.item():.3g}"
    if value.size <= 2:
        return "[" + " ".join(f"{float(v):.2g}" for v in value.ravel()) + "]"
    return f"{value.shape}, |·| {np.linalg.norm(value):.2g}"


def draw_step(ax: Axes | np.ndarray, which: str = "two diamonds", step: int = 0) -> dict:
    """Draw ``which`` after ``step`` nodes of its backward pass; return the gradients so far.

    Parameters
    ----------
    ax : matplotlib Axes
    which : str
        One of :data:`EXPRESSIONS`.
    step : int
        0 (only the output's gradient is known) to the number of nodes; clipped.

    Returns
    -------
    dict of str to ndarray

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> sorted(draw_step(ax, "two diamonds", 3))
    ['L', 'c', 'd', 'e', 's']
    >>> plt.close(fig)
    """
    from matplotlib.patches import FancyArrowPatch

    from .plotting import set_title

    nodes, parents, order, snapshots = steps_of(expression(which))
    step = int(np.clip(step, 0, len(order)))
    grads, visited = snapshots[step], order[::-1][:step]
    current = visited[-1] if visited else None
    pos = positions(order, parents)
    for name in order:
        for parent in dict.fromkeys(parents[name]):
            (x0, y0), (x1, y1) = pos[parent], pos[name]
            hot = name == current
            ax.add_patch(FancyArrowPatch((x0 + 0.3, y0), (x1 - 0.3, y1), arrowstyle="->",
                                         color="C3" if hot else "0.6", lw=2 if hot else 1,
                                         mutation_scale=10))
    consumers = {name: [n for n in order if name in parents[n]] for name in order}
    for name in order:
        if name == current or name in visited:
            colour = "C3" if name == current else "C2"
        elif name in grads:  # complete once every consumer has passed its share
            colour = "C0" if set(consumers[name]) <= set(visited) else "C1"
        else:
            colour = "white"
        grad = _text(grads[name]) if name in grads else "?"
        ax.text(*pos[name], f"{name} ({nodes[name].op})\n= {_text(nodes[name].data)}\n"
                f"grad {grad}", ha="center", va="center", fontsize=7.5,
                bbox=dict(boxstyle="round", fc=colour, alpha=0.3 if colour != "white" else 1))
    columns = max(x for x, _ in pos.values())
    height = max(abs(y) for _, y in pos.values()) + 0.5
    ax.set(xlim=(-0.6, columns + 0.6), ylim=(-height - 0.3, height + 0.3))
    ax.axis("off")
    if current is None:
        title = f"step 0 of {len(order)}: the output's gradient is 1; nothing passed on yet"
    else:
        title = (f"step {step} of {len(order)}: {current} is complete"
                 + (f" and passes its gradient to {', '.join(dict.fromkeys(parents[current]))}"
                    if parents[current] else " (an input)"))
    set_title(ax, title + "\nred: now; green: done; blue: complete, waiting; orange: partial, "
              "a consumer has yet to pass its share",
              fontsize=9)
    return grads


def backward_explorer() -> VBox | None:
    """An expression menu and a step slider over :func:`draw_step` (None while grading)."""
    from .widgets import choice, explorer_from, int_slider

    if grading():
        return None  # the longest backward pass is not worth computing then
    longest = max(len(steps_of(expression(which))[2]) for which in EXPRESSIONS)
    controls = {"which": choice("expression", EXPRESSIONS, EXPRESSIONS[0]),
                "step": int_slider("step", 0, 0, longest)}
    return explorer_from(draw_step, controls, figsize=(11, 4.6), style=None,
                         margins=dict(left=0.1, right=0.1, bottom=0.1, top=0.55))
