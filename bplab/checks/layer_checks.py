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
* :func:`net221_case`, :func:`net221_forward` and :func:`net221_gradient`: the forward
  pass and one gradient of the 2-2-1 network of :mod:`bplab.net221`;
* :func:`net221_pair`: one of the pair ``(dW1, dW2)`` of the same network, with the
  slips it is known for named;
* :func:`net221_bce_gradients`: the gradients of its sigmoid-output, cross-entropy
  variant (:mod:`bplab.net221_bce`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from .. import activations, layers, mlp_output, net221, net221_bce, numdiff
from ..course import references_unlocked
from .assertions import call, close, formula, gradient, true
from .diagnosis import NUMERICAL_TOL, diagnose
from .testdata import expected, points

__all__ = ["keys_and_shapes", "gradient_dict", "dense_case", "dense_backward_part",
           "sigmoid_output_delta", "net221_case", "net221_forward", "net221_gradient",
           "net221_pair", "net221_bce_gradients", "DENSE_PARTS"]

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
    bplab.checks.kinds.CheckFailure: grads['W'] should have the shape of params['W'], (2, 3); got (3,) ...
    """
    __tracebackhide__ = True
    found = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
    true(isinstance(grads, dict) and set(grads) == set(params),
         f"{name} should return a dict with the keys of params, {sorted(params)}; got {found}",
         "keys")
    for key, value in params.items():
        true(np.shape(grads[key]) == np.shape(value),
             f"grads[{key!r}] should have the shape of params[{key!r}], {np.shape(value)}; "
             f"got {np.shape(grads[key])}", "shape")


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
             f"{name} should return a dict with the key {key!r}", "keys")
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


def dense_backward_part(function: Callable, part: str, case: Sequence[np.ndarray], *,
                        where: str = "", reference: Callable | None = None) -> None:
    """Assert that ``function(dZ, A_prev, W)`` returns a right ``part`` of a layer's gradients.

    For the scalar ``L = sum(G * Z)`` of the layer's outputs ``Z``, the deltas are
    ``dL/dZ = G`` exactly, so ``function(G, A_prev, W)`` must return the gradients of
    that ``L``; the one named by ``part`` is compared with a central difference.

    Parameters
    ----------
    function : callable
        The student's ``dense_backward(dZ, A_prev, W) -> (dA_prev, dW, db)``.
    part : {"dA_prev", "dW", "db"}
    case : tuple of ndarray
        ``(A_prev, W, b, G)`` as :func:`dense_case` returns them.
    where : str, optional
        Names the case in the feedback, such as ``"hidden"``; the shapes are added.
    reference : callable, optional
        A reference ``dense_backward``: the part must also equal its answer exactly.
    """
    __tracebackhide__ = True
    A_prev, W, b, G = case
    index = DENSE_PARTS.index(part)
    result = call("dense_backward", function, G, A_prev, W)
    true(isinstance(result, (tuple, list)) and len(result) == 3,
         "dense_backward should return a tuple of three arrays (dA_prev, dW, db); "
         f"got {type(result).__name__}", "shape")
    N, (n_out, n_in) = len(A_prev), np.shape(W)
    label = f"{part} from dense_backward"
    if where:
        label += f" ({where}: N={N}, n_in={n_in}, n_out={n_out})"
    inputs = [A_prev, W, b]  # the argument that `part` differentiates, at `index`

    def loss(value):
        varied = inputs[:index] + [value] + inputs[index + 1:]
        return np.sum(G * layers.dense_forward(*varied))

    gradient(label, result[index], loss, inputs[index], batch_size=N)
    if reference is not None:
        formula(f"{label}, exactly", result[index], expected(reference, G, A_prev, W)[index],
                batch_size=N)


def sigmoid_output_delta(function: Callable, Z: np.ndarray, t: np.ndarray, loss: str, *,
                         where: str = "", reference: Callable | None = None) -> None:
    """Assert that ``function(Z, t, loss)`` is dL/dZ for a sigmoid output layer.

    Compared with a central difference of the mean loss of ``sigmoid(Z)``
    (:func:`bplab.mlp_output.mean_loss`), after a check that every entry is finite.

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
    true(np.all(np.isfinite(got)), f"output_delta(Z, t, {loss!r}) should be finite; got {got}",
         "non-finite")
    gradient(label, got, lambda z: mlp_output.mean_loss(activations.sigmoid(z), t, loss, Z=z), Z,
             batch_size=N if N > 1 else None)
    if reference is not None:
        formula(f"{label}, exactly", got, expected(reference, Z, t, loss=loss), batch_size=N)


def net221_case(seed: int | None = None, *,
                biases: bool = True) -> tuple[np.ndarray, float, dict, dict]:
    """A point of the 2-2-1 network and its forward pass: the fixed one, or one from ``seed``.

    Parameters
    ----------
    seed : int, optional
        Draws ``x``, ``t`` and the parameters; without it, the fixed point of the tests.
    biases : bool, default True
        When False, ``b1`` and ``b2`` are zeros.

    Returns
    -------
    x : ndarray of shape (2,)
    t : float
    params : dict
        ``W1`` (2, 2), ``b1`` (2,), ``W2`` (1, 2), ``b2`` (1,).
    cache : dict
        ``x``, ``z1``, ``a1``, ``z2``, ``y_hat`` as :func:`bplab.net221.forward` keeps them.

    Examples
    --------
    >>> x, t, params, cache = net221_case()
    >>> x, t, cache["y_hat"].round(6)
    (array([ 0.8, -0.5]), 0.5, array([0.013128]))
    """
    if seed is None:
        x, t = np.array([0.8, -0.5]), 0.5
        params = {"W1": np.array([[0.5, -1.0], [1.5, 0.25]]), "b1": np.array([0.2, -0.3]),
                  "W2": np.array([[1.0, -0.75]]), "b2": np.array([-0.3])}
        if not biases:
            params.update(b1=np.zeros(2), b2=np.zeros(1))
    else:
        x, t = points(seed, (2,)), float(points(seed + 50, (), -0.9, 0.9))
        params = net221.init_params(np.random.default_rng(seed), biases=biases)
    z1 = params["W1"] @ x + params["b1"]
    z2 = params["W2"] @ np.tanh(z1) + params["b2"]
    return x, t, params, {"x": x, "z1": z1, "a1": np.tanh(z1), "z2": z2, "y_hat": np.tanh(z2)}


def _hidden_cases(seeds, reference):
    """The seeds to run (None: the fixed point), refusing hidden points with no reference."""
    seeds = tuple(seeds)
    if seeds and reference is None:
        raise ValueError("checks at seeded points compare with a reference: pass reference=")
    return seeds or (None,)


def net221_forward(function: Callable, keys: Sequence[str], seeds: Iterable[int] = (), *,
                   biases: bool = True, required: Iterable[str] | None = None,
                   reference: Callable | None = None) -> None:
    """Assert that ``function(x, params)`` keeps the right ``keys`` of the 2-2-1 forward pass.

    Without ``seeds``, at the fixed point of :func:`net221_case`; with ``seeds``, at each
    seed's point, against ``reference`` (which is then required). A transposed ``W1`` and
    a missing output tanh are named as such.

    Parameters
    ----------
    function : callable
        The student's ``forward(x, params) -> cache``.
    keys : sequence of str
        The entries of the cache to compare, among ``x``, ``z1``, ``a1``, ``z2``, ``y_hat``.
    seeds : iterable of int, optional
    biases : bool, default True
        When False, the biases are zeros.
    required : iterable of str, optional
        The keys the cache must have; ``keys`` by default.
    reference : callable, optional
        The reference ``forward``.
    """
    __tracebackhide__ = True
    for seed in _hidden_cases(seeds, reference):
        x, _, params, right = net221_case(seed, biases=biases)
        if reference is not None:
            right = expected(reference, x, params)
        suffix = (" with biases" if biases else "") + ("" if seed is None else " at a hidden point")
        cache = call(f"forward(x, params){' with biases' if biases else ''}", function, x, params)
        found = sorted(cache) if isinstance(cache, dict) else type(cache).__name__
        true(isinstance(cache, dict) and set(keys if required is None else required) <= set(cache),
             f"forward should return a dict with keys {', '.join(map(repr, net221.CACHE_KEYS))}; "
             f"got {found}", "keys")
        for key in keys:
            if key == "z1":
                true(not diagnose("z1", cache["z1"], params["W1"].T @ x + params["b1"]).passed,
                     "cache['z1'] equals W1.T @ x: W1[j, i] is the weight from input i to hidden "
                     "unit j, so row j of W1 holds the weights into unit j and z1 = W1 @ x + b1.",
                     "transposed")
            if key == "y_hat":
                true(not diagnose("y_hat", cache["y_hat"], right["z2"]).passed,
                     "cache['y_hat'] equals z2: the output unit applies tanh too, y_hat = tanh(z2).",
                     "missing-activation")
            close(f"cache[{key!r}]{suffix}", cache[key], right[key])


def net221_gradient(function: Callable, key: str, seeds: Iterable[int] = (), *,
                    reference: Callable | None = None) -> None:
    """Assert that ``function(x, t, params, cache)`` gives the right ``grads[key]``.

    Without ``seeds``, at the fixed point of :func:`net221_case`, against a central
    difference of :func:`bplab.net221.loss_at`; with ``seeds``, at each seed's point,
    exactly against ``reference`` (which is then required).

    Parameters
    ----------
    function : callable
        The student's ``backward(x, t, params, cache) -> dict``.
    key : {"W1", "b1", "W2", "b2"}
    seeds : iterable of int, optional
    reference : callable, optional
        The reference ``backward``.
    """
    __tracebackhide__ = True
    for seed in _hidden_cases(seeds, reference):
        x, t, params, cache = net221_case(seed)
        grads = call("backward(x, t, params, cache)", function, x, t, params, cache)
        true(isinstance(grads, dict) and key in grads,
             f"backward should return a dict with the key {key!r} (dL/d{key})", "keys")
        if key.startswith("b"):  # a bias gradient of zeros is the usual slip: say so plainly
            true(not diagnose(key, grads[key], np.zeros(np.shape(params[key]))).passed,
                 f"grads[{key!r}] is all zeros, but the loss does change with {key}: nudge it "
                 "and the pre-activation it enters moves by the same amount.", "zeros")
        if seed is None:
            gradient(f"grads[{key!r}]", grads[key],
                     lambda value: net221.loss_at(x, t, params, key, value), params[key])
        else:
            formula(f"grads[{key!r}] at a hidden point", grads[key],
                    expected(reference, x, t, params, cache)[key])


def net221_pair(name: str, function: Callable, key: str, x: np.ndarray, y: float,
                params: dict, *, slips: Iterable[tuple[Any, str, str]] = (), where: str = "",
                reference: Callable | None = None) -> None:
    """Assert that one gradient of the pair ``function(x, y, params) -> (dW1, dW2)`` is right.

    The right value is a central difference of :func:`bplab.net221.loss_at` (compared at
    ``NUMERICAL_TOL``) or, given ``reference``, the reference's exact gradient. Known
    slips are named before the comparison: each ``(factor, message, kind)`` of ``slips``
    fails with its message when the answer equals ``factor * right``.

    Parameters
    ----------
    name : str
        The student's function, for the feedback.
    function : callable
        The student's function, such as ``gradients_fixed``.
    key : {"W1", "W2"}
    x : ndarray of shape (2,)
    y : float
        The target.
    params : dict
        ``W1`` (2, 2), ``W2`` (1, 2), and zero biases ``b1`` (2,), ``b2`` (1,).
    slips : iterable of (float or ndarray, str, str), optional
    where : str, optional
        Said after the gradient's name in the feedback, such as ``"at a hidden point"``.
    reference : callable, optional
        The reference :func:`bplab.net221.backward`.
    """
    __tracebackhide__ = True
    result = call(f"{name}(x, y, params)", function, x, y, params)
    true(isinstance(result, (tuple, list)) and len(result) == 2,
         f"{name} should return a pair (dW1, dW2); got {type(result).__name__}", "shape")
    answer = result[("W1", "W2").index(key)]
    if reference is None:
        with references_unlocked():  # the loss runs the reference forward pass
            right = numdiff.gradient(lambda value: net221.loss_at(x, y, params, key, value),
                                     params[key])
    else:
        right = expected(reference, x, y, params, expected(net221.forward, x, params))[key]
    for factor, message, kind in slips:
        true(not diagnose(f"d{key}", np.asarray(answer, dtype=float), factor * right).passed,
             message, kind)
    close(f"d{key} {where}".rstrip(), answer, right,
          **({} if reference else {"tol": NUMERICAL_TOL}))


def net221_bce_gradients(function: Callable, keys: Iterable[str], x: np.ndarray, t: float,
                         params: dict, *, where: str = "",
                         reference: Callable | None = None) -> None:
    """Assert that ``function(x, t, params)`` gives the cross-entropy gradients ``keys``.

    The network is :mod:`bplab.net221_bce`'s: a sigmoid output scored with cross-entropy.
    Each gradient is compared with a central difference of its loss or, given
    ``reference``, with the reference's gradient, exactly.

    Parameters
    ----------
    function : callable
        The student's ``backward_sigmoid_bce(x, t, params) -> dict``.
    keys : iterable of str
        Among ``W1``, ``b1``, ``W2``, ``b2``.
    x : ndarray of shape (2,)
    t : float in [0, 1]
    params : dict
    where : str, optional
        Said after each gradient's name in the feedback, such as ``"at a hidden point"``.
    reference : callable, optional
        The reference :func:`bplab.net221_bce.backward`.
    """
    __tracebackhide__ = True
    grads = call("backward_sigmoid_bce(x, t, params)", function, x, t, params)
    if reference is None:
        gradient_dict("backward_sigmoid_bce", grads, params, keys, where=where,
                      loss_at=lambda key, value: net221_bce.loss_at(x, t, params, key, value))
    else:
        gradient_dict("backward_sigmoid_bce", grads, params, keys, where=where,
                      exact=expected(reference, x, t, params))
