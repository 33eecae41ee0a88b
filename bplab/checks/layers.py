"""Check procedures for gradients of layers and small networks, shared by test cells.

A test cell states what it checks (its data, its seeds, which gradient); the procedure
here calls the student's function, makes sure the answer has the expected form, and
judges it with :func:`~bplab.checks.assertions.gradient` (central differences) or, when
the cell hands over a reference, with :func:`~bplab.checks.assertions.formula` (exact):

* :func:`keys_and_shapes`: a dict of gradients has the keys and shapes of ``params``;
* :func:`gradient_dict`: a dict of gradients, key by key;
* :func:`dense_case` and :func:`dense_backward_part`: one of the three gradients of a
  dense layer's backward pass on a batch;
* :func:`sigmoid_output_delta`: the delta of a sigmoid output layer;
* the 2-2-1 network of notebook 4 has its own procedures, in
  :mod:`bplab.checks.net221`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from .. import activations, layers, mlp
from . import diagnosis
from .assertions import call, formula, gradient, true
from .testdata import expected, points

__all__ = ["keys_and_shapes", "gradient_dict", "dense_case", "dense_backward_part",
           "sigmoid_output_delta", "DENSE_PARTS"]

DENSE_PARTS = ("dA_prev", "dW", "db")
"""The order of the gradients that a dense layer's backward pass returns."""


def keys_and_shapes(name: str, grads: Any, params: Mapping[str, np.ndarray]) -> None:
    """Assert that ``grads`` is a dict with the keys of ``params``, each of its shape.

    Parameters
    ----------
    name : str
        The function that returned ``grads``, for the feedback.
    grads : object
        The student's answer.
    params : dict of str to ndarray

    Examples
    --------
    >>> keys_and_shapes("backward", {"W": np.zeros((2, 3))}, {"W": np.ones((2, 3))})
    >>> keys_and_shapes("backward", {"W": np.zeros(3)}, {"W": np.ones((2, 3))})
    Traceback (most recent call last):
    ...
    bplab.checks.kinds.CheckFailure: grads['W'] should have the shape of params['W'], (2, 3); got (3,)...
    """
    __tracebackhide__ = True
    found = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
    true(isinstance(grads, dict) and set(grads) == set(params),
         f"{name} should return a dict with the keys of params, {sorted(params)}; got {found}.",
         "keys")
    for key, value in params.items():
        true(np.shape(grads[key]) == np.shape(value),
             f"grads[{key!r}] should have the shape of params[{key!r}], {np.shape(value)}; "
             f"got {np.shape(grads[key])}.", "shape")


def gradient_dict(name: str, grads: Any, params: Mapping[str, np.ndarray],
                  keys: Iterable[str] | None = None, *,
                  loss_at: Callable[[str, np.ndarray], float] | None = None,
                  exact: Mapping[str, np.ndarray] | None = None, where: str = "",
                  batch_size: int | None = None) -> None:
    """Assert, key by key, that the dict ``grads`` holds the gradients of a loss.

    Parameters
    ----------
    name : str
        The function that returned ``grads``, for the feedback.
    grads : object
        The student's answer, expected to be a dict of str to ndarray.
    params : dict of str to ndarray
        The point: ``params[key]`` is where ``grads[key]`` is judged.
    keys : iterable of str, optional
        Which gradients to check; all the keys of ``params`` by default.
    loss_at : callable, optional
        ``loss_at(key, value) -> float``, the loss with ``params[key]`` replaced by
        ``value``: each gradient is compared with its central difference.
    exact : dict of str to ndarray, optional
        The exact gradients: each must equal its entry (see :func:`bplab.checks.formula`).
    where : str, optional
        Said after each gradient's name in the feedback, such as ``"(hidden: N=3)"``.
    batch_size : int, optional
        N, to name factor-of-N mistakes.

    Examples
    --------
    >>> w = {"w": np.array([1.0, -2.0])}
    >>> gradient_dict("f", {"w": 2 * w["w"]}, w, loss_at=lambda key, v: float(v @ v))
    grads['w'] is correct (largest relative error below 1e-09, tolerance 1e-05).
    """
    __tracebackhide__ = True
    for key in params if keys is None else keys:
        true(isinstance(grads, dict) and key in grads,
             f"{name} should return a dict with the key {key!r}.", "keys")
        label = f"grads[{key!r}] {where}".rstrip()
        if loss_at is not None:
            gradient(label, grads[key], lambda value: loss_at(key, value), params[key],
                     batch_size=batch_size)
        if exact is not None:
            formula(label, grads[key], exact[key], batch_size=batch_size)


