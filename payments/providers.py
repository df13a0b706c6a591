"""Payment providers, behind an interface shaped like GOV.UK Pay's API.

GOV.UK Pay: create a payment (amount in pence, reference, description, return URL)
and send the payer to its `next_url`; the payer comes back to the return URL, and
the service then asks the provider for the payment's state (never trusting the
redirect itself). Failures carry a code: P0010 the card was declined, P0030 the
payer cancelled.

Only the fake provider exists: it takes no money and lets a person (or a
synthetic journey) choose success, a declined card or a cancellation. A real
provider is a class with these three methods, named in PAYMENT_PROVIDER.
"""

import secrets
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.urls import reverse

from payments.models import FakeProviderPayment, PaymentState

DECLINED = ("P0010", "Payment method rejected")
CANCELLED_BY_PAYER = ("P0030", "Payment was cancelled by the user")


@dataclass(frozen=True)
class ProviderPayment:
    payment_id: str
    state: str
    next_url: str = ""
    failure_code: str = ""
    failure_message: str = ""


class PaymentProvider(Protocol):
    name: str

    def create_payment(self, *, amount: int, reference: str, description: str, return_url: str) -> ProviderPayment: ...

    def get_payment(self, payment_id: str) -> ProviderPayment: ...

    def cancel_payment(self, payment_id: str) -> None: ...


class FakeProvider:
    """A development provider in this service's own database and pages: no real money moves."""

    name = "fake"

    def create_payment(self, *, amount: int, reference: str, description: str, return_url: str) -> ProviderPayment:
        fake = FakeProviderPayment.objects.create(
            id=f"fake_{secrets.token_urlsafe(16)}", amount=amount, reference=reference, description=description, return_url=return_url
        )
        return self._as_provider_payment(fake)

    def get_payment(self, payment_id: str) -> ProviderPayment:
        return self._as_provider_payment(FakeProviderPayment.objects.get(id=payment_id))

    def cancel_payment(self, payment_id: str) -> None:
        FakeProviderPayment.objects.filter(id=payment_id, state=PaymentState.STARTED).update(
            state=PaymentState.CANCELLED, failure_code=CANCELLED_BY_PAYER[0]
        )

    @staticmethod
    def _as_provider_payment(fake: FakeProviderPayment) -> ProviderPayment:
        messages = dict([DECLINED, CANCELLED_BY_PAYER])
        return ProviderPayment(
            payment_id=fake.id,
            state=fake.state,
            next_url=settings.SERVICE_URL + reverse("payments:fake-provider", args=[fake.id]),
            failure_code=fake.failure_code,
            failure_message=messages.get(fake.failure_code, ""),
        )


def fake_payment_finish(*, payment_id: str, outcome: str) -> str:
    """The fake provider's page: the payer pays, has their card declined, or cancels. Returns where to send them back."""
    changes = {
        "pay": {"state": PaymentState.SUCCESS, "failure_code": ""},
        "decline": {"state": PaymentState.FAILED, "failure_code": DECLINED[0]},
        "cancel": {"state": PaymentState.CANCELLED, "failure_code": CANCELLED_BY_PAYER[0]},
    }[outcome]
    # Only an open payment changes: paying twice, or after a cancellation, does nothing.
    FakeProviderPayment.objects.filter(id=payment_id, state=PaymentState.STARTED).update(**changes)
    return FakeProviderPayment.objects.get(id=payment_id).return_url


PROVIDERS: dict[str, type] = {"fake": FakeProvider}


def payment_provider() -> PaymentProvider:
    # settings.py has already turned away a name not in PROVIDERS.
    return PROVIDERS[settings.PAYMENT_PROVIDER]()
