from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import email_confirmation_resend
from outbox.services import email_enqueue
from applications.models import Application, Document
from applications.services import application_create
from casework.models import ImmigrationStatus
from casework.services import case_assign_next
from identity.models import DuplicateCandidate, FaceEnrolment, IdentityCheck
from synthetic.models import SyntheticEmail
from tests import images
from tests.conftest import PASSWORD, run_outbox, signed_in
from tests.factories import checked, granted

KEY = "test-key"
NEW_PASSWORD = "a-long-passphrase-here"
HOPPER = {"passport": images.hopper_passport(), "selfie": images.hopper_selfie()}


@pytest.fixture
def synthetic_key(settings):
    settings.SYNTHETIC_JOURNEYS_KEY = KEY
    return KEY


def _headers(key: str = KEY, cohort: str = "run-1") -> dict[str, str]:
    return {"X-Synthetic-Key": key, "X-Synthetic-Cohort": cohort}


def _register(client: Client, email: str, **headers) -> User:
    response = client.post(reverse("accounts:register"), {"email": email, "password": NEW_PASSWORD}, headers=headers)
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(email=email)


def _user(email: str, cohort: str = "") -> User:
    return User.objects.create_user(email=email, password=PASSWORD, email_confirmed_at=timezone.now(), synthetic_cohort=cohort)


def _make_synthetic(user: User, cohort: str = "run-1") -> User:
    user.synthetic_cohort = cohort
    user.save()
    return user


def _stored(application: Application) -> list[Path]:
    storage = Document._meta.get_field("file").storage
    return [Path(storage.path(name)) for name in application.documents.values_list("file", flat=True)]


# Registering.

def test_registering_with_the_key_and_a_cohort_makes_a_synthetic_account_whose_applications_carry_it(client, db, synthetic_key):
    user = _register(client, "journey@example.com", **_headers())
    client.force_login(user)

    response = client.post(reverse("applications:start"), {"route": "visitor"})

    assert response.status_code == 302
    assert user.synthetic_cohort == "run-1"
    application = Application.objects.get(applicant=user)
    assert application.synthetic_cohort == "run-1"
    assert not Application.objects.real().filter(id=application.id).exists()


@pytest.mark.parametrize(
    ("configured", "headers"),
    [
        (KEY, _headers(key="wrong-key")),
        (KEY, {"X-Synthetic-Cohort": "run-1"}),
        ("", _headers(key="")),
        (KEY, _headers(cohort="Bad Cohort!")),
    ],
    ids=["wrong-key", "no-key-header", "no-key-configured", "invalid-cohort"],
)
def test_registering_without_a_valid_key_and_cohort_makes_a_real_account(client, db, settings, configured, headers):
    settings.SYNTHETIC_JOURNEYS_KEY = configured

    user = _register(client, "person@example.com", **headers)

    assert user.synthetic_cohort == ""
    assert application_create(applicant=user, route="visitor").synthetic_cohort == ""


# Email.

def test_email_to_a_synthetic_account_is_kept_and_not_sent(db):
    user = User.objects.create_user(email="journey@example.com", password=PASSWORD, synthetic_cohort="run-1")

    email_confirmation_resend(user=user)
    run_outbox()

    kept = SyntheticEmail.objects.get()
    assert (kept.to, kept.subject) == ("journey@example.com", "Confirm your email address")
    assert "/accounts/confirm-email/" in kept.body
    assert not [message for message in mail.outbox if "journey@example.com" in message.to]


def test_email_to_a_real_account_is_sent_and_not_kept(db):
    user = User.objects.create_user(email="person@example.com", password=PASSWORD)

    email_confirmation_resend(user=user)
    run_outbox()

    assert [(message.to, message.subject) for message in mail.outbox] == [(["person@example.com"], "Confirm your email address")]
    assert not SyntheticEmail.objects.exists()


def test_the_same_email_to_a_synthetic_and_a_real_address_is_kept_for_one_and_sent_to_the_other(db):
    _user("journey@example.com", cohort="run-1")
    _user("person@example.com")

    _send(key="both", subject="Hello", body="Hi.", to=["journey@example.com", "person@example.com"])

    assert list(SyntheticEmail.objects.values_list("to", flat=True)) == ["journey@example.com"]
    assert [message.to for message in mail.outbox] == [["person@example.com"]]


