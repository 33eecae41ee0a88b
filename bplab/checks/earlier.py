"""The earlier answers later exercises call, each with a small case to check it on.

A test of an exercise that calls an earlier answer runs its checks inside
``with bp.checks.earlier.blamed(user, globals(), ["output_delta", ...]):``. When a check
fails, every earlier answer named is run on its case (several examples, several outputs)
and compared with the course's reference; the first that differs is named in the
failure's first line (see :mod:`bplab.checks.prerequisites`). Cases are built when asked
for, from fixed seeds, so that nothing is computed while the checks pass.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np

from . import prerequisites
from .assertions import call
from .kinds import CheckFailure
from .prerequisites import Check, Earlier, against, agrees
from .testdata import points

__all__ = ["EARLIER", "cases", "blamed"]


def _mlp_case():
    return points(501, (4, 3)), points(502, (2, 3)), points(503, (2,))


def _sigmoid_prime():
    from .. import activations

    return [against(activations.sigmoid_grad, points(511, (3, 2), -4.0, 4.0))]


def _dense_forward():
    from .. import layers

    return [against(layers.dense_forward, *_mlp_case())]


def _dense_backward():
    from .. import layers

    A, W, _ = _mlp_case()
    return [against(layers.dense_backward, points(504, (4, 2)), A, W)]


def _output_delta():
    from .. import mlp

    Z, T = points(521, (4, 2), -3.0, 3.0), np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    return [against(mlp.output_delta, Z, T, loss) for loss in ("half_mse", "bce")]


def _xor_step():
    from .. import xor

    X, t = xor.xor_data()
    return [against(xor.xor_step, xor.init_params(np.random.default_rng(531), init_scale=1.5),
                    X, t, 0.5)]


def _batched_gradients():
    from .. import xor

    X, t = xor.xor_data()
    return [against(xor.batched_gradients,
                    xor.init_batch(np.random.default_rng(541), 3, init_scale=1.0), X, t)]


def _layer_jacobian():
    from .. import jacobians

    W, z = points(551, (3, 2)), points(552, (3,))
    return [against(jacobians.layer_jacobian, W, z, name) for name in ("sigmoid", "tanh", "relu")]


def _rule(name, *args):
    from .. import autograd

    return [against(getattr(autograd, name), *args)]


def _topological_order():
    from .. import autograd

    def check(answer):
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                return all(autograd.order_problem(call("topological_order", answer,
                                                       autograd.example_parents(name), "L"),
                                                  autograd.example_parents(name), "L") is None
                           for name in ("double_diamond", "skip"))
        except CheckFailure:
            return False

    return [check]


def _backward_pass():
    from .. import autograd

    def check(answer):
        parents = autograd.example_parents("double_diamond")
        rules, weights = autograd.edge_rules(parents, 571, shape=(2,))
        root = np.array([1.0, -0.5])
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                grads = call("backward_pass", answer, parents, "L", rules, root)
        except CheckFailure:
            return False
        expected = autograd.path_sums(parents, "L", weights, root)
        return isinstance(grads, Mapping) and all(
            name in grads and agrees(grads[name], value) for name, value in expected.items())

    return [check]


def _softmax():
    from .. import softmax

    return [against(softmax.softmax, points(561, (4, 5), -3.0, 3.0))]


def _softmax_ce():
    from .. import softmax

    return [against(softmax.softmax_ce, points(562, (4, 5), -3.0, 3.0), np.array([4, 0, 2, 2]))]


def _softmax_ce_grad():
    from .. import softmax

    return [against(softmax.softmax_ce_grad, points(563, (4, 5), -3.0, 3.0),
                    np.array([1, 0, 4, 1]))]


def _network_logits():
    from .. import classifier, mlp

    params = mlp.init_params([5, 6, 3], np.random.default_rng(564))
    params["b1"] = points(565, (6,), -0.5, 0.5)
    return [against(classifier.logits, params, points(566, (4, 5)))]


def _sgd_step():
    from .. import classifier, mlp

    params = mlp.init_params([5, 6, 3], np.random.default_rng(567))
    params["b1"] = points(568, (6,), -0.5, 0.5)
    return [against(classifier.sgd_step, params, points(569, (4, 5)), np.array([2, 0, 1, 2]), 0.3)]


EARLIER: dict[str, tuple[str, Callable[[], list[Check]]]] = {
    # notebook 5
    "sigmoid_prime": ("sigmoid_prime (Exercise 1)", _sigmoid_prime),
    "dense_forward": ("dense_forward (Exercise 2)", _dense_forward),
    "dense_backward": ("dense_backward (Exercise 3)", _dense_backward),
    "output_delta": ("output_delta (Exercise 4)", _output_delta),
    # notebook 6
    "xor_step": ("xor_step (Exercise 1)", _xor_step),
    "batched_gradients": ("batched_gradients (Exercise 3)", _batched_gradients),
    # notebook 7
    "layer_jacobian": ("layer_jacobian (Exercise 1)", _layer_jacobian),
    # notebook 8
    "matmul_backward": ("matmul_backward (Exercise 1)", lambda: _rule(
        "matmul_backward", points(581, (4, 2)), points(582, (4, 3)), points(583, (3, 2)))),
    "unbroadcast": ("unbroadcast (Exercise 2)", lambda: _rule(
        "unbroadcast", points(584, (4, 3)), (3,)) + _rule(
        "unbroadcast", points(585, (4, 3)), (4, 1))),
    "add_backward": ("add_backward (Exercise 2)", lambda: _rule(
        "add_backward", points(586, (4, 3)), (4, 3), (3,))),
    "tanh_backward": ("tanh_backward (Exercise 3)", lambda: _rule(
        "tanh_backward", points(587, (4, 3)), points(588, (4, 3), -0.9, 0.9))),
    "sigmoid_backward": ("sigmoid_backward (Exercise 3)", lambda: _rule(
        "sigmoid_backward", points(589, (4, 3)), points(590, (4, 3), 0.05, 0.95))),
    "relu_backward": ("relu_backward (Exercise 3)", lambda: _rule(
        "relu_backward", points(591, (4, 3)), np.maximum(points(592, (4, 3)), 0.0))),
    "mean_backward": ("mean_backward (Exercise 4)", lambda: _rule("mean_backward", 1.3, (4, 3))),
    "half_mse_backward": ("half_mse_backward (Exercise 4)", lambda: _rule(
        "half_mse_backward", 1.3, points(593, (4, 2)), points(594, (4, 2)))),
    "bce_backward": ("bce_backward (Exercise 4)", lambda: _rule(
        "bce_backward", 0.8, points(595, (4, 2), 0.05, 0.95), np.array(
            [[1.0, 0.0], [0.0, 0.0], [1.0, 1.0], [0.0, 1.0]]))),
    "topological_order": ("topological_order (Exercise 5)", _topological_order),
    "backward_pass": ("backward_pass (Exercise 6)", _backward_pass),
    # notebook 9
    "softmax": ("softmax (Exercise 1)", _softmax),
    "softmax_ce": ("softmax_ce (Exercise 2)", _softmax_ce),
    "softmax_ce_grad": ("softmax_ce_grad (Exercise 3)", _softmax_ce_grad),
    "network_logits": ("network_logits (Exercise 5)", _network_logits),
    "sgd_step": ("sgd_step (Exercise 6)", _sgd_step),
}
"""Earlier answer's name -> (how to name it, its checks on small cases)."""


