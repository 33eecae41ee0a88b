"""Every limit of a grading run in one object, passed as it is wherever a limit applies.

The course's nbgrader configuration reads its defaults from :data:`DEFAULT_LIMITS`, the
grading pipeline hands a :class:`Limits` to each worker and check, and the sandbox turns
them into namespaces, cgroups and resource limits (:mod:`autograder.sandbox.bwrap`); no
number is typed twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Limits", "DEFAULT_LIMITS", "SANDBOX_UID"]

SANDBOX_UID = 65534
"""The host account (``nobody``) that sandboxes run as when grading runs as root; it owns
nothing. An account that grades without root runs its sandboxes as itself, in a user
namespace that maps it to ``nobody`` and shows it none of its files."""


@dataclass(frozen=True)
class Limits:
    """How much time, memory, disk and processes student code may take.

    Parameters
    ----------
    cell_timeout : float
        Seconds one cell may run, in nbgrader's kernel and in the independent check.
    memory : int
        Bytes of address space of every process that runs student code (a larger
        allocation raises MemoryError in that cell alone).
    sandbox_memory : int
        Bytes of memory of one sandbox as a whole, every process and its private files
        included (a cgroup where grading runs as root; elsewhere the kernel has no such
        limit for an ordinary account, and ``memory`` times ``processes`` bounds it).
    processes : int
        Processes and threads one sandbox may run at once (a fork bomb stops here).
    writable : int
        Bytes the student's code may write in its sandbox: each of its private folders
        (working folder, ``/tmp``) is a memory-backed file system of this size, and no
        file anywhere may grow beyond it.
    reply : int
        Bytes of one message the independent check accepts from an answer process; a
        larger one ends that process and leaves the cells it answers unconfirmed.
    batch_timeout : float or None
        Seconds one submission may take in all; None: only the per-cell limit.
    """

    cell_timeout: float = 30.0
    memory: int = 6 << 30
    sandbox_memory: int = 3 << 30
    processes: int = 64
    writable: int = 256 << 20
    reply: int = 32 << 20
    batch_timeout: float | None = None

    def __post_init__(self) -> None:
        if not self.cell_timeout > 0:
            raise ValueError(f"cell_timeout must be a positive number of seconds; got "
                             f"{self.cell_timeout!r}")
        for name in ("memory", "sandbox_memory", "processes", "writable", "reply"):
            value = getattr(self, name)
            if not (isinstance(value, int) and value > 0):
                raise ValueError(f"{name} must be a positive whole number; got {value!r}")
        if self.processes < 8:
            raise ValueError(f"processes must be at least 8 (a kernel runs several "
                             f"threads); got {self.processes!r}")
        if self.batch_timeout is not None and not self.batch_timeout > 0:
            raise ValueError(f"batch_timeout must be positive or None; got {self.batch_timeout!r}")

    @property
    def check_timeout(self) -> float:
        """Seconds the independent check of one submission may take in all."""
        return 60 * self.cell_timeout + 120

    @property
    def submission_timeout(self) -> float:
        """Seconds one submission may take from start to feedback."""
        return self.batch_timeout or 2 * self.check_timeout

    def nbgrader_arguments(self) -> list[str]:
        """Command-line options that give ``nbgrader autograde`` these limits.

        Examples
        --------
        >>> Limits(cell_timeout=5, memory=1 << 30).nbgrader_arguments()[:2]
        ['--Execute.timeout=5', '--SandboxedKernelManager.memory_limit=1073741824']
        """
        return [f"--Execute.timeout={math.ceil(self.cell_timeout)}",
                f"--SandboxedKernelManager.memory_limit={self.memory}",
                f"--SandboxedKernelManager.sandbox_memory={self.sandbox_memory}",
                f"--SandboxedKernelManager.processes={self.processes}",
                f"--SandboxedKernelManager.writable={self.writable}"]


DEFAULT_LIMITS = Limits()
"""The course's limits: 30 s a cell, 6 GiB a process, 3 GiB and 64 processes a sandbox,
256 MiB of files, 32 MiB a reply, no deadline per submission beyond the cells'."""
