import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from applications import services as application_services
from applications.models import Application
from applications.uploads import read_photo
from casework.constants import Role
from config.celery import app as celery_app
from identity.face_match import face_recognition_module
from tests import images

# A broken face matcher installation fails the whole run here, at collection,
# loudly, instead of skipping or passing without matching a face.
face_recognition_module()

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


def _user(email: str, role: str | None = None) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD)
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


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def draft_application(applicant: User, *, passport: bytes | None = None, selfie: bytes | None = None) -> Application:
    """A draft with details filled in and, by default, a matching pair of photos."""
    import datetime

    application = application_services.application_create(applicant=applicant, route="visitor")
    application_services.application_update_details(
        application=application, full_name="Eileen Collins", date_of_birth=datetime.date(1956, 11, 19)
    )
    application_services.application_add_photos(
        application=application,
        passport_photo=read_photo(upload("passport.jpg", passport or images.astronaut_passport()), label="Passport"),
        selfie=read_photo(upload("selfie.jpg", selfie or images.astronaut_selfie()), label="Selfie"),
    )
    return application


@pytest.fixture
def celery_worker(transactional_db, django_db_serialized_rollback):
    """A real Celery worker, in a thread of this process, consuming from the configured broker.

    The test's data must be committed for the worker to see it, hence a transactional
    database; the serialized rollback restores the groups made by migrations.
    """
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker
