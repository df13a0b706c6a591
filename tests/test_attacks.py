"""Attacks that the service withstood when it was probed, kept as tests so that it goes on doing so.

Access control (another applicant's case: tests/applications/test_views.py), sign-in
lockout and sessions (tests/accounts), and the request-size cap
(tests/applications/test_views.py) have their own tests.
"""

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Application
from applications.services import application_create, application_save_answer
from tests.conftest import PASSWORD, signed_in
from tests.factories import in_review

SCRIPT = '<script>alert("x")</script>'


@pytest.mark.parametrize(
    "path_and_data",
    [
        lambda applicant: (reverse("applications:start"), {"route": "visitor"}),
        lambda applicant: (reverse("accounts:sign-out"), {}),
        lambda applicant: (reverse("accounts:password-reset"), {"email": applicant.email}),
    ],
    ids=["start-application", "sign-out", "password-reset"],
)
def test_a_form_posted_from_another_site_without_the_csrf_token_is_refused(applicant, path_and_data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    path, data = path_and_data(applicant)

    response = client.post(path, data)

    assert response.status_code == 403
    assert not applicant.applications.exists()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example"])
def test_signing_in_never_sends_the_user_to_another_site(client, applicant, target):
    response = client.post(f"{reverse('accounts:sign-in')}?next={target}", {"username": applicant.email, "password": PASSWORD})

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_text_an_applicant_types_is_shown_as_text_to_caseworkers_and_to_them(applicant, caseworker):
    application = in_review(applicant, caseworker)
    # As if typed before submission (the answers are frozen after it).
    Application.objects.filter(id=application.id).update(answers={**application.answers, "given_names": SCRIPT})

    pages = [
        signed_in(caseworker).get(reverse("casework:case", args=[application.id])).content.decode(),
        signed_in(applicant).get(reverse("applications:overview", args=[application.id])).content.decode(),
    ]

    for page in pages:
        assert SCRIPT not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in pages[0]


def test_an_answer_on_check_your_answers_is_escaped(applicant):
    application = application_create(applicant=applicant, route="visitor")
    application_save_answer(application=application, question=application.route_details.questions["given_names"], value=SCRIPT)

    page = signed_in(applicant).get(reverse("applications:check-answers", args=[application.id])).content.decode()

    assert SCRIPT not in page and "&lt;script&gt;" in page
