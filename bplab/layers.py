"""A dense (fully connected) layer on a batch: forward and backward side by side.

Shapes follow the course convention (``docs/notation.md``). Per example, with column
vectors, ``z = W a_prev + b`` where ``W`` has shape ``(n_out, n_in)`` and ``W[j, i]`` is
the weight from input ``i`` to output ``j``. A batch stacks examples as **rows**:

* forward: ``Z = A_prev @ W.T + b``;
* backward, given ``dZ = dL/dZ``: ``dW = dZ.T @ A_prev``, ``db = dZ.sum(axis=0)``,
  ``dA_prev = dZ @ W``.

The backward pass multiplies by ``W`` (the transpose of the matrix the forward pass uses
in row form), and sums the bias gradient over the examples because the one bias vector
is shared by all of them. :func:`dense_forward` and :func:`dense_backward` are the
references for notebook 5, where students write them.

The bias can be folded into the weights: append a constant 1 to every input
(:func:`append_ones`) and a column ``b`` to ``W`` (:func:`fold_bias`); then
``Z = A1 @ Wb.T`` and the last column of ``dWb`` is ``db``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .course import reference
from .validation import as_array

__all__ = ["dense_forward", "dense_backward", "append_ones", "fold_bias"]


def _check_layer(A_prev, W):
    A_prev = as_array(A_prev, "A_prev", ndim=2)
    W = as_array(W, "W", ndim=2)
    if W.shape[1] != A_prev.shape[1]:
        raise ValueError(f"W must have shape (n_out, {A_prev.shape[1]}) to take A_prev with "
                         f"{A_prev.shape[1]} columns (n_in); got {W.shape}")
    return A_prev, W


@reference(5)
def dense_forward(A_prev: ArrayLike, W: ArrayLike, b: ArrayLike) -> np.ndarray:
    """Pre-activations of a dense layer for a batch of examples.

    Parameters
    ----------
    A_prev : ndarray of shape (N, n_in)
        Inputs to the layer, one example per row.
    W : ndarray of shape (n_out, n_in)
        Weights; ``W[j, i]`` connects input ``i`` to output ``j``.
    b : ndarray of shape (n_out,)
        Biases.

    Returns
    -------
    Z : ndarray of shape (N, n_out)
        Row ``n`` is ``W @ A_prev[n] + b``.

    Notes
    -----
    :math:`Z = A_{prev} W^T + \\mathbf{1} b^T`, the per-example :math:`z = W a + b`
    transposed and stacked.

    Examples
    --------
    >>> dense_forward(np.array([[1.0, 2.0]]), np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
    ...               np.array([0.0, 0.0, 0.5]))
    array([[1. , 2. , 3.5]])
    """
    A_prev, W = _check_layer(A_prev, W)
    b = as_array(b, "b", shape=(W.shape[0],))
    return A_prev @ W.T + b


@reference(5, also=(8,))
def dense_backward(dZ: ArrayLike, A_prev: ArrayLike,
                   W: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a dense layer, given the gradient of the loss at its output.

    Parameters
    ----------
    dZ : ndarray of shape (N, n_out)
        ``dL/dZ``: the deltas of this layer, one example per row.
    A_prev : ndarray of shape (N, n_in)
        The layer's inputs, as in the forward pass.
    W : ndarray of shape (n_out, n_in)

    Returns
    -------
    dA_prev : ndarray of shape (N, n_in)
        ``dL/dA_prev = dZ @ W``.
    dW : ndarray of shape (n_out, n_in)
        ``dL/dW = dZ.T @ A_prev``, the sum over examples of ``delta a_prev^T``.
    db : ndarray of shape (n_out,)
        ``dL/db = dZ.sum(axis=0)``.

    Notes
    -----
    Per example, :math:`\\partial L/\\partial W = \\delta\\, a^T`,
    :math:`\\partial L/\\partial b = \\delta` and :math:`\\partial L/\\partial a = W^T \\delta`.
    In row form these become the three matrix products above; ``dW`` and ``db`` add up the
    contributions of all examples, since every example uses the same weights. Any ``1/N``
    of a mean loss is already inside ``dZ``.

    Examples
    --------
    >>> dA_prev, dW, db = dense_backward(np.array([[1.0], [2.0]]), np.array([[1.0, 0.0],
    ...                                  [0.0, 1.0]]), np.array([[3.0, 4.0]]))
    >>> dA_prev
    array([[3., 4.],
           [6., 8.]])
    >>> dW, db
    (array([[1., 2.]]), array([3.]))
    """
    A_prev, W = _check_layer(A_prev, W)
    dZ = as_array(dZ, "dZ", shape=(A_prev.shape[0], W.shape[0]))
    return dZ @ W, dZ.T @ A_prev, dZ.sum(axis=0)


def append_ones(A: ArrayLike) -> np.ndarray:
    """Append a column of ones to a batch, so that a bias can live inside ``W``.

    Parameters
    ----------
    A : ndarray of shape (N, n)

    Returns
    -------
    ndarray of shape (N, n + 1)
        ``A`` with a last column of 1.0.

    Examples
    --------
    >>> append_ones(np.array([[2.0, 3.0]]))
    array([[2., 3., 1.]])
    """
    A = as_array(A, "A", ndim=2)
    return np.hstack([A, np.ones((A.shape[0], 1))])


def fold_bias(W: ArrayLike, b: ArrayLike) -> np.ndarray:
    """The weights with the bias as an extra last column: ``[W | b]``.

    Parameters
    ----------
    W : ndarray of shape (n_out, n_in)
        The layer's weights.
    b : ndarray of shape (n_out,)
        Its biases.

    Returns
    -------
    ndarray of shape (n_out, n_in + 1)
        ``W`` with ``b`` appended as its last column.

    Notes
    -----
    ``append_ones(A) @ fold_bias(W, b).T == A @ W.T + b``: the constant input 1 multiplies
    the bias column.

    Examples
    --------
    >>> fold_bias(np.array([[1.0, 2.0]]), np.array([5.0]))
    array([[1., 2., 5.]])
    """
    W = as_array(W, "W", ndim=2)
    b = as_array(b, "b", shape=(W.shape[0],))
    return np.hstack([W, b[:, None]])
