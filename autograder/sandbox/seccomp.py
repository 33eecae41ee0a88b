"""A seccomp filter that stops a sandbox from making user namespaces of its own.

Where grading runs as root, a sandbox is made without a user namespace (its processes run
as an ordinary host account instead), so bubblewrap's ``--disable-userns`` is not
available. A new user namespace would give student code a "root" of its own, and with it
much more of the kernel to attack. This classic-BPF program, handed to bubblewrap with
``--seccomp``, makes ``unshare`` and ``clone`` fail with EPERM when asked for
``CLONE_NEWUSER``, and ``clone3`` (whose flags a filter cannot read) fail with ENOSYS,
which makes the C library fall back to ``clone``; x86-64's x32 calls are refused.
Everything else is allowed.

:func:`program` returns the filter's bytes for this machine's architecture, or None where
the architecture is not one this module knows (the caller then goes without it).
"""

from __future__ import annotations

import errno
import platform
import struct

__all__ = ["program"]

_CLONE_NEWUSER = 0x10000000
_X32_BIT = 0x40000000
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
# BPF instruction classes and modes used below
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JSET_K = 0x45
_RET_K = 0x06

# audit architecture, unshare, clone, clone3 system call numbers
_ARCHES = {
    "x86_64": (0xC000003E, 272, 56, 435),
    "aarch64": (0xC00000B7, 97, 220, 435),
}
# offsets in struct seccomp_data: nr, arch, then args[0] (low 32 bits on little endian)
_NR, _ARCH, _ARG0 = 0, 4, 16


def _op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def program(machine: str | None = None) -> bytes | None:
    """The filter for ``machine`` (default: this one), as bytes bubblewrap reads.

    Examples
    --------
    >>> len(program("x86_64")) % 8
    0
    >>> program("sparc") is None
    True
    """
    numbers = _ARCHES.get(machine or platform.machine())
    if numbers is None:
        return None
    arch, unshare, clone, clone3 = numbers
    allow, eperm = _RET_ALLOW, _RET_ERRNO | errno.EPERM
    instructions = [
        _op(_LD_W_ABS, _ARCH),
        _op(_JEQ_K, arch, jt=1),            # another architecture's calls: allowed
        _op(_RET_K, allow),
        _op(_LD_W_ABS, _NR),
        _op(_JSET_K, _X32_BIT, jf=1),       # x32 calls (another numbering): refused
        _op(_RET_K, _RET_ERRNO | errno.ENOSYS),
        _op(_JEQ_K, clone3, jf=1),
        _op(_RET_K, _RET_ERRNO | errno.ENOSYS),
        _op(_JEQ_K, unshare, jt=1),
        _op(_JEQ_K, clone, jf=3),
        _op(_LD_W_ABS, _ARG0),              # the flags of unshare and clone
        _op(_JSET_K, _CLONE_NEWUSER, jf=1),
        _op(_RET_K, eperm),
        _op(_RET_K, allow),
    ]
    return b"".join(instructions)
