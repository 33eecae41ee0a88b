"""Notebook 3's computational graphs: a forward and a backward pass, and worked examples.

``bp.graph.Graph`` holds nodes in topological order and computes every bar value
``dL/dv``; ``bp.graph.backprop`` is the backward pass on plain data. The worked examples of
notebook 3 are graphs too: ``j_graph`` (``J = 3(a + bc)``), ``neuron_graph`` (a logistic
neuron with an L2 regulariser) and ``exp_div_graph`` (``e^(ab) / (e^(ab) + b)``), with their
reference answers (``forward_backward_j``, ``neuron_loss``, ``neuron_backward``,
``exp_div_backward``), locked in notebook 3 (see :mod:`bplab.course`). Pictures of graphs
are in :mod:`bplab.explore.graph`.
"""

from ._examples import (exp_div_backward, exp_div_graph, forward_backward_j, j_graph,
                        neuron_backward, neuron_graph, neuron_loss)
from ._graph import Graph, Node, backprop

__all__ = ["Node", "Graph", "backprop",
           "j_graph", "neuron_graph", "exp_div_graph", "forward_backward_j", "neuron_loss",
           "neuron_backward", "exp_div_backward"]
