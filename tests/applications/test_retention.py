import threading
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Document
from applications.retention import biometrics_purge, biometrics_purge_due
from applications.services import application_submit
from identity.models import BiometricPurge, FaceEnrolment
from tests import images
from tests.conftest import signed_in
from tests.factories import draft_application, granted


def _decided(applicant, caseworker, days_ago: int, **photos):
    application = granted(applicant, caseworker, route="skilled-worker", **photos)
    type(application).objects.filter(id=application.id).update(decided_at=timezone.now() - timedelta(days=days_ago))
    return application


def test_purge_deletes_face_images_and_encodings_after_the_retention_period_and_records_it(
    applicant, caseworker, settings, django_capture_on_commit_callbacks
):
    settings.BIOMETRIC_RETENTION_DAYS = 30
    application = _decided(applicant, caseworker, days_ago=31)
    photos = list(application.documents.filter(kind__in=["passport_photo", "selfie"]))
    evidence = application.documents.get(kind="english_language")
    assert FaceEnrolment.objects.filter(application=application).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert biometrics_purge_due() == 1

    assert all(not photo.file.storage.exists(photo.file.name) for photo in photos)
    assert not Document.objects.filter(id__in=[photo.id for photo in photos], purged_at__isnull=True).exists()
    assert not FaceEnrolment.objects.filter(application=application).exists()
    record = BiometricPurge.objects.get(application=application)
    assert (record.documents_deleted, record.enrolments_deleted) == (2, 1)
    # Other documents are not biometric data and stay.
    assert evidence.file.storage.exists(evidence.file.name)
    # The photos are no longer served to anyone.
    assert signed_in(caseworker).get(reverse("applications:document", args=[photos[0].id])).status_code == 404
    assert "deleted on" in signed_in(caseworker).get(reverse("casework:case", args=[application.id])).content.decode()


def test_purge_leaves_recent_decisions_and_open_cases_alone_and_runs_once(applicant, second_applicant, caseworker, settings):
    settings.BIOMETRIC_RETENTION_DAYS = 30
    _decided(applicant, caseworker, days_ago=29)
    application_submit(application=draft_application(second_applicant), actor=second_applicant)
    # Another face: the same face twice would be a potential duplicate, which blocks a grant.
    old = _decided(applicant, caseworker, days_ago=40, passport=images.hopper_passport(), selfie=images.hopper_selfie())

    assert biometrics_purge_due() == 1
    assert biometrics_purge_due() == 0
    assert BiometricPurge.objects.get().application == old


@pytest.mark.parametrize("dies_at", ["deleting a file", "recording the purge"])
def test_a_purge_cut_short_at_any_point_is_finished_by_the_next_run(
    applicant, caseworker, settings, monkeypatch, dies_at, django_capture_on_commit_callbacks
):
    settings.BIOMETRIC_RETENTION_DAYS = 30
    application = _decided(applicant, caseworker, days_ago=31)
    photos = list(application.documents.filter(kind__in=["passport_photo", "selfie"]))

    def die(*args, **kwargs):
        raise SystemExit("the purge process died")

    if dies_at == "deleting a file":
        monkeypatch.setattr(FileSystemStorage, "delete", die)
    else:
        monkeypatch.setattr(BiometricPurge.objects, "create", die)
    with pytest.raises(SystemExit), django_capture_on_commit_callbacks(execute=True):
        biometrics_purge_due()
    monkeypatch.undo()
    assert not BiometricPurge.objects.exists()

    assert biometrics_purge_due() == 1

    assert all(not photo.file.storage.exists(photo.file.name) for photo in photos)

    assert not Document.objects.filter(id__in=[photo.id for photo in photos], purged_at__isnull=True).exists()
    assert not FaceEnrolment.objects.filter(application=application).exists()
    assert BiometricPurge.objects.get(application=application).documents_deleted == 2


def test_two_purges_at_once_do_not_raise_and_record_one_purge(committed_db, applicant, caseworker, settings):
    settings.BIOMETRIC_RETENTION_DAYS = 30
    application = _decided(applicant, caseworker, days_ago=31)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def purge():
        barrier.wait()
        try:
            results.append(biometrics_purge(application=Application.objects.get(id=application.id)))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=purge) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(result is not None for result in results) == 1
    assert BiometricPurge.objects.filter(application=application).count() == 1
