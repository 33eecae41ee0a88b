"""Check procedures for the gradients of a network of any depth (:mod:`bplab.mlp`).

Each procedure builds a fixed problem from ``sizes``, ``N`` and ``seed``
(:mod:`bplab.mlp`), calls the student's function on it and judges the gradients
it returns with :func:`bplab.checks.layers.gradient_dict`: against central
differences of the loss, or, when the test cell hands over a reference, exactly.
Shapes as in :mod:`bplab.mlp`: ``X`` is ``(N, n_0)``, ``t`` is ``(N, n_L)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from .. import mlp
from .assertions import call
from .layers import gradient_dict
from .testdata import expected

__all__ = ["mlp_backward_gradients", "problem_gradients"]


def _judge(name, grads, problem, keys, settings, exact):
    """Judge ``grads`` at ``problem = (params, X, t)`` by ``settings`` (hidden, output, loss)."""
    __tracebackhide__ = True
    params, X, t = problem
    hidden, output, loss = settings
    N = len(X)
    widths = [X.shape[1]] + [len(params[f"b{l}"]) for l in range(1, len(params) // 2 + 1)]
    shape = f"{'-'.join(map(str, widths))}, {hidden}, {loss}, N={N}"
    if exact is None:
        gradient_dict(name, grads, params, keys, where=f"({shape})", batch_size=N,
                      loss_at=lambda key, value: mlp.loss_of(
                          params, X, t, key, hidden=hidden, output=output, loss=loss)(value))
    else:
        gradient_dict(name, grads, params, keys, exact=exact, where=f"(hidden: {shape})",
                      batch_size=N)


def mlp_backward_gradients(function: Callable, sizes: Sequence[int], N: int, seed: int,
                           hidden: str, loss: str, keys: Iterable[str] | None = None, *,
                           reference: Callable | None = None) -> None:
    """Assert that ``function(params, cache, t, hidden, loss)`` returns the right gradients.

    The network has a sigmoid output; the cache handed to ``function`` is a correct one
    (:func:`bplab.mlp.example_cache`).

    Parameters
    ----------
    function : callable
        The student's backward pass, returning a dict of gradients.
    sizes : sequence of int
        Layer widths ``[n_0, ..., n_L]``.
    N, seed : int
        The batch size and the seed of the problem.
    hidden : {"sigmoid", "tanh"}
    loss : {"half_mse", "bce"}
    keys : iterable of str, optional
        The gradients to check; all by default.
    reference : callable, optional
        The reference :func:`bplab.mlp.backward`: the gradients must equal its, exactly,
        instead of being compared with central differences.
    """
    __tracebackhide__ = True
    params, X, t, cache = mlp.example_cache(list(sizes), N, seed, hidden=hidden,
                                                     loss=loss)
    grads = call("mlp_backward", function, params, cache, t, hidden, loss)
    exact = None if reference is None else expected(
        reference, params, {**cache, "hidden": hidden, "output": "sigmoid"}, t, loss=loss)
    _judge("mlp_backward", grads, (params, X, t), keys, (hidden, "sigmoid", loss), exact)


def problem_gradients(name: str, function: Callable, sizes: Sequence[int], N: int, seed: int,
                      keys: Iterable[str] | None = None, *, hidden: str, output: str, loss: str,
                      reference: Callable | None = None) -> None:
    """Assert that ``function(params, X, t)`` returns the gradients of the mean loss.

    Parameters
    ----------
    name : str
        The student's function, for the feedback.
    function : callable
        ``function(params, X, t) -> dict`` of gradients, its own forward pass inside.
    sizes : sequence of int
        Layer widths ``[n_0, ..., n_L]``.
    N, seed : int
        The batch size and the seed of the problem (:func:`bplab.mlp.example_problem`).
    keys : iterable of str, optional
        The gradients to check; all by default.
    hidden, output, loss : str
        The network and its loss, as in :func:`bplab.mlp.loss_and_grads`.
    reference : callable, optional
        The reference :func:`bplab.mlp.loss_and_grads`: the gradients must equal its,
        exactly, instead of being compared with central differences.
    """
    __tracebackhide__ = True
    params, X, t = mlp.example_problem(list(sizes), N, seed)
    grads = call(name, function, params, X, t)
    exact = None if reference is None else expected(
        reference, params, X, t, hidden=hidden, output=output, loss=loss)[1]
    _judge(name, grads, (params, X, t), keys, (hidden, output, loss), exact)
