"""Small graphs for notebook 8, and the checks and mistakes that go with them.

Graphs are plain ``parents`` dicts, as in ``_graph.py`` beside this module. :func:`edge_rules`
gives a graph backward rules that multiply by a fixed number per edge, and
:func:`path_sums` the gradients they must produce, by the definition of the chain rule
(a sum over paths), independent of any order. :func:`naive_backward` is what goes wrong
without the order: a recursion from the output that pushes a node's gradient on each time
it is reached counts shared paths more than once. :func:`order_problem` says what is
wrong with a proposed topological order.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._graph import check_graph, topological_order
from ..course import references_unlocked

__all__ = ["EXAMPLES", "example_parents", "random_graph", "edge_rules", "path_sums",
           "naive_backward", "looks_naive", "order_problem"]

EXAMPLES = {
    "chain": {"L": ["c"], "c": ["b"], "b": ["a"], "a": []},
    "diamond": {"L": ["u", "v"], "u": ["h"], "v": ["h"], "h": ["x"], "x": []},
    "double_diamond": {"L": ["s"], "s": ["d", "e"], "d": ["c"], "e": ["c"], "c": ["a", "b"],
                       "a": ["x"], "b": ["x"], "x": []},
    "skip": {"L": ["c", "a"], "c": ["b"], "b": ["a"], "a": ["x", "w"], "x": [], "w": []},
}
"""Small graphs as ``parents`` dicts, each with the output ``"L"``: a chain; a diamond
(``h`` feeds two nodes that meet again); two diamonds in a row; a skip connection (``a``
feeds ``L`` directly and through ``b`` and ``c``)."""


def example_parents(name: str) -> dict:
    """A fresh copy of the graph ``name`` of :data:`EXAMPLES` (its output is ``"L"``).

    Examples
    --------
    >>> example_parents("diamond")["L"]
    ['u', 'v']
    """
    if name not in EXAMPLES:
        raise ValueError(f"name must be one of {sorted(EXAMPLES)}; got {name!r}")
    return {node: list(ps) for node, ps in EXAMPLES[name].items()}


def random_graph(seed: int, n: int = 8) -> dict:
    """A random graph of ``n`` nodes ``v0 .. v{n-1}``, each drawing up to 3 parents (repeats
    allowed) among the nodes before it; its output is the last one.

    Examples
    --------
    >>> parents = random_graph(0, 5)
    >>> list(parents)[-1], all(p < n for n, ps in parents.items() for p in ps)
    ('v4', True)
    """
    rng = np.random.default_rng(seed)
    parents = {"v0": []}
    for i in range(1, n):
        k = int(rng.integers(1, 4))
        parents[f"v{i}"] = [f"v{j}" for j in rng.integers(0, i, k)]
    return parents


def edge_rules(parents: dict, seed: int, shape: tuple[int, ...] = ()) -> tuple:
    """Backward rules that multiply by a fixed number (or array of ``shape``) per edge.

    Returns
    -------
    rules : dict of str to callable
        ``rules[name](g)`` is ``tuple(w * g for w in weights[name])``.
    weights : dict of str to list of ndarray
        One local derivative per entry of ``parents[name]``.

    Examples
    --------
    >>> rules, weights = edge_rules({"L": ["a", "a"], "a": []}, 0)
    >>> bool(np.allclose(rules["L"](1.0), weights["L"]))
    True
    """
    rng = np.random.default_rng(seed)
    weights = {name: [rng.uniform(-2, 2, shape) for _ in ps] for name, ps in parents.items()
               if ps}
    rules = {name: (lambda g, ws=ws: tuple(w * np.asarray(g) for w in ws))
             for name, ws in weights.items()}
    return rules, weights


def path_sums(parents: dict, root: str, weights: dict, root_grad: ArrayLike = 1.0) -> dict:
    """``dL/d node`` by the definition: a sum over every path of the product of its edges.

    Independent of any order, and exponential in the depth of the graph: a check for
    small graphs whose rules multiply by ``weights`` (:func:`edge_rules`).

    Examples
    --------
    >>> float(path_sums(example_parents("double_diamond"), "L",
    ...                 {n: [1.0] * len(ps) for n, ps in EXAMPLES["double_diamond"].items()})["x"])
    4.0
    """
    check_graph(parents, root)
    total = {}

    def walk(node, product):
        total[node] = total.get(node, 0.0) + product
        for parent, w in zip(parents[node], weights.get(node, ())):
            walk(parent, product * w)

    walk(root, np.asarray(root_grad, dtype=np.float64))
    return total


def naive_backward(parents: dict, root: str, rules: dict, root_grad: ArrayLike) -> tuple:
    """A recursion without a topological order, and how often it reaches each node.

    From ``root``, each call adds the node's rule's shares to its parents, then recurses
    into each parent at once. A node reached along two paths passes its gradient on
    twice, the second time including what it passed on the first time.

    Returns
    -------
    grads : dict of str to ndarray
        Wrong wherever a node has more than one consumer upstream of shared paths.
    visits : collections.Counter
        How many times the recursion entered each node.

    Examples
    --------
    >>> rules = {n: (lambda g: (g,) * 2) if n in ("s", "c") else (lambda g: (g,))
    ...          for n in ("L", "s", "d", "e", "c", "a", "b")}
    >>> grads, visits = naive_backward(example_parents("double_diamond"), "L", rules, 1.0)
    >>> visits["x"], visits["c"]
    (4, 2)
    """
    check_graph(parents, root)
    grads, visits = {root: np.asarray(root_grad, dtype=np.float64)}, Counter()

    def visit(name):
        visits[name] += 1
        shares = rules[name](grads[name]) if parents[name] else ()
        for parent, share in zip(parents[name], shares):
            grads[parent] = grads.get(parent, 0.0) + np.asarray(share, dtype=np.float64)
            visit(parent)

    visit(root)
    return grads, visits


def looks_naive(grads: Any, naive: dict, expected: dict) -> bool:
    """True when ``grads`` holds :func:`naive_backward`'s values where those are wrong.

    Parameters
    ----------
    grads : object
        A student's gradients, a dict of node name to value (anything else is not naive).
    naive, expected : dict of str to ndarray
        The naive recursion's gradients and the right ones, for the same graph and rules.

    Examples
    --------
    >>> looks_naive({"x": 8.0}, {"x": 8.0}, {"x": 4.0}), looks_naive({"x": 4.0}, {"x": 8.0},
    ...                                                              {"x": 4.0})
    (True, False)
    """
    wrong = [n for n in expected if not np.allclose(naive[n], expected[n], rtol=1e-9, atol=0)]
    if not wrong or not isinstance(grads, dict):
        return False
    try:
        return all(n in grads and np.allclose(np.asarray(grads[n], dtype=np.float64), naive[n],
                                              rtol=1e-9, atol=0) for n in wrong)
    except (TypeError, ValueError):
        return False


def order_problem(order: Any, parents: dict, root: str) -> str | None:
    """What is wrong with ``order`` as a topological order of ``root``'s graph, or None.

    Examples
    --------
    >>> order_problem(["x", "h", "u", "v", "L"], example_parents("diamond"), "L") is None
    True
    >>> order_problem(["L", "u", "v", "h", "x"], example_parents("diamond"), "L")
    "'L' comes before its parent 'u': a node must come after every node it was computed from."
    """
    if not isinstance(order, (list, tuple)):
        return f"the order should be a list of node names; got {type(order).__name__}"
    repeated = sorted(n for n, k in Counter(order).items() if k > 1)
    if repeated:
        return (f"{repeated[0]!r} appears {order.count(repeated[0])} times: each node must "
                "appear once (remember which nodes are done)")
    with references_unlocked():  # checking an answer needs the reference
        needed = set(topological_order(parents, root))
    missing, extra = sorted(needed - set(order)), sorted(set(order) - needed)
    if missing:
        return f"the order leaves out {missing}, which {root!r} depends on"
    if extra:
        return f"the order holds {extra}, which {root!r} does not depend on"
    position = {name: i for i, name in enumerate(order)}
    for name in order:
        for parent in parents[name]:
            if position[parent] > position[name]:
                return (f"{name!r} comes before its parent {parent!r}: a node must come "
                        "after every node it was computed from.")
    return None
