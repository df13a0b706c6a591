from django.conf import settings
from django.db import models
from django.utils import timezone

from identity.face_match import reason_text


class IdentityCheck(models.Model):
    """One attempt to prove that the applicant is the person in the passport: one pair of photos.

    An application has at most settings.IDENTITY_MAX_ATTEMPTS of them. Each time a
    worker takes the check up is an IdentityCheckRun, so retries, redeliveries
    and manual re-runs all stay visible.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to run"
        RUNNING = "running", "Running"
        PASSED = "passed", "Passed"
        REFERRED = "referred", "Referred to a caseworker"
        FAILED = "failed", "Failed"
        ERROR = "error", "Could not be completed"

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="identity_checks")
    attempt = models.PositiveSmallIntegerField()
    passport_photo = models.ForeignKey("applications.Document", on_delete=models.PROTECT, related_name="+")
    selfie = models.ForeignKey("applications.Document", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    distance = models.FloatField(null=True, blank=True)
    pass_threshold = models.FloatField(null=True, blank=True)
    fail_threshold = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    # Detector and encoder used, quality measurements of both images, timings.
    evidence = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Why and when it was last put on the queue: "submitted", "new photos", "re-run by a caseworker".
    queued_because = models.CharField(max_length=32, default="submitted")
    queued_at = models.DateTimeField(default=timezone.now)
    # The Celery task id of the run that holds the check while it is running.
    claimed_by = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-attempt"]
        constraints = [models.UniqueConstraint(fields=["application", "attempt"], name="one_check_per_attempt")]
        indexes = [models.Index(fields=["status", "queued_at"])]

    def __str__(self) -> str:
        return f"Identity check {self.attempt} for {self.application}: {self.status}"

    @property
    def reason_texts(self) -> list[str]:
        return [reason_text(code) for code in self.reasons]


class IdentityCheckRun(models.Model):
    """One execution of a check by a worker, finished or not."""

    class Outcome(models.TextChoices):
        PASSED = "passed", "Passed"
        REFERRED = "referred", "Referred"
        FAILED = "failed", "Failed"
        ERROR = "error", "Error"
        RETRYING = "retrying", "Temporary error: retrying"
        INTERRUPTED = "interrupted", "Interrupted (worker stopped)"

    identity_check = models.ForeignKey(IdentityCheck, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(max_length=32)
    task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"Run of {self.identity_check}: {self.outcome or 'running'}"


class FaceEnrolment(models.Model):
    """A passed selfie's encoding in the gallery that new checks are searched against (1:N)."""

    application = models.OneToOneField("applications.Application", on_delete=models.CASCADE, related_name="face_enrolment")
    identity_check = models.ForeignKey(IdentityCheck, on_delete=models.CASCADE, related_name="+")
    # 128 float32 values (512 bytes), as numpy writes them.
    encoding = models.BinaryField()
    # The application's synthetic cohort: real faces ("") are only ever searched
    # against real faces, and a synthetic journey's only against its own cohort's.
    cohort = models.CharField(max_length=64, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Face enrolment of {self.application}"


class FaceEnrolmentRemoval(models.Model):
    """One enrolment taken out of the gallery (a purge or a newer selfie): the gallery's change log.

    Enrolments and removals are both read by id since a cursor, so a process's copy
    of the gallery follows a purge without reloading or counting anything. Both are
    written under the gallery lock (identity.duplicates), so their ids commit in order.
    """

    enrolment_id = models.BigIntegerField()
    removed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Enrolment {self.enrolment_id} removed"


class DuplicateCandidate(models.Model):
    """Another application whose enrolled face is close to this check's selfie: a potential duplicate identity.

    Until a caseworker confirms or dismisses it, the application cannot be granted.
    """

    class Resolution(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed: the same person"
        DISMISSED = "dismissed", "Dismissed: different people"

    identity_check = models.ForeignKey(IdentityCheck, on_delete=models.CASCADE, related_name="duplicates")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="duplicate_candidates")
    candidate = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    distance = models.FloatField()
    resolution = models.CharField(max_length=16, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["distance"]
        constraints = [models.UniqueConstraint(fields=["identity_check", "candidate"], name="one_candidate_per_check")]

    def __str__(self) -> str:
        return f"{self.application} may be {self.candidate} ({self.distance:.3f})"


class BiometricPurge(models.Model):
    """The record that an application's face images and encodings were deleted under the retention rule."""

    application = models.OneToOneField("applications.Application", on_delete=models.CASCADE, related_name="biometric_purge")
    purged_at = models.DateTimeField(default=timezone.now)
    documents_deleted = models.PositiveIntegerField()
    enrolments_deleted = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"Biometrics of {self.application} deleted {self.purged_at:%Y-%m-%d}"
