"""make run's process list (config/procfile.py): every Procfile process starts, and one signal stops them all cleanly.

The processes run as `make run` runs them, in a terminal of their own (a
pseudo-terminal), on a scratch SQLite database and filesystem broker. Ctrl-C is
typed into that terminal, so the signal reaches what a real Ctrl-C reaches. The
process names come from the Procfile, so a process added there is covered.
"""

import os
import signal
import uuid

import pytest
import requests

from config import procfile
from tests.conftest import wait_for
from tests.process_list import STOP_WITHIN, ProcessList, migrated_var_dir, processes_marked


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory):
    return migrated_var_dir(tmp_path_factory.mktemp("procfile"))


def _type_ctrl_c(service: ProcessList) -> None:
    os.write(service.terminal, b"\x03")


def _send_sigterm(service: ProcessList) -> None:
    os.kill(service.process.pid, signal.SIGTERM)


@pytest.mark.parametrize(("how", "expected_status"), [(_type_ctrl_c, 130), (_send_sigterm, 0)], ids=["ctrl-c", "sigterm"])
def test_one_signal_stops_every_process_cleanly(var_dir, how, expected_status):
    names = list(procfile.processes())
    service = ProcessList(var_dir)
    try:
        wait_for(service.ready, "the service to be ready (database, broker, uploads, a worker)", timeout=90)
        wait_for(lambda: all(f"{name}.1 started" in service.output for name in names), "every process to start")
        assert processes_marked(service.marker)
        assert "stopped" not in service.output, service.output

        status, seconds = service.stop_and_wait(how)

        assert status == expected_status, service.output
        assert seconds < STOP_WITHIN
        assert processes_marked(service.marker) == [], service.output
        for name in names:
            assert f"{name}.1 stopped" in service.output
        assert "Traceback" not in service.output
        assert "SIGKILL" not in service.output, "a process had to be killed"
    finally:
        service.kill_leftovers()


def _register(base_url: str) -> None:
    """Register through the web page, which queues the confirmation email (through the outbox and the relay)."""
    import re

    session = requests.Session()
    page = session.get(f"{base_url}/accounts/register/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base_url}/accounts/register/",
        data={"csrfmiddlewaretoken": token, "email": f"{uuid.uuid4().hex}@example.com", "password": "correct-horse-battery-staple"},
        headers={"Referer": f"{base_url}/accounts/register/"}, timeout=30,
    )
    assert response.status_code == 200, response.text[:2000]


def test_every_line_names_its_process_and_asset_requests_are_not_logged(var_dir):
    service = ProcessList(var_dir)
    try:
        wait_for(service.ready, "the service to be ready", timeout=90)
        assert requests.get(f"{service.base_url}/check-status/", timeout=10).status_code == 200
        assert requests.get(f"{service.base_url}/assets/app.js", timeout=10).status_code == 200
        _register(service.base_url)
        wait_for(lambda: '"GET /check-status/ HTTP/1.1" 200' in service.output, "the page request in the log")
        wait_for(lambda: "Subject: Confirm your email address" in service.output, "the email in the log")
        service.stop_and_wait(_send_sigterm)
    finally:
        service.kill_leftovers()

    writers = {"system", *(f"{name}.1" for name in procfile.processes())}
    lines = [line for line in service.output.splitlines() if line.strip()]
    assert all(line.partition(" | ")[0].split()[-1] in writers for line in lines), lines
    assert "/assets/" not in service.output
    assert "/readyz" not in service.output
    # Start-up banners once: the worker's, and none from django-axes (one per process that loads Django).
    assert service.output.count("-------------- celery@") == 1
    assert "AXES: BEGIN" not in service.output
    # The worker prints the email as it is, not as a WARNING, with links to where this service listens.
    assert "WARNING/" not in service.output
    assert f"{service.base_url}/accounts/confirm-email/" in service.output


def test_service_url_follows_host_and_port_in_development(monkeypatch):
    for name in ("SERVICE_URL", "DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "8140")

    env = procfile.environment()

    assert env["SERVICE_URL"] == "http://127.0.0.1:8140"
    assert (env["HOST"], env["PORT"]) == ("127.0.0.1", "8140")


def test_a_service_url_given_is_kept(monkeypatch):
    monkeypatch.setenv("SERVICE_URL", "https://visas.example")
    monkeypatch.setenv("PORT", "8140")

    assert procfile.environment()["SERVICE_URL"] == "https://visas.example"


def test_production_never_guesses_its_service_url(monkeypatch):
    monkeypatch.delenv("SERVICE_URL", raising=False)
    monkeypatch.setenv("DEBUG", "false")

    assert "SERVICE_URL" not in procfile.environment()
