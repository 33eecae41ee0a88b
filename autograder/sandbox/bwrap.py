"""Bubblewrap around every process that runs a student's code.

:func:`command` turns a command line into one that runs inside a fresh sandbox:

* a new mount namespace whose root is an empty tmpfs, into which only the system
  (``/usr``, ``/etc``, ...), the Python installation, the virtual environment and the
  course's helper package are bound, read-only, at their own paths;
* the folders given as ``writable`` (the submission's scratch folder) bound read-write;
  nothing else of the machine: no grading output, template course, gradebook, course
  sources, other submissions or home folder;
* its own user (``nobody``, without capabilities), PID, IPC, UTS and network namespaces:
  loopback only, and every process the student starts is killed when the sandbox's first
  process ends or its parent dies;
* an address-space limit (``prlimit``), so a huge allocation fails in the sandbox alone.

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
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

__all__ = ["SandboxUnavailable", "problem", "require", "reset", "command", "unsandboxed",
           "package_dir", "main", "EXECUTABLE", "HOME", "SCRATCH_TMP_BYTES"]

EXECUTABLE = "bwrap"
"""The bubblewrap program, found on PATH."""

HOME = "/tmp/home"
"""The home folder inside a sandbox: on the sandbox's private tmpfs, gone with it."""

SCRATCH_TMP_BYTES = 512 << 20
"""Size of the private tmpfs mounted on /tmp in every sandbox."""

_SYSTEM = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc")
_PASSED_VARIABLES = ("LANG", "LC_ALL", "LC_CTYPE", "TZ", "NBGRADER_EXECUTION",
                     "NBGRADER_VALIDATING", "MPLBACKEND", "OMP_NUM_THREADS",
                     "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


class SandboxUnavailable(RuntimeError):
    """No sandbox can be made here; the message names the cause and the fix."""


def package_dir(name: str = "bplab") -> Path:
    """The folder a package is imported from by this interpreter (editable or installed)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the package {name!r} cannot be imported here")
    return Path(list(spec.submodule_search_locations)[0]).resolve()


def _python_paths() -> list[Path]:
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


def _namespaces(with_user: bool) -> list[str]:
    flags = ["--unshare-all", "--die-with-parent", "--new-session"]
    if with_user:
        flags += ["--unshare-user", "--uid", "65534", "--gid", "65534", "--disable-userns"]
    if os.geteuid() == 0:
        flags += ["--cap-drop", "ALL"]
    return flags


def _base(with_user: bool) -> list[str]:
    args = [EXECUTABLE, *_namespaces(with_user)]
    for top in _SYSTEM:
        path = Path("/") / top
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    args += ["--proc", "/proc", "--dev", "/dev",
             "--size", str(SCRATCH_TMP_BYTES), "--tmpfs", "/tmp", "--dir", HOME]
    return args


@functools.cache
def _mode() -> tuple[bool | None, str]:
    """``(with_user_namespace, "")`` where a sandbox works, else ``(None, why)``."""
    if shutil.which(EXECUTABLE) is None:
        return None, ("bubblewrap (bwrap) is not installed, so student code cannot be "
                      "sandboxed: install it (Debian/Ubuntu: sudo apt-get install bubblewrap; "
                      "Fedora: sudo dnf install bubblewrap), or grade without the sandbox "
                      "with --no-sandbox on a machine that holds nothing else of value")
    tries = [True, False] if os.geteuid() == 0 else [True]
    error = ""
    for with_user in tries:
        probe = _base(with_user) + ["--", "/bin/sh", "-c", "exit 0"]
        try:
            run = subprocess.run(probe, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as failure:
            error = str(failure)
            continue
        if run.returncode == 0:
            return with_user, ""
        error = (run.stderr.strip().splitlines() or [f"exit status {run.returncode}"])[-1]
    return None, (f"bubblewrap cannot create a sandbox here ({error}): this machine or "
                  "container does not allow user namespaces. Allow them (on the host: "
                  "sysctl -w kernel.unprivileged_userns_clone=1, or on Ubuntu 24.04 "
                  "kernel.apparmor_restrict_unprivileged_userns=0; in Docker: run the "
                  "container with --security-opt seccomp=unconfined --security-opt "
                  "apparmor=unconfined), or grade without the sandbox with --no-sandbox "
                  "on a machine that holds nothing else of value")


def reset() -> None:
    """Forget what was found out about this machine (after installing bubblewrap, say)."""
    _mode.cache_clear()


def problem() -> str | None:
    """Why no sandbox can be made here, in one sentence with the fix; None if one can."""
    return _mode()[1] or None


def require() -> None:
    """Raise :class:`SandboxUnavailable` unless a sandbox can be made here."""
    reason = problem()
    if reason:
        raise SandboxUnavailable(reason)


def command(argv: Sequence[str], *, cwd: str | Path, writable: Iterable[str | Path] = (),
            readable: Iterable[str | Path] = (),
            overlays: Iterable[tuple[str | Path, str | Path]] = (),
            env: Mapping[str, str] | None = None, memory: int | None = None) -> list[str]:
    """``argv`` run in a new sandbox; see the module docstring.

    Parameters
    ----------
    argv : sequence of str
        The command to run inside (its program must be in a bound folder).
    cwd : path
        Its working folder (bound read-write if it is in ``writable``).
    writable, readable : iterable of path
        Folders or files bound read-write / read-only at their own paths.
    overlays : iterable of (host path, sandbox path)
        Read-only binds to another path, applied last (a package built for the sandbox
        over the real one, say).
    env : mapping, optional
        Variables to set inside; only these, a few harmless ones of this process (locale,
        ``NBGRADER_EXECUTION``, thread counts) and ``HOME``/``PATH`` are set there.
    memory : int, optional
        Bytes of address space for every process inside.

    Raises
    ------
    SandboxUnavailable
        If no sandbox can be made here.
    """
    with_user, reason = _mode()
    if with_user is None:
        raise SandboxUnavailable(reason)
    args = _base(with_user)
    for path in _python_paths():
        args += ["--ro-bind", str(path), str(path)]
    for path in readable:
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
                      "TMPDIR": "/tmp"})
    variables.update(env or {})
    args += ["--chdir", str(cwd), "--clearenv"]
    for key, value in variables.items():
        args += ["--setenv", key, value]
    return _limited([*args, "--", *argv], memory)


_LIMIT_THEN_EXEC = ("import os, resource, sys; limit = int(sys.argv[1]); "
                    "resource.setrlimit(resource.RLIMIT_AS, (limit, limit)); "
                    "os.execvp(sys.argv[2], sys.argv[2:])")


def _limited(argv: Sequence[str], memory: int | None) -> list[str]:
    """``argv`` with an address-space limit: prlimit where there is one, else Python."""
    if memory is None:
        return list(argv)
    if shutil.which("prlimit"):
        return ["prlimit", f"--as={int(memory)}", "--", *argv]
    return [sys.executable, "-I", "-S", "-c", _LIMIT_THEN_EXEC, str(int(memory)), *argv]


def unsandboxed(argv: Sequence[str], memory: int | None = None) -> list[str]:
    """``argv`` with the memory limit only, for a run with the sandbox switched off."""
    return _limited(argv, memory)


def main() -> int:
    """``python -m autograder.sandbox.bwrap``: say whether a sandbox can be made here."""
    reason = problem()
    print(reason or "the sandbox works here")
    return 1 if reason else 0


if __name__ == "__main__":
    sys.exit(main())
