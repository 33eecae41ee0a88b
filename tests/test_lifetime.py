"""Children started through autograder.lifetime end when their parent is killed."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="PR_SET_PDEATHSIG exists on Linux only")


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("through_lifetime", [True, False])
def test_a_child_dies_with_its_killed_parent_only_through_lifetime(tmp_path, through_lifetime):
    (tmp_path / "sleeper.py").write_text("import time\ntime.sleep(60)\n")
    command = (["-m", "autograder.lifetime", "sleeper"] if through_lifetime
               else [str(tmp_path / "sleeper.py")])
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import os, subprocess, sys, time
        env = dict(os.environ, BPLAB_PARENT_PID=str(os.getpid()), PYTHONPATH={str(tmp_path)!r})
        child = subprocess.Popen([sys.executable, *{command!r}], env=env,
                                 start_new_session=True)
        print(child.pid, flush=True)
        time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    time.sleep(1.0)  # the child has set its death signal by now
    assert _alive(child)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 4
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        assert _alive(child) is not through_lifetime
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)
