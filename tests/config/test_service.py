"""The service as `make run` runs it, on Redis: /readyz and /metrics when the broker stops.

The Redis is the test's own (TEST_REDIS_PORT, or a free port), so stopping it
touches nothing else.
"""

import os
import shutil
import socket
import subprocess

import pytest
import requests

from tests.conftest import wait_for
from tests.process_list import ProcessList, free_port, migrated_var_dir


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_server(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = int(os.environ.get("TEST_REDIS_PORT") or free_port())
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: _answers(port), "Redis to answer", timeout=20)
    yield process, port
    process.terminate()
    process.wait(timeout=10)


def test_readyz_names_the_broker_when_it_stops_and_metrics_still_answer(tmp_path, redis_server):
    redis, port = redis_server
    service = ProcessList(migrated_var_dir(tmp_path), CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0")
    try:
        wait_for(service.ready, "the service to be ready on Redis", timeout=90)
        assert requests.get(f"{service.base_url}/readyz", timeout=10).json()["checks"]["broker"] == "ok"

        redis.terminate()
        redis.wait(timeout=10)
        readiness = requests.get(f"{service.base_url}/readyz", timeout=15)
        metrics = requests.get(f"{service.base_url}/metrics", timeout=15)
    finally:
        service.stop_and_wait(lambda running: running.process.terminate())
        service.kill_leftovers()

    assert readiness.status_code == 503
    assert readiness.json() == {
        "status": "unavailable",
        "failed": ["broker", "worker"],
        "checks": {"database": "ok", "broker": "failed", "uploads": "ok", "worker": "not checked: the broker is unavailable"},
    }
    assert metrics.status_code == 200
    assert "identity_checks{" in metrics.text
    assert "celery_queue_messages" not in metrics.text
