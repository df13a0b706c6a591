"""/healthz and /readyz (config/health.py), in process; the broker stopped under a running service is in test_service.py."""

import pytest
from django.test import Client


def test_healthz_answers_without_touching_the_database():
    # No database fixture: pytest-django makes any query here an error.
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_any_host_over_plain_http_in_production(settings):
    # A container health check or a load balancer asks the process by its address.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["visas.example"]
    settings.SECURE_SSL_REDIRECT = True

    response = Client().get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200


@pytest.mark.worker
def test_readyz_is_ready_when_database_broker_uploads_and_a_worker_answer(celery_worker):
    response = Client().get("/readyz")

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ok", "failed": [], "checks": {"database": "ok", "broker": "ok", "uploads": "ok", "worker": "ok"},
    }


def test_readyz_names_a_missing_worker(db):
    response = Client().get("/readyz")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["failed"] == ["worker"]


def test_readyz_names_uploads_storage_it_cannot_write_to(db, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the uploads folder should be")
    settings.MEDIA_ROOT = blocker

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert "uploads" in response.json()["failed"]
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_reveals_no_details_of_a_failure(db):
    body = Client().get("/readyz").content.decode()

    assert "Traceback" not in body
    assert "filesystem" not in body
    assert "celery" not in body.lower()


def test_not_ready_is_logged_once_with_its_reason(db, caplog):
    Client().get("/readyz")

    messages = [record.getMessage() for record in caplog.records]
    assert "Readiness check 'worker' failed: RuntimeError: no worker replied within 2 s" in messages
    assert not [message for message in messages if "Service Unavailable" in message]
