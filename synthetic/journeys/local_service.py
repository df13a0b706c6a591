"""A service of its own for a run of journeys: `make run`'s process list (config/procfile.py) on a fresh SQLite database.

Used when run_journeys is given no target. Everything lives in a temporary folder
(database, broker, uploads) that is removed afterwards; the environment's other
settings (DATABASE_URL, CELERY_BROKER_URL) are honoured if set.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def local_service(*, workers: int, key: str, web_processes: int = 2, log: Path | None = None):
    """Yield the base URL of a freshly started service with `workers` worker and `web_processes` web processes, which accepts `key`."""
    folder = Path(tempfile.mkdtemp(prefix="journeys-"))
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ, "VAR_DIR": str(folder), "SERVICE_URL": base_url, "HOST": "127.0.0.1", "PORT": str(port),
        "WORKER_CONCURRENCY": str(workers), "WEB_CONCURRENCY": str(web_processes), "SYNTHETIC_JOURNEYS_KEY": key,
    }
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    output = open(log or folder / "service.log", "ab")
    processes: list[subprocess.Popen] = []
    try:
        for command in (["migrate", "--noinput"], ["create_demo_users"]):
            subprocess.run([*manage, *command], env=env, cwd=BASE_DIR, check=True, stdout=output, stderr=output)
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "config.procfile"], env=env, cwd=BASE_DIR, stdout=output, stderr=output, start_new_session=True,
        ))
        _wait_until_up(base_url, processes)
        yield base_url
    finally:
        for process in processes:
            # The process list stops its processes on SIGTERM, and kills what is left after 10 s.
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        output.close()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_until_up(base_url: str, processes: list[subprocess.Popen], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise RuntimeError("the local service stopped while starting; see its log")
        try:
            # Ready: the database, broker and uploads answer and a worker replies.
            if requests.get(base_url + "/readyz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the local service did not answer at {base_url} within {timeout:.0f} s")
