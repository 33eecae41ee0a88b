"""Bubblewrap around every process that runs a student's code.

A :class:`Sandbox` turns a command line into one that runs inside a fresh sandbox:

* a new mount namespace whose root is an empty tmpfs, into which only the system
  (``/usr`` and its links), the Python installation, the virtual environment and the
  folders the caller names are bound, read-only, at their own paths, and a minimal
  ``/etc`` (:mod:`autograder.sandbox.system`: no shadow files, no host accounts);
* private folders (the working folder, ``/tmp``) that are memory-backed file systems of a
  fixed size, gone with the sandbox: nothing the student writes reaches the grading disk
  or a folder that anything outside reads;
* its own PID, IPC, UTS and network namespaces: loopback only, and every process the
  student starts is killed when the sandbox's first process ends or its parent dies;
* never root: where grading runs as root the sandbox runs as the host account
  :data:`autograder.settings.SANDBOX_UID` (``nobody``) with no capabilities, no new
  privileges and no way to make user namespaces (:mod:`autograder.sandbox.seccomp`);
  for any other account, in a user namespace of its own as ``nobody``;
* limits: address space, file size and (in the user namespace) processes per sandbox by
  ``setrlimit``; where grading runs as root, a control group bounds the memory and the
  processes of the sandbox as a whole (:mod:`autograder.sandbox.cgroup`).

:func:`problem` tries a sandbox once and says, in one sentence naming cause and fix, why
one cannot be made here (no ``bwrap``, no user namespaces), or returns None.
"""

from __future__ import annotations

import functools
import glob
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ..scratch import memory_dir
from ..settings import DEFAULT_LIMITS, SANDBOX_UID, Limits
from . import cgroup, seccomp, system

__all__ = ["SandboxUnavailable", "Sandbox", "problem", "require", "reset", "unsandboxed",
           "package_dir", "python_paths", "scratch_folder", "main", "EXECUTABLE", "HOME",
           "as_root"]

EXECUTABLE = "bwrap"
"""The bubblewrap program, found on PATH."""

HOME = "/tmp/home"
"""The home folder inside a sandbox: on the sandbox's private ``/tmp``, gone with it."""

_PASSED_VARIABLES = ("LANG", "LC_ALL", "LC_CTYPE", "TZ", "NBGRADER_EXECUTION",
                     "NBGRADER_VALIDATING", "MPLBACKEND")
# Root mode: join the control groups, open the seccomp filter on a descriptor far above the
# ones a caller passes on (the answer process's pipes), become bubblewrap.
_FILTER_FD = 237
_LAUNCH = ('filter=$1; shift; while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; '
           f'shift; done; shift; exec {_FILTER_FD}<"$filter"; exec "$@"')


class SandboxUnavailable(RuntimeError):
    """No sandbox can be made here; the message names the cause and the fix."""


def as_root() -> bool:
    """True where grading runs as root (the sandbox then drops to an unprivileged uid)."""
    return os.geteuid() == 0


def package_dir(name: str = "bplab") -> Path:
    """The folder a package is imported from by this interpreter (editable or installed)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the package {name!r} cannot be imported here")
    return Path(list(spec.submodule_search_locations)[0]).resolve()


def python_paths() -> list[Path]:
    """The interpreter's installation and the virtual environment, as real paths."""
    paths = {Path(os.path.realpath(p)) for p in (sys.base_prefix, sys.base_exec_prefix)}
    paths |= {Path(p) for p in (sys.prefix, sys.exec_prefix)}
    paths.add(Path(os.path.realpath(sys.executable)).parent)
    return sorted(paths)


def _font_cache() -> Path | None:
    """matplotlib's font list of this user, so that no sandbox rebuilds it (slow, noisy)."""
    folder = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")
    found = sorted(glob.glob(os.path.join(folder, "fontlist-v*.json")))
    return Path(found[-1]) if found else None


def _ancestors(paths: Iterable[Path]) -> list[str]:
    """Folders above ``paths`` that bubblewrap must make, readable by the sandbox's user."""
    made: set[str] = set()
    for path in paths:
        made |= {str(parent) for parent in Path(path).parents if str(parent) != "/"}
    return sorted(made, key=lambda p: (p.count("/"), p))


def _namespaces(zygote: bool = False) -> list[str]:
    """bubblewrap's flags for the namespaces; a zygote's children make user namespaces of
    their own (and then refuse any more themselves, :mod:`autograder.sandbox.nest`)."""
    flags = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
             "--unshare-cgroup-try", "--die-with-parent", "--new-session"]
    if as_root():
        # No user namespace: it would map the sandbox to the host's root. Keep only what
        # setpriv needs to become SANDBOX_UID, which then drops every capability.
        flags += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                  "--cap-add", "CAP_SETPCAP"]
        return flags if zygote else flags + ["--seccomp", str(_FILTER_FD)]
    flags += ["--unshare-user", "--uid", "65534", "--gid", "65534"]
    return flags if zygote else flags + ["--disable-userns"]


