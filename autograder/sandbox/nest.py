"""A sandbox inside a sandbox: one forked child of a zygote given namespaces of its own.

A zygote (:mod:`autograder.sandbox.zygote`) is a process in a bubblewrap sandbox that has
already imported what students' code imports; it never runs student code itself. Each
child it forks calls :func:`enter` before anything of a student's runs, and leaves it as
the first process (PID 1) of namespaces that are its alone:

* a user namespace of its own (so no other child, nor the zygote, can be traced, read
  through ``/proc`` or signalled by it), mapped to the zygote's unprivileged account;
* a mount namespace in which ``/tmp``, its working folder and any other private folder
  are new memory-backed file systems of a fixed size, and ``/proc`` is covered (it would
  list the zygote's other children), so nothing of another child is visible;
* its own PID namespace (everything it starts dies with it), network namespace (no
  network, not even the zygote's loopback), IPC and UTS namespaces;
* limits on its address space, processes (counted in its own user namespace), file
  size and core dumps; no capabilities, no new privileges, and a seccomp filter that
  refuses new user namespaces (:mod:`autograder.sandbox.seccomp`).

This is Linux only, called in a child right after ``fork``, single-threaded.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
from collections.abc import Iterable
from dataclasses import dataclass

from . import seccomp

__all__ = ["Nest", "enter"]

_CLONE_NEWNS, _CLONE_NEWUTS, _CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
_CLONE_NEWUSER, _CLONE_NEWPID, _CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_BIND, _MS_REC, _MS_PRIVATE = (
    2, 4, 8, 4096, 16384, 1 << 18)
_PR_SET_PDEATHSIG, _PR_CAPBSET_DROP, _PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP = 1, 24, 38, 22
_SECCOMP_MODE_FILTER = 2
_LAST_CAPABILITY = 63


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


@dataclass(frozen=True)
class Nest:
    """What one child gets.

    Parameters
    ----------
    private : tuple of str
        Folders made empty and private (memory-backed, ``size`` bytes each); ``/tmp``
        is always one.
    size : int
        Bytes of each private folder, and of any one file.
    memory : int
        Bytes of address space of each of its processes.
    processes : int
        Processes and threads it may run at once.
    own : tuple of (str, str)
        ``(shared folder, own sub-folder)``: the shared folder shows only the child's own
        sub-folder (a kernel's socket folder among its siblings').
    folders : tuple of str
        Folders made (writable) once the private file systems are there: the home
        folder's, which lives on the private ``/tmp``.
    visible : tuple of str
        Folders of the zygote's sandbox below a private folder (a virtual environment
        in ``/tmp``, say) that stay visible, read-only as they were.
    """

    private: tuple[str, ...] = ()
    size: int = 256 << 20
    memory: int = 6 << 30
    processes: int = 64
    own: tuple[tuple[str, str], ...] = ()
    folders: tuple[str, ...] = ()
    visible: tuple[str, ...] = ()


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"{what}: {os.strerror(number)}")


def _mount(libc: ctypes.CDLL, source: str | None, target: str, kind: str | None, flags: int,
           data: str | None = None) -> None:
    _check(libc.mount(source.encode() if source else None, target.encode(),
                      kind.encode() if kind else None, flags,
                      data.encode() if data else None), f"mount {target}")


def _own_user_namespace(libc: ctypes.CDLL) -> None:
    uid, gid = os.getuid(), os.getgid()
    _check(libc.unshare(_CLONE_NEWUSER), "a user namespace")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                       ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)


def _private_folders(libc: ctypes.CDLL, nest: Nest) -> None:
    _mount(libc, None, "/", None, _MS_REC | _MS_PRIVATE)
    # Held open while the private file systems cover them, then bound back in: a shared
    # folder's own sub-folder alone, and what must stay visible below a private folder.
    own = [(shared, mine, os.open(f"{shared}/{mine}", os.O_PATH | os.O_DIRECTORY))
           for shared, mine in nest.own]
    visible = [(folder, os.open(folder, os.O_PATH | os.O_DIRECTORY))
               for folder in nest.visible if os.path.isdir(folder)]
    for folder in dict.fromkeys(["/tmp", *nest.private]):
        os.makedirs(folder, exist_ok=True)
        _mount(libc, "tmpfs", folder, "tmpfs", _MS_NOSUID | _MS_NODEV,
               f"size={nest.size},mode=1777")
    for folder in nest.folders:
        os.makedirs(folder, mode=0o777, exist_ok=True)
    for folder, fd in visible:
        os.makedirs(folder, exist_ok=True)
        _mount(libc, f"/proc/self/fd/{fd}", folder, None, _MS_BIND | _MS_REC)
        os.close(fd)
    for shared, mine, fd in own:
        os.makedirs(shared, exist_ok=True)  # gone if it was below a private folder
        _mount(libc, "tmpfs", shared, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=1m,mode=0755")
        os.mkdir(f"{shared}/{mine}")
        _mount(libc, f"/proc/self/fd/{fd}", f"{shared}/{mine}", None, _MS_BIND)
        os.close(fd)


def _limits(nest: Nest) -> None:
    for which, value in ((resource.RLIMIT_AS, nest.memory),
                         (resource.RLIMIT_NPROC, nest.processes),
                         (resource.RLIMIT_FSIZE, nest.size), (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(which, (value, value))


def _drop_privileges(libc: ctypes.CDLL) -> None:
    for capability in range(_LAST_CAPABILITY + 1):
        libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0)  # EINVAL past the last one
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    _check(libc.syscall(126 if os.uname().machine == "x86_64" else 91,  # capset
                        ctypes.byref(header), data), "dropping capabilities")
    _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no new privileges")
    program = seccomp.program()
    if program is None:
        raise OSError("no seccomp filter for this machine")
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    _check(libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0),
           "seccomp")


def enter(nest: Nest, keep_fds: Iterable[int] = ()) -> None:
    """Give the calling (freshly forked) process namespaces of its own; see the module
    docstring. Returns in a new process, PID 1 of the new namespaces; the process that
    called it waits there for that one and exits with its status, never returning.

    Raises
    ------
    OSError
        If a step fails (the child must then exit: it is not isolated).
    """
    keep = sorted({0, 1, 2, *keep_fds})
    for low, high in zip([-1, *keep], [*keep, 65536]):
        if high - low > 1:
            os.closerange(low + 1, high)
    libc = _libc()
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    _own_user_namespace(libc)
    _check(libc.unshare(_CLONE_NEWNS | _CLONE_NEWPID | _CLONE_NEWNET | _CLONE_NEWIPC
                        | _CLONE_NEWUTS), "namespaces")
    _private_folders(libc, nest)
    first = os.fork()
    if first:  # the one left outside: lives exactly as long as the first process inside
        for fd in keep[3:]:
            os.close(fd)
        _, status = os.waitpid(first, 0)
        os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # A session of its own: a signal to "my process group" (kill(0, ...), or to the parent
    # it sees as 0) reaches this namespace alone, whose first process ignores it.
    os.setsid()
    # The zygote's /proc lists its other children: cover it (a new one cannot be
    # mounted in a user namespace under bubblewrap's read-only parts of /proc).
    _mount(libc, "tmpfs", "/proc", "tmpfs", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC,
           "size=64k,mode=0555")
    _limits(nest)
    _drop_privileges(libc)
