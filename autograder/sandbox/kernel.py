"""The kernel nbgrader runs a student's notebook in, inside a sandbox.

The course's ``nbgrader_config.py`` names :class:`SandboxedExecute` among ``autograde``'s
preprocessors, so ``nbgrader autograde`` run by hand with the course's configuration gets
the same sandbox as the course's own grading. Each kernel:

* runs in a :class:`autograder.sandbox.bwrap.Sandbox`: it sees the system, Python, the
  virtual environment and the full ``bplab`` (its test cells call the references),
  read-only, and works in :data:`WORKDIR`, an empty private folder of its own. It never
  sees the folder where nbgrader writes the graded notebook, so nothing it does there (a
  link in place of the notebook, say) can reach what nbgrader writes;
* talks to nbgrader over ZeroMQ ``ipc://`` sockets in a private folder of its own (the
  sandbox has no network, not even the host's loopback), removed when it shuts down;
* is interrupted by a message (a signal would stop the sandbox, not the cell), so a cell
  that runs over its time is stopped and the next cell runs;
* prints warnings to stdout, where nbgrader shows them without taking the cell's points
  (anything on stderr scores a test cell 0).

``c.SandboxedKernelManager.sandboxed = False`` (``--no-sandbox``) keeps all of this but the
sandbox; ``memory_limit`` bounds each kernel's address space.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer

from ..settings import DEFAULT_LIMITS, SANDBOX_UID, Limits
from . import bwrap

__all__ = ["SandboxedKernelManager", "SandboxedExecute", "ZygoteProvisioner", "use_zygote",
           "WARNINGS_TO_STDOUT", "WORKDIR"]

log = logging.getLogger(__name__)

WORKDIR = "/home/student"
"""The kernel's working folder inside its sandbox: empty, private, memory-backed."""

WARNINGS_TO_STDOUT = (
    "import warnings as _w; "
    "_w.showwarning = (lambda stdout, show: lambda message, category, filename, lineno, "
    "file=None, line=None: stdout.write(show(message, category, filename, lineno, line)))"
    "(__import__('sys').stdout, _w.formatwarning); del _w")
"""A kernel start-up line: warnings are printed to stdout instead of stderr. The printer
keeps what it needs in its closure, so it works after the line's own names are gone."""


_ZYGOTE: Any = None  # this process's kernel zygote, when a grading worker made one


def use_zygote(zygote: Any) -> None:
    """Fork this process's kernels from ``zygote`` (a kernel :class:`~.zygote.Zygote`;
    None: start each in a sandbox of its own). A grading worker sets it once."""
    global _ZYGOTE
    _ZYGOTE = zygote


class ZygoteProvisioner(LocalProvisioner):  # type: ignore[misc]
    """Starts the kernel as a child of the kernel zygote instead of a new program."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        km = self.parent
        arguments = cmd[cmd.index(km.connection_file) + 1:]
        folder = Path(km.connection_file).parent
        self.process = _ZYGOTE.spawn(role="kernel", connection_file=km.connection_file,
                                     arguments=arguments, own=[[str(folder.parent), folder.name]],
                                     env={"JPY_SESSION_NAME": ""})
        self.pid, self.pgid, self.cwd = self.process.pid, None, WORKDIR
        return self.connection_info


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run sandboxed, over ``ipc://`` sockets."""

    sandboxed = Bool(True, config=True,
                     help="Run each kernel in a bubblewrap sandbox (False: no sandbox).")
    memory_limit = Integer(DEFAULT_LIMITS.memory, config=True,
                           help="Bytes of address space of each kernel process.")
    sandbox_memory = Integer(DEFAULT_LIMITS.sandbox_memory, config=True,
                             help="Bytes of memory of each kernel's sandbox as a whole.")
    processes = Integer(DEFAULT_LIMITS.processes, config=True,
                        help="Processes and threads each kernel's sandbox may run at once.")
    writable = Integer(DEFAULT_LIMITS.writable, config=True,
                       help="Bytes of each private folder of a kernel's sandbox.")

    _private: Path | None = None
    _workdir: str = ""
    _box: bwrap.Sandbox | None = None

    def limits(self) -> Limits:
        """These traits as the course's :class:`~autograder.settings.Limits`."""
        return Limits(memory=self.memory_limit, sandbox_memory=self.sandbox_memory,
                      processes=self.processes, writable=self.writable)

    def _from_zygote(self) -> bool:
        return self.sandboxed and _ZYGOTE is not None and _ZYGOTE.alive()

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        if self._from_zygote():
            self._private = bwrap.scratch_folder("kernel-", within=_ZYGOTE.shared)
        elif self.sandboxed:
            bwrap.require()
            self._private = bwrap.scratch_folder("bplab-kernel-")
        else:
            self._private = Path(tempfile.mkdtemp(prefix="bplab-kernel-"))
        self.transport = "ipc"
        self.connection_file = str(self._private / "kernel.json")
        self.ip = str(self._private / "ipc")
        self._workdir = str(kw.get("cwd") or os.getcwd())
        assert self.kernel_spec is not None
        self.kernel_spec.interrupt_mode = "message"
        if self._from_zygote() and self.provisioner is None:
            self.kernel_id = self.kernel_id or str(uuid.uuid4())
            self.provisioner = ZygoteProvisioner(kernel_id=self.kernel_id,
                                                 kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        argv = super().format_kernel_cmd(extra_arguments)
        if not self.sandboxed:
            return bwrap.unsandboxed(argv, self.memory_limit)
        assert self._private is not None
        if bwrap.as_root():  # written by this account, read by the sandbox's
            os.chown(self.connection_file, SANDBOX_UID, SANDBOX_UID)
        if isinstance(self.provisioner, ZygoteProvisioner):
            return argv  # its arguments only: the zygote's child runs the kernel
        if self._box is None:
            self._box = bwrap.Sandbox(self.limits())
        package = bwrap.package_dir("bplab")
        return self._box.command(
            argv, cwd=WORKDIR, private=[WORKDIR], writable=[self._private],
            readable=[package],
            # ipykernel stops when its parent goes away unless told that the parent is
            # init; here its parent is the sandbox's init, and the sandbox's own
            # --die-with-parent stops it when nbgrader goes.
            env={"JPY_PARENT_PID": "1", "PYTHONPATH": str(package.parent)})

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if restart:
            return
        if self._box is not None:
            self._box.close()
            self._box = None
        if self._private is not None:
            shutil.rmtree(self._private, ignore_errors=True)


class SandboxedExecute(Execute):
    """nbgrader's Execute preprocessor with :class:`SandboxedKernelManager` kernels."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # nbgrader's Execute passes its own kernel manager class as an argument, which
        # would win over configuration: name ours the same way.
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)
