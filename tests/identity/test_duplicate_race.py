"""Two applicants with the same face, checked at the same moment by two real worker processes.

The workers meet at a barrier just before the duplicate search (tests/identity/race_worker.py)
and hold the window between search and enrolment open: every pair must still be flagged.
"""

import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings

from applications.services import application_submit
from config.celery import app as celery_app
from identity.models import DuplicateCandidate, FaceEnrolment, IdentityCheck
from tests.conftest import _user, outbox_relay_running, wait_for
from tests.factories import draft_application
from tests.processes import database_url

pytestmark = pytest.mark.worker

PAIRS = 3


def _worker(name: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.identity.race_worker", "--pool=solo", "--prefetch-multiplier=1",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO", "-n", f"{name}-{os.getpid()}@%h"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def test_two_same_face_checks_at_the_same_moment_are_always_flagged(committed_db, tmp_path):
    celery_app.control.purge()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "GALLERY_SNAPSHOT_DIR": str(tmp_path / "gallery"),
        "RACE_BARRIER_DIR": str(tmp_path),
    }
    workers = [_worker(name, env) for name in ("race-a", "race-b")]
    pairs = []
    try:
        with outbox_relay_running():
            for index in range(PAIRS):
                pair = [
                    application_submit(application=draft_application(person), actor=person)
                    for person in (_user(f"race-{index}-a@example.com"), _user(f"race-{index}-b@example.com"))
                ]
                checks = IdentityCheck.objects.filter(application__in=pair)
                wait_for(lambda: not checks.filter(status__in=["pending", "running"]).exists(), f"pair {index} checked", interval=0.1)
                pairs.append(pair)
    finally:
        outputs = []
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
            try:
                outputs.append(worker.communicate(timeout=30)[0])
            except subprocess.TimeoutExpired:
                worker.kill()
                outputs.append(worker.communicate()[0])
    log = "\n".join(output[-2000:] for output in outputs)

    # Both workers took part: each ran at least one check.
    assert all("run_identity_check" in output and "succeeded" in output for output in outputs), log
    for first, second in pairs:
        assert IdentityCheck.objects.filter(application__in=(first, second), status="passed").count() == 2, log
        assert FaceEnrolment.objects.filter(application__in=(first, second)).count() == 2
        # Every pair has the same face as the pairs before it too: what matters is that each pair found itself.
        flagged = set(
            DuplicateCandidate.objects.filter(application__in=(first, second), candidate__in=(first, second)).values_list("application", "candidate")
        )
        assert flagged == {(first.id, second.id), (second.id, first.id)}, log
