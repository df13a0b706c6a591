"""Real components in their own processes, for tests that stop, kill and restart them.

A Redis of the test's own (never the shared one), a Celery worker process on it,
and an SMTP server (aiosmtpd) in a thread of the test process.
"""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database, as another process reaches it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


class RedisServer:
    """A Redis without persistence, like the production one that loses queued messages when restarted."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("the test's Redis did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


class WorkerProcess:
    """`celery worker` as `make run` starts it, on the given broker and the test database."""

    def __init__(self, broker_url: str, env: dict[str, str]):
        self.broker_url = broker_url
        self.env = env
        self.process: subprocess.Popen | None = None
        self.output = ""

    def start(self) -> None:
        env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": self.broker_url,
               "MEDIA_ROOT": str(settings.MEDIA_ROOT), **self.env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
             "-n", f"faults-{os.getpid()}-{time.monotonic_ns()}@%h"],
            cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )

    def kill_all(self) -> None:
        """SIGKILL the worker and its pool processes: nothing is handed back, nothing acknowledged."""
        for pid in [*children(self.process.pid), self.process.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._collect()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._collect()

    def _collect(self) -> None:
        if self.process:
            self.output += self.process.communicate()[0] or ""


class SmtpSink:
    """A real SMTP server that keeps what it accepts. While `held` is set, DATA waits for `release()` and is then refused."""

    def __init__(self, port: int):
        self.port = port
        self.received: list[tuple[str, str]] = []
        self.held = False
        self.holding = threading.Event()
        self._release = threading.Event()
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.held:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self._release.wait)
            self.held = False
            return "451 Requested action aborted"
        message = envelope.content.decode()
        subject = next((line[9:] for line in message.splitlines() if line.startswith("Subject: ")), "")
        for address in envelope.rcpt_tos:
            self.received.append((address, subject))
        return "250 OK"

    def release(self) -> None:
        self._release.set()

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


def smtp_env(port: int) -> dict[str, str]:
    return {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
