"""The backward pass of an autograd engine on a plain graph: order, then accumulate.

A graph is described by plain data: ``parents[name]`` lists the nodes a node was computed
from (an input has none; a node used twice by one operation is listed twice), and
``rules[name](grad)`` is the node's backward rule bound to its forward values: given
``dL/d node`` it returns one gradient per parent, in the order of ``parents[name]``.

:func:`topological_order` lists the ancestors of the output with every node after its
parents; :func:`backward_pass` walks that list backwards, so that a node passes its
gradient on only once every consumer has added its share (``+=``). :func:`naive_backward`
is what goes wrong without the order: a recursion from the output that pushes a node's
gradient on each time it is reached counts shared paths more than once.
The references of notebook 8 are locked there (see :mod:`bplab.course`).
"""

from collections import Counter

import numpy as np

from .course import reference

__all__ = ["EXAMPLES", "example_parents", "topological_order", "backward_steps",
           "backward_pass", "naive_backward", "order_problem"]

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


def _check_graph(parents, root):
    if not isinstance(parents, dict):
        raise TypeError(f"parents must be a dict of node name to list of names; "
                        f"got {type(parents).__name__}")
    if root not in parents:
        raise KeyError(f"root {root!r} is not a node of the graph (a key of parents)")
    unknown = sorted({p for ps in parents.values() for p in ps if p not in parents})
    if unknown:
        raise KeyError(f"parents names nodes that are not keys of parents: {unknown}")


def _order(parents, root):
    order, done, on_path = [], set(), set()
    stack = [(root, iter(parents[root]))]
    on_path.add(root)
    while stack:
        node, todo = stack[-1]
        parent = next(todo, None)
        if parent is None:
            stack.pop()
            on_path.discard(node)
            done.add(node)
            order.append(node)  # after every parent: post-order
        elif parent in on_path:
            raise ValueError(f"the graph has a cycle through {parent!r}")
        elif parent not in done:
            on_path.add(parent)
            stack.append((parent, iter(parents[parent])))
    return order


@reference(8)
def topological_order(parents: dict, root: str) -> list:
    """The ancestors of ``root`` (and ``root``), each once, every node after its parents.

    Parameters
    ----------
    parents : dict of str to list of str
    root : str
        The output node.

    Returns
    -------
    list of str
        Ends with ``root``; nodes ``root`` does not depend on are left out.

    Notes
    -----
    A depth-first search from ``root`` that appends a node once all its parents are
    appended (post-order), with a set of finished nodes so that each is visited once.

    Examples
    --------
    >>> topological_order(example_parents("diamond"), "L")
    ['x', 'h', 'u', 'v', 'L']
    """
    _check_graph(parents, root)
    return _order(parents, root)


def backward_steps(parents: dict, root: str, rules: dict, root_grad):
    """The backward pass one node at a time, for pictures of it.

    Yields
    ------
    name : str
        The node whose gradient is complete and is now passed to its parents.
    grads : dict of str to ndarray
        Every gradient so far (a copy), after ``name`` passed its share on.

    Examples
    --------
    >>> rules = {"L": lambda g: (2 * g,), "a": lambda g: ()}
    >>> [(name, float(grads["a"])) for name, grads in
    ...  backward_steps({"L": ["a"], "a": []}, "L", rules, 1.0) if "a" in grads]
    [('L', 2.0), ('a', 2.0)]
    """
    _check_graph(parents, root)
    grads = {root: np.asarray(root_grad, dtype=np.float64)}
    for name in reversed(_order(parents, root)):
        shares = rules[name](grads[name]) if parents[name] else ()
        if len(shares) != len(parents[name]):
            raise ValueError(f"the rule of {name!r} returned {len(shares)} gradients for "
                             f"{len(parents[name])} parents")
        for parent, share in zip(parents[name], shares):
            grads[parent] = grads.get(parent, 0.0) + np.asarray(share, dtype=np.float64)
        yield name, dict(grads)


@reference(8)
def backward_pass(parents: dict, root: str, rules: dict, root_grad) -> dict:
    """Gradient of ``root`` with respect to every node it depends on.

    Parameters
    ----------
    parents : dict of str to list of str
    root : str
    rules : dict of str to callable
        ``rules[name](grad) -> tuple`` of one gradient per parent (inputs need no rule).
    root_grad : float or ndarray of the shape of root
        ``dL/d root``; 1.0 when ``root`` is the loss itself.

    Returns
    -------
    dict of str to ndarray
        ``dL/d node`` for ``root`` and each of its ancestors.

    Notes
    -----
    Nodes are visited in reverse :func:`topological_order`; each adds its rule's shares to
    its parents' gradients (``+=``), so a node used several times collects every share
    before its own turn comes.

    Examples
    --------
    >>> rules = {"L": lambda g: (g, 3 * g), "a": lambda g: (2 * g,)}
    >>> grads = backward_pass({"L": ["a", "x"], "a": ["x"], "x": []}, "L", rules, 1.0)
    >>> float(grads["x"])
    5.0
    """
    grads = {}
    for _, grads in backward_steps(parents, root, rules, root_grad):
        pass
    return grads


def naive_backward(parents: dict, root: str, rules: dict, root_grad) -> tuple:
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
    _check_graph(parents, root)
    grads, visits = {root: np.asarray(root_grad, dtype=np.float64)}, Counter()

    def visit(name):
        visits[name] += 1
        shares = rules[name](grads[name]) if parents[name] else ()
        for parent, share in zip(parents[name], shares):
            grads[parent] = grads.get(parent, 0.0) + np.asarray(share, dtype=np.float64)
            visit(parent)

    visit(root)
    return grads, visits


def order_problem(order, parents: dict, root: str):
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
    needed = set(_order(parents, root))
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
