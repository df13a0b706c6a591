"""Organisations' API clients, and the log of every call they make."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Scope(models.TextChoices):
    """OAuth 2.0 scopes, one per purpose a share code can be made for through the API."""

    RIGHT_TO_WORK = "right_to_work", "Check a right to work"
    RIGHT_TO_RENT = "right_to_rent", "Check a right to rent"


class ApiClient(models.Model):
    """An organisation's system that checks statuses: its OAuth 2.0 client, quota and approval.

    Sandbox clients work at once, against fixed test data only; live clients reach real
    statuses once a team leader has approved them, and stop at once when revoked.
    """

    class Environment(models.TextChoices):
        SANDBOX = "sandbox", "Sandbox (test data only)"
        LIVE = "live", "Live"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        REVOKED = "revoked", "Revoked"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.CharField(max_length=200)
    # Why the organisation checks statuses (shown to the approver).
    use = models.TextField(max_length=2000)
    contact = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_clients")
    scopes = models.JSONField(default=list)
    environment = models.CharField(max_length=8, choices=Environment.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    requests_per_minute = models.PositiveIntegerField(default=60)
    oauth_application = models.OneToOneField(settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.PROTECT, related_name="api_client")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_environment_display()})"

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_sandbox(self) -> bool:
        return self.environment == self.Environment.SANDBOX


class ApiCall(models.Model):
    """One call by a client: written when the call is let through or refused for its quota, finished with its result."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="calls")
    at = models.DateTimeField(default=timezone.now)
    operation = models.CharField(max_length=64)
    purpose = models.CharField(max_length=16, blank=True)
    # Refused for the quota: kept in the log, not counted against the quota.
    over_quota = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # The outcome of a status check, or the error code of a refused call.
    result = models.CharField(max_length=32, blank=True)
    share_code_check = models.OneToOneField(
        "casework.ShareCodeCheck", null=True, blank=True, on_delete=models.SET_NULL, related_name="api_call"
    )

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["client", "at"])]

    def __str__(self) -> str:
        return f"{self.client} {self.operation} at {self.at:%Y-%m-%d %H:%M:%S}: {self.status_code}"
