"""What of the machine a sandbox sees: the system folders and a minimal ``/etc``.

The host's ``/etc`` holds its accounts, password hashes (readable by root), keys and
configuration of every service; a sandbox needs almost none of it. :func:`minimal_etc`
writes, once per process, a folder with only what Python, NumPy and matplotlib read: the
two accounts a sandbox runs as, loopback names, the dynamic linker's cache and the time
zone. :func:`seccomp_filter` writes the filter of :mod:`autograder.sandbox.seccomp` to a
file bubblewrap reads.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
import threading
from pathlib import Path

from ..settings import SANDBOX_UID
from . import seccomp

__all__ = ["TOP_LEVEL", "minimal_etc", "seccomp_filter"]

TOP_LEVEL = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
"""Top-level system folders bound read-only (or re-created as the links they are)."""

_ACCOUNTS = {
    "passwd": ("root:x:0:0:root:/root:/usr/sbin/nologin\n"
               f"nobody:x:{SANDBOX_UID}:{SANDBOX_UID}:nobody:/tmp/home:/usr/sbin/nologin\n"),
    "group": f"root:x:0:\nnogroup:x:{SANDBOX_UID}:\n",
    "hosts": "127.0.0.1\tlocalhost\n::1\tlocalhost\n",
    "nsswitch.conf": "passwd: files\ngroup: files\nshadow: files\nhosts: files\n",
}
# Copied from the host when present: the linker's cache and search list, the time zone.
_COPIED = ("ld.so.cache", "ld.so.conf", "localtime", "timezone", "mime.types")
_COPIED_FOLDERS = ("ld.so.conf.d", "fonts")  # and fontconfig's, which matplotlib may ask


_MAKING = threading.Lock()  # a kernel and an answer process may be made at the same time


@functools.cache
def _private_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="bplab-sandbox-system-"))
    folder.chmod(0o755)
    atexit.register(shutil.rmtree, folder, True)
    return folder


def minimal_etc() -> Path:
    """A folder to bind as the sandbox's ``/etc`` (see the module docstring)."""
    with _MAKING:
        return _minimal_etc()


@functools.cache
def _minimal_etc() -> Path:
    etc = _private_folder() / "etc"
    etc.mkdir(mode=0o755)
    for name, text in _ACCOUNTS.items():
        (etc / name).write_text(text)
    for name in _COPIED:
        source = Path("/etc") / name
        if source.is_file():
            shutil.copyfile(source, etc / name)
    for folder in _COPIED_FOLDERS:
        if (Path("/etc") / folder).is_dir():
            shutil.copytree(Path("/etc") / folder, etc / folder, symlinks=False,
                            ignore_dangling_symlinks=True)
    for path in etc.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return etc


def seccomp_filter() -> Path:
    """The seccomp filter of this machine's architecture, as a file (see seccomp)."""
    with _MAKING:
        return _seccomp_filter()


@functools.cache
def _seccomp_filter() -> Path:
    program = seccomp.program()
    if program is None:
        raise OSError("no seccomp filter for this machine's architecture")
    path = _private_folder() / "no-user-namespaces.bpf"
    path.write_bytes(program)
    os.chmod(path, 0o644)
    return path
