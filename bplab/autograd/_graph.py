"""The backward pass of an autograd engine on a plain graph: order, then accumulate.

A graph is described by plain data: ``parents[name]`` lists the nodes a node was computed
from (an input has none; a node used twice by one operation is listed twice), and
``rules[name](grad)`` is the node's backward rule bound to its forward values: given
``dL/d node`` it returns one gradient per parent, in the order of ``parents[name]``.

:func:`topological_order` lists the ancestors of the output with every node after its
parents; :func:`backward_pass` walks that list backwards, so that a node passes its
gradient on only once every consumer has added its share (``+=``). Example graphs, and
what goes wrong without the order, are in ``_examples.py`` beside this module. The references
of notebook 8 are locked there (see :mod:`bplab.course`).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import ArrayLike

from ..course import reference

__all__ = ["check_graph", "topological_order", "backward_steps", "backward_pass"]


def check_graph(parents: dict, root: str) -> None:
    """Raise a clear error unless ``parents`` is a graph (a dict of name to parent names)
    that holds ``root`` and every parent it names."""
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
    >>> topological_order({"L": ["u", "v"], "u": ["h"], "v": ["h"], "h": ["x"], "x": []}, "L")
    ['x', 'h', 'u', 'v', 'L']
    """
    check_graph(parents, root)
    return _order(parents, root)


def backward_steps(parents: dict, root: str, rules: dict,
                   root_grad: ArrayLike) -> Iterator[tuple]:
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
    check_graph(parents, root)
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
def backward_pass(parents: dict, root: str, rules: dict, root_grad: ArrayLike) -> dict:
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