def dense_case(seed: int, N: int, n_in: int, n_out: int) -> tuple[np.ndarray, ...]:
    """A batch, a dense layer and fixed weights ``G`` of its outputs, from four seeds.

    Returns
    -------
    A_prev : ndarray of shape (N, n_in)
    W : ndarray of shape (n_out, n_in)
    b : ndarray of shape (n_out,)
    G : ndarray of shape (N, n_out)
        Drawn with the seeds ``seed`` to ``seed + 3``, in this order.

    Examples
    --------
    >>> [part.shape for part in dense_case(21, 4, 3, 2)]
    [(4, 3), (2, 3), (2,), (4, 2)]
    """
    return (points(seed, (N, n_in)), points(seed + 1, (n_out, n_in)),
            points(seed + 2, (n_out,)), points(seed + 3, (N, n_out)))


def dense_backward_part(function: Callable, part: str, seed: int, N: int, n_in: int, n_out: int,
                        *, where: str = "", reference: Callable | None = None) -> None:
    """Assert that ``function(dZ, A_prev, W)`` returns a right ``part`` of a layer's gradients.

    For the scalar ``L = sum(G * Z)`` of the layer's outputs ``Z``, the deltas are
    ``dL/dZ = G`` exactly, so ``function(G, A_prev, W)`` must return the gradients of
    that ``L``; the one named by ``part`` is compared with a central difference.

    Parameters
    ----------
    function : callable
        The student's ``dense_backward(dZ, A_prev, W) -> (dA_prev, dW, db)``.
    part : {"dA_prev", "dW", "db"}
    seed, N, n_in, n_out : int
        The case, drawn by :func:`dense_case`.
    where : str, optional
        Names the case in the feedback, such as ``"hidden"``; the shapes are added.
    reference : callable, optional
        A reference ``dense_backward``: the part must also equal its answer exactly.
    """
    __tracebackhide__ = True
    A_prev, W, b, G = dense_case(seed, N, n_in, n_out)
    index = DENSE_PARTS.index(part)
    result = call("dense_backward", function, G, A_prev, W)
    true(isinstance(result, (tuple, list)) and len(result) == 3,
         "dense_backward should return a tuple of three arrays (dA_prev, dW, db); "
         f"got {type(result).__name__}.", "shape")
    label = f"{part} from dense_backward"
    if where:
        label += f" ({where}: N={N}, n_in={n_in}, n_out={n_out})"
    inputs = [A_prev, W, b]  # the argument that `part` differentiates, at `index`

    def loss(value):
        varied = inputs[:index] + [value] + inputs[index + 1:]
        return np.sum(G * layers.dense_forward(*varied))

    gradient(label, result[index], loss, inputs[index], batch_size=N)
    if reference is not None:
        formula(label, result[index], expected(reference, G, A_prev, W)[index],
                batch_size=N)


def sigmoid_output_delta(function: Callable, Z: np.ndarray, t: np.ndarray, loss: str, *,
                         where: str = "", reference: Callable | None = None) -> None:
    """Assert that ``function(Z, t, loss)`` is dL/dZ for a sigmoid output layer.

    Compared with a central difference of the mean loss of ``sigmoid(Z)``
    (:func:`bplab.mlp.mean_loss`), after a check that every entry is finite.

    Parameters
    ----------
    function : callable
        The student's ``output_delta(Z, t, loss)``.
    Z : ndarray of shape (N, n_out)
        Pre-activations of the output layer.
    t : ndarray of shape (N, n_out)
        Targets.
    loss : {"half_mse", "bce"}
    where : str, optional
        Said after the call's name in the feedback, such as ``"on a hidden batch"``.
    reference : callable, optional
        A reference ``output_delta``: the answer must also equal its, exactly.
    """
    __tracebackhide__ = True
    label = f"output_delta(Z, t, {loss!r}) {where}".rstrip()
    N = len(Z)
    got = call(f"output_delta(Z, t, {loss!r})", function, Z, t, loss)
    true(np.all(np.isfinite(got)),
         f"output_delta(Z, t, {loss!r}) should be finite; got {diagnosis.ended(got)}", "non-finite")
    gradient(label, got, lambda z: mlp.mean_loss(activations.sigmoid(z), t, loss, Z=z), Z,
             batch_size=N if N > 1 else None)
    if reference is not None:
        formula(label, got, expected(reference, Z, t, loss=loss), batch_size=N)
