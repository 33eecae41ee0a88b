"""A control group per sandbox: its memory and its number of processes, as a whole.

Resource limits (``setrlimit``) bound one process at a time; a student who starts four
processes of 600 MB each, or a thousand processes, is stopped only by a limit on the
sandbox as a whole. Linux gives that through control groups, which an ordinary account
may not create, so :class:`Cgroup` is used where grading runs as root (and the cgroup file
system is writable): cgroup v2's ``memory.max`` and ``pids.max`` in one group, or v1's
``memory`` and ``pids`` controllers. :func:`available` says whether it can be used here.

A sandbox's first process joins its group before it becomes the sandbox
(:data:`JOIN_THEN_EXEC`, a few lines of shell), so everything it starts is counted.
:meth:`Cgroup.close` kills whatever is left in the group and removes it.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

__all__ = ["available", "Cgroup", "JOIN_THEN_EXEC"]

log = logging.getLogger(__name__)

ROOT = Path("/sys/fs/cgroup")
_PREFIX = "bplab-sandbox-"

JOIN_THEN_EXEC = ('while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; '
                  'shift; exec "$@"')
"""``sh -c JOIN_THEN_EXEC sh PROCS... -- COMMAND...``: join each ``cgroup.procs`` given,
then become COMMAND; exit status 125 if a group cannot be joined."""


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK)


@functools.cache
def _layout() -> tuple[str, list[Path]] | None:
    """``("v2", [parent])`` or ``("v1", [memory parent, pids parent])``, or None."""
    if os.geteuid() != 0:
        return None
    unified = ROOT / "cgroup.controllers"
    if unified.exists():
        parent = ROOT / Path(_own_group("")).relative_to("/")
        controllers = unified.read_text().split()
        if {"memory", "pids"} <= set(controllers) and _writable(parent):
            return "v2", [parent]
        return None
    parents = []
    for controller in ("memory", "pids"):
        folder = ROOT / controller
        if not (folder / "cgroup.procs").exists():
            return None
        parent = folder / Path(_own_group(controller)).relative_to("/")
        if not _writable(parent):
            return None
        parents.append(parent)
    return "v1", parents


def _own_group(controller: str) -> str:
    """This process's group in ``controller`` ("" for v2), from /proc/self/cgroup."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        if (controller == "" and names == "") or controller in names.split(","):
            return path or "/"
    return "/"


@functools.cache
def available() -> bool:
    """True where this process can give each sandbox a control group of its own."""
    layout = _layout()
    if layout is None:
        return False
    try:  # try once: a v2 parent must let its children have these controllers
        with Cgroup(1 << 30, 16) as probe:
            joined = subprocess.run(probe.wrap(["/bin/true"]), capture_output=True, timeout=30)
        if joined.returncode != 0:
            raise OSError(joined.stderr.decode(errors="replace").strip() or "cannot join")
        return True
    except (OSError, subprocess.SubprocessError) as error:
        log.info("no control groups for sandboxes here: %s", error)
        return False


class Cgroup:
    """One sandbox's control group (see the module docstring).

    Parameters
    ----------
    memory : int
        Bytes of memory for every process in the group together.
    processes : int
        Processes and threads in the group at once.
    """

    def __init__(self, memory: int, processes: int) -> None:
        layout = _layout()
        if layout is None:
            raise OSError("control groups cannot be created by this account here")
        version, parents = layout
        name = _PREFIX + uuid.uuid4().hex[:12]
        self.folders = [parent / name for parent in parents]
        for folder in self.folders:
            folder.mkdir()
        if version == "v2":
            control = self.folders[0].parent / "cgroup.subtree_control"
            if not {"memory", "pids"} <= set(control.read_text().split()):
                control.write_text("+memory +pids")
            (self.folders[0] / "memory.max").write_text(str(memory))
            (self.folders[0] / "memory.swap.max").write_text("0")
            (self.folders[0] / "pids.max").write_text(str(processes))
        else:
            memory_folder, pids_folder = self.folders
            (memory_folder / "memory.limit_in_bytes").write_text(str(memory))
            with contextlib.suppress(OSError):  # absent where swap accounting is off
                (memory_folder / "memory.memsw.limit_in_bytes").write_text(str(memory))
            (pids_folder / "pids.max").write_text(str(processes))
        self.procs = [str(folder / "cgroup.procs") for folder in self.folders]

    def wrap(self, argv: list[str]) -> list[str]:
        """``argv`` started as a member of this group."""
        return ["/bin/sh", "-c", JOIN_THEN_EXEC, "sh", *self.procs, "--", *argv]

    def pids(self) -> list[int]:
        found: set[int] = set()
        for procs in self.procs:
            with contextlib.suppress(OSError, ValueError):
                found |= {int(line) for line in Path(procs).read_text().split()}
        return sorted(found)

    def close(self) -> None:
        """Kill every process still in the group, then remove the group."""
        for _ in range(50):
            left = self.pids()
            if not left:
                break
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)
        for folder in self.folders:
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # the last process is still being reaped
                    time.sleep(0.02)
            else:
                log.warning("the control group %s could not be removed", folder)

    def __enter__(self) -> Cgroup:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
