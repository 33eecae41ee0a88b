"""Notebook 3's worked examples as graphs, with their reference answers.

``J = 3(a + bc)`` (at a=5, b=3, c=2: J=33, dJ/da=3, dJ/db=6, dJ/dc=9); the logistic
neuron with an L2 regulariser, ``L = mean((sigmoid(w x + b) - t)**2 / 2) + lam w**2 / 2``,
where ``w`` feeds both the neuron and the regulariser, so its bar value is a sum; and the
graph of notebook 3's transfer exercise, ``L = e^(ab) / (e^(ab) + b)``, with an ``exp`` and a
division node, where ``b`` also has two children.
The reference answers are locked in notebook 3 (see :mod:`bplab.course`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..course import reference, references_unlocked
from ._graph import Graph
from ..validation import as_array, as_scalar, same_shape

__all__ = ["j_graph", "neuron_graph", "exp_div_graph", "forward_backward_j", "neuron_loss",
           "neuron_backward", "exp_div_backward"]


def j_graph(a: ArrayLike = 5.0, b: ArrayLike = 3.0, c: ArrayLike = 2.0) -> Graph:
    """The graph of J = 3(a + bc): u = bc, v = a + u, J = 3v; forward pass done.

    Examples
    --------
    >>> float(j_graph().forward())
    33.0
    """
    g = Graph()
    for name, value in (("a", a), ("b", b), ("c", c)):
        g.input(name, value)
    g.op("u", "mul", "b", "c", label="u = bc")
    g.op("v", "add", "a", "u", label="v = a + u")
    g.op("J", "scale", "v", c=3.0, label="J = 3v")
    g.forward()
    return g


def _neuron_args(w, b, x, t, lam):
    x, t = as_array(x, "x", ndim=(0, 1)), as_array(t, "t")
    same_shape(x, "x", t, "t")
    return (as_scalar(w, "w"), as_scalar(b, "b"), x, t, as_scalar(lam, "lam"))


def neuron_graph(w: float, b: float, x: ArrayLike, t: ArrayLike, lam: float) -> Graph:
    """Graph of the logistic neuron's regularised loss; forward pass done.

    z = w x + b, y_hat = sigma(z), E = mean of (y_hat - t)^2 / 2, R = w^2 / 2, L = E + lam R.
    """
    w, b, x, t, lam = _neuron_args(w, b, x, t, lam)
    g = Graph()
    g.input("w", w)
    g.input("b", b)
    g.input("x", x)
    g.op("z", "linear", "w", "x", "b", label="z = wx + b")
    g.op("R", "half_sq", "w", label="R = w²/2")
    g.op("y_hat", "sigmoid", "z", label="ŷ = σ(z)")
    g.op("E", "mean_half_sq_err", "y_hat", t=t, label="E = (ŷ - t)²/2" if x.ndim == 0
         else "E = mean (ŷ - t)²/2")
    g.op("L", "add", "E", "R", weights=(1.0, lam), label="L = E + λR")
    g.forward()
    return g


def exp_div_graph(a: float, b: float) -> Graph:
    """Graph of ``L = q / r`` with ``p = ab``, ``q = e^p``, ``r = q + b``; forward pass done.

    Examples
    --------
    >>> round(float(exp_div_graph(0.0, 1.0).forward()), 6)
    0.5
    """
    g = Graph()
    g.input("a", as_array(a, "a"))
    g.input("b", as_array(b, "b"))
    g.op("p", "mul", "a", "b", label="p = ab")
    g.op("q", "exp", "p", label="q = exp(p)")
    g.op("r", "add", "q", "b", label="r = q + b")
    g.op("L", "div", "q", "r", label="L = q / r")
    g.forward()
    return g


@reference(3)
def exp_div_backward(a: float, b: float) -> tuple[float, float, float]:
    r"""``L = e^(ab) / (e^(ab) + b)`` and its two partial derivatives, by backprop.

    Parameters
    ----------
    a, b : float

    Returns
    -------
    L, dL_da, dL_db : float

    Notes
    -----
    :math:`\bar q = 1/r + \bar r`, :math:`\bar r = -q/r^2`, :math:`\bar p = \bar q\, q`,
    :math:`\bar a = \bar p\, b`, :math:`\bar b = \bar p\, a + \bar r`: ``b`` has two
    children, ``p`` and ``r``, and ``q`` has two, ``r`` and ``L``.

    Examples
    --------
    >>> [round(v, 6) for v in exp_div_backward(0.0, 1.0)]
    [0.5, 0.25, -0.25]
    """
    with references_unlocked():
        g = exp_div_graph(as_scalar(a, "a"), as_scalar(b, "b"))
        bars = g.backward()
    return float(g.nodes["L"].value), float(bars["a"]), float(bars["b"])


@reference(3)
def forward_backward_j(a: ArrayLike, b: ArrayLike,
                       c: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """J = 3(a + bc) and its three partial derivatives, elementwise.

    Returns
    -------
    J, dJ_da, dJ_db, dJ_dc : ndarray of the broadcast shape of a, b, c
        ``3(a + bc)``, ``3``, ``3c`` and ``3b``.

    Examples
    --------
    >>> [float(v) for v in forward_backward_j(5.0, 3.0, 2.0)]
    [33.0, 3.0, 6.0, 9.0]
    """
    a, b, c = np.broadcast_arrays(as_array(a, "a"), as_array(b, "b"), as_array(c, "c"))
    return 3.0 * (a + b * c), np.full(a.shape, 3.0), 3.0 * c, 3.0 * b


@reference(3)
def neuron_loss(w: float, b: float, x: ArrayLike, t: ArrayLike, lam: float) -> float:
    """Mean half squared error of a logistic neuron, plus the L2 regulariser once.

    Parameters
    ----------
    w, b : float
    x, t : float or ndarray of shape (N,)
    lam : float

    Returns
    -------
    float
        :math:`\\frac{1}{N}\\sum_n \\tfrac12(\\sigma(w x_n + b) - t_n)^2 + \\tfrac{\\lambda}{2} w^2`.

    Examples
    --------
    >>> round(neuron_loss(0.0, 0.0, 1.0, 1.0, 0.0), 6)
    0.125
    """
    return float(neuron_graph(w, b, x, t, lam).forward())


@reference(3)
def neuron_backward(w: float, b: float, x: ArrayLike, t: ArrayLike,
                    lam: float) -> tuple[float, float]:
    """dL/dw and dL/db of :func:`neuron_loss`, by backprop.

    Returns
    -------
    dL_dw, dL_db : float

    Notes
    -----
    :math:`\\bar{\\hat y} = (\\hat y - t)/N`, :math:`\\bar z = \\bar{\\hat y}\\,\\sigma'(z)`,
    :math:`\\bar w = \\sum_n \\bar z_n x_n + \\lambda w`, :math:`\\bar b = \\sum_n \\bar z_n`.

    Examples
    --------
    >>> neuron_backward(0.0, 0.0, 1.0, 1.0, 0.5)
    (-0.125, -0.125)
    """
    with references_unlocked():
        bars = neuron_graph(w, b, x, t, lam).backward()
    return float(bars["w"]), float(bars["b"])

