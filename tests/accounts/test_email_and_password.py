import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.services import email_confirmation_resend, email_confirmation_token
from outbox.models import Email
from tests.conftest import PASSWORD, run_outbox, signed_in


@pytest.fixture
def unconfirmed(db) -> User:
    return User.objects.create_user(email="new@example.com", password=PASSWORD)


def _link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_registering_writes_a_confirmation_email_that_the_outbox_sends(client, db):
    client.post(reverse("accounts:register"), {"email": "new@example.com", "password": "a-long-passphrase-here"})

    assert User.objects.get().email_confirmed_at is None
    assert Email.objects.get().to == "new@example.com"
    # The request itself sends nothing: the outbox does.
    assert mail.outbox == []
    run_outbox()
    assert [message.subject for message in mail.outbox] == ["Confirm your email address"]


def test_the_emailed_link_confirms_the_address(client, unconfirmed):
    email_confirmation_resend(user=unconfirmed)
    run_outbox()
    message = mail.outbox[-1]
    assert message.to == [unconfirmed.email]
    assert "The link works for 72 hours" in message.body

    response = client.get(_link_in(message), follow=True)

    assert "Email address new@example.com confirmed" in response.content.decode()
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed_at is not None
    # Following it again is harmless.
    assert client.get(_link_in(message)).status_code == 302


def test_an_expired_link_says_so_and_offers_a_new_one(client, unconfirmed, settings):
    token = email_confirmation_token(unconfirmed)
    settings.EMAIL_CONFIRMATION_MAX_AGE = -1

    response = client.get(reverse("accounts:confirm-email", args=[token]))

    assert response.status_code == 400
    assert "The link has expired" in response.content.decode()
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed_at is None


@pytest.mark.parametrize("tamper", [lambda token: token[:-2] + "xx", lambda token: "not-a-token"])
def test_a_tampered_link_is_not_valid(client, unconfirmed, tamper):
    response = client.get(reverse("accounts:confirm-email", args=[tamper(email_confirmation_token(unconfirmed))]))

    assert response.status_code == 400
    assert "The link is not valid" in response.content.decode()


def test_a_link_for_an_address_since_changed_is_not_valid(client, unconfirmed):
    token = email_confirmation_token(unconfirmed)
    unconfirmed.email = "changed@example.com"
    unconfirmed.save()

    assert client.get(reverse("accounts:confirm-email", args=[token])).status_code == 400


def test_a_new_link_can_be_asked_for(unconfirmed):
    client = signed_in(unconfirmed)

    response = client.post(reverse("accounts:confirm-email-resend"), follow=True)

    assert "We have sent a new link to new@example.com" in response.content.decode()
    assert run_outbox() == 1
    assert mail.outbox[-1].to == ["new@example.com"]


def test_password_reset_by_email(client, applicant):
    response = client.post(reverse("accounts:password-reset"), {"email": applicant.email.upper()}, follow=True)
    assert "Check your email" in response.content.decode()
    run_outbox()
    link = _link_in(mail.outbox[-1])

    form_page = client.get(link, follow=True)
    new_password = "a-brand-new-passphrase"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})

    applicant.refresh_from_db()
    assert applicant.check_password(new_password)
    # The link works once.
    assert "The link is not valid" in client.get(link, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, db):
    response = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.com"}, follow=True)

    assert "If there is an account with that email address" in response.content.decode()
    assert run_outbox() == 0
    assert mail.outbox == []


