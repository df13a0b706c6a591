"""The service as `make run` runs it: the Procfile's processes under config/procfile.py, in a pseudo-terminal.

Each ProcessList runs on the scratch SQLite database of the folder it is given
and, unless told otherwise, a filesystem broker there.
"""

import fcntl
import os
import pty
import signal
import socket
import subprocess
import sys
import termios
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
STOP_WITHIN = 15


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _take_terminal() -> None:
    # In the child, after setsid(): the pseudo-terminal on stdin becomes its
    # controlling terminal, as a shell's terminal is for `make run`.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def processes_marked(marker: str) -> list[int]:
    """Processes whose environment carries `marker`: everything the process list started, however deep."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


class ProcessList:
    """`python -m config.procfile` in a pseudo-terminal, its output collected."""

    def __init__(self, var_dir: Path, **overrides: str) -> None:
        self.marker = f"PROCFILE_TEST={uuid.uuid4().hex}"
        self.port = free_port()
        env = {key: value for key, value in os.environ.items()
               if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "SERVICE_URL", "DEBUG", "PROMETHEUS_MULTIPROC_DIR"}}
        env.update(VAR_DIR=str(var_dir), HOST="127.0.0.1", PORT=str(self.port), WEB_CONCURRENCY="1", WORKER_CONCURRENCY="1")
        env[self.marker.partition("=")[0]] = self.marker.partition("=")[2]
        env.update(overrides)
        self.base_url = f"http://127.0.0.1:{self.port}"
        terminal, child_end = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "config.procfile"], cwd=ROOT, env=env,
            stdin=child_end, stdout=child_end, stderr=child_end, start_new_session=True, preexec_fn=_take_terminal,
        )
        os.close(child_end)
        self.terminal = terminal
        self._output = bytearray()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.terminal, 65536)
            except OSError:  # EIO: every process holding the terminal has gone
                return
            if not chunk:
                return
            self._output += chunk

    @property
    def output(self) -> str:
        return self._output.decode(errors="replace")

    def ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the process list stopped while starting:\n{self.output}")
        try:
            return requests.get(f"{self.base_url}/readyz", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def stop_and_wait(self, how) -> tuple[int, float]:
        started = time.monotonic()
        how(self)
        try:
            status = self.process.wait(timeout=STOP_WITHIN)
        except subprocess.TimeoutExpired:
            status = None
        return status, time.monotonic() - started

    def kill_leftovers(self) -> None:
        for pid in processes_marked(self.marker):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=STOP_WITHIN)
        os.close(self.terminal)


def migrated_var_dir(folder: Path) -> Path:
    """`folder` with a migrated SQLite database: beat queues the stuck-check sweep at once, and the worker runs it."""
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env={**env, "VAR_DIR": str(folder)}, check=True)
    return folder
