from django.urls import reverse

from applications.models import Application
from tests.conftest import signed_in
from tests.factories import draft_application


def _tasks(applicant, application):
    return {task.title: task.status for task in signed_in(applicant).get(reverse("applications:overview", args=[application.id])).context["tasks"]}


def test_a_new_application_has_every_section_not_started_and_cannot_be_submitted_yet(applicant):
    application = Application.objects.create(applicant=applicant, route="student")

    tasks = _tasks(applicant, application)

    assert tasks == {
        "Personal details": "not_started",
        "Contact details": "not_started",
        "Passport": "not_started",
        "Your stay": "not_started",
        "Your course": "not_started",
        "Proof you can support yourself": "not_started",
        "Your passport photo and a photo of your face": "not_started",
        "Check your answers and submit": "cannot_start",
    }


def test_a_section_is_in_progress_until_every_required_question_is_answered(applicant):
    application = Application.objects.create(applicant=applicant, route="visitor")
    client = signed_in(applicant)

    client.post(reverse("applications:question", args=[application.id, "given_names"]), {"answer": "Eileen"})
    assert _tasks(applicant, application)["Personal details"] == "in_progress"

    client.post(reverse("applications:question", args=[application.id, "family_name"]), {"answer": "Collins"})
    client.post(reverse("applications:question", args=[application.id, "date_of_birth"]), {"answer_day": "1", "answer_month": "2", "answer_year": "1960"})
    client.post(reverse("applications:question", args=[application.id, "sex"]), {"answer": "F"})
    assert _tasks(applicant, application)["Personal details"] == "completed"


def test_a_section_link_goes_to_its_first_unanswered_question(applicant):
    application = Application.objects.create(applicant=applicant, route="visitor")
    signed_in(applicant).post(reverse("applications:question", args=[application.id, "given_names"]), {"answer": "Eileen"})

    page = signed_in(applicant).get(reverse("applications:overview", args=[application.id])).content.decode()

    assert reverse("applications:question", args=[application.id, "family_name"]) in page


def test_a_complete_application_can_go_to_check_your_answers(applicant):
    application = draft_application(applicant, route="settlement")

    tasks = _tasks(applicant, application)

    assert set(tasks.values()) == {"completed", "not_started"}
    assert tasks["Check your answers and submit"] == "not_started"


def test_optional_evidence_does_not_hold_up_submission(applicant):
    application = draft_application(applicant, route="visitor")

    tasks = _tasks(applicant, application)

    assert tasks["Bank statements"] == "optional"
    assert tasks["Check your answers and submit"] == "not_started"


def test_check_your_answers_shows_every_answer_with_a_change_link(applicant):
    application = draft_application(applicant, route="skilled-worker")

    page = signed_in(applicant).get(reverse("applications:check-answers", args=[application.id])).content.decode()

    assert "Eileen Marie" in page and "United States" in page and "C2G7M3J4K5L" in page
    change = reverse("applications:question", args=[application.id, "cos_reference"]) + "?change=1"
    assert f'href="{change}"' in page
    assert "Accept and submit" in page


def test_an_unconfirmed_email_address_holds_up_submission(applicant):
    applicant.email_confirmed_at = None
    applicant.save()
    application = draft_application(applicant)

    page = signed_in(applicant).get(reverse("applications:check-answers", args=[application.id])).content.decode()

    assert f"Confirm your email address with the link we sent to {applicant.email}" in page
    response = signed_in(applicant).post(reverse("applications:check-answers", args=[application.id]), {"declaration": "on"}, follow=True)
    assert "There is a problem to fix before you submit" in response.content.decode()
    application.refresh_from_db()
    assert application.is_draft
