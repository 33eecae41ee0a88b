"""Notebook 8's autograd engine: backward rules, the backward pass, and the engine itself.

What a notebook reads, ``bp.autograd.<name>``, comes from five private modules:

* the backward rule of each operation (``matmul_backward``, ``add_backward``,
  ``div_backward``, ``tanh_backward``, ``sigmoid_backward``, ``relu_backward``), with
  ``unbroadcast`` for inputs that NumPy broadcast;
* the rules of the reductions and losses (``mean_backward``, ``half_mse`` and
  ``half_mse_backward``, ``bce_backward``);
* the backward pass on a graph given as plain data (``topological_order``,
  ``backward_pass``, ``backward_steps``, ``check_graph``);
* the engine, :class:`Tensor`, which records its own graph (``graph_of``), and notebook 4's
  and notebook 5's networks run through it (``grads_221``, ``grads_mlp``);
* small example graphs and the mistakes that go with them (``example_parents``,
  ``random_graph``, ``edge_rules``, ``path_sums``, ``naive_backward``, ``looks_naive``,
  ``order_problem``).

The functions marked ``@reference(8)`` answer notebook 8's exercises and are locked there
(see :mod:`bplab.course`).
"""

from ._engine import Tensor, grads_221, grads_mlp, graph_of
from ._examples import (EXAMPLES, edge_rules, example_parents, looks_naive, naive_backward,
                        order_problem, path_sums, random_graph)
from ._graph import backward_pass, backward_steps, check_graph, topological_order
from ._losses import bce_backward, half_mse, half_mse_backward, mean_backward
from ._rules import (add_backward, as_grad_out, div_backward, matmul_backward, relu_backward,
                     sigmoid_backward, tanh_backward, unbroadcast)

__all__ = [
    # backward rules of the operations
    "as_grad_out", "unbroadcast", "matmul_backward", "add_backward", "div_backward",
    "tanh_backward", "sigmoid_backward", "relu_backward",
    # backward rules of the reductions and losses
    "half_mse", "mean_backward", "half_mse_backward", "bce_backward",
    # the backward pass on a plain graph
    "check_graph", "topological_order", "backward_steps", "backward_pass",
    # the engine
    "Tensor", "graph_of", "grads_221", "grads_mlp",
    # example graphs
    "EXAMPLES", "example_parents", "random_graph", "edge_rules", "path_sums",
    "naive_backward", "looks_naive", "order_problem",
]
