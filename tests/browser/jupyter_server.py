"""An isolated JupyterLab server for browser tests.

The server gets its own configuration, runtime, workspaces and settings folders, serves a
temporary copy of ``notebooks/`` and ``solutions/`` (JupyterLab writes into what it serves),
listens on a free port of 127.0.0.1 with a random token, and has the news announcements,
build checks and autosave turned off so that nothing but the notebook reaches the page.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

__all__ = ["JupyterServer", "free_port"]

REPO = Path(__file__).resolve().parents[2]
SERVED_FOLDERS = ("notebooks", "solutions")
DISABLED_PLUGINS = ["@jupyterlab/apputils-extension:announcements"]
# windowingMode "none" attaches every cell at once, so the tests need not scroll to make
# JupyterLab render a cell; otherwise these are the defaults students get.
USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JupyterServer:
    """Start with :meth:`start` (or use as a context manager), stop with :meth:`stop`."""

    def __init__(self, folders=SERVED_FOLDERS, repo=REPO, startup_timeout=90):
        self.folders = folders
        self.repo = Path(repo)
        self.startup_timeout = startup_timeout
        self.token = secrets.token_hex(16)
        self.port = None
        self.process = None
        self.tmp = None
        self.root = None
        self.log_path = None

    # -- life cycle ---------------------------------------------------------------------
    def start(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="bplab-lab-"))
        self.root = self.tmp / "root"
        self.root.mkdir()
        for folder in self.folders:
            if (self.repo / folder).is_dir():
                shutil.copytree(self.repo / folder, self.root / folder,
                                ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        config = self.tmp / "config"
        (config / "labconfig").mkdir(parents=True)
        (config / "labconfig" / "page_config.json").write_text(json.dumps({
            "disabledExtensions": {plugin: True for plugin in DISABLED_PLUGINS},
            "buildCheck": False,
            "buildAvailable": False,
        }))
        settings = self.tmp / "settings"
        for name, values in USER_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        for name in ("runtime", "workspaces", "ipython"):
            (self.tmp / name).mkdir()

        bin_dir = str(Path(sys.executable).parent)
        env = dict(os.environ)
        env.update({
            "JUPYTER_CONFIG_DIR": str(config),
            "JUPYTER_RUNTIME_DIR": str(self.tmp / "runtime"),
            "IPYTHONDIR": str(self.tmp / "ipython"),
            "PATH": bin_dir + os.pathsep + env.get("PATH", ""),
            "JUPYTER_PLATFORM_DIRS": "1",
        })
        env.pop("MPLBACKEND", None)  # the kernel must use the inline backend, as students do
        env.pop("NBGRADER_EXECUTION", None)
        self.port = free_port()
        command = [
            sys.executable, "-m", "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.terminals_enabled=False",
            f"--LabApp.workspaces_dir={self.tmp / 'workspaces'}",
            f"--LabApp.user_settings_dir={settings}",
            "--LabApp.news_url=None",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        self.log_path = self.tmp / "server.log"
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, cwd=self.root, env=env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self._wait_until_up()
        return self

    def _wait_until_up(self):
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.process.returncode}:\n"
                                   + self.log())
            try:
                self.api("GET", "status")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {self.startup_timeout} s:\n"
                           + self.log())

    def stop(self):
        """Interrupt twice (JupyterLab asks for confirmation after the first), then wait."""
        if self.process is not None and self.process.poll() is None:
            for _ in range(2):
                try:
                    self.process.send_signal(signal.SIGINT)
                except ProcessLookupError:
                    break
                time.sleep(0.3)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- helpers ------------------------------------------------------------------------
    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}/"

    def lab_url(self, path, workspace):
        """URL that opens ``path`` (relative to the served root) in its own workspace."""
        return f"{self.base_url}lab/workspaces/{workspace}/tree/{path}?token={self.token}"

    def api(self, method, path, timeout=10):
        """Call the REST API; return the decoded JSON body (or None when empty)."""
        request = urllib.request.Request(
            f"{self.base_url}api/{path}", method=method,
            headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def delete_sessions(self):
        """Shut down every kernel session (kernels outlive the browser page)."""
        for session in self.api("GET", "sessions") or []:
            try:
                self.api("DELETE", f"sessions/{session['id']}", timeout=30)
            except urllib.error.HTTPError as error:
                if error.code != 404:
                    raise

    def served(self, relative):
        """Path of the served copy of a repository file."""
        return self.root / relative

    def log(self, tail=4000):
        if self.log_path and self.log_path.exists():
            return self.log_path.read_text(errors="replace")[-tail:]
        return ""
