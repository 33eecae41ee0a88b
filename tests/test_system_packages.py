"""Tests that need a system package skip without it, with one line that says how to get it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = '''
import pytest

@pytest.mark.needs("bubblewrap")
def test_sandboxed():
    pass

@pytest.mark.needs("chromium", "postgresql")
def test_browser_and_database():
    pass

def test_plain():
    pass
'''


def _run(tmp_path, **env):
    """Run a probe with the tests' own conftest, as if the packages were missing."""
    for name in ("conftest.py", "system_packages.py"):
        shutil.copy(ROOT / "tests" / name, tmp_path / name)
    (tmp_path / "test_probe.py").write_text(PROBE)
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    environment.update(env, BPLAB_TESTS_WITHOUT="bubblewrap,chromium,postgresql",
                       PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:xdist",
                           "-p", "no:cacheprovider", "--rootdir", str(tmp_path), "-c", "/dev/null",
                           str(tmp_path / "test_probe.py")],
                          cwd=tmp_path, env=environment, capture_output=True, text=True,
                          timeout=120)


def test_missing_packages_skip_with_one_line_naming_the_install_command(tmp_path):
    run = _run(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    summary = [line for line in run.stdout.splitlines() if line.startswith("skipped 2 tests")]
    assert summary == ["skipped 2 tests that need bubblewrap, chromium, postgresql; install "
                       "with: " + ("" if os.geteuid() == 0 else "sudo ")
                       + "apt-get install bubblewrap chromium postgresql"], run.stdout
    assert "1 passed, 2 skipped" in run.stdout


def test_under_ci_a_missing_package_fails_the_run(tmp_path):
    run = _run(tmp_path, CI="true")
    assert run.returncode != 0
    assert "1 passed, 2 errors" in run.stdout and "CI=true: every test must run" in run.stdout
