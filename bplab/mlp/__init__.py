"""A fully connected network of any depth: the network, its output layer, example problems.

Notebook 5 builds it, and notebooks 7 to 9 use it. What a notebook reads, ``bp.mlp.<name>``,
comes from three private modules:

* the network: ``init_params``, ``forward``, ``backward``, ``backward_from_delta``,
  ``loss_and_grads``, ``step`` and ``n_layers``;
* its output layer, where the loss enters: ``activation``, ``mean_loss``,
  ``output_delta``, with the names allowed in :data:`OUTPUTS` and :data:`LOSSES`;
* fixed problems for demos and checks: ``example_problem``, ``example_cache``, and the
  loss as a function of one parameter, ``loss_of``.

Shapes and conventions are those of the course's notation page, ``docs/notation.md``:
``W{l}`` of shape ``(n_l, n_{l-1})``, one example per row of ``X``, and gradients with the
keys of the parameters. The functions marked ``@reference(5)`` answer notebook 5's
exercises and are locked there (see :mod:`bplab.course`).
"""

from ._network import (backward, backward_from_delta, forward, init_params, loss_and_grads,
                       n_layers, step)
from ._output import LOSSES, OUTPUTS, activation, mean_loss, output_delta
from ._problems import example_cache, example_problem, loss_of

__all__ = [
    # the network
    "init_params", "n_layers", "forward", "backward", "backward_from_delta", "loss_and_grads",
    "step",
    # its output layer
    "OUTPUTS", "LOSSES", "activation", "mean_loss", "output_delta",
    # fixed problems
    "loss_of", "example_problem", "example_cache",
]
