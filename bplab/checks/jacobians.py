"""Check procedures for Jacobians: of a layer, of a stack of layers, of a residual block.

Each procedure calls the student's function, compares its matrix with a central-difference
Jacobian (:func:`bplab.jacobians.numerical_jacobian`, at ``NUMERICAL_TOL``) and, when the
test cell hands over a reference, also with the reference's matrix, exactly
(:func:`bplab.checks.formula`). Activations are named as in
:data:`bplab.activations.ACTIVATIONS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import activations, jacobians, mlp, residual
from ..course import references_unlocked
from .assertions import call, close, formula
from .diagnosis import NUMERICAL_TOL
from .testdata import expected, points

__all__ = ["jacobian", "layer_case", "layer_jacobian", "map_jacobian", "MAPS"]


def jacobian(name: str, function: Callable, args: Sequence[Any],
             f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, *,
             reference: Callable | None = None) -> None:
    """Assert that ``function(*args)`` is the Jacobian of ``f`` at ``x``.

    Parameters
    ----------
    name : str
        The call, for the feedback, such as ``"layer_jacobian(W, z, 'tanh')"``.
    function : callable
        The student's function.
    args : sequence
        Its arguments.
    f : callable
        ``f(x) -> ndarray of shape (m,)``, the map whose Jacobian is asked for.
    x : ndarray of shape (n,)
    reference : callable, optional
        A reference implementation of ``function``: the answer must equal
        ``reference(*args)`` exactly as well.

    Examples
    --------
    >>> W = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> jacobian("J", lambda: W, (), lambda a: W @ a, np.array([0.5, -1.0]))
    J is correct (largest relative error below 1e-10, tolerance 1e-05).
    """
    __tracebackhide__ = True
    answer = call(name.split("(")[0], function, *args)
    with references_unlocked():  # f may run a reference of this notebook
        numerical = jacobians.numerical_jacobian(f, x)
    close(name, answer, numerical, tol=NUMERICAL_TOL)
    if reference is not None:
        formula(name, answer, expected(reference, *args))


def layer_case(seed: int, n_out: int, n_in: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights ``W`` (n_out, n_in), biases ``b`` (n_out,) and an input (n_in,), from three seeds.

    Examples
    --------
    >>> [part.shape for part in layer_case(71, 3, 4)]
    [(3, 4), (3,), (4,)]
    """
    return points(seed, (n_out, n_in)), points(seed + 1, (n_out,)), points(seed + 2, (n_in,))


def layer_jacobian(function: Callable, activation: str, W: np.ndarray, b: np.ndarray,
                   a_prev: np.ndarray, *, where: str = "",
                   reference: Callable | None = None) -> None:
    """Assert that ``function(W, z, activation)`` is the Jacobian of ``h(W a_prev + b)``.

    Parameters
    ----------
    function : callable
        The student's ``layer_jacobian(W, z, activation)``, ``z = W a_prev + b``.
    activation : str
    W : ndarray of shape (n_out, n_in)
    b : ndarray of shape (n_out,)
    a_prev : ndarray of shape (n_in,)
    where : str, optional
        Said after the call's name in the feedback, such as ``"for a hidden square W"``.
    reference : callable, optional
        The reference :func:`bplab.jacobians.layer_jacobian`.
    """
    __tracebackhide__ = True
    h = activations.ACTIVATIONS[activation][0]
    jacobian(f"layer_jacobian(W, z, {activation!r}) {where}".rstrip(), function,
             (W, W @ a_prev + b, activation), lambda a: h(W @ a + b), a_prev, reference=reference)


def _network_output(params, a, activation):
    """The output of a network with ``activation`` in every layer, the last one included."""
    return mlp.forward(params, a[None, :], hidden=activation, output=activation)[0][0]


MAPS = {"input_output_jacobian": _network_output,
        "residual_jacobian": residual.residual_forward}
"""The map ``(params, x, activation) -> output`` that each exercise differentiates."""


def map_jacobian(name: str, function: Callable, params: dict, x: np.ndarray, activation: str,
                 *, where: str = "", reference: Callable | None = None) -> None:
    """Assert that ``function(params, x, activation)`` is the Jacobian of the map ``MAPS[name]``.

    ``"input_output_jacobian"``: a stack of layers with ``activation`` in every layer, the
    last one included (:func:`bplab.mlp.forward` with ``hidden = output = activation``),
    ``params`` holding ``"W1", "b1", ..., "WL", "bL"``. ``"residual_jacobian"``: a
    residual block (:func:`bplab.residual.residual_forward`), ``params`` holding ``W1``
    (m, n), ``b1`` (m,), ``W2`` (n, m) and ``b2`` (n,).

    Parameters
    ----------
    name : {"input_output_jacobian", "residual_jacobian"}
        The exercise, which names the map.
    function : callable
        The student's function of that name.
    params : dict
    x : ndarray of shape (n_0,)
        The input at which the Jacobian is taken.
    activation, where
        As in :func:`layer_jacobian`.
    reference : callable, optional
        The reference implementation of the exercise.
    """
    __tracebackhide__ = True
    output = MAPS[name]
    jacobian(f"{name}(params, x, {activation!r}) {where}".rstrip(), function,
             (params, x, activation), lambda a: output(params, a, activation), x,
             reference=reference)
