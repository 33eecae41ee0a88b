"""Booth's function, its gradient and gradient descent: the references for notebook 2.

Booth's function :math:`f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2` is a quadratic bowl
with its minimum :math:`f(1, 3) = 0`. Its Hessian is the constant matrix
``[[10, 8], [8, 10]]`` with eigenvalues 2 and 18, so plain gradient descent converges
exactly when ``0 < lr < 2 / 18 = 1/9`` and fastest at ``lr = 2 / (2 + 18) = 0.1``.

The functions marked as references are locked in notebook 2, where students write them
(see :mod:`bplab.course`); :func:`hessian`, :func:`hessian_eigenvalues` and
:func:`contraction_factor` are plain helpers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from .course import reference
from .validation import as_array, as_scalar, broadcast_pair

__all__ = [
    "MINIMUM",
    "booth",
    "booth_grad",
    "gradient_descent",
    "hessian",
    "hessian_eigenvalues",
    "max_stable_lr",
    "best_constant_lr",
    "contraction_factor",
]

MINIMUM = np.array([1.0, 3.0])
"""The minimiser ``(x, y) = (1, 3)`` of Booth's function, where it is 0."""


@reference(2)
def booth(x: ArrayLike, y: ArrayLike) -> np.ndarray:
    """Booth's function, elementwise.

    Parameters
    ----------
    x, y : ndarray of shapes that broadcast together (or floats)

    Returns
    -------
    ndarray of the broadcast shape of x and y
        :math:`f = (x + 2y - 7)^2 + (2x + y - 5)^2`, zero only at (1, 3).

    Examples
    --------
    >>> booth(np.array([1.0, 0.0]), np.array([3.0, 0.0]))
    array([ 0., 74.])
    """
    x, y = broadcast_pair(x, "x", y, "y")
    return (x + 2.0 * y - 7.0) ** 2 + (2.0 * x + y - 5.0) ** 2