def _system_binds() -> list[str]:
    args = []
    for top in system.TOP_LEVEL:
        path = Path("/") / top
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args + ["--ro-bind", str(system.minimal_etc()), "/etc",
                   "--proc", "/proc", "--dev", "/dev"]


_PROBING = threading.Lock()


def _mode() -> str:
    """"" where a sandbox works, else why not, in one sentence with the fix."""
    with _PROBING:
        return _probe()


@functools.cache
def _probe() -> str:
    if shutil.which(EXECUTABLE) is None:
        return ("bubblewrap (bwrap) is not installed, so student code cannot be "
                "sandboxed: install it (Debian/Ubuntu: sudo apt-get install bubblewrap; "
                "Fedora: sudo dnf install bubblewrap), or grade without the sandbox "
                "with --no-sandbox on a machine that holds nothing else of value")
    if as_root() and seccomp.program() is None:
        return ("this machine's architecture is not one whose system calls the sandbox "
                "knows, so it cannot keep student code from making user namespaces: grade "
                "as an ordinary account instead of root")
    try:
        with Sandbox(DEFAULT_LIMITS, control_group=False) as box:
            probe = box._command(["/bin/sh", "-c", "exit 0"], cwd="/tmp")
            run = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as failure:
        error = str(failure)
    else:
        if run.returncode == 0:
            return ""
        error = (run.stderr.strip().splitlines() or [f"exit status {run.returncode}"])[-1]
    return (f"bubblewrap cannot create a sandbox here ({error}): this machine or "
            "container does not allow user namespaces. Allow them (on the host: "
            "sysctl -w kernel.unprivileged_userns_clone=1, or on Ubuntu 24.04 "
            "kernel.apparmor_restrict_unprivileged_userns=0; in Docker: run the "
            "container with --security-opt seccomp=unconfined --security-opt "
            "apparmor=unconfined), or grade without the sandbox with --no-sandbox "
            "on a machine that holds nothing else of value")


def reset() -> None:
    """Forget what was found out about this machine (after installing bubblewrap, say)."""
    _probe.cache_clear()


def problem() -> str | None:
    """Why no sandbox can be made here, in one sentence with the fix; None if one can."""
    return _mode() or None


def require() -> None:
    """Raise :class:`SandboxUnavailable` unless a sandbox can be made here."""
    reason = problem()
    if reason:
        raise SandboxUnavailable(reason)


