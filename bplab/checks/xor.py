"""What notebook 6's checks compare a student's XOR code against.

* :func:`step_gradients` reads the gradient a step applied back out of its result, so
  that a check can compare it with a numerical gradient and say what is wrong with it;
* :func:`loop_outputs` trains stacked networks one by one, the plain loop that the
  batched training of :mod:`bplab.xor` must agree with.

Shapes as in :mod:`bplab.xor`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .assertions import failure
from ..course import reference
from ..xor import PARAMS, as_params, forward, xor_step

__all__ = ["step_gradients", "loop_outputs"]


def step_gradients(result: Any, params: dict[str, ArrayLike],
                   lr: float) -> tuple[dict[str, np.ndarray], Any]:
    """The gradient that a step's result implies, ``(params - new) / lr``, and its loss.

    For checks: fails with a plain message when ``result`` is not ``(new_params, loss)``
    with the keys and shapes of ``params``.

    Examples
    --------
    >>> p = {"W1": np.ones((2, 2)), "b1": np.ones(2), "W2": np.ones((1, 2)), "b2": np.ones(1)}
    >>> new = {name: value - 0.5 * 3.0 for name, value in p.items()}
    >>> grads, value = step_gradients((new, 1.25), p, 0.5)
    >>> grads["b2"], value
    (array([3.]), 1.25)
    """
    if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], dict)):
        raise failure("xor_step should return a pair (new_params, loss) with new_params a dict;"
                      f" got {type(result).__name__}.", "not-a-pair")
    new, value = result
    if set(new) != set(PARAMS):
        raise failure(f"new_params should have the keys {PARAMS}; got {tuple(new)}.", "keys")
    grads = {}
    for name in PARAMS:
        if np.shape(new[name]) != np.shape(params[name]):
            raise failure(f"new_params['{name}'] should have shape {np.shape(params[name])} "
                          f"like params['{name}']; got {np.shape(new[name])}.", "shape")
        grads[name] = (np.asarray(params[name]) - np.asarray(new[name], dtype=float)) / lr
    return grads, value


@reference(6)
def loop_outputs(params: dict[str, ArrayLike], X: ArrayLike, t: ArrayLike, lr: float,
                 n_iterations: int) -> np.ndarray:
    """Final outputs (S, N) of S stacked networks, each trained alone by ``xor.xor_step``.

    The plain loop over seeds that the batched computation must agree with.
    """
    p = as_params(params)
    outputs = []
    for s in range(len(p["W1"])):
        single = {name: value[s] for name, value in p.items()}
        for _ in range(int(n_iterations)):
            single, _ = xor_step(single, X, t, lr)
        outputs.append(forward(single, X)[1][:, 0])
    return np.array(outputs)
