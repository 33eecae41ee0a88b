"""Backward rules of the reductions and losses of notebook 8's autograd engine.

Each takes the upstream gradient ``grad_out`` of the scalar the operation produced (1.0
when that scalar is the loss itself) and returns the gradient with respect to the
operation's input, the shape of that input (see :mod:`bplab.autograd`). The losses follow
the course's convention: a per-example loss summed over the outputs, averaged over the N
examples (rows); the squared error is halved, so that its gradient carries no factor 2::

    half_mse(y_hat, t) = 1/N sum_n 1/2 ||y_hat_n - t_n||^2     (notebook 5's "half_mse")

The rules are locked in notebook 8, where students write them.
"""

import numpy as np

from ._rules import as_grad_out
from ..activations import sigmoid
from ..course import reference
from ..losses import BCE_EPS, mse
from ..validation import prediction_and_target

__all__ = ["half_mse", "mean_backward", "half_mse_backward", "bce_backward",
           "bce_with_logits_backward"]


@reference(8)
def mean_backward(grad_out: float, x_shape: tuple) -> np.ndarray:
    """Gradient of ``out = mean(x)`` (over every entry) with respect to ``x``.

    Notes
    -----
    Every entry has weight :math:`1/n` in the mean, :math:`n` the number of entries:
    :math:`G / n` everywhere.

    Examples
    --------
    >>> mean_backward(1.0, (2, 2))
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    x_shape = tuple(int(n) for n in x_shape)
    grad_out = as_grad_out(grad_out, ())
    return np.full(x_shape, grad_out / max(int(np.prod(x_shape)), 1))


def half_mse(y_hat: np.ndarray, t: np.ndarray) -> float:
    """The half squared error, the course's regression loss, as a float.

    :math:`L = \\frac1N \\sum_n \\tfrac12 \\lVert \\hat y_n - t_n \\rVert^2`, ``N`` the number
    of rows: half of ``bplab.losses.mse``, and notebook 5's ``"half_mse"``.

    Examples
    --------
    >>> half_mse(np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]]))
    1.25
    """
    y_hat, t = prediction_and_target(y_hat, t)
    return 0.5 * mse(y_hat, t)


@reference(8)
def half_mse_backward(grad_out: float, y_hat: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Gradient of the half squared error (:func:`half_mse`) with respect to ``y_hat``.

    Parameters
    ----------
    grad_out : float
        dL/d(out), the gradient arriving from above.
    y_hat, t : ndarray of shape (N,) or (N, n_out)

    Returns
    -------
    ndarray of the shape of ``y_hat``

    Notes
    -----
    Only the term of example :math:`n` holds :math:`\\hat y_{nk}`, with slope
    :math:`(\\hat y_{nk} - t_{nk}) / N`: :math:`G (\\hat y - t) / N`.

    Examples
    --------
    >>> half_mse_backward(1.0, np.array([[2.0], [4.0]]), np.zeros((2, 1))).ravel()
    array([1., 2.])
    """
    y_hat, t = prediction_and_target(y_hat, t)
    return as_grad_out(grad_out, ()) * (y_hat - t) / len(y_hat)


@reference(8)
def bce_backward(grad_out: float, y_hat: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Gradient of the binary cross-entropy with respect to the probabilities ``y_hat``.

    The loss is :math:`L = -\\frac1N \\sum_{n,k} [t \\log \\hat y + (1-t) \\log(1-\\hat y)]`
    with ``y_hat`` clipped into ``[BCE_EPS, 1 - BCE_EPS]``: ``bplab.losses.bce``.

    Notes
    -----
    :math:`G \\cdot (\\hat y - t) / (\\hat y (1 - \\hat y) N)`, at the clipped ``y_hat``.

    Examples
    --------
    >>> bce_backward(1.0, np.array([0.5, 0.5]), np.array([0.0, 1.0]))
    array([ 1., -1.])
    """
    y_hat, t = prediction_and_target(y_hat, t)
    p = np.clip(y_hat, BCE_EPS, 1.0 - BCE_EPS)
    return as_grad_out(grad_out, ()) * (p - t) / (p * (1.0 - p) * len(y_hat))


def bce_with_logits_backward(grad_out: float, z: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Gradient of the binary cross-entropy of ``sigmoid(z)`` with respect to the logits ``z``.

    The loss is ``bplab.losses.bce_with_logits(z, t)``: the sigmoid and the cross-entropy
    as one operation, so that a saturated output still passes its gradient back.

    Parameters
    ----------
    grad_out : float
    z, t : ndarray of shape (N,) or (N, n_out)

    Returns
    -------
    ndarray of the shape of ``z``

    Notes
    -----
    The sigmoid's slope cancels the cross-entropy's denominator:
    :math:`G (\\sigma(z) - t) / N`. Chained as two operations instead, the sigmoid's rule
    multiplies by :math:`\\hat y (1 - \\hat y)`, which is exactly 0 once ``sigmoid(z)``
    rounds to 1 (``z`` above about 37), and a confidently wrong output learns nothing.

    Examples
    --------
    >>> bce_with_logits_backward(1.0, np.array([40.0, 0.0]), np.array([0.0, 1.0]))
    array([ 0.5 , -0.25])
    """
    z, t = prediction_and_target(z, t)
    return as_grad_out(grad_out, ()) * (sigmoid(z) - t) / len(z)
