"""The kernel nbgrader runs a student's notebook in, inside a sandbox.

The course's ``nbgrader_config.py`` names :class:`SandboxedExecute` among ``autograde``'s
preprocessors, so ``nbgrader autograde`` run by hand with the course's configuration gets
the same sandbox as ``make grade``. Each kernel:

* runs under :func:`autograder.sandbox.bwrap.command`: it sees the system, Python, the
  virtual environment and the full ``bplab`` (its test cells call the references),
  read-only, and writes only to its notebook's folder in ``autograded/<student>/``;
* talks to nbgrader over ZeroMQ ``ipc://`` sockets in a private folder of its own (the
  sandbox has no network, not even the host's loopback), removed when it shuts down;
* is interrupted by a message (a signal would stop the sandbox, not the cell), so a cell
  that runs over its time is stopped and the next cell runs;
* writes warnings to stdout, where nbgrader shows them without taking the cell's points
  (anything on stderr scores a test cell 0).

``c.SandboxedKernelManager.sandboxed = False`` (``make grade --no-sandbox``) keeps all of
this but the sandbox; ``memory_limit`` bounds each kernel's address space.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer

from ..settings import DEFAULT_LIMITS
from . import bwrap

__all__ = ["SandboxedKernelManager", "SandboxedExecute", "WARNINGS_TO_STDOUT"]

log = logging.getLogger(__name__)

WARNINGS_TO_STDOUT = (
    "import sys as _s, warnings as _w; "
    "_w.showwarning = lambda message, category, filename, lineno, file=None, line=None: "
    "_s.stdout.write(_w.formatwarning(message, category, filename, lineno, line)); "
    "del _s, _w")
"""A kernel start-up line: warnings are printed to stdout instead of stderr."""


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run sandboxed, over ``ipc://`` sockets."""

    sandboxed = Bool(True, config=True,
                     help="Run each kernel in a bubblewrap sandbox (False: no sandbox).")
    memory_limit = Integer(DEFAULT_LIMITS.memory, config=True,
                           help="Bytes of address space of each kernel.")

    _private: Path | None = None
    _workdir: str = ""

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        if self.sandboxed:
            bwrap.require()
        self._private = Path(tempfile.mkdtemp(prefix="bplab-kernel-"))
        self.transport = "ipc"
        self.connection_file = str(self._private / "kernel.json")
        self.ip = str(self._private / "ipc")
        self._workdir = str(kw.get("cwd") or os.getcwd())
        assert self.kernel_spec is not None
        self.kernel_spec.interrupt_mode = "message"
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        argv = super().format_kernel_cmd(extra_arguments)
        if not self.sandboxed:
            return bwrap.unsandboxed(argv, self.memory_limit)
        assert self._private is not None
        package = bwrap.package_dir("bplab")
        return bwrap.command(
            argv, cwd=self._workdir, writable=[self._private, self._workdir],
            readable=[package], memory=self.memory_limit,
            # ipykernel stops when its parent goes away unless told that the parent is
            # init; here its parent is the sandbox's init, and the sandbox's own
            # --die-with-parent stops it when nbgrader goes.
            env={"JPY_PARENT_PID": "1", "PYTHONPATH": str(package.parent)})

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self._private is not None and not restart:
            shutil.rmtree(self._private, ignore_errors=True)


class SandboxedExecute(Execute):
    """nbgrader's Execute preprocessor with :class:`SandboxedKernelManager` kernels."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # nbgrader's Execute passes its own kernel manager class as an argument, which
        # would win over configuration: name ours the same way.
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)
