"""The fee of a route that has one: paid through the payment provider (payments/) before the application is submitted."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications.models import Application, State
from applications.services import application_submit
from applications.workflow import WorkflowError
from payments.models import Payment, PaymentState
from payments.providers import payment_provider


def _locked_draft(application: Application) -> Application:
    locked = Application.objects.select_for_update().filter(id=application.id, state=State.DRAFT).first()
    if locked is None:
        raise WorkflowError("This application has been submitted and can no longer be changed.")
    return locked


def payment_start(*, application: Application, actor: User) -> Payment:
    """Start paying the application's fee; the applicant goes to the payment's next_url.

    Earlier attempts still open at the provider (a tab left on the payment page) are
    looked at first: one that has been paid is used instead of asking for the fee again,
    and the others are cancelled so that only the newest can take money.
    """
    route = application.route_details
    if not route.fee_pence:
        raise WorkflowError(f"There is no fee for a {route.name} application.")
    provider = payment_provider()
    with transaction.atomic():
        locked = _locked_draft(application)
        for open_payment in locked.payments.filter(state=PaymentState.STARTED):
            if _refresh(open_payment).state == PaymentState.STARTED:
                provider.cancel_payment(open_payment.provider_id)
                _refresh(open_payment)
        if paid := locked.payments.filter(state=PaymentState.SUCCESS).first():
            return paid
        payment = Payment.objects.create(
            application=locked,
            amount=route.fee_pence,
            reference=str(locked.id),
            description=f"{route.name} application fee",
            provider=provider.name,
        )
        created = provider.create_payment(
            amount=payment.amount,
            reference=payment.reference,
            description=payment.description,
            return_url=settings.SERVICE_URL + reverse("applications:payment-return", args=[payment.id]),
        )
        payment.provider_id, payment.next_url = created.payment_id, created.next_url
        payment.save(update_fields=["provider_id", "next_url"])
    return payment


def _refresh(payment: Payment) -> Payment:
    """Bring the payment's state from the provider; a finished payment never changes again."""
    if payment.state != PaymentState.STARTED:
        return payment
    found = payment_provider().get_payment(payment.provider_id)
    if found.state != PaymentState.STARTED:
        try:
            with transaction.atomic():
                # Compare-and-swap: of two requests reading the same outcome, one records it.
                Payment.objects.filter(id=payment.id, state=PaymentState.STARTED).update(
                    state=found.state, failure_code=found.failure_code, failure_message=found.failure_message,
                    finished_at=timezone.now(),
                )
        except IntegrityError:
            # Another attempt for the application already succeeded: this one's money must go back.
            raise WorkflowError("This application's fee has already been paid by another payment.") from None
    payment.refresh_from_db()
    return payment


def payment_complete(*, payment: Payment, actor: User) -> Payment:
    """The applicant is back from the provider: record how the payment went, and submit once it succeeded.

    Coming back twice (a refresh, the back button) changes nothing more. If the
    submission cannot be made (the answers need fixing), the payment stays and the
    next submission uses it.
    """
    payment = _refresh(payment)
    if payment.state == PaymentState.SUCCESS and payment.application.is_draft:
        application_submit(application=payment.application, actor=actor)
        payment.application.refresh_from_db()
    return payment

