"""Security headers on every kind of response the service gives."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD, signed_in
from tests.factories import draft_application, granted

CAMERA_ALLOWED = "camera=(self)"
CAMERA_DENIED = "camera=()"


def _page_kinds(applicant, caseworker) -> dict[str, tuple[Client, str, str, int]]:
    """name: (client, method, path, expected status)."""
    application = granted(applicant, caseworker)
    document = application.documents.first()
    anonymous, own, staff = Client(), signed_in(applicant), signed_in(caseworker)
    return {
        "start page": (anonymous, "get", reverse("home"), 200),
        "form": (anonymous, "get", reverse("accounts:sign-in"), 200),
        "form with errors": (anonymous, "post", reverse("accounts:sign-in"), 200),
        "redirect": (anonymous, "get", reverse("applications:list"), 302),
        "not found": (anonymous, "get", "/no-such-page/", 404),
        "forbidden": (own, "get", reverse("casework:queue"), 403),
        "staff page": (staff, "get", reverse("casework:case", args=[application.id]), 200),
        "uploaded file": (own, "get", reverse("applications:document", args=[document.id]), 200),
        "decision letter PDF": (own, "get", reverse("holder:letter-pdf", args=[application.id]), 200),
        "JSON": (anonymous, "get", reverse("synthetic:mailbox"), 403),
        "static file": (anonymous, "get", "/assets/app.css", 200),
        "admin sign-in": (anonymous, "get", "/admin/login/", 200),
    }


def _assert_secure(response) -> None:
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert CAMERA_DENIED in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_every_kind_of_response_has_the_security_headers(applicant, caseworker, settings):
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    for name, (client, method, path, status) in _page_kinds(applicant, caseworker).items():
        response = getattr(client, method)(path)

        if response.streaming:
            b"".join(response.streaming_content)
            if response.file_to_stream:
                response.file_to_stream.close()  # the server would close it once sent

        assert response.status_code == status, name
        _assert_secure(response)


def test_an_error_page_has_the_security_headers(client, settings):
    settings.ROOT_URLCONF = "tests.config.urls_with_a_bug"
    client.raise_request_exception = False

    response = client.get("/bug/")

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    _assert_secure(response)


def test_a_refused_oversized_request_has_the_security_headers(client, settings):
    settings.REQUEST_MAX_BYTES = 1000

    response = client.post(reverse("accounts:sign-in"), {"username": "x" * 2000})

    assert response.status_code == 413
    _assert_secure(response)


def test_the_inline_script_carries_the_responses_nonce(client):
    response = client.get(reverse("home"))

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert client.get(reverse("home"))["Content-Security-Policy"] != response["Content-Security-Policy"]


def test_only_the_photos_page_may_use_the_camera(applicant):
    application = draft_application(applicant, photos=False)
    client = signed_in(applicant)

    photos = client.get(reverse("applications:photos", args=[application.id]))
    overview = client.get(reverse("applications:overview", args=[application.id]))

    assert CAMERA_ALLOWED in photos["Permissions-Policy"]
    assert "microphone=()" in photos["Permissions-Policy"]
    assert CAMERA_DENIED in overview["Permissions-Policy"]


@pytest.mark.django_db
def test_the_admin_serves_its_pages_and_searches_applications_by_name(applicant, settings):
    admin = User.objects.create_superuser(email="root@example.com", password=PASSWORD)
    draft_application(applicant, photos=False)
    client = signed_in(admin)

    login = Client().get("/admin/login/")
    search = client.get("/admin/applications/application/", {"q": "Eileen"})
    other = client.get("/admin/applications/application/", {"q": "Nobody"})

    assert login.status_code == 200
    assert search.status_code == 200 and search.context["cl"].result_count == 1
    assert other.status_code == 200 and other.context["cl"].result_count == 0
