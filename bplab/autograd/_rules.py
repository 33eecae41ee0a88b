"""Backward rules of a reverse-mode autograd engine: the references for notebook 8.

Each operation ``out = op(inputs)`` of an engine has a **backward rule**: given the
gradient of the loss with respect to ``out`` (``grad_out``, the shape of ``out``), it
returns the gradient with respect to each input, each the shape of that input. That is
the chain rule for one node, "upstream gradient times local derivative", without ever
forming a Jacobian::

    dA, dB = matmul_backward(grad_out, A, B)          # out = A @ B
    da, db = add_backward(grad_out, a.shape, b.shape)  # out = a + b, with broadcasting
    dz = tanh_backward(grad_out, out)                  # out = tanh(z)

Where NumPy broadcast an input in the forward pass, that input was copied along the new
or stretched axes, and its gradient is the **sum** over those axes (:func:`unbroadcast`).
The rules of the reductions and losses are in ``_losses.py`` beside this module. The rules
are locked in notebook 8, where students write them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..course import reference
from ..validation import as_array, shape_str

__all__ = ["as_grad_out", "unbroadcast", "matmul_backward", "add_backward", "div_backward", "tanh_backward",
           "sigmoid_backward", "relu_backward"]


def as_grad_out(grad_out: ArrayLike, shape: tuple) -> np.ndarray:
    """``grad_out`` as an array, checked to have the shape of the operation's output.

    Examples
    --------
    >>> as_grad_out(1.0, ()).shape
    ()
    """
    grad_out = as_array(grad_out, "grad_out")
    if grad_out.shape != tuple(shape):
        raise ValueError(f"grad_out must have the shape of the operation's output, "
                         f"{shape_str(shape)}; got {shape_str(grad_out.shape)}")
    return grad_out


def _broadcast(a_shape, b_shape):
    try:
        return np.broadcast_shapes(tuple(a_shape), tuple(b_shape))
    except ValueError:
        raise ValueError(f"shapes {shape_str(a_shape)} and {shape_str(b_shape)} do not "
                         "broadcast together") from None


@reference(8)
def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` down to ``shape``: the gradient of an input that NumPy broadcast.

    Parameters
    ----------
    grad : ndarray of the broadcast shape
        Gradient with respect to the broadcast copy of the input.
    shape : tuple of int
        The input's own shape; it must broadcast to ``grad.shape``.

    Returns
    -------
    ndarray of shape ``shape``

    Notes
    -----
    Broadcasting prepends axes and stretches axes of length 1; each copy of an entry
    passes its own gradient back, and the copies' gradients add up: sum over the
    prepended axes, and over the stretched ones with ``keepdims``.

    Examples
    --------
    >>> unbroadcast(np.ones((3, 2)), (2,))
    array([3., 3.])
    >>> unbroadcast(np.ones((3, 2)), (3, 1))
    array([[2.],
           [2.],
           [2.]])
    """
    grad, shape = as_array(grad, "grad"), tuple(int(n) for n in shape)
    if len(shape) > grad.ndim or any(n not in (1, m) for n, m in zip(shape[::-1],
                                                                     grad.shape[::-1])):
        raise ValueError(f"shape {shape_str(shape)} does not broadcast to the gradient's "
                         f"shape {shape_str(grad.shape)}")
    grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=stretched, keepdims=True)


@reference(8)
def matmul_backward(grad_out: np.ndarray, A: np.ndarray, B: np.ndarray) -> tuple:
    """Gradients of ``out = A @ B`` with respect to both factors.

    Parameters
    ----------
    grad_out : ndarray of shape (n, m)
    A : ndarray of shape (n, k)
    B : ndarray of shape (k, m)

    Returns
    -------
    dA : ndarray of shape (n, k)
    dB : ndarray of shape (k, m)

    Notes
    -----
    :math:`\\partial L/\\partial A = G B^T` and :math:`\\partial L/\\partial B = A^T G`,
    with :math:`G = \\partial L/\\partial\\, \\mathrm{out}`.

    Examples
    --------
    >>> dA, dB = matmul_backward(np.ones((1, 1)), np.array([[2.0, 3.0]]), np.array([[4.0], [5.0]]))
    >>> dA, dB.ravel()
    (array([[4., 5.]]), array([2., 3.]))
    """
    A, B = as_array(A, "A", ndim=2), as_array(B, "B", ndim=2)
    if A.shape[1] != B.shape[0]:
        raise ValueError(f"A @ B needs A's columns to match B's rows; got {shape_str(A.shape)} "
                         f"and {shape_str(B.shape)}")
    grad_out = as_grad_out(grad_out, (A.shape[0], B.shape[1]))
    return grad_out @ B.T, A.T @ grad_out