class Sandbox:
    """One sandbox's limits and control group; :meth:`command` says how to start it.

    Parameters
    ----------
    limits : Limits
        Address space per process, memory and processes of the whole sandbox, size of
        its private folders.
    control_group : bool
        Give the sandbox a control group where grading runs as root (the default); a
        sandbox without one has only the per-process limits.
    children : int
        For a zygote's sandbox: how many of its children may run at once, each with the
        limits' processes (each child is limited on its own too).

    Use it as a context manager, or call :meth:`close` when its processes are over: that
    kills anything left in its control group and removes the group.
    """

    def __init__(self, limits: Limits = DEFAULT_LIMITS, control_group: bool = True,
                 children: int = 1) -> None:
        self.limits = limits
        self.group = (cgroup.Cgroup(limits.sandbox_memory, limits.processes * children)
                      if control_group and as_root() and cgroup.available() else None)

    def command(self, argv: Sequence[str], *, cwd: str | Path,
                private: Iterable[str | Path] = (), writable: Iterable[str | Path] = (),
                readable: Iterable[str | Path] = (),
                overlays: Iterable[tuple[str | Path, str | Path]] = (),
                env: Mapping[str, str] | None = None, zygote: bool = False) -> list[str]:
        """``argv`` run in this sandbox; see the module docstring.

        Parameters
        ----------
        argv : sequence of str
            The command to run inside (its program must be in a bound folder).
        cwd : path
            Its working folder inside the sandbox.
        private : iterable of path
            Folders made inside the sandbox as empty memory-backed file systems of
            ``limits.writable`` bytes, writable by the student (``/tmp`` always is one).
        writable : iterable of path
            Host folders bound read-write at their own paths (the kernel's socket folder,
            say); nothing outside the sandbox may trust what is written there.
        readable : iterable of path
            Host folders or files bound read-only at their own paths.
        overlays : iterable of (host path, sandbox path)
            Read-only binds to another path, applied last.
        env : mapping, optional
            Variables to set inside; only these, a few harmless ones of this process
            (locale, ``NBGRADER_EXECUTION``) and ``HOME``/``PATH`` are set there.
        zygote : bool
            The sandbox of a zygote (:mod:`autograder.sandbox.zygote`): its children may
            make user namespaces (each makes one, then refuses more), and its process
            count holds theirs.

        Raises
        ------
        SandboxUnavailable
            If no sandbox can be made here.
        """
        require()
        return self._command(argv, cwd=cwd, private=private, writable=writable,
                             readable=readable, overlays=overlays, env=env, zygote=zygote)

    def _command(self, argv, *, cwd, private=(), writable=(), readable=(), overlays=(),
                 env=None, zygote=False):
        limits = self.limits
        bound = [*python_paths(), *map(Path, readable), *map(Path, writable)]
        args = [EXECUTABLE, *_namespaces(zygote), *_system_binds()]
        # /tmp first: folders bound below it need their parents made on it, readable by
        # the sandbox's account (bubblewrap would make them for root alone)
        args += ["--perms", "1777", "--size", str(limits.writable), "--tmpfs", "/tmp"]
        for folder in (HOME, f"{HOME}/.cache", f"{HOME}/.cache/matplotlib"):
            args += ["--perms", "0777", "--dir", folder]
        for folder in _ancestors([*bound, *(Path(t) for _, t in overlays),
                                  *map(Path, private)]):
            if folder not in ("/tmp", HOME):
                args += ["--perms", "0755", "--dir", folder]
        for folder in private:
            args += ["--perms", "0777", "--size", str(limits.writable), "--tmpfs", str(folder)]
        for path in [*python_paths(), *map(Path, readable)]:
            args += ["--ro-bind", str(path), str(path)]
        fonts = _font_cache()
        if fonts is not None:
            args += ["--ro-bind", str(fonts), f"{HOME}/.cache/matplotlib/{fonts.name}"]
        for path in writable:
            args += ["--bind", str(path), str(path)]
        for source, target in overlays:
            args += ["--ro-bind", str(source), str(target)]
        variables = {key: os.environ[key] for key in _PASSED_VARIABLES if key in os.environ}
        variables.update({"HOME": HOME, "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin",
                          "MPLCONFIGDIR": f"{HOME}/.cache/matplotlib",
                          "IPYTHONDIR": f"{HOME}/.ipython", "PYTHONDONTWRITEBYTECODE": "1",
                          "TMPDIR": "/tmp", "OMP_NUM_THREADS": "1",
                          "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
        variables.update(env or {})
        args += ["--chdir", str(cwd), "--clearenv"]
        for key, value in variables.items():
            args += ["--setenv", key, value]
        inner = [*_resource_limits(limits, per_sandbox=self.group is None and not as_root(),
                                   zygote=zygote), *argv]
        if not as_root():
            return [*args, "--", *inner]
        become = ["setpriv", f"--reuid={SANDBOX_UID}", f"--regid={SANDBOX_UID}",
                  "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
                  "--no-new-privs", "--"]
        procs = self.group.procs if self.group is not None else []
        if zygote:
            return ["/bin/sh", "-c", cgroup.JOIN_THEN_EXEC, "sh", *procs, "--", *args, "--",
                    *become, *inner]
        return ["/bin/bash", "-c", _LAUNCH, "bash", str(system.seccomp_filter()), *procs, "--",
                *args, "--", *become, *inner]

    def close(self) -> None:
        """Kill what is left of the sandbox's processes and remove its control group."""
        if self.group is not None:
            self.group.close()
            self.group = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _resource_limits(limits: Limits, per_sandbox: bool, zygote: bool = False) -> list[str]:
    """``prlimit`` options for the sandbox's first process (inherited by all it starts).

    Inside a user namespace the process count is the sandbox's own (Linux counts
    processes per user namespace, and a zygote's children each count theirs again in
    their own), so it bounds the sandbox; as ``nobody`` on the host it would be shared by
    every sandbox, which the control group bounds instead.
    """
    options = [f"--as={limits.memory}", f"--fsize={limits.writable}", "--core=0"]
    if per_sandbox:
        options.append(f"--nproc={limits.processes * (4 if zygote else 1)}")
    return ["prlimit", *options, "--"]


def unsandboxed(argv: Sequence[str], memory: int | None = None) -> list[str]:
    """``argv`` with the memory limit only, for a run with the sandbox switched off."""
    if memory is None:
        return list(argv)
    return ["prlimit", f"--as={int(memory)}", "--", *argv]


def scratch_folder(prefix: str, within: str | Path | None = None) -> Path:
    """A new host folder that a sandbox's processes may write (the kernel's sockets).

    In ``within`` if given, else on ``/dev/shm`` where it exists (memory, counted in a
    sandbox's control group), else in ``/tmp``: short paths, as the sockets' paths must be
    (108 bytes at most); owned by the sandbox's account where grading runs as root.
    """
    base = str(within) if within is not None else (memory_dir() or "/tmp")
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
    if as_root():
        os.chown(folder, SANDBOX_UID, SANDBOX_UID)
    return folder


def main() -> int:
    """``python -m autograder.sandbox.bwrap``: say whether a sandbox can be made here."""
    reason = problem()
    print(reason or "the sandbox works here")
    return 1 if reason else 0


if __name__ == "__main__":
    sys.exit(main())
