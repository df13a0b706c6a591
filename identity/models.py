from django.db import models
from django.utils import timezone

from identity.face_match import Reason


class IdentityCheck(models.Model):
    """One attempt to prove that the applicant is the person in the passport."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to run"
        RUNNING = "running", "Running"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"
        ERROR = "error", "Could not be completed"

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="identity_checks")
    attempt = models.PositiveSmallIntegerField()
    passport_photo = models.ForeignKey("applications.Document", on_delete=models.PROTECT, related_name="+")
    selfie = models.ForeignKey("applications.Document", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    distance = models.FloatField(null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    # Detector and encoder used, image sizes, detection scores, timings.
    evidence = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-attempt"]
        constraints = [models.UniqueConstraint(fields=["application", "attempt"], name="one_check_per_attempt")]

    def __str__(self) -> str:
        return f"Identity check {self.attempt} for {self.application}: {self.status}"

    @property
    def reason_texts(self) -> list[str]:
        return [Reason.TEXT.get(code, code) for code in self.reasons]