@reference(8)
def add_backward(grad_out: np.ndarray, a_shape: tuple, b_shape: tuple) -> tuple:
    """Gradients of ``out = a + b`` (NumPy broadcasting) with respect to ``a`` and ``b``.

    Parameters
    ----------
    grad_out : ndarray of the broadcast shape of a and b
    a_shape, b_shape : tuple of int

    Returns
    -------
    da : ndarray of shape ``a_shape``
    db : ndarray of shape ``b_shape``

    Notes
    -----
    The local derivative is 1 for every copy, so each gradient is ``grad_out`` summed
    over the axes along which its input was broadcast (:func:`unbroadcast`).

    Examples
    --------
    >>> da, db = add_backward(np.ones((4, 3)), (4, 3), (3,))
    >>> da.shape, db
    ((4, 3), array([4., 4., 4.]))
    """
    grad_out = as_grad_out(grad_out, _broadcast(a_shape, b_shape))
    return unbroadcast(grad_out, a_shape), unbroadcast(grad_out, b_shape)


@reference(8)
def div_backward(grad_out: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple:
    """Gradients of ``out = a / b`` (NumPy broadcasting) with respect to ``a`` and ``b``.

    Returns
    -------
    da : ndarray of the shape of a
    db : ndarray of the shape of b

    Notes
    -----
    :math:`\\partial L/\\partial a = G / b` and :math:`\\partial L/\\partial b = -G a / b^2`,
    each summed over the axes its input was broadcast along.

    Examples
    --------
    >>> da, db = div_backward(np.ones((2, 1)), np.array([[1.0], [3.0]]), np.array([2.0]))
    >>> da.ravel(), db
    (array([0.5, 0.5]), array([-1.]))
    """
    a, b = as_array(a, "a"), as_array(b, "b")
    grad_out = as_grad_out(grad_out, _broadcast(a.shape, b.shape))
    return (unbroadcast(grad_out / b, a.shape),
            unbroadcast(-grad_out * a / b**2, b.shape))


@reference(8)
def tanh_backward(grad_out: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Gradient of ``out = tanh(z)`` with respect to ``z``, from the output ``out``.

    Notes
    -----
    :math:`G \\odot (1 - \\mathrm{out}^2)`.

    Examples
    --------
    >>> tanh_backward(np.array([2.0]), np.array([0.5]))
    array([1.5])
    """
    out = as_array(out, "out")
    return as_grad_out(grad_out, out.shape) * (1.0 - out**2)


@reference(8)
def sigmoid_backward(grad_out: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Gradient of ``out = sigmoid(z)`` with respect to ``z``, from the output ``out``.

    Notes
    -----
    :math:`G \\odot \\mathrm{out} (1 - \\mathrm{out})`.

    Examples
    --------
    >>> sigmoid_backward(np.array([2.0]), np.array([0.5]))
    array([0.5])
    """
    out = as_array(out, "out")
    return as_grad_out(grad_out, out.shape) * out * (1.0 - out)


@reference(8)
def relu_backward(grad_out: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Gradient of ``out = max(z, 0)`` with respect to ``z``, from the output ``out``.

    Notes
    -----
    ``grad_out`` where ``out > 0`` (that is, where ``z > 0``), 0 elsewhere; the slope at
    ``z = 0`` is taken to be 0, as in :func:`bplab.activations.relu_grad`.

    Examples
    --------
    >>> relu_backward(np.array([2.0, 2.0]), np.array([0.0, 1.5]))
    array([0., 2.])
    """
    out = as_array(out, "out")
    return as_grad_out(grad_out, out.shape) * (out > 0)
