"""A real Celery worker process, killed in the middle of a check.

acks_late and reject_on_worker_lost hand the message back when the pool process
running it dies; the redelivery carries the same task id, takes the check back and
finishes it. Exactly one completed check, one transition, and both runs on record.
"""

import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings

from applications.models import State
from applications.services import application_submit
from config.celery import app as celery_app
from identity.models import IdentityCheck
from tests.conftest import outbox_relay_running, wait_for
from tests.factories import draft_application
from tests.processes import children, database_url

pytestmark = pytest.mark.worker


def test_a_worker_killed_mid_check_leads_to_exactly_one_completed_check(committed_db, applicant):
    celery_app.control.purge()
    application = application_submit(application=draft_application(applicant), actor=applicant)
    check = application.identity_checks.get()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO", "-n", f"killtest-{os.getpid()}@%h"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        with outbox_relay_running():
            _kill_mid_check(worker, check)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()

    assert check.status == IdentityCheck.Status.PASSED, output[-3000:]
    runs = list(check.runs.order_by("started_at", "id"))
    assert [(run.trigger, run.outcome) for run in runs] == [("submitted", "interrupted"), ("redelivered", "passed")], output[-3000:]
    assert runs[0].task_id == runs[1].task_id
    application.refresh_from_db()
    assert application.state == State.READY_FOR_CASEWORK
    assert application.events.filter(transition="pass_identity").count() == 1
    assert "WorkerLostError" in output or "signal 9" in output


def _kill_mid_check(worker: subprocess.Popen, check: IdentityCheck) -> None:
    def running():
        check.refresh_from_db()
        return check.status == IdentityCheck.Status.RUNNING

    # Polled often: the check must be caught while it is running.
    wait_for(running, "the worker taking the check", interval=0.02)
    # The face models load after the claim, so the check is mid-run now.
    child = wait_for(lambda: children(worker.pid), "the worker's pool process", interval=0.02)[0]
    os.kill(child, signal.SIGKILL)

    def finished():
        check.refresh_from_db()
        return check.status not in (IdentityCheck.Status.PENDING, IdentityCheck.Status.RUNNING)

    wait_for(finished, "the redelivered check finishing", interval=0.02)
