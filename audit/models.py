import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessAction(models.TextChoices):
    CASE_VIEWED = "case_viewed", "Viewed the case"
    DOCUMENT_VIEWED = "document_viewed", "Viewed a document"
    FACE_IMAGE_VIEWED = "face_image_viewed", "Viewed a face image"
    LETTER_VIEWED = "letter_viewed", "Viewed the decision letter"
    SEARCH = "search", "Searched for cases"
    STATUS_CHECKED = "status_checked", "Checked the immigration status"
    SUBJECT_ACCESS_DOWNLOADED = "subject_access_downloaded", "Downloaded a copy of the applicant's records"


# Reads of one case's own records: what the auditor's report and the applicant's history count.
CASE_READS = [
    AccessAction.CASE_VIEWED,
    AccessAction.DOCUMENT_VIEWED,
    AccessAction.FACE_IMAGE_VIEWED,
    AccessAction.LETTER_VIEWED,
]


class AccessRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The access log is append-only.")

    def delete(self):
        raise PermissionError("The access log is append-only; old rows go only through audit.access_log.access_log_prune.")


class AccessRecord(models.Model):
    """One read of personal data: who (and in which role), what, when, why and from where.

    Append-only and hash-chained (audit/access_log.py): each row carries the hash of
    the row before it and its own hash over its contents and that one, so an edited,
    removed or inserted row breaks the chain at that point. People and cases are
    plain ids rather than foreign keys, so that deleting an account or a case never
    cascades into the log.
    """

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_role = models.CharField(max_length=64)
    action = models.CharField(max_length=32, choices=AccessAction.choices)
    application_id = models.UUIDField(null=True, blank=True)
    # The applicant whose records were read (for their history and subject access).
    subject_id = models.BigIntegerField(null=True, blank=True)
    # What exactly: a document's id, a search's criteria, an API client's name.
    target = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    client_address = models.CharField(max_length=64, blank=True)
    # For a member of staff reading a case: whether it was assigned to them at the time.
    viewer_assigned = models.BooleanField(null=True, blank=True)
    # The synthetic cohort of the records read, so that figures can leave them out.
    cohort = models.CharField(max_length=64, blank=True, default="")
    # Unique as well: a second row claiming the same predecessor (a fork) cannot be written at all.
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["application_id", "created_at"]),
            models.Index(fields=["subject_id", "created_at"]),
            models.Index(fields=["actor_id", "created_at"]),
        ]
        permissions = [("view_access_report", "Can see who read which cases")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_role} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The access log is append-only.")


class AccessLogHead(models.Model):
    """The one row that every append locks: it serialises writers, so the chain never forks,
    and it remembers the last row written (so that removing rows at the end shows) and the
    anchor left by pruning (the hash of the last row pruned, which the oldest kept row follows).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")
    anchor_id = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default="")
    pruned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Access log head at row {self.last_id}"


def _export_path(export: "SubjectAccessExport", filename: str) -> str:
    return f"subject-access/{uuid.uuid4().hex}.zip"


class SubjectAccessExport(models.Model):
    """A copy of everything held about one person, prepared in the background and offered for a limited time."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        RUNNING = "running", "Being prepared"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Could not be prepared"
        EXPIRED = "expired", "No longer available"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subject_access_exports")
    # RESTRICT: a member of staff who prepared a copy cannot be deleted, but an applicant's own request goes with them.
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=_export_path, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        permissions = [("produce_subject_access", "Can prepare a copy of an applicant's records for them")]

    def __str__(self) -> str:
        return f"Subject access export for {self.subject} ({self.status})"

    @property
    def is_downloadable(self) -> bool:
        return self.status == self.Status.READY and self.expires_at is not None and self.expires_at > timezone.now()
