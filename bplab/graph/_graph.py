"""Computational graphs: a forward pass and a backward pass in topological order.

A :class:`Graph` holds nodes in the order they were added; every node's parents must
already exist, so that order is topological. :meth:`Graph.forward` computes values from
first to last; :meth:`Graph.backward` computes every bar value
:math:`\\bar v = \\partial L / \\partial v` from last to first, each node passing
``bar(child) * d child / d parent`` to its parents, where contributions add up.

Values may be arrays (one entry per example); a parent that was broadcast receives the
sum of its contributions over the broadcast axes. The references of notebook 3 are
locked there (see :mod:`bplab.course`), and so is :meth:`Graph.backward`. Pictures of
graphs, and notebook 3's explorer, are in :mod:`bplab.explore.graph`; notebook 3's worked
examples are in ``_examples.py`` beside this module (both are :mod:`bplab.graph`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..activations import sigmoid
from ..course import reference
from ..validation import as_array

__all__ = ["Node", "Graph", "backprop"]

# kind: (forward(v, params) -> value, local(v, value, params) -> d node / d each parent),
# where v lists the parents' values.
_OPS = {
    "add": (lambda v, p: sum(k * x for k, x in zip(p.get("weights", (1.0,) * len(v)), v)),
            lambda v, out, p: tuple(p.get("weights", (1.0,) * len(v)))),
    "mul": (lambda v, p: v[0] * v[1], lambda v, out, p: (v[1], v[0])),
    "scale": (lambda v, p: p["c"] * v[0], lambda v, out, p: (p["c"],)),
    "linear": (lambda v, p: v[0] * v[1] + v[2], lambda v, out, p: (v[1], v[0], 1.0)),
    "sigmoid": (lambda v, p: sigmoid(v[0]), lambda v, out, p: (out * (1.0 - out),)),
    "half_sq": (lambda v, p: 0.5 * v[0] ** 2, lambda v, out, p: (v[0],)),
    "exp": (lambda v, p: np.exp(v[0]), lambda v, out, p: (out,)),
    "div": (lambda v, p: v[0] / v[1], lambda v, out, p: (1.0 / v[1], -out / v[1])),
    # The mean runs over the broadcast shape of (v - t), so each entry of that difference
    # carries 1/size; a parent smaller than t then receives the sum over the broadcast axes.
    "mean_half_sq_err": (lambda v, p: np.mean(0.5 * (v[0] - p["t"]) ** 2),
                         lambda v, out, p: (_mean_of_difference(v[0], p["t"]),)),
}


def _mean_of_difference(y, t):
    difference = np.asarray(y, dtype=np.float64) - np.asarray(t, dtype=np.float64)
    return difference / difference.size


@dataclass
class Node:
    """One node: an input, or an operation ``kind`` applied to its ``parents``."""

    name: str
    kind: str
    parents: tuple = ()
    params: dict = field(default_factory=dict)
    label: str = ""
    value: object = None


def _sum_to(g, shape):
    """Sum ``g`` over the axes along which a value of ``shape`` was broadcast."""
    g = np.asarray(g, dtype=np.float64)
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


def _backprop(order, parents, local, values=None):
    bar = {name: 0.0 for name in order}
    last = order[-1]
    bar[last] = np.ones_like(values[last]) if values is not None else 1.0
    for name in reversed(order):
        for parent, d in zip(parents[name], local[name]):
            contribution = bar[name] * d
            if values is not None:
                contribution = _sum_to(contribution, np.shape(values[parent]))
            bar[parent] += contribution  # several children: their shares add up
    return bar


@reference(3)
def backprop(order: list[str], parents: dict[str, tuple[str, ...]],
             local: dict[str, tuple[float, ...]]) -> dict[str, float]:
    """The backward pass: every bar value of a graph, visiting nodes in reverse order.

    Parameters
    ----------
    order : list of str
        Node names in topological order (parents first); the last is the output L.
    parents : dict of str to tuple of str
        Each node's parents (an empty tuple for an input).
    local : dict of str to tuple of float
        Each node's local derivatives ``d node / d parent``, in the order of its parents.

    Returns
    -------
    dict of str to float
        ``dL / d node`` for every node; 1 for L itself.

    Notes
    -----
    :math:`\\bar L = 1` and :math:`\\bar v_i = \\sum_{j \\in \\mathrm{children}(i)}
    \\bar v_j\\, \\partial v_j / \\partial v_i`: the multivariable chain rule, with ``+=``.

    Examples
    --------
    >>> bars = backprop(["a", "b", "s"], {"a": (), "b": (), "s": ("a", "b")},
    ...                 {"a": (), "b": (), "s": (2.0, 5.0)})
    >>> bars["a"], bars["b"], bars["s"]
    (2.0, 5.0, 1.0)
    """
    return _backprop(list(order), parents, local)


class Graph:
    """A computational graph built node by node, in topological order.

    Examples
    --------
    >>> g = Graph()
    >>> g.input("a", 2.0); g.input("b", 3.0)
    >>> g.op("p", "mul", "a", "b"); g.op("L", "add", "p", "a")
    >>> float(g.forward())
    8.0
    """

    def __init__(self) -> None:
        self.nodes = {}

    def _add(self, node):
        if node.name in self.nodes:
            raise ValueError(f"a node named {node.name!r} already exists")
        missing = [p for p in node.parents if p not in self.nodes]
        if missing:
            raise ValueError(f"node {node.name!r}: add its parents {missing} first "
                             "(nodes go in topological order)")
        self.nodes[node.name] = node

    def input(self, name: str, value: ArrayLike, label: str | None = None) -> None:
        """Add an input node holding ``value`` (a float or an array)."""
        self._add(Node(name, "input", label=label or name, value=as_array(value, name)))

    def op(self, name: str, kind: str, *parents: str, label: str | None = None,
           **params: Any) -> None:
        """Add the operation ``kind`` applied to ``parents`` (names of existing nodes).

        Kinds: ``add`` (optional ``weights``), ``mul``, ``scale`` (constant ``c``),
        ``linear`` (w x + b from parents w, x, b), ``sigmoid``, ``half_sq`` (v**2 / 2),
        ``exp``, ``div`` (first parent over second), ``mean_half_sq_err`` (mean of
        (v - t)**2 / 2, target ``t``).
        """
        if kind not in _OPS:
            raise ValueError(f"kind must be one of {sorted(_OPS)}; got {kind!r}")
        self._add(Node(name, kind, tuple(parents), params, label or name))

    @property
    def order(self) -> list[str]:
        """Node names, parents before children."""
        return list(self.nodes)

    @property
    def parents(self) -> dict[str, tuple[str, ...]]:
        """Each node's parents, as a dict of tuples."""
        return {name: node.parents for name, node in self.nodes.items()}

    def backprop_inputs(self) -> tuple[list[str], dict[str, tuple[str, ...]],
                                      dict[str, tuple[Any, ...]]]:
        """Fresh ``(order, parents, local)`` for :func:`backprop`, at the current values."""
        return list(self.order), dict(self.parents), self.local_derivatives()

    def forward(self) -> np.ndarray:
        """Compute every value from first to last; return the last node's value."""
        for node in self.nodes.values():
            if node.kind != "input":
                values = [self.nodes[p].value for p in node.parents]
                node.value = np.asarray(_OPS[node.kind][0](values, node.params), np.float64)
        return self.nodes[self.order[-1]].value

    def local_derivatives(self) -> dict[str, tuple[Any, ...]]:
        """Each node's ``d node / d parent`` at the current values (forward first)."""
        out = {}
        for name, node in self.nodes.items():
            if node.kind == "input":
                out[name] = ()
            else:
                values = [self.nodes[p].value for p in node.parents]
                out[name] = tuple(_OPS[node.kind][1](values, node.value, node.params))
        return out

    @reference(3)
    def backward(self) -> dict[str, np.ndarray]:
        """Every bar value ``dL / d node`` (L the last node), by one reverse pass.

        Returns
        -------
        dict of str to ndarray
            Each gradient has the shape of its node's value.
        """
        self.forward()
        values = {name: node.value for name, node in self.nodes.items()}
        return _backprop(self.order, self.parents, self.local_derivatives(), values)
