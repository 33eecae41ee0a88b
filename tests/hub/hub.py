"""A real JupyterHub for tests: the course's template, configurable-http-proxy from npm.

:func:`proxy_bin` installs configurable-http-proxy, at the version setup.sh pins, into
``build/node`` of the checkout once (npm), and returns the folder of its command.
:class:`Hub` writes a configuration that loads ``autograder/jupyterhub/jupyterhub_config.py``
as shipped and changes only what a test on a shared machine must: the addresses it listens
on (loopback, free ports); it runs the hub as root from the environment setup.sh made, in
the hub folder setup.sh made (its database, cookie secret and the proxy's pid file), and
stops it by its PID. The hub stops the servers and the proxy it started.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

__all__ = ["REPO", "TEMPLATE", "proxy_version", "proxy_bin", "free_port", "Hub"]

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "autograder" / "jupyterhub" / "jupyterhub_config.py"
NODE_PREFIX = REPO / "build" / "node"


def proxy_version() -> str:
    """The configurable-http-proxy version setup.sh installs."""
    text = (REPO / "autograder" / "jupyterhub" / "setup.sh").read_text()
    return re.search(r"^PROXY_VERSION=(\S+)", text, re.MULTILINE)[1]


def proxy_bin() -> Path | None:
    """Folder holding ``configurable-http-proxy`` (installed into build/node), or None
    without npm."""
    version = proxy_version()
    bin_dir = NODE_PREFIX / "node_modules" / ".bin"
    package = NODE_PREFIX / "node_modules" / "configurable-http-proxy" / "package.json"
    if package.exists() and f'"version": "{version}"' in package.read_text():
        return bin_dir
    if shutil.which("npm") is None or shutil.which("node") is None:
        return None
    NODE_PREFIX.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "install", "--prefix", str(NODE_PREFIX), "--no-audit", "--no-fund",
                    "--loglevel=error", f"configurable-http-proxy@{version}"],
                   check=True, capture_output=True, text=True, timeout=300)
    return bin_dir


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class Hub:
    """The hub of one test; :meth:`start`, then :meth:`stop` (also on failure)."""

    def __init__(self, env_dir: Path, hub_dir: Path, proxy: Path):
        self.env_dir, self.hub_dir, self.proxy = Path(env_dir), Path(hub_dir), Path(proxy)
        self.port, self.hub_port, self.api_port, self.service_port = (
            free_port() for _ in range(4))
        self.config = self.hub_dir / "test_config.py"
        self.log_path = self.hub_dir / "hub.log"
        self.process: subprocess.Popen | None = None
        self.started_in: float | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def write_config(self) -> None:
        self.config.write_text(
            "# The course's hub as shipped, on loopback ports of this test.\n"
            "c = get_config()  # noqa: F821\n"
            f"load_subconfig({str(TEMPLATE)!r})  # noqa: F821\n"
            f"c.JupyterHub.bind_url = {self.url!r}\n"
            f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{self.hub_port}'\n"
            f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{self.api_port}'\n"
            "for service in c.JupyterHub.services:\n"
            f"    service['url'] = 'http://127.0.0.1:{self.service_port}'\n")

    def start(self, timeout: float = 90) -> "Hub":
        self.write_config()
        env = {"PATH": f"{self.proxy}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
               "HOME": "/root"}
        began = time.monotonic()
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(self.env_dir / "bin" / "jupyterhub"), "-f", str(self.config)],
                cwd=self.hub_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited ({self.process.returncode}):\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/hub/health", timeout=5) as answer:
                    if answer.status == 200:
                        self.started_in = time.monotonic() - began
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        raise RuntimeError(f"the hub did not answer within {timeout} s:\n{self.log()}")

    def proxy_pid(self) -> int | None:
        pid_file = self.hub_dir / "jupyterhub-proxy.pid"
        try:
            return int(pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def stop(self, timeout: float = 60) -> list[str]:
        """SIGTERM to the hub, which stops the servers and the proxy it started; returns
        what had to be killed after it (nothing, when the hub cleans up after itself)."""
        if self.process is None or self.process.poll() is not None:
            return []
        proxy = self.proxy_pid()
        killed = []
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            killed.append(f"the hub (PID {self.process.pid}) ignored SIGTERM for {timeout} s")
            self.process.kill()
            self.process.wait(timeout=10)
        if proxy is not None and "configurable-http-proxy" in _command_line(proxy):
            os.kill(proxy, signal.SIGKILL)
            killed.append(f"configurable-http-proxy (PID {proxy}) outlived the hub")
        return killed

    def log(self, tail: int = 6000) -> str:
        if self.log_path.exists():
            return self.log_path.read_text(errors="replace")[-tail:]
        return ""
