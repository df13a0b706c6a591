import re

from axes.models import AccessAttempt
from django.core import mail
from django.db.models import F
from django.test import Client
from django.urls import reverse

from accounts.models import Attempt, User
from tests.conftest import PASSWORD, run_outbox


def test_register_creates_an_account_and_asks_to_confirm_the_address(client, db):
    response = client.post(
        reverse("accounts:register"), {"email": "New.Person@Example.com", "password": "a-long-passphrase-here"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("accounts:register-sent")
    assert "We have sent an email to <strong>new.person@example.com</strong>" in response.content.decode()
    assert not response.context["user"].is_authenticated
    assert User.objects.filter(email="new.person@example.com").exists()


def test_register_refuses_a_weak_password(client, db):
    response = client.post(reverse("accounts:register"), {"email": "x@example.com", "password": "12345"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "This password is too short" in page
    assert not User.objects.exists()


def test_registering_a_taken_address_answers_exactly_as_for_a_new_one(applicant):
    def register(email):
        client = Client()
        response = client.post(reverse("accounts:register"), {"email": email, "password": "a-long-passphrase-here"}, follow=True)
        # Each response has its own script nonce; all else must be the same.
        return response.redirect_chain, re.sub(r'nonce="[^"]+"', "", response.content.decode().replace(email, "ADDRESS"))

    assert register(applicant.email) == register("someone.new@example.com")
    applicant.refresh_from_db()
    assert applicant.check_password(PASSWORD)  # nothing about the existing account changed


def test_register_refuses_a_common_password(client, db):
    response = client.post(reverse("accounts:register"), {"email": "x@example.com", "password": "password123"})

    assert "This password is too common" in response.content.decode()
    assert not User.objects.exists()


def test_sign_in_with_email_and_password(client, applicant):
    response = client.post(reverse("accounts:sign-in"), {"username": applicant.email, "password": PASSWORD}, follow=True)

    assert response.context["user"] == applicant


def test_sign_in_ignores_the_case_of_the_email_address(client, applicant):
    response = client.post(
        reverse("accounts:sign-in"), {"username": applicant.email.upper(), "password": PASSWORD}, follow=True
    )

    assert response.context["user"] == applicant


def test_wrong_password_shows_an_error(client, applicant):
    response = client.post(reverse("accounts:sign-in"), {"username": applicant.email, "password": "wrong"})

    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()


def test_repeated_failed_sign_ins_lock_the_account_with_a_clear_message(client, applicant, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:sign-in"), {"username": applicant.email, "password": "wrong"})

    # Even the right password is refused while locked.
    response = client.post(reverse("accounts:sign-in"), {"username": applicant.email, "password": PASSWORD})

    assert response.status_code == 429
    page = response.content.decode()
    assert "You cannot sign in for now" in page
    assert "try again in 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_failures_count_per_account_not_only_per_address(applicant, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 100
    for number in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR=f"198.51.100.{number}").post(
            reverse("accounts:sign-in"), {"username": applicant.email, "password": "wrong"}
        )

    response = Client(REMOTE_ADDR="203.0.113.1").post(
        reverse("accounts:sign-in"), {"username": applicant.email, "password": PASSWORD}
    )

    assert response.status_code == 429


def test_one_address_trying_many_accounts_is_locked_at_the_address_limit(applicant, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    client = Client(REMOTE_ADDR="198.51.100.7")
    for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        response = client.post(reverse("accounts:sign-in"), {"username": f"guess{number}@example.com", "password": "x"})
        assert response.status_code == 200

    client.post(reverse("accounts:sign-in"), {"username": "last-guess@example.com", "password": "x"})
    response = client.post(reverse("accounts:sign-in"), {"username": applicant.email, "password": PASSWORD})

    assert response.status_code == 429
    # Another address can still sign in to the same account.
    other = Client(REMOTE_ADDR="203.0.113.1")
    assert other.post(reverse("accounts:sign-in"), {"username": applicant.email, "password": PASSWORD}).status_code == 302


def test_sign_out(client, applicant):
    client.force_login(applicant)

    client.post(reverse("accounts:sign-out"))

    assert "_auth_user_id" not in client.session


def test_registration_is_limited_per_address(db, settings):
    settings.REGISTRATIONS_PER_ADDRESS = 2
    answers = [
        Client(REMOTE_ADDR=f"10.0.0.{n}").post(reverse("accounts:register"), {"email": "target@example.com", "password": "a-long-passphrase-here"}).status_code
        for n in range(3)
    ]

    assert answers == [302, 302, 429]


def test_registration_is_limited_per_client(db, settings):
    settings.REGISTRATIONS_PER_CLIENT = 3
    client = Client(REMOTE_ADDR="203.0.113.7")
    answers = [
        client.post(reverse("accounts:register"), {"email": f"staff{n}@example.com", "password": "a-long-passphrase-here"}).status_code
        for n in range(4)
    ]

    assert answers == [302, 302, 302, 429]
    assert "Try again in an hour" in client.post(reverse("accounts:register"), {"email": "other@example.com", "password": "a-long-passphrase-here"}).content.decode()
    assert User.objects.count() == 3


def _lock_out(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:sign-in"), {"username": user.email, "password": "wrong"})
    response = client.post(reverse("accounts:sign-in"), {"username": user.email, "password": "wrong"})
    assert response.status_code == 429
    # The cool-off passes.
    AccessAttempt.objects.all().delete()
    Attempt.objects.update(at=F("at") - settings.AXES_COOLOFF_TIME)
    return response


def test_the_lockout_page_says_how_the_lock_is_lifted(client, caseworker, settings):
    page = _lock_out(client, caseworker, settings).content.decode()

    assert "The lock lifts by itself after that time" in page
    assert "reset your password" in page and "they are emailed when a staff account is locked repeatedly" in page


def test_a_team_leader_is_alerted_when_a_staff_account_is_locked_repeatedly(caseworker, team_leader, applicant, settings):
    settings.STAFF_LOCKOUT_ALERT_AFTER = 3
    for _ in range(3):
        _lock_out(Client(), applicant, settings)
    for _ in range(2):
        _lock_out(Client(), caseworker, settings)
    assert run_outbox() == 0

    _lock_out(Client(), caseworker, settings)

    assert run_outbox() == 1
    message = mail.outbox[-1]
    assert message.to == [team_leader.email]
    assert caseworker.email in message.subject and "locked 3 times in the last 24 hours" in message.body


def test_attempts_during_one_lockout_count_as_one(client, caseworker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 5):
        client.post(reverse("accounts:sign-in"), {"username": caseworker.email, "password": "wrong"})

    assert Attempt.objects.filter(action="staff-lockout").count() == 1
