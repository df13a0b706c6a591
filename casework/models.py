from django.conf import settings
from django.db import models
from django.utils import timezone


class DecisionLetter(models.Model):
    """The letter for a decision, rendered once when the decision is made.

    Its text is kept as sent: a later change to the letter templates never changes
    a letter someone has already received. `template` names the version used.
    """

    application = models.OneToOneField("applications.Application", on_delete=models.CASCADE, related_name="letter")
    outcome = models.CharField(max_length=16)
    template = models.CharField(max_length=64)
    body = models.TextField()
    # Empty when the system decided (an automated decision).
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.outcome} letter for {self.application}"


class CaseNote(models.Model):
    """A caseworker's note on a case: internal, never shown to the applicant."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note on {self.application} by {self.author}"


class ImmigrationStatus(models.Model):
    """The permission a grant gives, which the holder can prove to others with a share code."""

    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT, related_name="immigration_status")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="immigration_statuses")
    route = models.CharField(max_length=32)
    valid_from = models.DateField()
    # Empty for indefinite leave (settlement).
    valid_until = models.DateField(null=True, blank=True)
    work_condition = models.CharField(max_length=16)
    study_condition = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)
    # The holder's portrait from the passport photo the identity check accepted, cropped small
    # (JPEG): what a checker sees when the holder agrees. It lives as long as the status,
    # unlike the application's photos, which the biometric purge deletes after the decision.
    photo = models.BinaryField(blank=True, default=b"", editable=False)

    def __str__(self) -> str:
        return f"Status from {self.application}"


class SharePurpose(models.TextChoices):
    """What a share code is for: a code answers only its own purpose's question."""

    RIGHT_TO_WORK = "right_to_work", "Right to work"
    RIGHT_TO_RENT = "right_to_rent", "Right to rent"
    OTHER = "other", "Something else"


class ShareCode(models.Model):
    """A code the holder gives a third party to check their status, with their date of birth."""

    status = models.ForeignKey(ImmigrationStatus, on_delete=models.CASCADE, related_name="share_codes")
    purpose = models.CharField(max_length=16, choices=SharePurpose.choices, default=SharePurpose.OTHER)
    # The holder agreed that whoever checks this code sees their photo.
    show_photo = models.BooleanField(default=False)
    # A keyed hash of the code (casework.share_codes.code_hash): the code itself is
    # shown to the holder once and stored nowhere, so a copy of the database opens no status.
    code_hash = models.CharField(max_length=64, unique=True)
    # The last characters, for the holder to tell their codes apart.
    ending = models.CharField(max_length=3)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Share code ending {self.ending}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class ShareCodeCheck(models.Model):
    """One attempt by a third party to check a status: every one is kept, and the holder sees those of their codes."""

    class Outcome(models.TextChoices):
        SHOWN = "shown", "Status shown"
        WRONG_DATE_OF_BIRTH = "wrong_dob", "Wrong date of birth"
        EXPIRED = "expired", "Code expired"
        REVOKED = "revoked", "Code revoked"
        NOT_FOUND = "not_found", "No such code"
        LOCKED = "locked", "Code locked after failed attempts"
        WRONG_PURPOSE = "wrong_purpose", "Refused: the code is for another purpose"
        RATE_LIMITED = "rate_limited", "Refused: too many checks from one place"

    class Channel(models.TextChoices):
        PAGE = "page", "Check status page"
        API = "api", "Status API"

    share_code = models.ForeignKey(ShareCode, null=True, blank=True, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Typed by the checker on the page; the registered, approved name of the client through the API.
    organisation = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.PAGE)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    # A keyed hash of the checker's address: enough to rate-limit, not to identify.
    address_hash = models.CharField(max_length=64, db_index=True)

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"Check of {self.share_code or 'unknown code'}: {self.outcome}"