# The mailbox.

def _send(*, key: str, subject: str, body: str, to: list[str]) -> None:
    for address in to:
        email_enqueue(key=f"{key}:{address}", to=address, subject=subject, body=body)
    run_outbox()


def test_the_mailbox_is_not_there_without_a_configured_key(client, db, settings):
    settings.SYNTHETIC_JOURNEYS_KEY = ""
    _user("journey@example.com", cohort="run-1")

    response = client.get(reverse("synthetic:mailbox"), {"to": "journey@example.com"}, headers={"X-Synthetic-Key": ""})

    assert response.status_code == 404


@pytest.mark.parametrize("headers", [{"X-Synthetic-Key": "wrong-key"}, {}], ids=["wrong-key", "no-key"])
def test_the_mailbox_refuses_a_request_without_the_key(client, db, synthetic_key, headers):
    _user("journey@example.com", cohort="run-1")
    _send(key="k", subject="Secret", body="Secret.", to=["journey@example.com"])

    response = client.get(reverse("synthetic:mailbox"), {"to": "journey@example.com"}, headers=headers)

    assert response.status_code == 403
    assert "Secret" not in response.content.decode()


def test_the_mailbox_does_not_open_a_real_accounts_address(client, applicant, synthetic_key):
    response = client.get(reverse("synthetic:mailbox"), {"to": applicant.email}, headers={"X-Synthetic-Key": KEY})

    assert response.status_code == 404
    assert "error" in response.json()


def test_the_mailbox_returns_one_synthetic_accounts_email_only(client, db, synthetic_key):
    _user("one@example.com", cohort="run-1")
    _user("two@example.com", cohort="run-1")
    _send(key="a", subject="For one", body="Body one.", to=["one@example.com"])
    _send(key="b", subject="For two", body="Body two.", to=["two@example.com"])
    _send(key="c", subject="For one again", body="Body three.", to=["one@example.com"])

    response = client.get(reverse("synthetic:mailbox"), {"to": "One@Example.com"}, headers={"X-Synthetic-Key": KEY})

    assert response.status_code == 200
    emails = response.json()["emails"]
    assert [(email["subject"], email["body"]) for email in emails] == [("For one", "Body one."), ("For one again", "Body three.")]
    assert all(email["sent_at"] for email in emails)


# The cleanup.

@pytest.mark.parametrize("headers", [{"X-Synthetic-Key": "wrong-key"}, {}], ids=["wrong-key", "no-key"])
def test_the_cleanup_refuses_a_request_without_the_key(client, db, synthetic_key, headers):
    user = _user("journey@example.com", cohort="run-1")

    response = client.post(reverse("synthetic:cleanup"), headers=headers)

    assert response.status_code == 403
    assert User.objects.filter(id=user.id).exists()


def test_the_cleanup_is_not_there_without_a_configured_key(client, db, settings):
    settings.SYNTHETIC_JOURNEYS_KEY = ""

    assert client.post(reverse("synthetic:cleanup"), headers={"X-Synthetic-Key": ""}).status_code == 404


@pytest.fixture
def real_and_synthetic(applicant, second_applicant, caseworker, synthetic_key):
    """One real granted application, and one synthetic one (another face, so no duplicate flag) with a kept email."""
    real = granted(applicant, caseworker)
    synthetic = granted(_make_synthetic(second_applicant), caseworker, **HOPPER)
    _send(key="kept", subject="Kept", body="Kept.", to=[second_applicant.email])
    return real, synthetic


def _cleanup(client: Client, capture) -> dict:
    # The files go once the deletion commits.
    with capture(execute=True):
        response = client.post(reverse("synthetic:cleanup"), headers={"X-Synthetic-Key": KEY})
    assert response.status_code == 200
    return response.json()["deleted"]


