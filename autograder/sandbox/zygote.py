"""Processes for student code forked, ready to run, from a warm process in a sandbox.

Starting Python and importing NumPy, matplotlib, IPython and the course's package takes
about a second, paid by every kernel and every answer process of every submission. A
zygote pays it once: :class:`Zygote` starts ``python -m autograder.sandbox.zygote ROLE``
in a bubblewrap sandbox (:mod:`autograder.sandbox.bwrap`), where it imports what that
role's processes import and then only forks, on request, one child per submission. No
student code ever runs in the zygote. Each child first enters namespaces of its own
(:mod:`autograder.sandbox.nest`), so it sees no other child, no earlier student's files
and not the zygote, and dies with everything it started; then it becomes:

* ``answers``: the independent check's answer process
  (:func:`autograder.sandbox.answer_worker.serve`) on two pipes passed with the request;
* ``kernel``: an IPython kernel (``ipykernel``) on ``ipc://`` sockets in its own folder of
  the zygote's socket folder, whose connection file the caller wrote there.

The zygote and its caller talk over a Unix socket: one JSON request, one JSON answer,
file descriptors passed alongside where a request needs them.
"""

from __future__ import annotations

import array
import contextlib
import importlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import REPO_ROOT
from ..settings import DEFAULT_LIMITS, Limits
from . import bwrap

__all__ = ["Zygote", "Child", "ZygoteError", "ROLES", "WORKER_FILES", "main"]

log = logging.getLogger(__name__)

WORKDIR = "/home/student"
ROLES = {
    # what each role's processes import before any student code runs
    "answers": ("numpy", "matplotlib.pyplot", "bplab", "IPython.core.inputtransformer2",
                "IPython.display", "autograder.sandbox.answer_worker"),
    "kernel": ("numpy", "matplotlib", "matplotlib.pyplot", "bplab", "IPython",
               "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell",
               "jupyter_client.session", "zmq", "IPython.display"),
}
WORKER_FILES = ("autograder/__init__.py", "autograder/lifetime.py", "autograder/settings.py",
                "autograder/scratch.py", "autograder/sandbox")
"""What a sandboxed process may import of the grader, relative to the repository: the
sandbox package and the modules it imports, nothing else (``tests/test_sandbox_imports.py``)."""
_MESSAGE = 1 << 16
STARTUP_TIMEOUT = 120.0


class ZygoteError(RuntimeError):
    """The zygote could not start or fork a child; the message says why."""


# ---------------------------------------------------------------- inside the sandbox


def _receive(control: socket.socket) -> tuple[dict[str, Any], list[int]]:
    fds = array.array("i")
    data, ancillary, _, _ = control.recvmsg(_MESSAGE, socket.CMSG_LEN(8 * fds.itemsize))
    if not data:
        raise EOFError
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[:len(payload) - len(payload) % fds.itemsize])
    return json.loads(data), list(fds)


def _answer(control: socket.socket, message: dict[str, Any]) -> None:
    control.sendall(json.dumps(message).encode())


def _become(role: str, request: dict[str, Any], fds: list[int]) -> None:
    """In the forked child: enter its own namespaces, then run its role (never returns)."""
    from .nest import Nest, enter

    try:
        own = tuple(tuple(pair) for pair in request.get("own", []))
        nest = Nest(private=(WORKDIR,), size=request["writable"], memory=request["memory"],
                    processes=request["processes"], own=own,  # type: ignore[arg-type]
                    folders=(f"{bwrap.HOME}/.cache/matplotlib", f"{bwrap.HOME}/.ipython"),
                    visible=tuple(request.get("visible", [])))
        enter(nest, keep_fds=fds)
        os.chdir(WORKDIR)
        if role == "answers":
            from .answer_worker import serve

            serve(fds[0], fds[1])
        else:
            _kernel(request)
    except BaseException:  # a child must never return into the zygote's loop
        os._exit(70)
    os._exit(0)


def _kernel(request: dict[str, Any]) -> None:
    from ipykernel.kernelapp import IPKernelApp

    os.environ.update(request.get("env", {}))
    app = IPKernelApp.instance()
    app.initialize(["-f", request["connection_file"], *request.get("arguments", [])])
    app.start()


def serve(role: str, control_fd: int) -> None:
    """The zygote's loop: fork a child per request (see the module docstring)."""
    for name in ROLES[role]:
        with contextlib.suppress(Exception):  # a module that cannot import is the child's
            importlib.import_module(name)
    control = socket.socket(fileno=control_fd)
    # stderr held what went wrong before this point, for the caller's error; from here on
    # nothing of the zygote's or its children's is kept
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)
    os.close(quiet)
    _answer(control, {"ready": True})
    exited: dict[int, int] = {}
    while True:
        try:
            request, fds = _receive(control)
        except (EOFError, OSError, ValueError):
            return
        op = request.get("op")
        if op == "spawn":
            pid = os.fork()
            if pid == 0:
                control.close()
                os.setsid()  # a signal to "my process group" reaches this child alone
                _become(role, request, fds)
            for fd in fds:
                os.close(fd)
            _answer(control, {"pid": pid})
        elif op in ("poll", "kill"):
            pid = int(request["pid"])
            if op == "kill":
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                done, status = os.waitpid(pid, 0 if op == "kill" else os.WNOHANG)
                if done:
                    exited[pid] = os.waitstatus_to_exitcode(status)
            _answer(control, {"status": exited.get(pid)})
        else:
            _answer(control, {"error": f"unknown request {op!r}"})


def main(argv: Sequence[str] | None = None) -> int:
    role, control_fd = list(sys.argv[1:] if argv is None else argv)
    serve(role, int(control_fd))
    return 0


# ---------------------------------------------------------------- the caller's side


