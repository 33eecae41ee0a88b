"""Rosenbrock's function and its gradient: notebook 2's function that is not a quadratic.

:math:`f(x, y) = (1 - x)^2 + 100 (y - x^2)^2` has its minimum :math:`f(1, 1) = 0` at the end
of a long, curved, flat-bottomed valley along :math:`y = x^2`. Its Hessian changes from
point to point, so no single learning rate suits the whole path, and a central difference
of it is never exact along ``x`` (its third derivative there is ``2400 x``). The gradient
is the answer to an exercise of notebook 2 and is locked there (see :mod:`bplab.course`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .course import reference
from .validation import broadcast_pair

__all__ = ["MINIMUM", "rosenbrock", "rosenbrock_grad", "rosenbrock_hessian"]

MINIMUM = np.array([1.0, 1.0])
"""The minimiser ``(x, y) = (1, 1)``, where the function is 0."""


def rosenbrock(x: ArrayLike, y: ArrayLike) -> np.ndarray:
    """Rosenbrock's function, elementwise: :math:`(1 - x)^2 + 100 (y - x^2)^2`.

    Parameters
    ----------
    x, y : float or ndarray, of shapes that broadcast together

    Returns
    -------
    ndarray, of the broadcast shape of x and y
        Zero only at the minimum (1, 1), positive elsewhere.

    Examples
    --------
    >>> float(rosenbrock(1.0, 1.0)), float(rosenbrock(0.0, 0.0))
    (0.0, 1.0)
    """
    x, y = broadcast_pair(x, "x", y, "y")
    return (1.0 - x) ** 2 + 100.0 * (y - x ** 2) ** 2


@reference(2)
def rosenbrock_grad(x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Gradient of :func:`rosenbrock`, elementwise.

    Returns
    -------
    df_dx, df_dy : ndarray of the broadcast shape of x and y

    Notes
    -----
    :math:`\\partial f/\\partial x = -2(1 - x) - 400 x (y - x^2)`,
    :math:`\\partial f/\\partial y = 200 (y - x^2)`.

    Examples
    --------
    >>> [float(g) for g in rosenbrock_grad(0.0, 0.0)]
    [-2.0, 0.0]
    """
    x, y = broadcast_pair(x, "x", y, "y")
    return -2.0 * (1.0 - x) - 400.0 * x * (y - x ** 2), 200.0 * (y - x ** 2)


def rosenbrock_hessian(x: float, y: float) -> np.ndarray:
    """The Hessian at one point, a (2, 2) array.

    Examples
    --------
    >>> rosenbrock_hessian(1.0, 1.0)
    array([[ 802., -400.],
           [-400.,  200.]])
    """
    x, y = float(x), float(y)
    return np.array([[2.0 - 400.0 * (y - 3.0 * x ** 2), -400.0 * x], [-400.0 * x, 200.0]])
