"""What a test of a real hub changes on the machine, and how it is all put back.

The test runs as root: it creates local accounts and groups, lets setup.sh change
``/etc/login.defs`` and ``/etc/adduser.conf`` and the modes of home folders, and runs
commands as other accounts. :class:`Machine` records what was there first and restores
it: accounts and groups it created are deleted with their home folders, the files get
their bytes back, the homes that were there their modes, and a process left running by an
account it created is named, then killed by its PID.
"""

import grp
import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path

__all__ = ["ETC_FILES", "GROUPS", "GRADER", "missing", "Machine"]

ETC_FILES = (Path("/etc/login.defs"), Path("/etc/adduser.conf"))
GROUPS = ("backprop-lab", "formgrade-backprop-lab")
GRADER = "grader-backprop-lab"


def missing() -> str | None:
    """Why a hub cannot be tested here, in one line, or None."""
    if os.geteuid() != 0:
        return "needs root (local accounts, PAM logins, servers run as other accounts)"
    for tool in ("useradd", "userdel", "groupdel", "chpasswd", "runuser", "bwrap"):
        if shutil.which(tool) is None:
            return f"needs {tool} (Debian: apt-get install passwd util-linux bubblewrap)"
    if subprocess.run(["/usr/bin/python3", "-c", "import ensurepip, venv"],
                      capture_output=True).returncode != 0:
        return "needs the system's Python with venv (Debian: apt-get install python3-venv)"
    return None


def _homes() -> dict[str, int]:
    """Mode of every account's home folder that exists."""
    modes = {}
    for entry in pwd.getpwall():
        home = Path(entry.pw_dir)
        if entry.pw_dir not in ("", "/") and home.is_dir():
            modes[entry.pw_dir] = home.stat().st_mode & 0o7777
    return modes


def _exists(name: str, database=pwd.getpwnam) -> bool:
    try:
        database(name)
    except KeyError:
        return False
    return True


class Machine:
    """Accounts, groups and system files of one test, put back by :meth:`restore`."""

    def __init__(self):
        self.files = {path: path.read_bytes() if path.exists() else None for path in ETC_FILES}
        self.home_modes = _homes()
        self.accounts: list[str] = []
        self.leftovers: list[str] = []

    def refuse_a_real_hub(self) -> str | None:
        """Why this machine must not be used (it is set up for the course already)."""
        there = [g for g in GROUPS if _exists(g, grp.getgrnam)]
        there += [GRADER] if _exists(GRADER) else []
        if there:
            return (f"{', '.join(there)} already exist here: the test creates and deletes "
                    "them, so it does not run on a machine set up for the course")
        return None

    def adopt(self, *names: str) -> None:
        """Accounts created by something else (setup.sh) that :meth:`restore` deletes."""
        self.accounts += [n for n in names if n not in self.accounts]

    def add_account(self, name: str, password: str, groups: tuple[str, ...] = ()) -> Path:
        """A local account with a home folder and a password; return its home."""
        command = ["useradd", "--create-home", "--shell", "/bin/bash"]
        if groups:
            command += ["--groups", ",".join(groups)]
        subprocess.run([*command, name], check=True, capture_output=True)
        self.accounts.append(name)
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
        return Path(pwd.getpwnam(name).pw_dir)

    def join(self, name: str, group: str) -> None:
        subprocess.run(["usermod", "--append", "--groups", group, name], check=True)

    def run_as(self, user: str, argv: list[str], *, cwd: str | Path | None = None,
               path: str = "/usr/bin:/bin", timeout: float = 600,
               extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """``argv`` as ``user``, in a clean environment with their home and ``path``."""
        home = pwd.getpwnam(user).pw_dir
        variables = {"HOME": home, "USER": user, "LOGNAME": user, "PATH": path,
                     "LANG": "C.UTF-8", **(extra or {})}
        command = ["runuser", "-u", user, "--", "env", "-i",
                   *(f"{k}={v}" for k, v in variables.items()), *argv]
        return subprocess.run(command, cwd=cwd or home, capture_output=True, text=True,
                              timeout=timeout)

    def processes(self, settle: float = 0.0) -> dict[int, str]:
        """PID to command line of every live process run by an account of this test.

        A zombie (exited, not yet reaped by its parent) runs nothing and is left out. With
        ``settle``, wait up to that many seconds for processes that are ending to be gone.
        """
        deadline = time.monotonic() + settle
        while True:
            found = self._live_processes()
            if not found or time.monotonic() >= deadline:
                return found
            time.sleep(0.25)

    def _live_processes(self) -> dict[int, str]:
        uids = {pwd.getpwnam(n).pw_uid for n in self.accounts if _exists(n)}
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                state = (entry / "stat").read_text().rpartition(")")[2].split()[0]
                if entry.stat().st_uid in uids and state not in ("Z", "X"):
                    found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(
                        b"\0", b" ").decode(errors="replace").strip()
            except OSError:
                continue
        return found

    def restore(self) -> None:
        """Put everything back (see the module docstring); safe to call twice."""
        left = self.processes()
        if left:
            self.leftovers += [f"{pid}: {command}" for pid, command in left.items()]
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.5)
        for name in reversed(self.accounts):
            if _exists(name):
                subprocess.run(["userdel", "--remove", name], capture_output=True)
        self.accounts = []
        for group in GROUPS:
            if _exists(group, grp.getgrnam):
                subprocess.run(["groupdel", group], capture_output=True)
        for path, content in self.files.items():
            if content is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(content)
        for home, mode in self.home_modes.items():
            if Path(home).is_dir() and Path(home).stat().st_mode & 0o7777 != mode:
                os.chmod(home, mode)
