import uuid

from django.db import models
from django.utils import timezone


class PaymentState(models.TextChoices):
    """GOV.UK Pay's states, less those a card payment passes through on the provider's side."""

    STARTED = "started", "Started"
    SUCCESS = "success", "Paid"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Payment(models.Model):
    """One attempt to pay an application's fee through the payment provider.

    An application may have several (a declined card, then another); it is
    submitted only once one of them succeeds, and at most one ever does.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="payments")
    amount = models.PositiveIntegerField(help_text="In pence.")
    reference = models.CharField(max_length=255)
    description = models.CharField(max_length=255)
    provider = models.CharField(max_length=16)
    provider_id = models.CharField(max_length=64, blank=True)
    # Where the provider takes the applicant to pay.
    next_url = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=16, choices=PaymentState.choices, default=PaymentState.STARTED)
    failure_code = models.CharField(max_length=16, blank=True)
    failure_message = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(state="success"), name="one_successful_payment_per_application"
            )
        ]

    def __str__(self) -> str:
        return f"Payment of £{self.amount / 100:.2f} for {self.application}: {self.state}"

    @property
    def amount_display(self) -> str:
        return f"£{self.amount / 100:.2f}"


class FakeProviderPayment(models.Model):
    """The fake provider's side of a payment (payments/providers.py): what a real provider would keep."""

    id = models.CharField(primary_key=True, max_length=64)
    amount = models.PositiveIntegerField()
    reference = models.CharField(max_length=255)
    description = models.CharField(max_length=255)
    return_url = models.CharField(max_length=500)
    state = models.CharField(max_length=16, choices=PaymentState.choices, default=PaymentState.STARTED)
    failure_code = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Fake payment {self.id}: {self.state}"

    @property
    def amount_display(self) -> str:
        return f"£{self.amount / 100:.2f}"
