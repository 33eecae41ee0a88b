"""The system packages some tests need, how to tell they are there, and how to install them.

A test that needs one says so with ``@pytest.mark.needs("bubblewrap")`` (or a module's
``pytestmark``). Where it is missing the test is skipped, and the run ends with one line
naming what was skipped and the command that installs it; with ``CI=true`` it fails
instead, so that CI never passes by skipping (``.ci/run`` installs them all).
"""

import functools
import glob
import os
import shutil
import subprocess

__all__ = ["PACKAGES", "missing", "install_command", "SKIP_PREFIX"]

SKIP_PREFIX = "needs the system package"


def _sandbox():
    from autograder.sandbox import bwrap

    return bwrap.problem() is None


def _postgresql():
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or bool(shutil.which("initdb"))


def _node():
    return bool(shutil.which("node") and shutil.which("npm"))


def _chromium():
    return bool(shutil.which("chromium") or shutil.which("chromium-browser"))


def _system_venv():
    # the hub's environment is made with the system's Python, which every account can run
    if not os.path.exists("/usr/bin/python3"):
        return False
    return subprocess.run(["/usr/bin/python3", "-c", "import ensurepip, venv"],
                          capture_output=True).returncode == 0


# name -> (Debian packages that provide it, check)
PACKAGES = {
    "bubblewrap": ("bubblewrap", _sandbox),
    "chromium": ("chromium", _chromium),
    "postgresql": ("postgresql", _postgresql),
    "node": ("nodejs npm", _node),
    "python3-venv": ("python3-venv", _system_venv),
}


@functools.cache
def missing(name):
    """True if the system package ``name`` (a key of PACKAGES) cannot be used here.

    ``BPLAB_TESTS_WITHOUT=bubblewrap,chromium`` makes the tests behave as if those were
    missing (to test the skipping itself on a machine that has them).
    """
    pretend = os.environ.get("BPLAB_TESTS_WITHOUT", "").split(",")
    return name in pretend or not PACKAGES[name][1]()


def install_command(names):
    packages = " ".join(dict.fromkeys(PACKAGES[n][0] for n in sorted(names)))
    sudo = "" if os.geteuid() == 0 else "sudo "
    return f"{sudo}apt-get install {packages}"
