"""The one way the course runs nbgrader: this interpreter, a session of its own, a deadline."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from .lifetime import PARENT_VARIABLE

# Run as a script, so that nbgrader (and the kernels it starts) need not import autograder.
LIFETIME_SCRIPT = Path(__file__).with_name("lifetime.py")

__all__ = ["nbgrader"]


def nbgrader(course_root, *args, check=True, env=None, capture=True, timeout=None):
    """Run one nbgrader command in ``course_root`` with this interpreter.

    With ``timeout`` (seconds), the command and every kernel it started are killed when it
    runs over, and ``TimeoutError`` is raised.
    """
    environment = dict(os.environ if env is None else env)
    # nbgrader runs `alembic` and the kernel from PATH: use this interpreter's environment.
    bin_dir = str(Path(sys.executable).parent)
    environment["PATH"] = bin_dir + os.pathsep + environment.get("PATH", "")
    pipe = subprocess.PIPE if capture else None
    environment[PARENT_VARIABLE] = str(os.getpid())
    process = subprocess.Popen(
        [sys.executable, str(LIFETIME_SCRIPT), "nbgrader", *args,
         "--CourseDirectory.root=" + str(course_root)],
        cwd=course_root, env=environment, text=True, stdout=pipe, stderr=pipe,
        start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise TimeoutError(f"nbgrader {' '.join(args)} ran over {timeout} s and was stopped")
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    if check and result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result
