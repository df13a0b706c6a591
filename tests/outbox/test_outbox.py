"""The outbox on its own: written with the transaction, published by the relay, leased by its consumer."""

import os
import socket
import subprocess
from datetime import timedelta

import pytest
from celery import Celery
from django.core import mail
from django.db import transaction
from django.utils import timezone

from outbox.consumer import message_run
from outbox.models import Email, Message
from outbox.relay import BrokerUnavailable, outbox_publish_due, outbox_recover_lost
from outbox.services import email_enqueue, outbox_enqueue
from outbox.tasks import deliver_email
from tests.conftest import run_outbox


@pytest.fixture
def broker_url(monkeypatch):
    """Point a test's own Celery app at a broker: Celery reads CELERY_BROKER_URL from the environment before its own settings."""

    def use(url: str) -> None:
        monkeypatch.setenv("CELERY_BROKER_URL", url)

    return use


def _filesystem_app(folder, broker_url) -> Celery:
    folder.mkdir(exist_ok=True)
    broker_url("filesystem://localhost/")
    app = Celery("outbox-tests", set_as_current=False)
    app.conf.broker_transport_options = {"data_folder_in": str(folder), "data_folder_out": str(folder), "control_folder": str(folder / "control")}
    return app


def test_nothing_is_queued_when_the_transaction_rolls_back(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(task="some.task", key="rolled-back")
        email_enqueue(key="rolled-back", to="a@example.com", subject="S", body="B")
        raise RuntimeError

    assert not Message.objects.exists() and not Email.objects.exists()


def test_the_same_key_is_queued_once(db):
    first = outbox_enqueue(task="some.task", key="once", kwargs={"n": 1})
    again = outbox_enqueue(task="some.task", key="once", kwargs={"n": 2})

    assert again.id == first.id and Message.objects.get().kwargs == {"n": 1}


def test_the_relay_publishes_due_messages_with_a_stable_task_id(db, tmp_path, broker_url):
    app = _filesystem_app(tmp_path / "broker", broker_url)
    message = outbox_enqueue(task="some.task", key="k")
    later = outbox_enqueue(task="some.task", key="later")
    Message.objects.filter(id=later.id).update(available_at=timezone.now() + timedelta(minutes=1))

    assert outbox_publish_due(app=app) == 1

    message.refresh_from_db()
    assert (message.status, message.publish_count) == (Message.Status.PUBLISHED, 1)
    [published] = list((tmp_path / "broker").glob("*.msg"))
    assert message.task_id in published.read_text()


def test_while_the_broker_is_down_the_relay_keeps_every_message(db, broker_url):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    broker_url(f"redis://127.0.0.1:{port}/0")
    app = Celery("down", set_as_current=False)
    app.conf.broker_transport_options = {"socket_connect_timeout": 1}
    outbox_enqueue(task="some.task", key="k")

    with pytest.raises(BrokerUnavailable):
        outbox_publish_due(app=app)

    assert Message.objects.get().status == Message.Status.PENDING


def test_a_message_the_broker_lost_is_published_again_and_one_it_holds_is_not(db, tmp_path, settings, broker_url):
    app = _filesystem_app(tmp_path / "broker", broker_url)
    lost, waiting = outbox_enqueue(task="some.task", key="lost"), outbox_enqueue(task="some.task", key="waiting")
    outbox_publish_due(app=app)
    for path in (tmp_path / "broker").glob("*.msg"):
        if lost.task_id in path.read_text():
            path.unlink()
    # Published long enough ago that a worker would have started on it.
    Message.objects.update(published_at=timezone.now() - timedelta(seconds=settings.OUTBOX_REPUBLISH_GRACE + 1))

    assert outbox_recover_lost(app=app) == 1

    lost.refresh_from_db()
    waiting.refresh_from_db()
    assert (lost.status, waiting.status) == (Message.Status.PENDING, Message.Status.PUBLISHED)
    assert outbox_publish_due(app=app) == 1
    assert Message.objects.get(id=lost.id).publish_count == 2


def test_a_message_a_live_consumer_holds_is_left_to_it(db):
    message = outbox_enqueue(task="some.task", key="k")
    runs = []
    Message.objects.filter(id=message.id).update(
        lease_until=timezone.now() + timedelta(minutes=1), lease_holder=f"{socket.gethostname()}:{os.getpid()}"
    )

    message_run(message.id, lambda: runs.append(1))

    assert runs == [] and Message.objects.get().status == Message.Status.PENDING


def test_a_message_whose_holder_died_is_taken_over_at_once(db):
    message = outbox_enqueue(task="some.task", key="k")
    dead = subprocess.Popen(["true"])
    dead.wait()
    Message.objects.filter(id=message.id).update(
        lease_until=timezone.now() + timedelta(minutes=1), lease_holder=f"{socket.gethostname()}:{dead.pid}"
    )
    runs = []

    message_run(message.id, lambda: runs.append(1))

    assert runs == [1] and Message.objects.get().status == Message.Status.DONE


def test_a_done_message_delivered_again_does_nothing(db):
    message = outbox_enqueue(task="some.task", key="k")
    runs = []
    message_run(message.id, lambda: runs.append(1))
    message_run(message.id, lambda: runs.append(1))

    assert runs == [1]


def test_an_email_the_mail_server_refuses_is_retried_with_backoff_then_shown_as_not_sent(db, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = closed.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    email = email_enqueue(key="k", to="a@example.com", subject="Hello", body="Hi.")

    run_outbox()

    message = Message.objects.get()
    assert (message.status, message.attempts) == (Message.Status.PENDING, 1)
    assert message.available_at > timezone.now() and "ConnectionRefusedError" in message.last_error
    Message.objects.update(available_at=timezone.now(), give_up_at=timezone.now())
    run_outbox()
    email.refresh_from_db()
    assert email.status == Email.Status.FAILED and email.attempts == 2
    assert "ConnectionRefusedError" in email.last_error
    assert Message.objects.get().status == Message.Status.FAILED


def test_an_email_is_sent_once_however_often_its_job_is_delivered(db):
    email = email_enqueue(key="k", to="a@example.com", subject="Hello", body="Hi.")
    message = Message.objects.get()

    run_outbox()
    # The broker hands it over again after it was done, and once more after the email was sent.
    deliver_email(message.id)
    Message.objects.filter(id=message.id).update(status=Message.Status.PUBLISHED)
    deliver_email(message.id)

    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
