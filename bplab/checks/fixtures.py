"""Check procedures that several test cells share: one place, whatever data each cell uses.

* :func:`backward_pair` checks a backward rule of a two-input operation, ``out = op(a, b)``,
  against central differences of ``sum(grad_out * op(a, b))``, or against the course's
  exact rule.
* :func:`point_gradients` checks the partial derivatives of a function of two
  variables, ``(df_dx, df_dy)``, at given points;
* :func:`labelled_points` draws a batch of inputs with 0/1 targets;
* :func:`parameter_gradients` checks a dict of gradients, one per parameter, against
  central differences of a loss of the whole parameter dict;
  :func:`network_gradients` does so for a network of :mod:`bplab.mlp`, or compares with
  its exact backward pass.

The procedures hold no data: each test cell passes its own points, shapes and seeds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .assertions import call, close, formula, gradient, true
from .testdata import expected, points, probabilities

__all__ = ["labelled_points", "returned_pair", "backward_pair", "point_gradients",
           "parameter_gradients", "network_gradients"]


def labelled_points(seed: int, N: int, n_in: int = 2,
                    n_out: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """A batch of inputs and 0/1 targets: :func:`points` of ``seed``, labels of ``seed + 1``.

    Returns
    -------
    X : ndarray of shape (N, n_in)
        Uniform in [-2, 2).
    t : ndarray of shape (N, n_out)
        Entries 0.0 or 1.0.

    Examples
    --------
    >>> X, t = labelled_points(5, 3)
    >>> X.shape, t.shape, set(t.ravel()) <= {0.0, 1.0}
    ((3, 2), (3, 1), True)
    """
    return points(seed, (N, n_in)), probabilities(seed + 1, (N, n_out))[1]


def returned_pair(rule_name: str, result: Any, parts: Sequence[str] = ("da", "db")) -> Any:
    """Fail with a plain message unless ``result`` is a pair; return it.

    Examples
    --------
    >>> returned_pair("add_backward", (1.0, 2.0))
    (1.0, 2.0)
    >>> returned_pair("add_backward", 3.0)
    Traceback (most recent call last):
    ...
    bplab.checks.kinds.CheckFailure: add_backward should return a pair (da, db); got float. ...
    """
    true(isinstance(result, (tuple, list)) and len(result) == 2,
         f"{rule_name} should return a pair ({', '.join(parts)}); got {type(result).__name__}.",
         "shape")
    return result


def backward_pair(rule_name: str, rule: Callable[..., Any], args: Sequence[Any],
                  grad_out: np.ndarray, forward: Callable[[Any, Any], Any],
                  inputs: tuple[Any, Any] | None = None, *, check: Sequence[int] = (0, 1),
                  parts: Sequence[str] = ("da", "db"), where: str = "",
                  reference: Callable[..., Any] | None = None, exact: bool = False,
                  batch_size: int | None = None) -> None:
    """Check ``rule(grad_out, *args)``, the backward rule of ``out = forward(a, b)``.

    Each part named by ``check`` (0 for ``a``, 1 for ``b``, in that order) must be the
    central-difference gradient of ``sum(grad_out * forward(a, b))`` in that input, or,
    given a ``reference`` rule, match what it returns for the same arguments.

    Parameters
    ----------
    rule_name : str
    rule : callable
        The student's rule, ``rule(grad_out, *args) -> (da, db)``.
    args : sequence
        Its arguments after ``grad_out``: the inputs themselves, or their shapes.
    grad_out : ndarray of the shape of ``forward(a, b)``
    forward : callable
        ``forward(a, b) -> ndarray``, the operation.
    inputs : (ndarray, ndarray), optional
        ``(a, b)``, where the gradients are checked; ``args`` by default.
    check : sequence of {0, 1}, default (0, 1)
    parts : (str, str), default ("da", "db")
        Names of the two gradients, for messages.
    where : str
        Appended to each message, such as ``", shapes (3, 4) + (4,)"``.
    reference : callable, optional
        The course's rule; each part is then compared with its answer, within the usual
        tolerance (:func:`bplab.checks.close`), or, with ``exact``, as a formula
        (:func:`bplab.checks.formula`).
    exact : bool, default False
    batch_size : int, optional
        See :func:`bplab.checks.close`.

    Returns nothing, as every check does, so that a test cell it ends shows only what the
    checks print.

    Examples
    --------
    >>> def mul_backward(g, a_, b_):
    ...     return g * b_, g * a_
    >>> a, b, G = np.array([1.0, 2.0]), np.array([3.0, -1.0]), np.array([0.5, 2.0])
    >>> backward_pair("mul_backward", mul_backward, (a, b), G, np.multiply)
    da from mul_backward is correct (largest relative error below 1e-09, tolerance 1e-05).
    db from mul_backward is correct (largest relative error below 1e-09, tolerance 1e-05).
    >>> backward_pair("mul_backward", mul_backward, (a, b), G, np.multiply, check=[1],
    ...               reference=mul_backward)
    db from mul_backward is correct (largest relative error 0, tolerance 1e-09).
    """
    __tracebackhide__ = True
    result = returned_pair(rule_name, call(rule_name, rule, grad_out, *args), parts)
    if reference is not None:
        right = expected(reference, grad_out, *args)
        compare = formula if exact else close
        for index in check:
            compare(f"{parts[index]} from {rule_name}{where}", result[index], right[index],
                    batch_size=batch_size)
        return
    a, b = args if inputs is None else inputs
    losses = (lambda a_: np.sum(grad_out * forward(a_, b)),
              lambda b_: np.sum(grad_out * forward(a, b_)))
    for index in check:
        gradient(f"{parts[index]} from {rule_name}{where}", result[index], losses[index],
                 (a, b)[index], batch_size=batch_size)


def point_gradients(name: str, function: Callable[[Any, Any], Any],
                    f: Callable[[Any, Any], Any], points: Any, *,
                    parts: Sequence[str] = ("df_dx", "df_dy"), where: str | None = None) -> None:
    """Check ``function(x, y) -> (df_dx, df_dy)`` against central differences of ``f(x, y)``.

    Parameters
    ----------
    name : str
    function : callable
        The student's gradient, called with two floats.
    f : callable
        ``f(x, y) -> float``, the function differentiated.
    points : array_like of shape (n_points, 2)
        The points ``(x, y)`` where the gradient is checked, one per row.
    parts : (str, str), default ("df_dx", "df_dy")
        Names of the two partial derivatives, for messages.
    where : str, optional
        Ends each message; ``" at (x, y)"`` with the point's coordinates by default.

    Examples
    --------
    >>> point_gradients("grad", lambda x, y: (2 * x, 2 * y), lambda x, y: x**2 + y**2,
    ...                 [(1.0, -2.0)])
    [df_dx, df_dy] = grad at (1, -2) is correct (largest relative error below ...
    """
    __tracebackhide__ = True
    for point in np.asarray(points, dtype=np.float64):
        pair = returned_pair(name, call(name, function, point[0], point[1]), parts)
        gradient(f"[{', '.join(parts)}] = {name}"
                 f"{f' at ({point[0]:g}, {point[1]:g})' if where is None else where}",
                 np.array([np.squeeze(part) for part in pair], dtype=float),
                 lambda p: f(p[0], p[1]), point)


def parameter_gradients(grads: Any, loss: Callable[..., float],
                        params: Mapping[str, np.ndarray], data: Sequence[Any] = (), *,
                        keys: Sequence[str], label: str = "grads[{key!r}]", where: str = "",
                        batch_size: int | None = None) -> None:
    """Check ``grads``, a dict of gradients of ``loss(params, *data)``, one per parameter.

    Each entry named in ``keys`` must be the central-difference gradient of the loss in
    that parameter, the others held fixed.

    Parameters
    ----------
    grads : dict of str to ndarray
        The student's gradients, each of the shape of its parameter.
    loss : callable
        ``loss(params, *data) -> float``.
    params : dict of str to ndarray
    data : sequence
        The loss's other arguments, such as ``(X, t)`` with ``X`` of shape (N, n_in).
    keys : sequence of str
        The parameters whose gradients are checked, in this order.
    label : str, default "grads[{key!r}]"
        What is checked, formatted with ``key``, for messages.
    where : str
        Appended to each message, such as ``" on hidden data"``.
    batch_size : int, optional
        See :func:`bplab.checks.close`.

    Examples
    --------
    >>> def square_loss(p, x):
    ...     return float(np.sum((p["w"] * x) ** 2))
    >>> w, x = np.array([1.0, -2.0]), np.array([3.0, 0.5])
    >>> parameter_gradients({"w": 2 * w * x**2}, square_loss, {"w": w}, (x,), keys=["w"])
    grads['w'] is correct (largest relative error below 1e-09, tolerance 1e-05).
    """
    __tracebackhide__ = True
    true(isinstance(grads, dict) and set(keys) <= set(grads),
         f"The gradients should be a dict with the keys {tuple(keys)}; got "
         f"{type(grads).__name__}{' ' + str(tuple(grads)) if isinstance(grads, dict) else ''}.",
         "keys")
    for key in keys:
        gradient(label.format(key=key) + where, grads[key],
                 lambda value: loss({**params, key: value}, *data), params[key],
                 batch_size=batch_size)


def network_gradients(name: str, function: Callable[..., Any], sizes: Sequence[int], N: int,
                      seed: int, *, hidden: str, loss: str, exact: bool = False) -> None:
    """Check ``function(params, X, t, hidden, loss)``, the gradients of an MLP's mean loss.

    The network, batch and targets are :func:`bplab.mlp.example_problem`'s for
    ``sizes``, ``N`` and ``seed``. Each gradient must match a central difference, or, with
    ``exact``, the backward pass of :mod:`bplab.mlp` to 1e-12.

    Parameters
    ----------
    name : str
    function : callable
        The student's ``function(params, X, t, hidden, loss) -> dict of str to ndarray``.
    sizes : sequence of int
        Layer widths, input first.
    N : int
        Number of examples.
    seed : int
    hidden : {"sigmoid", "tanh", "relu"}
    loss : {"mse", "half_mse", "bce"}
    exact : bool, default False

    Examples
    --------
    >>> from bplab import mlp
    >>> def grads_of(params, X, t, hidden, loss):
    ...     return mlp.loss_and_grads(params, X, t, hidden=hidden, loss=loss)[1]
    >>> network_gradients("grads_of", grads_of, [2, 1], 3, 0, hidden="tanh", loss="bce",
    ...                   exact=True)  # doctest: +ELLIPSIS
    grads['W1'] against notebook 5's backward, to 1e-12 (2-1, tanh, bce, N=3) is correct ...
    grads['b1'] against notebook 5's backward, to 1e-12 (2-1, tanh, bce, N=3) is correct ...
    """
    __tracebackhide__ = True
    from .. import mlp
    from .diagnosis import FORMULA_TOL

    params, X, t = mlp.example_problem(list(sizes), N, seed, loss=loss)
    grads = call(name, function, params, X, t, hidden, loss)
    where = f"({'-'.join(str(n) for n in sizes)}, {hidden}, {loss}, N={N})"
    if exact:
        right = expected(lambda: mlp.backward(params, mlp.forward(params, X, hidden=hidden)[1],
                                              t, loss=loss))
    for key in params:
        true(isinstance(grads, dict) and key in grads,
             f"{name} should return a dict with the key {key!r}.", "keys")
        if exact:
            close(f"grads[{key!r}] against notebook 5's backward, to 1e-12 {where}",
                  grads[key], right[key], tol=FORMULA_TOL)
        else:
            gradient(f"grads[{key!r}] {where}", grads[key],
                     mlp.loss_of(params, X, t, key, hidden=hidden, loss=loss),
                     params[key], batch_size=N)
