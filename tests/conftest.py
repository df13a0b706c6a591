import threading
import time
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import User
from casework.constants import Role
from config.celery import app as celery_app
from identity.face_match import face_recognition_module
from outbox.models import Message
from outbox.relay import outbox_relay_forever

# A broken face matcher installation fails the whole run here, at collection,
# loudly, instead of skipping or passing without matching a face.
face_recognition_module()

PASSWORD = "correct-horse-battery-staple"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so a fixture's teardown can see whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    # Hashing a password properly takes a fifth of a second on purpose; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.GALLERY_SNAPSHOT_DIR = tmp_path / "gallery"


@pytest.fixture(autouse=True)
def _fresh_gallery(monkeypatch):
    """Each test's database starts empty (and SQLite reuses ids): so does this process's copy of the gallery."""
    from identity import gallery

    monkeypatch.setattr(gallery, "enrolled_gallery", gallery.EnrolledGallery())


def _user(email: str, role: str | None = None) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, email_confirmed_at=timezone.now())
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def applicant(db) -> User:
    return _user("ada.applicant@example.com")


@pytest.fixture
def second_applicant(db) -> User:
    return _user("bo.applicant@example.com")


@pytest.fixture
def caseworker(db) -> User:
    return _user("cy.caseworker@example.com", Role.CASEWORKER)


@pytest.fixture
def senior_caseworker(db) -> User:
    return _user("di.senior@example.com", Role.SENIOR_CASEWORKER)


@pytest.fixture
def second_caseworker(db) -> User:
    return _user("ed.caseworker@example.com", Role.CASEWORKER)


@pytest.fixture
def team_leader(db) -> User:
    return _user("fay.leader@example.com", Role.TEAM_LEADER)


@pytest.fixture
def auditor(db) -> User:
    return _user("gil.auditor@example.com", Role.AUDITOR)


def wait_for(condition, what: str, timeout: float = 60.0, interval: float = 0.2):
    """Poll `condition` until it returns something true, which is returned; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(interval)
    raise AssertionError(f"{what} did not happen within {timeout}s")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def committed_db(transactional_db, django_db_serialized_rollback):
    """A database whose writes commit, for a worker or a live server in another thread to see.

    The serialized rollback restores what migrations created (the role groups)
    after the flush; every test with committed writes must use it, or the next
    one's restore collides with what a plain flush recreates.
    """


@pytest.fixture
def live_service(committed_db, live_server, settings):
    # pytest-django's live server serves static files through the finders, which
    # know files by their own names, not the hashed names of the manifest storage.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    return live_server


@contextmanager
def outbox_relay_running(app=celery_app):
    """The outbox relay, in a thread of this process, as `manage.py outbox_relay` runs it."""
    stop = threading.Event()

    def relay_then_close() -> None:
        try:
            outbox_relay_forever(app=app, stop=stop)
        finally:
            # The thread's own database connection: left open, PostgreSQL refuses to drop the test database.
            connection.close()

    relay = threading.Thread(target=relay_then_close, daemon=True)
    relay.start()
    try:
        yield
    finally:
        stop.set()
        relay.join(timeout=10)


@pytest.fixture
def celery_worker(committed_db):
    """A real Celery worker and the outbox relay, in threads of this process, on the configured broker."""
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker, outbox_relay_running():
        yield worker


def run_outbox() -> int:
    """Run every due outbox message here and now, as a worker would (for tests without a worker); returns how many."""
    celery_app.loader.import_default_modules()
    count = 0
    while True:
        due = list(Message.objects.filter(status=Message.Status.PENDING, available_at__lte=timezone.now()))
        if not due:
            return count
        for message in due:
            celery_app.tasks[message.task](message.id)
            count += 1