def cases(names: Iterable[str], namespace: Mapping[str, Any]) -> list[Earlier]:
    """The :data:`~bplab.checks.prerequisites.Earlier` entries of ``names``, one per case.

    Examples
    --------
    >>> [label for label, *_ in cases(["softmax"], {})]
    ['softmax (Exercise 1)']
    """
    found = []
    for name in names:
        if name not in EARLIER:
            raise ValueError(f"names must hold keys of EARLIER, such as {sorted(EARLIER)[0]!r}; "
                             f"got {name!r}.")
        label, make = EARLIER[name]
        found += [(label, namespace.get(name), check) for check in make()]
    return found


@contextmanager
def blamed(user: str, namespace: Mapping[str, Any], names: Iterable[str]) -> Iterator[None]:
    """Run checks of ``user``; when one fails, name the first wrong earlier answer first.

    Parameters
    ----------
    user : str
        The exercise under test.
    namespace : mapping
        Where the learner's answers are: the test cell's ``globals()``.
    names : iterable of str
        Keys of :data:`EARLIER`, the earlier answers ``user`` may call, in course order.

    Raises
    ------
    CheckFailure
        See :func:`bplab.checks.prerequisites.blamed`.

    Examples
    --------
    >>> from bplab import softmax
    >>> with blamed("softmax_ce_grad", {"softmax": softmax.softmax}, ["softmax"]):
    ...     pass
    >>> with blamed("softmax_ce_grad", {}, ["softmax"]):
    ...     raise CheckFailure("softmax_ce_grad is wrong.")
    Traceback (most recent call last):
    ...
    bplab.checks.kinds.CheckFailure: softmax_ce_grad calls your softmax (Exercise 1), which is not defined yet: answer it first.
    What softmax_ce_grad's own check found: softmax_ce_grad is wrong. [diagnosis: earlier-exercise]
    """
    __tracebackhide__ = True
    with prerequisites.blamed(user, cases(names, namespace)):
        yield
