"""Check procedures for the 2-2-1 network of notebook 4 (:mod:`bplab.net221`).

* :func:`net221_case`: the fixed point of the tests, or one drawn from a seed, with its
  forward pass;
* :func:`net221_forward`: the entries of a forward pass's cache;
* :func:`net221_gradient`: one gradient of a backward pass;
* :func:`net221_pair`: one of the pair ``(dW1, dW2)``, with the slips it is known for
  named;
* :func:`net221_bce_gradients`: the gradients of the sigmoid-output, cross-entropy
  variant (:mod:`bplab.net221.bce`).

Without seeds, a check runs at the fixed point against central differences; with seeds
(hidden tests), at each seed's point against the reference the test cell hands over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from .. import net221, numdiff
from ..course import references_unlocked
from .assertions import call, close, formula, gradient, require
from .diagnosis import NUMERICAL_TOL, diagnose
from .layers import gradient_dict
from .testdata import expected, points

__all__ = ["net221_case", "net221_forward", "net221_gradient", "net221_pair",
           "net221_bce_gradients"]


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
        raise ValueError("Checks at seeded points compare with a reference: pass one as "
                         "reference.")
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
        needed = set(keys if required is None else required)
        require(isinstance(cache, dict) and needed <= set(cache),
                "forward should return a dict with keys "
                f"{', '.join(map(repr, net221.CACHE_KEYS))}; got {found}.", "keys")
        for key in keys:
            if key == "z1":
                transposed = params["W1"].T @ x + params["b1"]
                require(not diagnose("z1", cache["z1"], transposed).passed,
                        "cache['z1'] equals W1.T @ x: W1[j, i] is the weight from input i to "
                        "hidden unit j, so row j of W1 holds the weights into unit j and "
                        "z1 = W1 @ x + b1.", "transposed")
            if key == "y_hat":
                require(not diagnose("y_hat", cache["y_hat"], right["z2"]).passed,
                        "cache['y_hat'] equals z2: the output unit applies tanh too, "
                        "y_hat = tanh(z2).", "missing-activation")
            close(f"cache[{key!r}]{suffix}", cache[key], right[key])


def net221_gradient(function: Callable, key: str, seeds: Iterable[int] = (), *,
                    reference: Callable | None = None) -> None:
    """Assert that ``function(x, t, params, cache)`` gives the right ``grads[key]``.

    Without ``seeds``, at the fixed point of :func:`net221_case`, against a central
    difference of :func:`bplab.net221.loss_at`, and then exactly against ``reference``
    when one is given (a finite-difference answer passes the first, not the second); with
    ``seeds``, at each seed's point, exactly against ``reference`` (which is then required).

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
        require(isinstance(grads, dict) and key in grads,
                f"backward should return a dict with the key {key!r} (dL/d{key}).", "keys")
        if key.startswith("b"):  # a bias gradient of zeros is the usual slip: say so plainly
            require(not diagnose(key, grads[key], np.zeros(np.shape(params[key]))).passed,
                    f"grads[{key!r}] is all zeros, but the loss does change with {key}: nudge it "
                    "and the pre-activation it enters moves by the same amount.", "zeros")
        if seed is None:
            gradient(f"grads[{key!r}]", grads[key],
                     lambda value: net221.loss_at(x, t, params, key, value), params[key])
            if reference is not None:
                formula(f"grads[{key!r}], to the last digits", grads[key],
                        expected(reference, x, t, params, cache)[key])
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
    require(isinstance(result, (tuple, list)) and len(result) == 2,
            f"{name} should return a pair (dW1, dW2); got {type(result).__name__}.", "shape")
    answer = result[("W1", "W2").index(key)]
    if reference is None:
        with references_unlocked():  # the loss runs the reference forward pass
            right = numdiff.gradient(lambda value: net221.loss_at(x, y, params, key, value),
                                     params[key])
    else:
        right = expected(reference, x, y, params, expected(net221.forward, x, params))[key]
    for factor, message, kind in slips:
        require(not diagnose(f"d{key}", np.asarray(answer, dtype=float), factor * right).passed,
                message, kind)
    close(f"d{key} {where}".rstrip(), answer, right,
          **({} if reference else {"tol": NUMERICAL_TOL}))


def net221_bce_gradients(function: Callable, keys: Iterable[str], x: np.ndarray, t: float,
                         params: dict, *, where: str = "",
                         reference: Callable | None = None) -> None:
    """Assert that ``function(x, t, params)`` gives the cross-entropy gradients ``keys``.

    The network is :mod:`bplab.net221.bce`'s: a sigmoid output scored with cross-entropy.
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
        The reference :func:`bplab.net221.bce.backward`.
    """
    __tracebackhide__ = True
    grads = call("backward_sigmoid_bce(x, t, params)", function, x, t, params)
    if reference is None:
        gradient_dict("backward_sigmoid_bce", grads, params, keys, where=where,
                      loss_at=lambda key, value: net221.bce.loss_at(x, t, params, key, value))
    else:
        gradient_dict("backward_sigmoid_bce", grads, params, keys, where=where,
                      exact=expected(reference, x, t, params))
