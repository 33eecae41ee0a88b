"""The autograd engine's backward pass: the time per node on a long graph and a short one.

``bplab.autograd.backward_pass`` visits each node once and adds each share once, so its
time per node should not grow with the graph. The row runs it on a chain of 20,000 nodes
and on one of 2,000 (each rule halves its gradient, as in a deep stack of scalings) and
compares the processor time per node. Memory caches serve the larger graph less well, so
a linear pass reads about 1.0x to 1.5x here; a pass that copied every gradient at every
node (quadratic) read about 7x.
"""

import time

from bplab import autograd
from bplab.course import references_unlocked

from .table import Row, meets
from .timing import log, median

__all__ = ["GOAL", "LONG", "SHORT", "chain_graph", "seconds_per_node", "run"]

GOAL = 2.0
"""The largest ratio of the time per node on the long chain to that on the short one."""
LONG, SHORT = 20_000, 2_000


def chain_graph(n):
    """A chain ``x0 -> x1 -> ... -> xn`` as plain data, each rule halving its gradient.

    Returns
    -------
    parents : dict of str to list of str
    rules : dict of str to callable
    root : str
    """
    parents = {"x0": [], **{f"x{i}": [f"x{i - 1}"] for i in range(1, n + 1)}}
    rules = {f"x{i}": (lambda g: (0.5 * g,)) for i in range(1, n + 1)}
    return parents, rules, f"x{n}"


def seconds_per_node(n, repeats):
    """The fastest of ``repeats`` backward passes over a chain of ``n`` nodes, per node
    (processor time of this thread: other processes do not count)."""
    parents, rules, root = chain_graph(n)
    times = []
    with references_unlocked():
        for _ in range(repeats):
            start = time.thread_time()
            grads = autograd.backward_pass(parents, root, rules, 1.0)
            times.append(time.thread_time() - start)
    if len(grads) != n + 1 or float(grads["x0"]) != 0.5 ** n:
        raise AssertionError(f"the backward pass over {n} nodes gave wrong gradients")
    return min(times) / (n + 1)


def run(quick=False, repeats=None):
    """One row: the time per node on the long chain over that on the short one."""
    repeats = repeats or (2 if quick else 5)
    long_n, short_n = (LONG // 10, SHORT // 10) if quick else (LONG, SHORT)
    log(f"engine: backward pass over {long_n:,} and {short_n:,} nodes")
    ratios, long_s, short_s = [], [], []
    for _ in range(repeats):
        long_s.append(seconds_per_node(long_n, 3))
        short_s.append(seconds_per_node(short_n, 9))
        ratios.append(long_s[-1] / short_s[-1])
    ratio = median(ratios)
    return [Row(f"autograd backward pass: time per node, {long_n:,} nodes vs {short_n:,}",
                f"{1e6 * median(long_s):.2f} us", f"{1e6 * median(short_s):.2f} us",
                ratio, "lower", f"<= {GOAL:.2f}x", meets(ratio, "lower", GOAL),
                samples={"long": long_s, "short": short_s})]