def test_the_cleanup_deletes_synthetic_records_and_files_and_leaves_real_ones(
    client, real_and_synthetic, applicant, second_applicant, caseworker, django_capture_on_commit_callbacks
):
    real, synthetic = real_and_synthetic
    real_files, synthetic_files = _stored(real), _stored(synthetic)
    assert real_files and synthetic_files
    assert all(path.exists() for path in real_files + synthetic_files)
    assert FaceEnrolment.objects.filter(application=synthetic).exists()

    _cleanup(client, django_capture_on_commit_callbacks)

    assert not User.objects.filter(id=second_applicant.id).exists()
    assert not Application.objects.filter(id=synthetic.id).exists()
    assert not ImmigrationStatus.objects.filter(application_id=synthetic.id).exists()
    assert not IdentityCheck.objects.filter(application_id=synthetic.id).exists()
    assert not FaceEnrolment.objects.filter(application_id=synthetic.id).exists()
    assert not Document.objects.filter(application_id=synthetic.id).exists()
    assert not SyntheticEmail.objects.exists()
    assert not any(path.exists() for path in synthetic_files)
    # The real ones are untouched.
    assert User.objects.filter(id__in=[applicant.id, caseworker.id]).count() == 2
    real.refresh_from_db()
    assert real.immigration_status
    assert real.identity_checks.count() == 1
    assert FaceEnrolment.objects.filter(application=real).exists()
    assert real.documents.count() == len(real_files)
    assert all(path.exists() for path in real_files)


def test_the_cleanup_counts_each_kind_of_record_it_deleted(client, real_and_synthetic, django_capture_on_commit_callbacks):
    _, synthetic = real_and_synthetic
    files = len(_stored(synthetic))

    deleted = _cleanup(client, django_capture_on_commit_callbacks)

    # Kept in the mailbox and written by the outbox: received, decided, and one sent directly.
    assert deleted == {
        "statuses": 1, "fake_payments": 0, "payments": 0, "identity_checks": 1, "applications": 1, "emails": 3, "outbox_emails": 3, "accounts": 1, "files": files
    }


def test_the_cleanup_with_nothing_synthetic_deletes_nothing(client, applicant, caseworker, synthetic_key, django_capture_on_commit_callbacks):
    real = granted(applicant, caseworker)
    files = _stored(real)

    deleted = _cleanup(client, django_capture_on_commit_callbacks)

    assert set(deleted.values()) == {0}
    assert Application.objects.filter(id=real.id).exists()
    assert all(path.exists() for path in files)


# Casework.

def test_a_synthetic_case_is_not_in_the_queue(applicant, second_applicant, caseworker):
    real = checked(applicant)
    synthetic = checked(_make_synthetic(second_applicant), **HOPPER)
    assert synthetic.reference and synthetic.state == real.state

    page = signed_in(caseworker).get(reverse("casework:queue")).content.decode()

    assert real.reference in page
    assert synthetic.reference not in page


def test_get_next_case_skips_a_synthetic_case(applicant, second_applicant, caseworker):
    synthetic = checked(_make_synthetic(second_applicant), **HOPPER)

    assert case_assign_next(user=caseworker) is None

    real = checked(applicant)

    assert case_assign_next(user=caseworker) == real
    synthetic.refresh_from_db()
    assert synthetic.assigned_to is None


# The face gallery: real faces, and each synthetic cohort's, are searched apart.

def test_a_synthetic_selfie_is_not_matched_against_real_faces(db):
    real = checked(_user("real@example.com"))
    assert FaceEnrolment.objects.filter(application=real, cohort="").exists()

    synthetic = checked(_user("journey@example.com", cohort="run-1"))

    assert FaceEnrolment.objects.get(application=synthetic).cohort == "run-1"
    assert not DuplicateCandidate.objects.exists()


def test_a_real_selfie_is_not_matched_against_synthetic_faces(db):
    checked(_user("journey@example.com", cohort="run-1"))

    checked(_user("real@example.com"))

    assert FaceEnrolment.objects.count() == 2
    assert not DuplicateCandidate.objects.exists()


def test_the_same_face_twice_in_one_synthetic_cohort_is_flagged(db):
    first = checked(_user("one@example.com", cohort="run-1"))

    second = checked(_user("two@example.com", cohort="run-1"))

    # On both applications.
    assert set(DuplicateCandidate.objects.values_list("application", "candidate")) == {(second.id, first.id), (first.id, second.id)}


def test_the_same_face_in_two_synthetic_cohorts_is_not_flagged(db):
    checked(_user("one@example.com", cohort="run-1"))

    checked(_user("two@example.com", cohort="run-2"))

    assert FaceEnrolment.objects.count() == 2
    assert not DuplicateCandidate.objects.exists()
