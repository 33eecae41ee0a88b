"""A small reverse-mode autograd engine on NumPy arrays: notebook 8's reference.

A :class:`Tensor` holds an array, the tensors it was computed from, and a backward rule
(see :mod:`bplab.autograd`) bound to its forward values; every
operation writes its forward and its backward side by side. :meth:`Tensor.backward` hands the recorded graph, as plain
data, to :func:`bplab.autograd.backward_pass`::

    W = Tensor(params["W1"], "W1")
    L = (X @ W.T + b).tanh().half_mse(t)
    L.backward()          # W.grad is dL/dW1, the shape of W1

:func:`grads_221` and :func:`grads_mlp` run notebook 4's and notebook 5's networks through
the engine, with the course's losses (the half squared error, or binary cross-entropy);
they return the same gradients as :func:`bplab.net221.backward` and
:func:`bplab.mlp.backward`, to rounding.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike

from . import _rules as rules
from . import _losses as loss_rules
from ..activations import sigmoid
from ..course import reference, references_unlocked
from ..losses import bce
from ..validation import as_array

__all__ = ["Tensor", "graph_of", "grads_221", "grads_mlp"]

_names = itertools.count(1)


class Tensor:
    """An array that remembers how it was made.

    Parameters
    ----------
    data : array_like
    name : str, optional
        Defaults to the operation and a counter, such as ``"tanh7"``.

    Examples
    --------
    >>> x = Tensor(np.array([[1.0, 2.0]]), "x")
    >>> L = (x @ Tensor(np.ones((2, 1)), "w")).tanh().mean()
    >>> L.backward()
    >>> x.grad.round(4)
    array([[0.0099, 0.0099]])
    """

    def __init__(self, data: ArrayLike, name: str | None = None, parents: Iterable[Tensor] = (),
                 op: str = "input") -> None:
        self.data = as_array(data, name or "data")
        self.grad = np.zeros_like(self.data)
        self.parents, self.op = tuple(parents), op
        self.name = name or f"{op}{next(_names)}"
        self.rule = None  # rule(grad of self) -> tuple of grads of the parents

    def __repr__(self):
        return f"Tensor({self.name}, shape {self.data.shape})"

    def _make(self, data, parents, op, rule):
        out = Tensor(data, parents=parents, op=op)
        out.rule = rule
        return out

    def __matmul__(self, other):
        return self._make(self.data @ other.data, (self, other), "matmul",
                          lambda g: rules.matmul_backward(g, self.data, other.data))

    def __add__(self, other):
        return self._make(self.data + other.data, (self, other), "add",
                          lambda g: rules.add_backward(g, self.data.shape, other.data.shape))

    def __truediv__(self, other):
        return self._make(self.data / other.data, (self, other), "div",
                          lambda g: rules.div_backward(g, self.data, other.data))

    @property
    def T(self) -> Tensor:
        return self._make(self.data.T, (self,), "transpose", lambda g: (g.T,))

    def tanh(self) -> Tensor:
        out = self._make(np.tanh(self.data), (self,), "tanh",
                         lambda g: (rules.tanh_backward(g, out.data),))
        return out

    def sigmoid(self) -> Tensor:
        out = self._make(sigmoid(self.data), (self,), "sigmoid",
                         lambda g: (rules.sigmoid_backward(g, out.data),))
        return out

    def relu(self) -> Tensor:
        out = self._make(np.maximum(self.data, 0.0), (self,), "relu",
                         lambda g: (rules.relu_backward(g, out.data),))
        return out

    def mean(self) -> Tensor:
        return self._make(self.data.mean(), (self,), "mean",
                          lambda g: (loss_rules.mean_backward(g, self.data.shape),))

    def half_mse(self, t: ArrayLike) -> Tensor:
        """Half squared error against the target array ``t``: half the sum over outputs,
        mean over rows (:func:`bplab.autograd.half_mse`)."""
        return self._make(loss_rules.half_mse(self.data, t), (self,), "half_mse",
                          lambda g: (loss_rules.half_mse_backward(g, self.data, t),))

    def bce(self, t: ArrayLike) -> Tensor:
        """Binary cross-entropy of the probabilities ``self`` against ``t``."""
        return self._make(bce(self.data, t), (self,), "bce",
                          lambda g: (loss_rules.bce_backward(g, self.data, t),))

    @reference(8)
    def backward(self) -> None:
        """Fill ``.grad`` of this tensor and of every tensor it depends on (d self / d it)."""
        from ._graph import backward_pass

        nodes, parents, rule = graph_of(self)
        grads = backward_pass(parents, self.name, rule, np.ones_like(self.data))
        for name, grad in grads.items():
            nodes[name].grad = grad


def graph_of(root: "Tensor") -> tuple:
    """The graph that produced ``root`` as plain data: ``(nodes, parents, rules)``.

    Returns
    -------
    nodes : dict of str to Tensor
    parents : dict of str to list of str
    rules : dict of str to callable
        Only for nodes made by an operation.
    """
    nodes, stack = {}, [root]
    while stack:
        node = stack.pop()
        known = nodes.get(node.name)
        if known is node:
            continue
        if known is not None:
            raise ValueError(f"two different tensors are both named {node.name!r}")
        nodes[node.name] = node
        stack.extend(node.parents)
    parents = {name: [p.name for p in node.parents] for name, node in nodes.items()}
    return nodes, parents, {name: node.rule for name, node in nodes.items() if node.rule}


def _layer(A, W, b, activation):
    Z = A @ W.T + b
    return {"tanh": Z.tanh, "sigmoid": Z.sigmoid, "relu": Z.relu,
            "identity": lambda: Z}[activation]()


@reference(8)
def grads_221(params: dict, x: np.ndarray, t: float) -> dict:
    """Notebook 4's gradients through the engine: a dict with the keys of ``params``.

    The one example ``x`` of shape (2,) is a batch of one row and ``t`` a (1, 1) target,
    so the engine's half squared error is notebook 4's ``L = 1/2 (y_hat - t)**2``.

    Examples
    --------
    >>> from bplab import net221
    >>> params = net221.init_params(np.random.default_rng(0))
    >>> x, t = np.array([0.5, -1.0]), 0.3
    >>> grads = grads_221(params, x, t)
    >>> exact = net221.backward(x, t, params, net221.forward(x, params))
    >>> all(np.allclose(grads[k], exact[k], rtol=1e-13, atol=0) for k in params)
    True
    """
    return grads_mlp.__wrapped__(params, as_array(x, "x", shape=(2,))[None, :],
                                 np.reshape(as_array(t, "t"), (1, 1)), hidden="tanh",
                                 output="tanh", loss="half_mse")


@reference(8)
def grads_mlp(params: dict, X: np.ndarray, t: np.ndarray, hidden: str = "sigmoid",
              output: str = "sigmoid", loss: str = "half_mse") -> dict:
    """Notebook 5's gradients through the engine, for :func:`bplab.mlp.backward`'s network.

    Parameters
    ----------
    params : dict of str to ndarray
        ``W1, b1, ..., WL, bL``, as in :mod:`bplab.mlp`.
    X : ndarray of shape (N, n_0)
    t : ndarray of shape (N, n_L)
    hidden, output : str
    loss : {"half_mse", "bce"}
        The mean over the rows of the half squared error, or of binary cross-entropy
        (which needs ``output="sigmoid"``); as in :func:`bplab.mlp.backward`.

    Returns
    -------
    dict of str to ndarray
        The keys of ``params``, each gradient the shape of its parameter.

    Examples
    --------
    >>> from bplab import mlp
    >>> params, X, t = mlp.example_problem([2, 3, 1], 4, 0, loss="half_mse")
    >>> grads = grads_mlp(params, X, t, hidden="tanh")
    >>> cache = mlp.forward(params, X, hidden="tanh")[1]
    >>> exact = mlp.backward(params, cache, t, loss="half_mse")
    >>> all(np.allclose(grads[k], exact[k], rtol=1e-12, atol=0) for k in params)
    True
    """
    if loss not in ("half_mse", "bce"):
        raise ValueError(f"loss must be 'half_mse' or 'bce'; got {loss!r}")
    tensors = {key: Tensor(value, key) for key, value in params.items()}
    L = len(params) // 2
    A = Tensor(X, "X")
    for l in range(1, L + 1):
        A = _layer(A, tensors[f"W{l}"], tensors[f"b{l}"], output if l == L else hidden)
    t = np.reshape(as_array(t, "t"), A.data.shape)
    loss_node = A.bce(t) if loss == "bce" else A.half_mse(t)
    with references_unlocked():
        loss_node.backward()
    return {key: tensors[key].grad for key in params}