def _last_words(output: Any, limit: int = 4000) -> str:
    """The line that says what went wrong in what a process wrote to the file ``output``:
    the last one naming an error (Python's, or bubblewrap's), else the last one."""
    output.seek(0, os.SEEK_END)
    output.seek(max(0, output.tell() - limit))
    lines = [line.strip() for line in output.read().decode(errors="replace").splitlines()
             if line.strip()]
    telling = [line for line in lines if "error" in line.lower() or line.startswith("bwrap:")]
    return (telling or lines or ["nothing"])[-1]


class Child:
    """One forked child of a :class:`Zygote`, as a caller sees it (like a ``Popen``)."""

    stdin = stdout = stderr = None

    def __init__(self, zygote: Zygote, pid: int) -> None:
        self.zygote, self.pid = zygote, pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                self.returncode = self.zygote.request({"op": "poll", "pid": self.pid}
                                                      ).get("status")
            except ZygoteError:  # the zygote is gone, and its children with it
                self.returncode = -9
        return self.returncode

    def kill(self) -> None:
        """Kill the child and everything it started (its PID namespace goes with it)."""
        if self.returncode is None:
            try:
                status = self.zygote.request({"op": "kill", "pid": self.pid}).get("status")
            except ZygoteError:
                status = None
            self.returncode = -9 if status is None else status

    terminate = kill

    def send_signal(self, signum: int) -> None:
        """Any signal that would stop a process stops this child; none other crosses."""
        if signum in (signal.SIGKILL, signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP):
            self.kill()

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the child to end (``timeout`` seconds at most, then kill it)."""
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                self.kill()
                break
            time.sleep(0.05)
        assert self.returncode is not None
        return self.returncode


class Zygote:
    """A zygote of one role in a sandbox of its own, and the way to ask it for children.

    Parameters
    ----------
    role : str
        ``"answers"`` or ``"kernel"`` (see the module docstring).
    limits : Limits
        The limits of the zygote's sandbox and of every child.
    readable : list of path, optional
        More host folders the children may read (the kernel's ``bplab``).
    overlays : list of (host path, sandbox path), optional
        Read-only binds to another path (a copy of ``bplab`` over the real one).
    shared : path, optional
        A host folder bound read-write: each child sees only its own sub-folder there.
    env : dict, optional
        Variables for the zygote and its children.
    """

    def __init__(self, role: str, limits: Limits = DEFAULT_LIMITS, *,
                 readable: Sequence[str | Path] = (),
                 overlays: Sequence[tuple[str | Path, str | Path]] = (),
                 shared: str | Path | None = None, env: dict[str, str] | None = None) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {sorted(ROLES)}; got {role!r}")
        self.role, self.limits, self.shared = role, limits, shared
        bound = [*bwrap.python_paths(), *map(Path, readable), *(Path(t) for _, t in overlays),
                 *(REPO_ROOT / part for part in WORKER_FILES)]
        # what a child's private /tmp and working folder would cover, bound back in
        self.visible = sorted({str(p) for p in bound
                               if any(Path(p).is_relative_to(private)
                                      for private in ("/tmp", WORKDIR))})
        self._lock = threading.Lock()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        startup = tempfile.TemporaryFile()  # what the zygote prints until it is ready
        self.box = bwrap.Sandbox(limits, children=4)
        try:
            command = self.box.command(
                [sys.executable, "-m", "autograder.sandbox.zygote", role, str(theirs.fileno())],
                cwd="/", private=[WORKDIR], zygote=True,
                readable=[*(REPO_ROOT / part for part in WORKER_FILES), *readable],
                writable=[shared] if shared is not None else [], overlays=overlays,
                env={"PYTHONPATH": str(REPO_ROOT), "PYTHONSAFEPATH": "1",
                     "NBGRADER_EXECUTION": "autograde", **(env or {})})
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=startup, pass_fds=(theirs.fileno(),), start_new_session=True)
        finally:
            theirs.close()
        self.control = ours
        self.control.settimeout(STARTUP_TIMEOUT)
        with startup:
            try:
                first = self._read()
            except (OSError, ValueError, ZygoteError) as error:
                self.close()
                raise ZygoteError(f"the {role} zygote did not start ({error}); it said: "
                                  f"{_last_words(startup)}") from None
            if first != {"ready": True}:
                self.close()
                raise ZygoteError(f"the {role} zygote did not start as expected")
        self.control.settimeout(30)

    def _read(self) -> dict[str, Any]:
        data = self.control.recv(_MESSAGE)
        if not data:
            raise ZygoteError(f"the {self.role} zygote ended")
        return json.loads(data)

    def request(self, message: dict[str, Any], fds: Sequence[int] = ()) -> dict[str, Any]:
        """Send one request (with ``fds``) and read its answer."""
        with self._lock:
            try:
                payload = json.dumps(message).encode()
                if fds:
                    self.control.sendmsg([payload], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                                      array.array("i", fds))])
                else:
                    self.control.sendall(payload)
                return self._read()
            except (OSError, ValueError) as error:
                raise ZygoteError(f"the {self.role} zygote stopped answering: {error}") from None

    def alive(self) -> bool:
        return self.process.poll() is None

    def spawn(self, fds: Sequence[int] = (), **request: Any) -> Child:
        """Fork a child with its own namespaces (see the module docstring)."""
        answer = self.request({"op": "spawn", "writable": self.limits.writable,
                               "memory": self.limits.memory, "visible": self.visible,
                               "processes": self.limits.processes, **request}, fds)
        if "pid" not in answer:
            raise ZygoteError(f"the {self.role} zygote could not fork: {answer}")
        return Child(self, int(answer["pid"]))

    def close(self) -> None:
        """Stop the zygote and every child it forked."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.control.close()
        self.box.close()


if __name__ == "__main__":
    sys.exit(main())
