"""Input validation with errors that name the argument and say what was expected.

A student who passes a list of the wrong length should read "t must have shape (4,) like
y_hat; got (3,)", not a broadcasting traceback from deep inside NumPy.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

__all__ = ["as_array", "as_scalar", "same_shape", "prediction_and_target", "broadcast_pair",
           "shape_str"]

_FLOAT64 = np.dtype(np.float64)


def shape_str(shape: tuple[int, ...]) -> str:
    """Format a shape as people write it: ``(3,)``, ``(2, 4)``, ``()``."""
    return str(tuple(int(n) for n in shape))


def as_array(value: ArrayLike, name: str, *, ndim: int | tuple[int, ...] | None = None,
             shape: tuple[int | None, ...] | None = None, finite: bool = True,
             dtype: DTypeLike = np.float64) -> np.ndarray:
    """Convert ``value`` to a float64 array, checking its shape and finiteness.

    Parameters
    ----------
    value : array_like
        What the caller passed.
    name : str
        The argument's name, used in error messages.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    shape : tuple, optional
        Required shape; ``None`` entries match any length.
    finite : bool, default True
        Reject NaN and infinite entries.
    dtype : numpy dtype, default float64
        Target dtype; pass ``complex`` to let complex-step differentiation through.

    Returns
    -------
    ndarray
        ``value`` as an array of ``dtype`` (a copy only when conversion needs one).

    Raises
    ------
    TypeError
        If ``value`` is not numeric.
    ValueError
        If its shape or number of dimensions is not the expected one, or it holds
        non-finite entries while ``finite`` is true.

    Examples
    --------
    >>> as_array([1, 2], "x").dtype
    dtype('float64')
    >>> as_array([[1.0, 2.0]], "x", ndim=1)
    Traceback (most recent call last):
    ...
    ValueError: x must be a 1-d array; got shape (1, 2)
    """
    if type(value) is np.ndarray and value.dtype is _FLOAT64 and dtype is np.float64:
        array = value  # the common case, checked in a few attribute reads
    elif np.iscomplexobj(value) and dtype is not complex and np.dtype(dtype).kind != "c":
        array = np.asarray(value)
    else:
        try:
            array = np.asarray(value, dtype=dtype)
        except (TypeError, ValueError):
            raise TypeError(
                f"{name} must be numeric (a number or an array of numbers); "
                f"got {type(value).__name__}"
            ) from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            wanted = " or ".join(f"{n}-d" for n in allowed)
            raise ValueError(f"{name} must be a {wanted} array; got shape {shape_str(array.shape)}")
    if shape is not None:
        if array.ndim != len(shape) or any(
            want is not None and want != got for want, got in zip(shape, array.shape)
        ):
            wanted = "(" + ", ".join("any" if n is None else str(n) for n in shape)
            wanted += ",)" if len(shape) == 1 else ")"
            raise ValueError(f"{name} must have shape {wanted}; got {shape_str(array.shape)}")
    if finite and array.dtype.kind in "fc" and not np.isfinite(array).all():
        bad = np.argwhere(~np.isfinite(array))[0]
        where = f" at index {tuple(int(i) for i in bad)}" if array.ndim else ""
        raise ValueError(f"{name} must be finite; it holds {array[tuple(bad)]}{where}")
    return array


def as_scalar(value: float, name: str, *, positive: bool = False,
              integer: bool = False) -> float | int:
    """Check that ``value`` is one finite real number (positive, or an integer, if asked).

    Examples
    --------
    >>> as_scalar(0.5, "lr", positive=True)
    0.5
    >>> as_scalar(-1, "lr", positive=True)
    Traceback (most recent call last):
    ...
    ValueError: lr must be a positive number; got -1
    """
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"{name} must be a number; got {type(value).__name__}")
    if integer and int(value) != value:
        raise TypeError(f"{name} must be a whole number; got {value!r}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be a positive number; got {value!r}")
    return int(value) if integer else float(value)


def same_shape(reference: ArrayLike, reference_name: str, other: ArrayLike,
               other_name: str) -> None:
    """Check that two arrays have the same shape, naming both in the error.

    Examples
    --------
    >>> same_shape(np.zeros(3), "y_hat", np.zeros(2), "t")
    Traceback (most recent call last):
    ...
    ValueError: t must have the same shape as y_hat, (3,); got (2,)
    """
    if np.shape(reference) != np.shape(other):
        raise ValueError(
            f"{other_name} must have the same shape as {reference_name}, "
            f"{shape_str(np.shape(reference))}; got {shape_str(np.shape(other))}"
        )


def prediction_and_target(y_hat: ArrayLike, t: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """A loss's arguments as float arrays: ``y_hat`` of shape (N,) or (N, n_out), ``t`` alike.

    Examples
    --------
    >>> prediction_and_target([[0.5], [1.0]], [0.0, 1.0])
    Traceback (most recent call last):
    ...
    ValueError: t must have the same shape as y_hat, (2, 1); got (2,)
    """
    y_hat = as_array(y_hat, "y_hat", ndim=(1, 2))
    t = as_array(t, "t")
    same_shape(y_hat, "y_hat", t, "t")
    return y_hat, t


def broadcast_pair(x: ArrayLike, x_name: str, y: ArrayLike,
                   y_name: str) -> tuple[np.ndarray, np.ndarray]:
    """Two float arrays broadcast to one shape, or an error naming both arguments.

    Parameters
    ----------
    x, y : array_like of shapes that broadcast together (or floats)
    x_name, y_name : str
        The arguments' names, used in the error message.

    Returns
    -------
    x, y : ndarray, both of the broadcast shape

    Examples
    --------
    >>> [a.shape for a in broadcast_pair(np.zeros(3), "x", 1.0, "y")]
    [(3,), (3,)]
    >>> broadcast_pair(np.zeros(3), "x", np.zeros(2), "y")
    Traceback (most recent call last):
    ...
    ValueError: x and y must broadcast together; got shapes (3,) and (2,)
    """
    x, y = as_array(x, x_name), as_array(y, y_name)
    try:
        return tuple(np.broadcast_arrays(x, y))
    except ValueError:
        raise ValueError(f"{x_name} and {y_name} must broadcast together; got shapes "
                         f"{shape_str(x.shape)} and {shape_str(y.shape)}") from None
