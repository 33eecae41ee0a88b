"""Every limit of a grading run in one object, passed as it is wherever a limit applies.

The course's nbgrader configuration reads its defaults from :data:`DEFAULT_LIMITS`, the
grading pipeline hands a :class:`Limits` to each batch and check, and nbgrader gets them
on its command line from :meth:`Limits.nbgrader_arguments`; no number is typed twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Limits", "DEFAULT_LIMITS"]


@dataclass(frozen=True)
class Limits:
    """How much time and memory student code may take.

    Parameters
    ----------
    cell_timeout : float
        Seconds one cell may run, in nbgrader's kernel and in the independent check.
    memory : int
        Bytes of address space of every process that runs student code (a larger
        allocation raises MemoryError in that cell alone).
    batch_timeout : float or None
        Seconds one nbgrader process may take for its whole batch; None: no deadline
        beyond the per-cell one.
    """

    cell_timeout: float = 30.0
    memory: int = 6 << 30
    batch_timeout: float | None = None

    def __post_init__(self) -> None:
        if not self.cell_timeout > 0:
            raise ValueError(f"cell_timeout must be a positive number of seconds; got "
                             f"{self.cell_timeout!r}")
        if not self.memory > 0:
            raise ValueError(f"memory must be a positive number of bytes; got {self.memory!r}")
        if self.batch_timeout is not None and not self.batch_timeout > 0:
            raise ValueError(f"batch_timeout must be positive or None; got {self.batch_timeout!r}")

    @property
    def check_timeout(self) -> float:
        """Seconds the independent check of one submission may take in all."""
        return 60 * self.cell_timeout + 120

    def nbgrader_arguments(self) -> list[str]:
        """Command-line options that give nbgrader these limits.

        Examples
        --------
        >>> Limits(cell_timeout=5, memory=1 << 30).nbgrader_arguments()
        ['--Execute.timeout=5', '--SandboxedKernelManager.memory_limit=1073741824']
        """
        return [f"--Execute.timeout={math.ceil(self.cell_timeout)}",
                f"--SandboxedKernelManager.memory_limit={self.memory}"]


DEFAULT_LIMITS = Limits()
"""The course's limits: 30 s a cell, 6 GiB a process, no deadline per batch."""
