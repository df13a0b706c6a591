from django.conf import settings
from django.db import models
from django.utils import timezone

from automation.names import normalise


class WatchListEntry(models.Model):
    """A person whose applications a caseworker must decide: a name and a date of birth, kept by team leaders."""

    full_name = models.CharField(max_length=200)
    # Kept beside the name as it was typed, so that a change to the normalisation shows as a migration to run.
    normalised_name = models.CharField(max_length=200, editable=False)
    date_of_birth = models.DateField(db_index=True)
    reason = models.CharField(max_length=500)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["full_name", "date_of_birth"]
        verbose_name_plural = "watch list entries"
        permissions = [
            ("manage_watch_list", "Can add to and remove from the watch list"),
            ("check_automated_decisions", "Can check automated decisions sampled for quality assurance"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.date_of_birth:%d/%m/%Y})"

    def save(self, *args, **kwargs) -> None:
        self.normalised_name = normalise(self.full_name)
        super().save(*args, **kwargs)


class AutomatedDecision(models.Model):
    """The rules' decision on an application, with every rule's result: a grant, or a referral to a caseworker."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", "Granted automatically"
        REFERRED = "referred", "Referred to a caseworker"

    application = models.OneToOneField("applications.Application", on_delete=models.CASCADE, related_name="automated_decision")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    decided_at = models.DateTimeField(default=timezone.now)
    # From the submission (payment taken, identity still to prove) to this decision.
    seconds_from_submission = models.FloatField()
    # Picked at random for a person to check afterwards (QualityCheck).
    sampled = models.BooleanField(default=False)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"Automated decision on {self.application}: {self.outcome}"

    @property
    def review_requested(self) -> bool:
        return self.quality_checks.filter(reason=QualityCheck.Reason.REQUESTED).exists()

    @property
    def failed_results(self) -> list["RuleResult"]:
        return [result for result in self.results.all() if not result.passed]


class RuleResult(models.Model):
    """One rule's result in one decision (automation/rules.py declares the rules)."""

    decision = models.ForeignKey(AutomatedDecision, on_delete=models.CASCADE, related_name="results")
    position = models.PositiveSmallIntegerField()
    rule = models.CharField(max_length=32)
    label = models.CharField(max_length=200)
    passed = models.BooleanField()
    detail = models.TextField(blank=True)
    # A measure behind the result, where a rule has one: a name-match score, a face distance.
    score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["decision", "rule"], name="one_result_per_rule")]

    def __str__(self) -> str:
        return f"{self.rule}: {'passed' if self.passed else 'failed'}"


class QualityCheck(models.Model):
    """A person looking again at an automatic grant: a random sample, or one the applicant asked for."""

    class Reason(models.TextChoices):
        SAMPLED = "sampled", "Sampled at random"
        REQUESTED = "requested", "The applicant asked for a person to look at it"

    class Outcome(models.TextChoices):
        AGREED = "agreed", "The grant was right"
        DISAGREED = "disagreed", "A caseworker should have decided it"

    decision = models.ForeignKey(AutomatedDecision, on_delete=models.CASCADE, related_name="quality_checks")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    requested_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    notes = models.TextField(blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [models.UniqueConstraint(fields=["decision", "reason"], name="one_quality_check_per_reason")]

    def __str__(self) -> str:
        return f"Quality check of {self.decision.application}: {self.outcome or 'to do'}"
