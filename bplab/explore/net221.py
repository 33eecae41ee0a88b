"""The network diagram of notebook 4, and its explorer: weights and input in, values and
gradients drawn on the nodes and edges.

The explorer runs *your* ``forward`` and ``backward`` (it is given them), so it shows
your numbers; until they are written it draws the weights alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from ..net221 import CACHE_KEYS, PARAM_SHAPES
from ..validation import as_array, as_scalar

if TYPE_CHECKING:
    from ipywidgets import VBox
    from matplotlib.axes import Axes

__all__ = ["NODES", "network_values", "draw_network", "network_explorer"]

NODES = {"x1": (0.0, 0.6), "x2": (0.0, -0.6), "h1": (1.0, 0.6), "h2": (1.0, -0.6),
         "out": (2.0, 0.0), "L": (2.8, 0.0)}
"""Where each node sits on the diagram (data coordinates)."""

_RADIUS = 0.17
_SUB = "\u2080\u2081\u2082"  # subscript digits: plain text draws far faster than mathtext


def network_values(x: ArrayLike, t: float, params: dict[str, ArrayLike],
                   forward: Callable[..., Any], backward: Callable[..., Any],
                   ) -> tuple[dict[str, np.ndarray] | None, dict[str, np.ndarray] | None, str]:
    """Run ``forward`` and ``backward`` safely for the diagram.

    Parameters
    ----------
    x : ndarray of shape (2,)
    t : float
    params : dict
        ``W1`` (2, 2), ``b1`` (2,), ``W2`` (1, 2), ``b2`` (1,).
    forward, backward : callable
        ``forward(x, params) -> cache`` and ``backward(x, t, params, cache) -> grads``.

    Returns
    -------
    cache : dict or None
        None when ``forward`` is not written yet or returns something unusable.
    grads : dict or None
        Likewise for ``backward``.
    note : str
        Empty, or what could not be drawn and why.

    Examples
    --------
    >>> def not_yet(*args):
    ...     raise NotImplementedError()
    >>> params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.ones((1, 2)), "b2": np.zeros(1)}
    >>> network_values(np.zeros(2), 0.0, params, not_yet, not_yet)[2]
    'forward is not written yet: only the weights are drawn.'
    """
    from ..checks import call

    try:
        cache = call("forward", forward, x, params)
        cache = {key: as_array(cache[key], key).reshape(-1) for key in CACHE_KEYS}
    except NotImplementedError:
        return None, None, "forward is not written yet: only the weights are drawn."
    except Exception as error:  # a student's forward that fails is drawn as missing
        if "not written yet" in str(error):
            return None, None, "forward is not written yet: only the weights are drawn."
        return None, None, f"forward failed ({type(error).__name__}): only the weights are drawn."
    try:
        grads = call("backward", backward, x, t, params, cache)
        grads = {key: as_array(grads[key], key, shape=shape) for key, shape in PARAM_SHAPES.items()}
    except Exception as error:
        words = "is not written yet" if "not written yet" in str(error) else "failed"
        return cache, None, f"backward {words}: gradients are not drawn."
    return cache, grads, ""


def _edge(ax, start, end, weight, grad, where):
    (x0, y0), (x1, y1) = NODES[start], NODES[end]
    colour = "0.6" if grad is None else ("C3" if grad > 0 else "C0")
    ax.plot([x0, x1], [y0, y1], color=colour, lw=0.8 + 2.2 * min(abs(weight), 2.0), zorder=1)
    label = f"w {weight:+.2f}" + ("" if grad is None else f"\ng {grad:+.3f}")
    px, py = x0 + where * (x1 - x0), y0 + where * (y1 - y0)
    ax.text(px, py, label, ha="center", va="center", fontsize=7.5, zorder=3,
            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))


def _node(ax, name, title, lines):
    from matplotlib.patches import Circle

    cx, cy = NODES[name]
    ax.add_patch(Circle((cx, cy), _RADIUS, fc="#f4f4f4", ec="k", lw=1.2, zorder=2))
    ax.text(cx, cy, title, ha="center", va="center", fontsize=10, zorder=4)
    if lines:
        ax.text(cx, cy - _RADIUS - 0.05, "\n".join(lines), ha="center", va="top", fontsize=7.5,
                zorder=4)


def draw_network(x: ArrayLike, t: float, params: dict[str, ArrayLike],
                 cache: dict[str, ArrayLike] | None = None,
                 grads: dict[str, ArrayLike] | None = None, ax: Axes | None = None,
                 note: str = "") -> Axes:
    """Draw the 2-2-1 network with each node's value and each edge's weight and gradient.

    Parameters
    ----------
    x, t : ndarray of shape (2,) and float
        The input and the target, drawn at the input nodes and the loss node.
    params : dict of ``W1`` (2, 2), ``b1`` (2,), ``W2`` (1, 2), ``b2`` (1,)
        The weights on the edges and the biases under the nodes.
    cache : dict, optional
        The intermediates ``z1``, ``a1``, ``z2``, ``y_hat``; drawn under the nodes.
    grads : dict, optional
        ``W1``, ``b1``, ``W2``, ``b2`` gradients; ``g`` on each edge, ``db`` under each node.
        An edge is red where its gradient is positive (a descent step lowers that weight),
        blue where it is negative, grey without gradients; thicker for a larger weight.
    ax : matplotlib Axes, optional
    note : str
        A line of text for the bottom of the figure.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.ones((1, 2)), "b2": np.zeros(1)}
    >>> ax = draw_network(np.array([1.0, -1.0]), 0.5, params)
    >>> len(ax.patches)
    6
    """
    from .plotting import new_axes, set_title

    x = as_array(x, "x", shape=(2,))
    t = as_scalar(t, "t")
    p = {key: as_array(params[key], key, shape=shape) for key, shape in PARAM_SHAPES.items()}
    ax = new_axes(ax, figsize=(8, 4.2))
    g = grads or {}
    for j in range(2):
        for i in range(2):
            where = 0.5 if i == j else 0.27
            _edge(ax, f"x{i + 1}", f"h{j + 1}", p["W1"][j, i],
                  g["W1"][j, i] if "W1" in g else None, where)
        _edge(ax, f"h{j + 1}", "out", p["W2"][0, j], g["W2"][0, j] if "W2" in g else None, 0.5)
    ax.plot([NODES["out"][0], NODES["L"][0]], [0.0, 0.0], color="k", lw=0.8, zorder=1)
    for i in range(2):
        _node(ax, f"x{i + 1}", f"x{_SUB[i + 1]}", [f"{x[i]:+.3f}"])
    for j in range(2):
        lines = [f"b {p['b1'][j]:+.2f}"]
        if cache is not None:
            lines += [f"z1 {cache['z1'][j]:+.3f}", f"a1 {cache['a1'][j]:+.3f}"]
        if "b1" in g:
            lines.append(f"db {g['b1'][j]:+.3f}")
        _node(ax, f"h{j + 1}", f"tanh\nh{_SUB[j + 1]}", lines)
    lines = [f"b {p['b2'][0]:+.2f}"]
    if cache is not None:
        lines += [f"z2 {cache['z2'][0]:+.3f}", f"y_hat {cache['y_hat'][0]:+.3f}"]
    if "b2" in g:
        lines.append(f"db {g['b2'][0]:+.3f}")
    _node(ax, "out", "tanh\n\u0177", lines)
    lines = [f"t {t:+.2f}"]
    if cache is not None:
        lines.append(f"L {0.5 * float(np.sum((cache['y_hat'] - t) ** 2)):.4f}")
    _node(ax, "L", "L", lines)
    ax.set(xlim=(-0.35, 3.15), ylim=(-1.45, 1.0), aspect="equal")
    ax.axis("off")
    set_title(ax, "2-2-1 tanh network: w = weight, g = dL/dw (red > 0, blue < 0)", fontsize=10)
    if note:
        ax.text(1.4, -1.42, note, ha="center", va="bottom", fontsize=8.5, color="C3")
    return ax


def network_explorer(forward: Callable[..., Any],
                     backward: Callable[..., Any]) -> VBox | None:
    """Sliders for the six weights, the input and the target; the diagram redrawn.

    Parameters
    ----------
    forward, backward : callable
        Yours: ``forward(x, params) -> cache``, ``backward(x, t, params, cache) -> grads``.
        Biases are zero here, as in the lecture notes' network.

    Returns
    -------
    ipywidgets.VBox or None
        None while grading.
    """
    from .widgets import explorer_from, float_slider

    start = {"W1_00": 0.5, "W1_01": -1.0, "W1_10": 1.5, "W1_11": 0.25, "W2_00": 1.0,
             "W2_01": -0.75, "x1": 1.0, "x2": -0.5, "t": 0.5}
    controls = {
        name: float_slider(f"{name[:2]}[{name[3]},{name[4]}]" if "_" in name else name, value,
                           -1.0 if name == "t" else -2.0, 1.0 if name == "t" else 2.0, 0.05,
                           layout={"width": "250px"})
        for name, value in start.items()}

    def draw(ax, W1_00, W1_01, W1_10, W1_11, W2_00, W2_01, x1, x2, t):
        params = {"W1": np.array([[W1_00, W1_01], [W1_10, W1_11]]), "b1": np.zeros(2),
                  "W2": np.array([[W2_00, W2_01]]), "b2": np.zeros(1)}
        x = np.array([x1, x2])
        cache, grads, note = network_values(x, t, params, forward, backward)
        draw_network(x, t, params, cache, grads, ax=ax, note=note)

    box = explorer_from(draw, controls, figsize=(8.5, 4.4), style={"description_width": "55px"},
                        margins=dict(left=0.1, right=0.1, bottom=0.1, top=0.35))
    if box is not None:
        box.children[0].layout.flex_flow = "row wrap"  # nine sliders: several rows
    return box
