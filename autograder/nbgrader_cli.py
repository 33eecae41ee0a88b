"""The one way the course runs nbgrader: this interpreter, a session of its own, a deadline.

:func:`nbgrader` runs one nbgrader command. :func:`autograde_then_feedback` runs
``autograde`` and ``generate_feedback`` in one nbgrader process (nbgrader's imports cost
seconds), pausing between them while the caller changes the gradebook and the graded
notebooks; ``python -m autograder.nbgrader_cli`` is that process's side.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from .lifetime import PARENT_VARIABLE

# Run as a script, so that nbgrader (and the kernels it starts) need not import autograder.
LIFETIME_SCRIPT = Path(__file__).with_name("lifetime.py")

__all__ = ["nbgrader", "autograde_then_feedback", "main"]

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


def autograde_then_feedback(course_root: str | Path, name: str, options: Sequence[str],
                            between: Callable[[], None],
                            timeout: float | None = None) -> subprocess.CompletedProcess:
    """``nbgrader autograde`` then ``generate_feedback`` of ``name`` in one nbgrader process.

    ``between()`` runs here once autograde is over and before feedback starts; the
    gradebook and the graded notebooks are the caller's meanwhile. If autograde never
    finishes (its process died or ran out of time), ``between()`` runs all the same and no
    feedback is made. ``options`` go to autograde (limits, the sandbox switch).

    Returns
    -------
    subprocess.CompletedProcess
        Its return code is autograde's (1 when some submission could not be graded); its
        stderr holds nbgrader's log of both steps.

    Raises
    ------
    TimeoutError
        If both steps together ran over ``timeout`` seconds (after ``between()`` ran).
    """
    from . import REPO_ROOT

    environment = dict(os.environ)
    environment["PATH"] = str(Path(sys.executable).parent) + os.pathsep + environment.get(
        "PATH", "")
    environment["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), environment.get("PYTHONPATH", "")) if p)
    environment[PARENT_VARIABLE] = str(os.getpid())
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    command = [sys.executable, str(LIFETIME_SCRIPT), "autograder.nbgrader_cli", str(to_child_r),
               str(from_child_w), name, "--CourseDirectory.root=" + str(course_root), *options]
    log.debug("nbgrader autograde and generate_feedback %s in %s", name, course_root)
    expired = threading.Event()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        try:
            process = subprocess.Popen(
                command, cwd=course_root, env=environment, text=True, stdout=out, stderr=err,
                stdin=subprocess.DEVNULL, pass_fds=(to_child_r, from_child_w),
                start_new_session=True)
        finally:
            os.close(to_child_r)
            os.close(from_child_w)

        def expire() -> None:
            expired.set()
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                log.debug("nbgrader had already ended when its time ran out")

        timer = threading.Timer(timeout, expire) if timeout else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        try:
            with open(from_child_r, "rb") as incoming, open(to_child_w, "wb") as outgoing:
                finished = incoming.readline().strip() == b"autograded"
                between()
                if finished and not expired.is_set():
                    try:
                        outgoing.write(b"go\n")
                        outgoing.flush()
                    except OSError as error:  # it died meanwhile; nothing more to ask of it
                        log.warning("nbgrader ended before it made feedback: %s", error)
            process.wait()
        finally:
            if timer is not None:
                timer.cancel()
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(command, process.returncode, out.read(), err.read())
    if expired.is_set():
        raise TimeoutError(f"nbgrader autograde {name} ran over {timeout} s and was stopped")
    return result


def _run_app(app_class: type, argv: list[str]) -> int:
    """Run one nbgrader application in this process; its exit status."""
    app = app_class()
    try:
        app.initialize(argv)
        app.start()
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The nbgrader process's side of :func:`autograde_then_feedback`."""
    incoming_fd, outgoing_fd, name, root, *options = list(sys.argv[1:] if argv is None else argv)
    from nbgrader.apps import AutogradeApp, GenerateFeedbackApp

    status = _run_app(AutogradeApp, [name, "--force", root, *options])
    with open(int(outgoing_fd), "wb") as outgoing:
        outgoing.write(b"autograded\n")
    with open(int(incoming_fd), "rb") as incoming:
        go = incoming.readline().strip() == b"go"
    if go:
        _run_app(GenerateFeedbackApp, [name, "--force", root])
    return status


if __name__ == "__main__":
    sys.exit(main())
