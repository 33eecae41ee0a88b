"""Notebook 4's 2-2-1 network, for one example: the tanh network, and its BCE variant.

``bp.net221.<name>`` is the tanh network with the half squared error (``init_params``,
``forward``, ``loss``, ``local_derivatives``, ``backward``, ``loss_at``, and the scalars'
helpers ``number``, ``product`` and ``describe``); ``bp.net221.bce`` is the same hidden
layer under a sigmoid output and binary cross-entropy, notebook 4's transfer exercise
(``bp.net221.bce.loss_at``, ``bp.net221.bce.backward``). The functions marked
``@reference(4)`` answer notebook 4's exercises and are locked there (see
:mod:`bplab.course`).
"""

from . import bce
from ._network import (CACHE_KEYS, FACTOR_KEYS, PARAM_SHAPES, backward, check_params, describe,
                       forward, init_params, local_derivatives, loss, loss_at, number, product)

__all__ = ["PARAM_SHAPES", "CACHE_KEYS", "FACTOR_KEYS", "init_params", "forward", "loss",
           "local_derivatives", "backward", "loss_at", "number", "product", "describe",
           "check_params", "bce"]
