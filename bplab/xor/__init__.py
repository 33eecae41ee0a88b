"""Notebook 6's XOR with a 2-2-1 sigmoid network: one network, or a batch of networks.

``bp.xor.<name>`` holds the data (``xor_data``), one network or a stack of them
(``init_params``, ``init_batch``, ``as_params``, ``forward``, ``loss``, ``gradients``,
``tanh_gradients``, ``xor_step``, ``train_xor``), and many networks trained at once, one
per random initialisation, with how often training learns XOR (``stacked_gradients``,
``batched_gradients``, ``train_batch``, ``success_rate``, ``weight_drift``,
``unchecked_sigmoid``). Shapes follow the course's notation page: ``W1`` (2, 2), ``b1``
(2,), ``W2`` (1, 2), ``b2`` (1,), with a leading seed axis S for a batch of networks. The
functions marked as references answer notebook 6's exercises and are locked there (see
:mod:`bplab.course`); what notebook 6's checks compare against is in
:mod:`bplab.checks.xor`.
"""

from ._batch import (SUCCESS_TOL, batched_gradients, stacked_gradients, success_rate, train_batch,
                     unchecked_sigmoid, weight_drift)
from ._network import (PARAMS, as_params, forward, gradients, init_batch, init_params, loss,
                       tanh_gradients, train_xor, xor_data, xor_step)

__all__ = [
    # one network, or a stack of them
    "xor_data", "init_params", "init_batch", "as_params", "forward", "loss", "gradients",
    "tanh_gradients", "xor_step", "train_xor", "PARAMS",
    # a batch of networks trained at once
    "unchecked_sigmoid", "stacked_gradients", "batched_gradients", "train_batch",
    "success_rate", "weight_drift", "SUCCESS_TOL",
]