def test_resetting_the_password_lifts_a_lockout(client, applicant, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:sign-in"), {"username": applicant.email, "password": "wrong"})
    client.post(reverse("accounts:password-reset"), {"email": applicant.email})
    run_outbox()
    form_page = client.get(_link_in(mail.outbox[-1]), follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"})

    response = client.post(reverse("accounts:sign-in"), {"username": applicant.email, "password": "a-brand-new-passphrase"})

    assert response.status_code == 302


def test_keep_alive_renews_a_session_and_needs_one(client, applicant):
    assert client.post(reverse("accounts:keep-alive")).status_code == 302
    assert signed_in(applicant).post(reverse("accounts:keep-alive")).status_code == 204
    assert signed_in(applicant).get(reverse("accounts:keep-alive")).status_code == 405


def test_pages_say_when_an_inactive_session_ends_and_carry_the_warning(applicant):
    application_page = signed_in(applicant).get(reverse("applications:start")).content.decode()

    assert 'data-session-seconds="1800"' in application_page
    assert 'id="session-timeout-dialog"' in application_page


def test_signing_in_after_being_signed_out_returns_to_the_page(client, applicant):
    target = reverse("applications:start")
    page = client.get(target, follow=True).content.decode()
    assert "Sign in to continue" in page

    response = client.post(f"{reverse('accounts:sign-in')}?next={target}", {"username": applicant.email, "password": PASSWORD, "next": target})

    assert response["Location"] == target


def test_signing_in_to_ones_own_account_does_not_clear_failures_from_the_address(applicant, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    client = Client(REMOTE_ADDR="198.51.100.9")
    for round_number in range(3):
        for guess in range(3):
            client.post(reverse("accounts:sign-in"), {"username": f"other{round_number}{guess}@example.com", "password": "x"})
        assert client.post(reverse("accounts:sign-in"), {"username": applicant.email, "password": PASSWORD}).status_code in (302, 429)
        client.post(reverse("accounts:sign-out"))

    # Nine failures from this address, above its limit of eight, despite the successful sign-ins between them.
    assert client.post(reverse("accounts:sign-in"), {"username": applicant.email, "password": PASSWORD}).status_code == 429


def test_password_reset_links_use_the_services_address(client, applicant, settings):
    settings.SERVICE_URL = "https://visas.example"
    # Behind a proxy the Host header may be anything the proxy passes on.
    settings.ALLOWED_HOSTS = ["*"]

    client.post(reverse("accounts:password-reset"), {"email": applicant.email}, HTTP_HOST="evil.example")
    run_outbox()

    assert "https://visas.example/accounts/password-reset/" in mail.outbox[-1].body
    assert "evil.example" not in mail.outbox[-1].body


def test_the_reset_email_is_written_to_the_outbox_not_sent_in_the_request(client, applicant):
    response = client.post(reverse("accounts:password-reset"), {"email": applicant.email})

    assert response.status_code == 302
    assert mail.outbox == []
    assert Email.objects.get().to == applicant.email


def test_password_reset_is_limited_per_address_and_per_client(applicant, settings):
    settings.PASSWORD_RESETS_PER_ADDRESS = 3
    settings.PASSWORD_RESETS_PER_CLIENT = 5

    # Six requests for one address from six places: three emails.
    by_address = [
        Client(REMOTE_ADDR=f"10.0.0.{n}").post(reverse("accounts:password-reset"), {"email": applicant.email}).status_code
        for n in range(6)
    ]
    one_client = Client(REMOTE_ADDR="203.0.113.7")
    by_client = [one_client.post(reverse("accounts:password-reset"), {"email": f"p{n}@example.com"}).status_code for n in range(6)]

    assert by_address == [302, 302, 302, 429, 429, 429]
    assert Email.objects.filter(to=applicant.email).count() == 3
    assert by_client == [302] * 5 + [429]
    assert "Try again in an hour" in one_client.post(reverse("accounts:password-reset"), {"email": "q@example.com"}).content.decode()


def test_registering_a_taken_address_emails_its_owner(applicant):
    Client().post(reverse("accounts:register"), {"email": applicant.email, "password": "a-long-passphrase-here"})
    run_outbox()

    message = mail.outbox[-1]
    assert message.to == [applicant.email]
    assert message.subject == "You already have an account"
    assert "/accounts/sign-in/" in message.body and "/accounts/password-reset/" in message.body
