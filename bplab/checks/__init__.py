"""What the notebooks' test cells call: assertions that diagnose, and their fixtures.

``bp.checks.close``, ``bp.checks.gradient``, ``bp.checks.formula`` and the rest are
:mod:`bplab.checks.assertions`; each failure is a :class:`CheckFailure` whose ``kind`` comes
from the registry :data:`KINDS`. The tolerance policy is in :mod:`bplab.checks.diagnosis`,
seeded fixtures in :mod:`bplab.checks.testdata`. Procedures that several test cells share,
loaded on first use: :mod:`bplab.checks.layers` (a layer's gradients, a dict of
gradients), :mod:`bplab.checks.mlp` (a network of any depth),
:mod:`bplab.checks.net221` (the 2-2-1 network) and
:mod:`bplab.checks.jacobians` (Jacobians).
"""

from .assertions import call, close, derivative, failure, formula, gradient, mapping, true
from .kinds import KINDS, CheckFailure
from ..lazy import submodule_getattr

__getattr__ = submodule_getattr(__name__, globals())  # testdata, xor, ...

__all__ = ["call", "close", "mapping", "gradient", "formula", "derivative", "true", "failure",
           "CheckFailure", "KINDS"]