@reference(2)
def booth_grad(x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Gradient of Booth's function, elementwise.

    Parameters
    ----------
    x, y : ndarray of shapes that broadcast together (or floats)

    Returns
    -------
    df_dx, df_dy : ndarray of the broadcast shape of x and y

    Notes
    -----
    With :math:`u = x + 2y - 7` and :math:`v = 2x + y - 5`, the chain rule gives
    :math:`\\partial f/\\partial x = 2u \\cdot 1 + 2v \\cdot 2 = 10x + 8y - 34` and
    :math:`\\partial f/\\partial y = 2u \\cdot 2 + 2v \\cdot 1 = 8x + 10y - 38`.

    Examples
    --------
    >>> booth_grad(np.array([0.0, 1.0]), 3.0)
    (array([-10.,   0.]), array([-8.,  0.]))
    """
    x, y = broadcast_pair(x, "x", y, "y")
    u = x + 2.0 * y - 7.0
    v = 2.0 * x + y - 5.0
    return 2.0 * u + 4.0 * v, 4.0 * u + 2.0 * v


@reference(2)
def gradient_descent(grad: Callable[[np.ndarray], ArrayLike], start: ArrayLike, lr: float,
                     n_steps: int) -> np.ndarray:
    """Plain gradient descent with a constant learning rate, keeping the whole path.

    Parameters
    ----------
    grad : callable
        Maps a point, ndarray of shape (2,), to its gradient, ndarray of shape (2,).
    start : ndarray of shape (2,)
        The first point; it is not modified.
    lr : float
        Learning rate, positive.
    n_steps : int
        Number of updates, zero or more.

    Returns
    -------
    ndarray of shape (n_steps + 1, 2)
        Row 0 is ``start``; row k + 1 is ``row k - lr * grad(row k)``.

    Examples
    --------
    >>> gradient_descent(lambda p: 2 * p, np.array([1.0, -2.0]), 0.25, 2)
    array([[ 1.  , -2.  ],
           [ 0.5 , -1.  ],
           [ 0.25, -0.5 ]])
    """
    if not callable(grad):
        raise TypeError(f"grad must be a function of a point; got {type(grad).__name__}")
    point = as_array(start, "start", shape=(2,)).copy()
    lr = as_scalar(lr, "lr", positive=True)
    n_steps = as_scalar(n_steps, "n_steps", integer=True)
    if n_steps < 0:
        raise ValueError(f"n_steps must be zero or more; got {n_steps}")
    path = np.empty((n_steps + 1, 2))
    path[0] = point
    for k in range(n_steps):
        g = as_array(grad(point), "grad(point)", shape=(2,), finite=False)
        point = point - lr * g
        path[k + 1] = point
    return path


def hessian() -> np.ndarray:
    """The Hessian of Booth's function, the same at every point.

    Returns
    -------
    ndarray of shape (2, 2)
        ``[[d2f/dx2, d2f/dxdy], [d2f/dydx, d2f/dy2]] = [[10, 8], [8, 10]]``.

    Examples
    --------
    >>> hessian()
    array([[10.,  8.],
           [ 8., 10.]])
    """
    return np.array([[10.0, 8.0], [8.0, 10.0]])


def hessian_eigenvalues() -> np.ndarray:
    """Eigenvalues of Booth's Hessian, ascending: 2 along (1, -1), 18 along (1, 1).

    Examples
    --------
    >>> hessian_eigenvalues()
    array([ 2., 18.])
    """
    return np.linalg.eigvalsh(hessian())


def _spd(H):
    H = as_array(H, "H", ndim=2)
    if H.shape[0] != H.shape[1] or not np.allclose(H, H.T):
        raise ValueError(f"H must be a symmetric square matrix; got shape {H.shape}")
    eigenvalues = np.linalg.eigvalsh(H)
    if eigenvalues[0] <= 0:
        raise ValueError("H must be positive definite (all eigenvalues > 0); its smallest "
                         f"eigenvalue is {eigenvalues[0]:.3g}")
    return eigenvalues


@reference(2)
def max_stable_lr(H: ArrayLike) -> float:
    """Largest constant learning rate for which descent on a quadratic converges.

    Parameters
    ----------
    H : ndarray of shape (n, n)
        Symmetric positive definite Hessian.

    Returns
    -------
    float
        :math:`2 / \\lambda_\\max`; descent converges for ``0 < lr`` below it.

    Notes
    -----
    On a quadratic the error obeys :math:`e_{k+1} = (I - \\mathrm{lr}\\, H) e_k`, so along the
    eigenvector of :math:`\\lambda_i` it is multiplied by :math:`1 - \\mathrm{lr}\\,\\lambda_i`
    at every step; all of these lie in (-1, 1) exactly when
    :math:`\\mathrm{lr} < 2 / \\lambda_\\max`.

    Examples
    --------
    >>> round(max_stable_lr(hessian()), 6)
    0.111111
    """
    return float(2.0 / _spd(H)[-1])


@reference(2)
def best_constant_lr(H: ArrayLike) -> float:
    """The constant learning rate with the fastest worst-case convergence on a quadratic.

    Parameters
    ----------
    H : ndarray of shape (n, n), symmetric positive definite
        The Hessian, as for :func:`max_stable_lr`.

    Returns
    -------
    float
        :math:`2 / (\\lambda_\\min + \\lambda_\\max)`, below :func:`max_stable_lr`.

    Notes
    -----
    The slowest factor :math:`\\max_i |1 - \\mathrm{lr}\\,\\lambda_i|` is set by the two
    extreme eigenvalues; it is smallest where :math:`1 - \\mathrm{lr}\\,\\lambda_\\min =
    \\mathrm{lr}\\,\\lambda_\\max - 1`, and the factor there is
    :math:`(\\lambda_\\max - \\lambda_\\min) / (\\lambda_\\max + \\lambda_\\min)`.

    Examples
    --------
    >>> best_constant_lr(hessian())
    0.1
    """
    eigenvalues = _spd(H)
    return float(2.0 / (eigenvalues[0] + eigenvalues[-1]))


def contraction_factor(lr: ArrayLike, eigenvalues: ArrayLike | None = None) -> np.ndarray:
    """Worst factor by which one step of descent shrinks the distance to the minimum.

    Parameters
    ----------
    lr : float or ndarray of any shape
        Learning rates.
    eigenvalues : ndarray of shape (n,), optional
        Hessian eigenvalues; Booth's (2 and 18) by default.

    Returns
    -------
    ndarray of the shape of lr
        :math:`\\max_i |1 - \\mathrm{lr}\\,\\lambda_i|`; below 1 means convergence.

    Examples
    --------
    >>> contraction_factor(np.array([0.05, 0.1, 1 / 9, 0.12])).round(4)
    array([0.9 , 0.8 , 1.  , 1.16])
    """
    lr = as_array(lr, "lr")
    eigenvalues = hessian_eigenvalues() if eigenvalues is None else as_array(
        eigenvalues, "eigenvalues", ndim=1)
    return np.max(np.abs(1.0 - lr[..., None] * eigenvalues), axis=-1)
