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


def test_sign_out(client, applicant):
    client.force_login(applicant)

    client.post(reverse("accounts:sign-out"))

    assert "_auth_user_id" not in client.session
