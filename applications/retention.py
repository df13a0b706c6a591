"""Deleting face images and encodings a set time after an application is decided."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applications.models import Application, Document
from applications.routes import DocumentKind
from applications.states import FINAL_STATES
from identity.duplicates import gallery_remove
from identity.models import BiometricPurge, FaceEnrolment


def biometrics_purge(*, application: Application) -> BiometricPurge | None:
    """Delete the application's face images and gallery encoding, and record that it was done.

    Files go first, then the rows that say they are gone: a purge cut short at any
    point leaves the application without its record, so the next run does it again
    (deleting a file that is already gone is harmless). Returns None if another
    purge finished it meanwhile.
    """
    photos = list(Document.objects.filter(application=application, kind__in=DocumentKind.PHOTOS, purged_at__isnull=True))
    for document in photos:
        document.file.storage.delete(document.file.name)
    with transaction.atomic():
        # Two purges of one application take turns here; the second finds the record.
        Application.objects.select_for_update().filter(id=application.id).exists()
        if BiometricPurge.objects.filter(application=application).exists():
            return None
        now = timezone.now()
        documents = Document.objects.filter(id__in=[document.id for document in photos], purged_at__isnull=True).update(purged_at=now)
        # Logged as removals, so worker processes' copies of the gallery drop it without a reload.
        enrolments = gallery_remove(FaceEnrolment.objects.filter(application=application))
        return BiometricPurge.objects.create(
            application=application, purged_at=now, documents_deleted=documents, enrolments_deleted=enrolments
        )


def biometrics_purge_due(*, now=None) -> int:
    """Purge every decided or withdrawn application past the retention period; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.BIOMETRIC_RETENTION_DAYS)
    due = Application.objects.filter(state__in=FINAL_STATES, decided_at__lt=cutoff, biometric_purge__isnull=True)
    return sum(biometrics_purge(application=application) is not None for application in due.iterator())
