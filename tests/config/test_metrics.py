"""Prometheus metrics at /metrics (config/metrics.py)."""

from datetime import timedelta

import numpy as np
import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from config.celery import app as celery_app
from identity.models import FaceEnrolment, IdentityCheck, IdentityCheckRun
from outbox.models import Email
from tests.factories import submitted

TOKEN = "scrape-token-of-some-length"


@pytest.fixture(autouse=True)
def _token(settings):
    settings.METRICS_TOKEN = TOKEN


def _scrape(client: Client | None = None):
    return (client or Client()).get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def _samples(response) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def _run(check: IdentityCheck, outcome: str, seconds: float) -> None:
    started = timezone.now() - timedelta(minutes=5)
    IdentityCheckRun.objects.create(
        identity_check=check, trigger="submitted", started_at=started, finished_at=started + timedelta(seconds=seconds), outcome=outcome,
    )


def test_metrics_report_requests_identity_checks_queue_gallery_and_emails(applicant, second_applicant):
    first, second = submitted(applicant), submitted(second_applicant)
    waiting = first.identity_checks.get()
    IdentityCheck.objects.filter(id=waiting.id).update(queued_at=timezone.now() - timedelta(seconds=90))
    done = second.identity_checks.get()
    IdentityCheck.objects.filter(id=done.id).update(status=IdentityCheck.Status.PASSED)
    _run(done, "retrying", 0.3)
    _run(done, "passed", 1.5)
    FaceEnrolment.objects.create(application=second, identity_check=done, encoding=np.zeros(128, dtype=np.float32).tobytes())
    emails_before = Email.objects.filter(status=Email.Status.PENDING).count()
    Email.objects.create(key="waiting", to="a@example.com", subject="Waiting", body="-")
    Email.objects.create(key="sent", to="a@example.com", subject="Sent", body="-", status=Email.Status.SENT, sent_at=timezone.now())
    client = Client()
    client.get("/check-status/")

    response = _scrape(client)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = _samples(response)
    assert samples[("django_http_requests_latency_seconds_by_view_method_count", (("method", "GET"), ("view", "status-check")))] >= 1
    assert samples[("identity_check_runs_total", (("outcome", "passed"),))] == 1
    assert samples[("identity_check_runs_total", (("outcome", "retrying"),))] == 1
    assert samples[("identity_check_run_seconds_bucket", (("le", "1.0"),))] == 1
    assert samples[("identity_check_run_seconds_bucket", (("le", "2.0"),))] == 2
    assert samples[("identity_check_run_seconds_count", ())] == 2
    assert samples[("identity_check_run_seconds_sum", ())] == pytest.approx(1.8)
    assert samples[("identity_checks", (("status", "pending"),))] == 1
    assert samples[("identity_checks", (("status", "passed"),))] == 1
    assert 90 <= samples[("identity_oldest_pending_check_age_seconds", ())] < 120
    assert samples[("identity_gallery_faces", (("gallery", "real"),))] == 1
    assert samples[("identity_gallery_faces", (("gallery", "synthetic"),))] == 0
    # Submitting wrote emails too; they wait for the relay, which does not run here.
    assert samples[("emails_pending", ())] == emails_before + 1


def test_queue_depth_counts_the_messages_waiting(db):
    celery_app.control.purge()
    try:
        for _ in range(3):
            celery_app.send_task("identity.sweep_stuck_checks")

        samples = _samples(_scrape())
    finally:
        celery_app.control.purge()

    assert samples[("celery_queue_messages", (("queue", "celery"),))] == 3


def test_no_pending_check_reads_as_zero_age(db):
    samples = _samples(_scrape())

    assert samples[("identity_oldest_pending_check_age_seconds", ())] == 0


def test_metrics_need_the_token_when_one_is_set(db, settings):
    settings.DEBUG = True
    client = Client()

    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token").status_code == 403
    assert _scrape(client).status_code == 200


def test_development_metrics_are_open_without_a_token(db, settings):
    settings.DEBUG = True
    settings.METRICS_TOKEN = ""

    assert Client().get("/metrics").status_code == 200


def test_production_metrics_are_refused_without_a_token_set(db, settings):
    settings.DEBUG = False
    settings.METRICS_TOKEN = ""

    response = Client().get("/metrics")

    assert response.status_code == 403
    assert b"identity" not in response.content
