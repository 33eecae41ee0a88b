"""Jacobians through layers and gradient norms per layer: the references for notebook 7.

One layer ``a = h(W a_prev + b)`` has the Jacobian ``da/da_prev = diag(h'(z)) W`` of shape
``(n_out, n_in)``. Through a stack of layers the chain rule multiplies them, last layer on
the left: ``da^L/da^0 = J_L ... J_2 J_1``. Backprop carries a gradient the other way, by
the transposes, so the gradient reaching layer ``l`` has been multiplied by every later
layer's ``J^T``. Since ``||diag(h'(z)) W||_2 <= max|h'| * ||W||_2`` and ``sigmoid' <= 1/4``,
each sigmoid layer multiplies a gradient's norm by at most ``||W||_2 / 4``: with small
weights gradients vanish exponentially with depth, with large ones they can explode.

Shapes follow the course's notation page (docs/notation.md): per example, column vectors
``z = W a + b`` with ``W`` of shape ``(n_out, n_in)``; here a single example is a 1-d array.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from . import activations, mlp
from .course import reference
from .numdiff import central_step
from .validation import as_array, as_scalar

__all__ = ["layer_jacobian", "input_output_jacobian", "numerical_jacobian", "gradient_norms",
           "sigmoid_layer_bound", "deep_network"]


def _derivative(activation):
    if activation not in activations.ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(activations.ACTIVATIONS)}; "
                         f"got {activation!r}")
    return activations.ACTIVATIONS[activation]


@reference(7)
def layer_jacobian(W: ArrayLike, z: ArrayLike, activation: str) -> np.ndarray:
    """Jacobian of one layer's output with respect to its input, at one example.

    Parameters
    ----------
    W : ndarray of shape (n_out, n_in)
    z : ndarray of shape (n_out,)
        The layer's pre-activation ``W a_prev + b`` at the example.
    activation : {"sigmoid", "tanh", "relu"}

    Returns
    -------
    ndarray of shape (n_out, n_in)
        Entry ``[j, i]`` is ``da_j / da_prev_i = h'(z_j) W[j, i]``.

    Notes
    -----
    :math:`\\partial a / \\partial a_{prev} = \\operatorname{diag}(h'(z))\\, W`: row ``j``
    of ``W`` scaled by ``h'(z_j)``.

    Examples
    --------
    >>> layer_jacobian(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.0, 0.0]), "sigmoid")
    array([[0.25, 0.5 ],
           [0.75, 1.  ]])
    """
    W = as_array(W, "W", ndim=2)
    z = as_array(z, "z", shape=(W.shape[0],))
    return _derivative(activation)[1](z)[:, None] * W


@reference(7)
def input_output_jacobian(params: dict[str, ArrayLike], x: ArrayLike,
                          activation: str) -> np.ndarray:
    """Jacobian ``da^L/da^0`` of a stack of layers, all with ``activation``, at one input.

    Parameters
    ----------
    params : dict
        ``"W1", "b1", ..., "WL", "bL"`` as in :mod:`bplab.mlp`.
    x : ndarray of shape (n_0,)
    activation : {"sigmoid", "tanh", "relu"}
        Used in every layer, the last one included.

    Returns
    -------
    ndarray of shape (n_L, n_0)
        The product ``J_L @ ... @ J_1`` of the layer Jacobians.

    Examples
    --------
    >>> params = {"W1": np.array([[2.0]]), "b1": np.zeros(1),
    ...           "W2": np.array([[3.0]]), "b2": np.zeros(1)}
    >>> input_output_jacobian(params, np.array([0.0]), "tanh")  # 3 * tanh'(0) * 2 * tanh'(0)
    array([[6.]])
    """
    h = _derivative(activation)[0]
    a = as_array(x, "x", ndim=1)
    J = np.eye(a.size)
    for l in range(1, mlp.n_layers(params) + 1):
        z = params[f"W{l}"] @ a + params[f"b{l}"]
        J = layer_jacobian(params[f"W{l}"], z, activation) @ J
        a = h(z)
    return J


def numerical_jacobian(f: Callable[[np.ndarray], ArrayLike], x: ArrayLike) -> np.ndarray:
    """Central-difference Jacobian of a vector function, one column per input.

    Parameters
    ----------
    f : callable
        ``f(x) -> ndarray of shape (m,)`` for ``x`` of shape ``(n,)``.
    x : ndarray of shape (n,)

    Returns
    -------
    ndarray of shape (m, n)
        Column ``i`` is ``(f(x + h_i e_i) - f(x - h_i e_i)) / (2 h_i)``.

    Examples
    --------
    >>> W = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> numerical_jacobian(lambda a: W @ a, np.array([0.5, -1.0])).round(8)
    array([[1., 2.],
           [3., 4.],
           [5., 6.]])
    """
    x = as_array(x, "x", ndim=1)
    h = central_step(x)
    columns = []
    with np.errstate(all="ignore"):
        for i in range(x.size):
            step = np.zeros_like(x)
            step[i] = h[i]
            columns.append((np.asarray(f(x + step), dtype=np.float64)
                            - np.asarray(f(x - step), dtype=np.float64)) / (2 * h[i]))
    return np.stack(columns, axis=-1)


@reference(7)
def gradient_norms(params: dict[str, ArrayLike], X: ArrayLike, t: ArrayLike,
                   activation: str) -> np.ndarray:
    """Frobenius norm of ``dL/dW^l`` for every layer ``l = 1..L``, first layer first.

    The network has ``activation`` in its hidden layers, a linear output layer and the
    loss ``half_mse`` (half the mean squared error), as in notebook 7.

    Parameters
    ----------
    params : dict
    X : ndarray of shape (N, n_0)
    t : ndarray of shape (N, n_L)
    activation : {"sigmoid", "tanh", "relu"}

    Returns
    -------
    ndarray of shape (L,)
        ``||dW^l||_F = sqrt(sum of squares of the entries of dL/dW^l)``.

    Examples
    --------
    >>> params = deep_network(depth=6, width=8, gain=1.0, rng=np.random.default_rng(0))
    >>> X = np.random.default_rng(1).standard_normal((16, 8))
    >>> norms = gradient_norms(params, X, np.zeros((16, 8)), "sigmoid")
    >>> norms.shape, bool(norms[0] < norms[-1] / 100)
    ((6,), True)
    """
    _derivative(activation)
    _, grads = mlp.loss_and_grads(params, X, t, hidden=activation, output="identity",
                                  loss="half_mse")
    return np.array([np.linalg.norm(grads[f"W{l}"]) for l in range(1, mlp.n_layers(params) + 1)])


@reference(7)
def sigmoid_layer_bound(W: ArrayLike) -> float:
    """Largest factor by which a sigmoid layer with weights ``W`` can stretch a gradient.

    Parameters
    ----------
    W : ndarray of shape (n_out, n_in)

    Returns
    -------
    float
        ``sigma_max(W) / 4``: a bound on ``||diag(sigmoid'(z)) W||_2`` for every ``z``.

    Notes
    -----
    :math:`\\|\\operatorname{diag}(\\sigma'(z)) W\\|_2 \\le \\max_j \\sigma'(z_j)\\,\\|W\\|_2
    \\le \\tfrac14 \\sigma_{\\max}(W)`, the largest singular value of ``W`` over 4.
    Below 1, every sigmoid layer shrinks every gradient that passes back through it.

    Examples
    --------
    >>> sigmoid_layer_bound(np.diag([2.0, -3.0]))
    0.75
    """
    W = as_array(W, "W", ndim=2)
    return float(np.linalg.norm(W, 2) / 4.0)


def deep_network(depth: int, width: int, gain: float, rng: np.random.Generator,
                 n_in: int | None = None) -> dict[str, np.ndarray]:
    """A stack of ``depth`` dense layers of ``width`` units, weights of variance gain^2 / n_in.

    Parameters
    ----------
    depth : int
        Number of weight layers L.
    width : int
        Units in every layer (and the output).
    gain : float
        ``gain = 1`` gives Var(W) = 1/n_in (Xavier/LeCun, for tanh); ``gain = sqrt(2)``
        gives 2/n_in (He, for ReLU).
    rng : numpy.random.Generator
    n_in : int, optional
        Input width; default ``width``.

    Returns
    -------
    dict
        ``W1..WL`` and zero ``b1..bL``, as in :func:`bplab.mlp.init_params`.

    Examples
    --------
    >>> params = deep_network(3, 4, 1.0, np.random.default_rng(0), n_in=2)
    >>> params["W1"].shape, params["W3"].shape
    ((4, 2), (4, 4))
    """
    depth = as_scalar(depth, "depth", positive=True, integer=True)
    width = as_scalar(width, "width", positive=True, integer=True)
    gain = as_scalar(gain, "gain", positive=True)
    n_in = width if n_in is None else as_scalar(n_in, "n_in", positive=True, integer=True)
    sizes = [n_in] + [width] * depth
    params = {}
    for l in range(1, depth + 1):
        params[f"W{l}"] = gain / np.sqrt(sizes[l - 1]) * rng.standard_normal((width, sizes[l - 1]))
        params[f"b{l}"] = np.zeros(width)
    return params
