"""Child processes that end when the grading process ends, even if it is killed.

nbgrader runs in a session of its own (so that a timeout can stop it with every kernel it
started), and the answer processes of the independent check too. A session of its own
also means that a Ctrl-C or a ``kill -9`` of the grading run would leave them grading on,
writing into folders the next run cleans up. On Linux, ``PR_SET_PDEATHSIG`` has the kernel
send them SIGKILL the moment their parent goes; elsewhere this is a no-op.

``python -m autograder.lifetime MODULE ARGS...`` runs ``python -m MODULE ARGS...`` that way.
"""

from __future__ import annotations

import ctypes
import os
import runpy
import signal
import sys

__all__ = ["PARENT_VARIABLE", "die_with_parent", "main"]

PARENT_VARIABLE = "BPLAB_PARENT_PID"
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Have this process killed when its parent ends; exit now if it already has.

    The parent's pid comes from ``BPLAB_PARENT_PID`` (set it when starting the child);
    without it, the current parent is assumed to be the right one.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    expected = os.environ.get(PARENT_VARIABLE)
    # The parent may have died between fork and prctl: then nobody will signal us.
    if expected is not None and os.getppid() != int(expected):
        os._exit(1)


def main() -> None:
    die_with_parent()
    module, sys.argv = sys.argv[1], sys.argv[1:]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
