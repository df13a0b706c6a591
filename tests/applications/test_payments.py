"""The fee: paid through the provider before submission; a failed or cancelled payment can be tried again."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from applications.models import State
from applications.services import application_submit
from applications.workflow import WorkflowError
from payments.models import FakeProviderPayment, Payment, PaymentState
from payments.providers import fake_payment_finish
from applications.payments import payment_complete, payment_start
from tests.conftest import signed_in
from tests.factories import ETA, draft_application, pay


@pytest.fixture
def draft(applicant):
    return draft_application(applicant, route=ETA)


def _path(url: str) -> str:
    return urlsplit(url).path


def _declare_and_pay(client, application, outcome: str):
    """Check answers, accept, choose an outcome on the fake provider's page, come back; the last response."""
    response = client.post(reverse("applications:check-answers", args=[application.id]), {"declaration": "on"})
    provider_page = _path(response["Location"])
    assert provider_page.startswith("/payments/fake-provider/")
    assert "No card is needed and no money is taken" in client.get(provider_page).content.decode()
    response = client.post(provider_page, {"outcome": outcome})
    return client.get(_path(response["Location"]))


def test_a_fee_route_cannot_be_submitted_before_it_is_paid(draft, applicant):
    with pytest.raises(WorkflowError, match="Pay the fee before you submit"):
        application_submit(application=draft, actor=applicant)

    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_the_payment_is_created_with_the_amount_in_pence_a_reference_and_a_return_url(draft, applicant):
    payment = payment_start(application=draft, actor=applicant)

    assert (payment.amount, payment.reference, payment.state) == (1600, str(draft.id), PaymentState.STARTED)
    fake = FakeProviderPayment.objects.get(id=payment.provider_id)
    assert fake.amount == 1600
    assert _path(fake.return_url) == reverse("applications:payment-return", args=[payment.id])


def test_a_successful_payment_submits_the_application(draft, applicant):
    client = signed_in(applicant)

    response = _declare_and_pay(client, draft, "pay")

    assert _path(response["Location"]) == reverse("applications:confirmation", args=[draft.id])
    draft.refresh_from_db()
    assert draft.state == State.IDENTITY_CHECKING
    assert draft.reference
    payment = draft.payments.get()
    assert (payment.state, payment.failure_code) == (PaymentState.SUCCESS, "")
    assert payment.finished_at is not None


@pytest.mark.parametrize(("outcome", "state", "says"), [
    ("decline", PaymentState.FAILED, "The payment failed: payment method rejected."),
    ("cancel", PaymentState.CANCELLED, "You cancelled the payment."),
])
def test_a_failed_or_cancelled_payment_leaves_a_draft_that_can_pay_again(draft, applicant, outcome, state, says):
    client = signed_in(applicant)

    page = _declare_and_pay(client, draft, outcome)

    assert page.status_code == 200
    assert says in page.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    assert draft.payments.get().state == state

    # Try again: a new payment, which succeeds and submits.
    response = client.post(reverse("applications:pay", args=[draft.id]))
    provider_page = _path(response["Location"])
    response = client.post(provider_page, {"outcome": "pay"})
    response = client.get(_path(response["Location"]))

    assert _path(response["Location"]) == reverse("applications:confirmation", args=[draft.id])
    draft.refresh_from_db()
    assert draft.state == State.IDENTITY_CHECKING
    assert sorted(draft.payments.values_list("state", flat=True)) == sorted([state, PaymentState.SUCCESS])


def test_coming_back_twice_submits_once(draft, applicant):
    payment = pay(draft)

    payment_complete(payment=payment, actor=applicant)

    draft.refresh_from_db()
    assert draft.events.filter(transition="submit").count() == 1
    assert draft.identity_checks.count() == 1


def test_starting_again_cancels_an_open_payment_so_only_one_can_take_money(draft, applicant):
    first = payment_start(application=draft, actor=applicant)

    second = payment_start(application=draft, actor=applicant)

    first.refresh_from_db()
    assert first.state == PaymentState.CANCELLED
    assert FakeProviderPayment.objects.get(id=first.provider_id).state == PaymentState.CANCELLED
    # Paying on the first one's page now does nothing.
    fake_payment_finish(payment_id=first.provider_id, outcome="pay")
    assert FakeProviderPayment.objects.get(id=first.provider_id).state == PaymentState.CANCELLED
    assert second.state == PaymentState.STARTED


def test_a_payment_made_in_another_tab_is_used_instead_of_asking_again(draft, applicant):
    first = payment_start(application=draft, actor=applicant)
    fake_payment_finish(payment_id=first.provider_id, outcome="pay")

    again = payment_start(application=draft, actor=applicant)

    assert again == first
    assert again.state == PaymentState.SUCCESS
    assert Payment.objects.count() == 1


def test_a_route_without_a_fee_has_no_payment(applicant):
    with pytest.raises(WorkflowError, match="no fee"):
        payment_start(application=draft_application(applicant), actor=applicant)


def test_someone_elses_payment_is_not_found(draft, applicant, second_applicant):
    payment = payment_start(application=draft, actor=applicant)

    response = signed_in(second_applicant).get(reverse("applications:payment-return", args=[payment.id]))

    assert response.status_code == 404
    assert signed_in(second_applicant).post(reverse("applications:pay", args=[draft.id])).status_code == 404


def test_the_fake_provider_turns_away_an_unknown_outcome(draft, applicant):
    payment = payment_start(application=draft, actor=applicant)
    page = _path(payment.next_url)

    response = signed_in(applicant).post(page, {"outcome": "steal"})

    assert response.status_code == 400
    assert "Choose how the payment goes" in response.content.decode()
    assert FakeProviderPayment.objects.get(id=payment.provider_id).state == PaymentState.STARTED


def test_the_check_answers_page_shows_the_fee(draft, applicant):
    page = signed_in(applicant).get(reverse("applications:check-answers", args=[draft.id])).content.decode()

    assert "The fee is £16.00" in page
    assert "Accept and pay" in page


def test_a_payment_taken_when_the_application_cannot_be_submitted_is_kept_for_the_submission(draft, applicant):
    from django.utils import timezone

    applicant.email_confirmed_at = None
    applicant.save()
    payment = payment_start(application=draft, actor=applicant)
    fake_payment_finish(payment_id=payment.provider_id, outcome="pay")

    with pytest.raises(WorkflowError, match="problem to fix"):
        payment_complete(payment=payment, actor=applicant)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCESS

    applicant.email_confirmed_at = timezone.now()
    applicant.save()
    again = payment_start(application=draft, actor=applicant)
    payment_complete(payment=again, actor=applicant)

    assert again == payment
    draft.refresh_from_db()
    assert draft.state == State.IDENTITY_CHECKING
    assert Payment.objects.count() == 1
