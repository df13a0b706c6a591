"""Faults injected into real components: a Redis of the test's own stopped, restarted and
emptied, a worker process killed, a mail server refusing or away. Nothing committed is lost,
nothing is done twice, and no request turns a broker outage into an error.
"""

import os
import signal
import time

import pytest
from celery import Celery
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications.models import State
from identity.models import IdentityCheck, IdentityCheckRun
from outbox.models import Email, Message
from tests.casework.test_views import GRANT
from tests.conftest import outbox_relay_running, signed_in, wait_for
from tests.factories import draft_application, in_review
from tests.processes import SmtpSink, WorkerProcess, children, free_port, own_redis, smtp_env  # noqa: F401 (own_redis is a fixture)

pytestmark = pytest.mark.worker


@pytest.fixture
def relay_app(own_redis, monkeypatch):
    """The relay's view of the test's own Redis (tasks are published by name).

    Celery reads CELERY_BROKER_URL from the environment before its own settings;
    the worker processes get the same address in theirs.
    """
    monkeypatch.setenv("CELERY_BROKER_URL", own_redis.url)
    app = Celery("fault-tests", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_transport_options = {"socket_timeout": 5, "socket_connect_timeout": 2}
    return app


@pytest.fixture
def quick_recovery(settings):
    settings.OUTBOX_REPUBLISH_GRACE = 3
    settings.OUTBOX_RECOVERY_INTERVAL = 1


@pytest.fixture
def smtp():
    sink = SmtpSink(free_port())
    sink.start()
    yield sink
    sink.release()
    sink.stop()


def _received(smtp: SmtpSink, address: str) -> list[str]:
    return [subject for to, subject in smtp.received if to == address]


def _all_sent():
    return not Email.objects.exclude(status=Email.Status.SENT).exists()


def _checks_finished():
    return not IdentityCheck.objects.filter(status__in=[IdentityCheck.Status.PENDING, IdentityCheck.Status.RUNNING]).exists()


def test_submit_grant_and_register_while_the_broker_is_down_give_the_normal_page_and_lose_nothing(
    committed_db, own_redis, relay_app, smtp, quick_recovery, applicant, second_applicant, caseworker
):
    to_grant = in_review(second_applicant, caseworker)
    draft = draft_application(applicant)
    worker = WorkerProcess(own_redis.url, smtp_env(smtp.port))
    worker.start()
    try:
        with outbox_relay_running(app=relay_app):
            own_redis.stop()

            registered = Client().post(
                reverse("accounts:register"), {"email": "new.person@example.com", "password": "a-long-passphrase-here"}
            )
            submitted = signed_in(applicant).post(reverse("applications:check-answers", args=[draft.id]), {"declaration": "on"})
            granted = signed_in(caseworker).post(reverse("casework:decision", args=[to_grant.id]), GRANT)
            assert (registered.status_code, submitted.status_code, granted.status_code) == (302, 302, 302)
            time.sleep(3)  # the relay tries, and keeps them
            assert Message.objects.filter(status=Message.Status.PENDING).exists()

            own_redis.start()
            returned = time.monotonic()
            wait_for(lambda: _checks_finished() and _all_sent(), "the check and every email", timeout=60)
            took = time.monotonic() - returned
    finally:
        worker.stop()

    draft.refresh_from_db()
    to_grant.refresh_from_db()
    assert draft.state == State.READY_FOR_CASEWORK, worker.output[-3000:]
    assert to_grant.state == State.GRANTED
    assert _received(smtp, "new.person@example.com") == ["Confirm your email address"]
    assert _received(smtp, applicant.email) == [f"We have received your application {draft.reference}"]
    assert _received(smtp, second_applicant.email).count(f"A decision has been made on your application {to_grant.reference}") == 1
    assert took < 60
    print(f"\nBroker down at submit, grant, register: all pages 302; check and 3 emails done {took:.1f} s after Redis returned")


def test_a_redis_restarted_with_queued_work_loses_none_of_it(committed_db, own_redis, relay_app, smtp, quick_recovery, applicant, second_applicant):
    applications = [draft_application(applicant), draft_application(second_applicant)]
    with outbox_relay_running(app=relay_app):
        for draft in applications:
            signed_in(draft.applicant).post(reverse("applications:check-answers", args=[draft.id]), {"declaration": "on"})
        wait_for(lambda: not Message.objects.filter(status=Message.Status.PENDING).exists(), "the relay publishing")
        # No persistence: a restart empties the queue, as a crashed Redis would.
        own_redis.stop()
        own_redis.start()
        restarted = time.monotonic()
        worker = WorkerProcess(own_redis.url, smtp_env(smtp.port))
        worker.start()
        try:
            wait_for(lambda: _checks_finished() and _all_sent(), "every check and email after the restart", timeout=90)
            took = time.monotonic() - restarted
        finally:
            worker.stop()

    for draft in applications:
        draft.refresh_from_db()
        assert draft.state == State.READY_FOR_CASEWORK, worker.output[-3000:]
        assert _received(smtp, draft.applicant.email) == [f"We have received your application {draft.reference}"]
    assert Message.objects.filter(publish_count__gte=2).exists()
    print(f"\nRedis restarted with {Message.objects.filter(publish_count__gte=2).count()} messages queued: all republished, "
          f"2 checks and 2 emails done {took:.1f} s after the restart")


def test_a_whole_worker_killed_mid_check_recovers_without_giving_up(committed_db, own_redis, relay_app, smtp, quick_recovery, applicant):
    draft = draft_application(applicant)
    # A shorter hard limit than the default 90 s, so the message comes back sooner (visibility timeout = limit + 30 s).
    env = {**smtp_env(smtp.port), "CELERY_TASK_TIME_LIMIT": "50", "CELERY_TASK_SOFT_TIME_LIMIT": "45"}
    worker = WorkerProcess(own_redis.url, env)
    worker.start()
    with outbox_relay_running(app=relay_app):
        signed_in(applicant).post(reverse("applications:check-answers", args=[draft.id]), {"declaration": "on"})
        check = draft.identity_checks.get()
        wait_for(lambda: IdentityCheck.objects.filter(id=check.id, status=IdentityCheck.Status.RUNNING).exists(),
                 "the worker taking the check", interval=0.02)
        worker.kill_all()
        killed = time.monotonic()
        replacement = WorkerProcess(own_redis.url, env)
        replacement.start()
        try:
            wait_for(lambda: _checks_finished(), "the check after the worker was killed", timeout=180)
            took = time.monotonic() - killed
        finally:
            replacement.stop()

    check.refresh_from_db()
    draft.refresh_from_db()
    assert check.status == IdentityCheck.Status.PASSED, worker.output[-2000:] + replacement.output[-3000:]
    assert [run.outcome for run in check.runs.all()] == [IdentityCheckRun.Outcome.INTERRUPTED, IdentityCheckRun.Outcome.PASSED]
    assert draft.state == State.READY_FOR_CASEWORK
    assert took < 180
    print(f"\nWhole worker SIGKILLed mid-check: check passed {took:.1f} s after the kill, no give-up")


def test_a_sender_killed_mid_smtp_still_delivers_the_email_once(committed_db, own_redis, relay_app, smtp, quick_recovery, applicant):
    User.objects.filter(id=applicant.id).update(email_confirmed_at=None)
    smtp.held = True
    worker = WorkerProcess(own_redis.url, smtp_env(smtp.port))
    worker.start()
    try:
        with outbox_relay_running(app=relay_app):
            signed_in(applicant).post(reverse("accounts:confirm-email-resend"))
            wait_for(smtp.holding.is_set, "the sender in the middle of SMTP")
            # Only the pool process that is sending dies; the worker hands its message back.
            sender = wait_for(lambda: children(worker.process.pid), "the sending process")[0]
            os.kill(sender, signal.SIGKILL)
            smtp.release()
            wait_for(_all_sent, "the email after its sender was killed", timeout=60)
    finally:
        worker.stop()

    assert _received(smtp, applicant.email) == ["Confirm your email address"]
    assert Email.objects.get().attempts == 2
    print(f"\nSender killed mid-SMTP: delivered once, {Email.objects.get().attempts} attempts")


def test_an_email_waits_out_a_mail_server_that_is_down_for_two_minutes(committed_db, own_redis, relay_app, quick_recovery, applicant):
    port = free_port()
    User.objects.filter(id=applicant.id).update(email_confirmed_at=None)
    worker = WorkerProcess(own_redis.url, smtp_env(port))
    worker.start()
    sink = SmtpSink(port)
    try:
        with outbox_relay_running(app=relay_app):
            signed_in(applicant).post(reverse("accounts:confirm-email-resend"))
            time.sleep(120)
            email = Email.objects.get()
            assert email.status == Email.Status.PENDING and email.attempts >= 5
            sink.start()
            back = time.monotonic()
            wait_for(_all_sent, "the email once the mail server is back", timeout=90)
            took = time.monotonic() - back
    finally:
        sink.stop()
        worker.stop()

    assert _received(sink, applicant.email) == ["Confirm your email address"]
    print(f"\nMail server down 120 s: {Email.objects.get().attempts} attempts, delivered {took:.1f} s after it returned")
