"""`make lab`, the README's first command, serves the course with the course map open."""

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.jupyter_server import free_port

REPO = Path(__file__).resolve().parent.parent
FIRST = "00_start_here/00_start_here.ipynb"


@pytest.mark.slow
@pytest.mark.skipif(not (REPO / ".venv" / ".runtime").exists() or not shutil.which("make"),
                    reason="needs the project's .venv (make lab or make test creates it)")
def test_make_lab_serves_the_course_and_opens_the_course_map(tmp_path):
    port, token = free_port(), "make-lab-test"
    # The "browser" keeps a copy of the page JupyterLab asks it to open.
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\ncat "${{1#file://}}" > {tmp_path / "opened.html"}\n')
    browser.chmod(0o755)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), BROWSER=f"{browser} %s")
    lab = subprocess.Popen(
        ["make", "--no-print-directory", "lab",
         f"LAB_ARGS=--ServerApp.port={port} --IdentityProvider.token={token} "
         f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    try:
        contents = None
        deadline = time.monotonic() + 90
        while contents is None and time.monotonic() < deadline:
            assert lab.poll() is None, lab.stdout.read()
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/contents/{FIRST}?content=0",
                    headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    contents = json.load(response)
            except OSError:
                time.sleep(0.5)
        assert contents is not None, "make lab did not serve the course within 90 s"
        assert contents["type"] == "notebook"
        while not (tmp_path / "opened.html").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        os.killpg(lab.pid, signal.SIGINT)
        try:
            output, _ = lab.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(lab.pid, signal.SIGKILL)
            output, _ = lab.communicate()
    assert f"Serving notebooks from local directory: {REPO / 'notebooks'}" in output
    # The browser is sent straight to the course map.
    assert f"lab/tree/{FIRST}" in (tmp_path / "opened.html").read_text()
