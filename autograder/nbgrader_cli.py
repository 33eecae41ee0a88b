"""nbgrader's command line, run the one way the course runs it: this interpreter, a
session of its own, a deadline.

The grading pipeline runs nbgrader's converters in process (:mod:`autograder.converters`);
this is for the other commands (the exchange's, ``db``, a course build's ``generate``),
one nbgrader program each, as an instructor would type them.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .lifetime import PARENT_VARIABLE

# Run as a script, so that nbgrader (and the kernels it starts) need not import autograder.
LIFETIME_SCRIPT = Path(__file__).with_name("lifetime.py")

__all__ = ["nbgrader"]

log = logging.getLogger(__name__)


def nbgrader(course_root: str | Path, *args: str, check: bool = True,
             env: Mapping[str, str] | None = None, capture: bool = True,
             timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run one nbgrader command in ``course_root`` with this interpreter.

    Its output is collected in temporary files, not pipes, and the command is over when
    nbgrader's process ends: a process that nbgrader's kernel left behind holding the
    output open cannot make the caller wait. With ``timeout`` (seconds), the command and
    every kernel it started are killed when it runs over, and ``TimeoutError`` is raised.
    """
    environment = dict(os.environ if env is None else env)
    # nbgrader runs `alembic` and the kernel from PATH: use this interpreter's environment.
    bin_dir = str(Path(sys.executable).parent)
    environment["PATH"] = bin_dir + os.pathsep + environment.get("PATH", "")
    environment[PARENT_VARIABLE] = str(os.getpid())
    command = [sys.executable, str(LIFETIME_SCRIPT), "nbgrader", *args,
               "--CourseDirectory.root=" + str(course_root)]
    log.debug("nbgrader %s in %s", " ".join(args), course_root)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            command, cwd=course_root, env=environment, text=True,
            stdout=out if capture else None, stderr=err if capture else None,
            stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise TimeoutError(f"nbgrader {' '.join(args)} ran over {timeout} s and was "
                               "stopped") from None
        out.seek(0)
        err.seek(0)
        stdout, stderr = (out.read(), err.read()) if capture else (None, None)
    result = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    if check and result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


