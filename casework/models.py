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
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.outcome} letter for {self.application}"
