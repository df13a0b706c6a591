from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD


def test_register_creates_an_account_and_signs_in(client, db):
    response = client.post(
        reverse("accounts:register"), {"email": "New.Person@Example.com", "password": "a-long-passphrase-here"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("applications:list")
    assert response.context["user"].email == "new.person@example.com"
    assert User.objects.filter(email="new.person@example.com").exists()


def test_register_refuses_a_weak_password_and_a_taken_email(client, applicant):
    response = client.post(reverse("accounts:register"), {"email": applicant.email, "password": "12345"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "An account with this email address already exists" in page
    assert User.objects.count() == 1


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
