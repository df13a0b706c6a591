"""Deleting face images and encodings a set time after an application is decided."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applications.models import FINAL_STATES, Application, Document
from applications.routes import DocumentKind
from identity.models import BiometricPurge, FaceEnrolment



def biometrics_purge(*, application: Application) -> BiometricPurge:
    """Delete the application's face images and gallery encoding, and record that it was done."""
    now = timezone.now()
    with transaction.atomic():
        documents = list(Document.objects.select_for_update().filter(application=application, kind__in=DocumentKind.PHOTOS, purged_at__isnull=True))
        Document.objects.filter(id__in=[document.id for document in documents]).update(purged_at=now)
        enrolments, _ = FaceEnrolment.objects.filter(application=application).delete()
        record = BiometricPurge.objects.create(
            application=application, purged_at=now, documents_deleted=len(documents), enrolments_deleted=enrolments
        )
        # The rows say the files are gone only once that is committed; then they go.
        transaction.on_commit(lambda: [document.file.delete(save=False) for document in documents])
    return record


def biometrics_purge_due(*, now=None) -> int:
    """Purge every decided or withdrawn application past the retention period; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.BIOMETRIC_RETENTION_DAYS)
    due = Application.objects.filter(state__in=FINAL_STATES, decided_at__lt=cutoff, biometric_purge__isnull=True)
    count = 0
    for application in due.iterator():
        biometrics_purge(application=application)
        count += 1
    return count
