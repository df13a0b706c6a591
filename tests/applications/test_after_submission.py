import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.models import InformationRequest, State
from applications.notifications import application_email_enqueue
from applications.services import application_submit
from applications.service_standard import add_working_days
from applications.identity_checks import application_identity_check_run
from tests import images
from outbox.models import Email
from tests.conftest import run_outbox, signed_in
from tests.factories import checked, draft_application, granted, in_review, refused, upload


def _submitted(applicant, **kwargs):
    return application_submit(application=draft_application(applicant, **kwargs), actor=applicant)


def _with_caseworker(applicant):
    return checked(applicant)


def _status(applicant, application) -> str:
    return signed_in(applicant).get(reverse("applications:overview", args=[application.id])).content.decode()


def test_status_page_shows_what_has_happened_in_plain_language(applicant):
    application = _with_caseworker(applicant)

    page = _status(applicant, application)

    for text in ["Application submitted", "Identity check started", "Identity confirmed", "With a caseworker"]:
        assert text in page


def test_the_service_standard_date_counts_working_days_from_identity_confirmed(applicant):
    application = _submitted(applicant)
    assert "within 15 working days of confirming your identity" in _status(applicant, application)

    application_identity_check_run(application_id=application.id)

    due = add_working_days(timezone.localdate(), 15)
    assert f"We aim to decide by <strong>{due:%-d %B %Y}</strong>" in _status(applicant, application)


def _withdraw(applicant, application, answer):
    return signed_in(applicant).post(reverse("applications:withdraw", args=[application.id]), {"confirm": answer}, follow=True)


def test_withdrawal_needs_confirmation(applicant):
    application = _submitted(applicant)

    response = _withdraw(applicant, application, "no")

    application.refresh_from_db()
    assert application.state == State.IDENTITY_CHECKING
    assert response.redirect_chain[-1][0] == reverse("applications:overview", args=[application.id])
    page = signed_in(applicant).post(reverse("applications:withdraw", args=[application.id]), {}).content.decode()
    assert "Select yes if you want to withdraw this application" in page


def test_a_withdrawn_application_cannot_be_changed_or_withdrawn_again(applicant):
    application = _submitted(applicant)

    response = _withdraw(applicant, application, "yes")

    assert "Your application has been withdrawn" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    assert application.events.last().actor == applicant
    again = _withdraw(applicant, application, "yes")
    assert "cannot be withdrawn" in again.content.decode()
    assert application.events.filter(transition="withdraw").count() == 1


def test_a_check_that_finishes_after_withdrawal_leaves_it_withdrawn(applicant):
    application = _submitted(applicant)
    _withdraw(applicant, application, "yes")

    application_identity_check_run(application_id=application.id)

    application.refresh_from_db()
    assert application.state == State.WITHDRAWN


def test_a_withdrawn_application_says_so_not_when_a_decision_is_due(applicant):
    application = _with_caseworker(applicant)

    _withdraw(applicant, application, "yes")

    page = _status(applicant, application)
    assert "You withdrew this application on" in page
    assert "We aim to decide" not in page and "The decision was made" not in page


def test_a_draft_can_be_deleted_by_withdrawing_it(applicant):
    application = draft_application(applicant)

    _withdraw(applicant, application, "yes")
    for page in ["confirmation", "check-answers"]:
        response = signed_in(applicant).get(reverse(f"applications:{page}", args=[application.id]))
        assert response["Location"] == reverse("applications:overview", args=[application.id])

    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    response = signed_in(applicant).post(reverse("applications:question", args=[application.id, "given_names"]), {"answer": "X"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.answers["given_names"] == "Eileen Marie"


def _request_information(caseworker, application):
    respond_by = timezone.localdate() + datetime.timedelta(days=10)
    return signed_in(caseworker).post(
        reverse("casework:information-request", args=[application.id]),
        {"message": "Send your last 3 payslips.", "respond_by_day": respond_by.day,
         "respond_by_month": respond_by.month, "respond_by_year": respond_by.year},
    )


def test_a_caseworker_asks_for_information_and_the_applicant_answers(applicant, caseworker):
    application = in_review(applicant, caseworker)

    _request_information(caseworker, application)

    application.refresh_from_db()
    assert application.state == State.AWAITING_INFORMATION
    page = _status(applicant, application)
    assert "Send your last 3 payslips." in page
    assert "The clock has stopped until you reply" in page

    response = signed_in(applicant).post(
        reverse("applications:respond", args=[application.id]),
        {"response": "Attached.", "files": [upload("payslips.pdf", images.pdf(), "application/pdf"), upload("p.jpg", images.astronaut_selfie())]},
        follow=True,
    )

    assert "your answer has been sent to the caseworker" in response.content.decode()
    application.refresh_from_db()
    # Back with the caseworker who asked.
    assert (application.state, application.assigned_to) == (State.IN_REVIEW, caseworker)
    request = InformationRequest.objects.get()
    assert request.response == "Attached." and request.responded_at
    assert sorted(request.documents.values_list("original_name", flat=True)) == ["p.jpg", "payslips.pdf"]
    case_page = signed_in(caseworker).get(reverse("casework:case", args=[application.id])).content.decode()
    assert "Attached." in case_page and "payslips.pdf" in case_page


def test_an_answer_needs_text_and_at_most_three_good_files(applicant, caseworker):
    application = in_review(applicant, caseworker)
    _request_information(caseworker, application)
    url = reverse("applications:respond", args=[application.id])

    empty = signed_in(applicant).post(url, {"response": ""})
    bad_file = signed_in(applicant).post(url, {"response": "Here", "files": [upload("x.pdf", images.text(), "application/pdf")]})
    too_many = signed_in(applicant).post(url, {"response": "Here", "files": [upload(f"{n}.pdf", images.pdf(), "application/pdf") for n in range(4)]})

    assert "Enter your answer" in empty.content.decode()
    assert "The file x.pdf must be a JPG, PNG or PDF file" in bad_file.content.decode()
    assert "Upload at most 3 files" in too_many.content.decode()
    application.refresh_from_db()
    assert application.state == State.AWAITING_INFORMATION


def test_answering_twice_changes_nothing(applicant, caseworker):
    application = in_review(applicant, caseworker)
    _request_information(caseworker, application)
    url = reverse("applications:respond", args=[application.id])
    signed_in(applicant).post(url, {"response": "First."})

    response = signed_in(applicant).post(url, {"response": "Second."}, follow=True)

    assert "There is no request for information to answer" in response.content.decode()
    assert InformationRequest.objects.get().response == "First."
    assert application.events.filter(transition="provide_information").count() == 1


@pytest.mark.parametrize(("decision", "heading", "because"), [("grant", "granted", "Meets the rules."), ("refuse", "refused", "Not enough funds shown.")])
def test_the_applicant_reads_and_downloads_the_decision_letter(applicant, caseworker, senior_caseworker, decision, heading, because):
    application = granted(applicant, caseworker) if decision == "grant" else refused(applicant, caseworker, senior_caseworker)

    status = _status(applicant, application)
    letter = signed_in(applicant).get(reverse("holder:letter", args=[application.id])).content.decode()
    pdf = signed_in(applicant).get(reverse("holder:letter-pdf", args=[application.id]))

    assert f"Your application has been {heading}" in status
    assert reverse("holder:letter", args=[application.id]) in status
    assert "Dear Eileen Marie Collins" in letter and because in letter
    assert application.reference in letter
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="decision-{application.reference}.pdf"'
    assert pdf.content.startswith(b"%PDF-") and len(pdf.content) > 1000


def test_there_is_no_letter_before_a_decision(applicant):
    application = _submitted(applicant)

    assert signed_in(applicant).get(reverse("holder:letter", args=[application.id])).status_code == 404


@pytest.mark.parametrize(
    ("kind", "subject", "body"),
    [
        ("submitted", "We have received your application", "Your reference number is"),
        ("information_requested", "We need more information", "Send your last 3 payslips."),
        ("decided", "A decision has been made", "read your decision letter"),
    ],
)
def test_emails_name_the_reference_and_link_to_the_application(applicant, caseworker, kind, subject, body):
    application = in_review(applicant, caseworker)
    _request_information(caseworker, application)

    application_email_enqueue(application=application, kind=kind, event=application.events.last())
    run_outbox()

    message = mail.outbox[-1]
    assert message.to == [applicant.email]
    assert subject in message.subject and message.subject.endswith(application.reference)
    assert body in message.body
    assert f"/applications/{application.id}/" in message.body


def test_the_email_is_written_with_the_transition_and_sent_by_the_outbox(applicant, caseworker):
    application = in_review(applicant, caseworker)
    run_outbox()
    mail.outbox.clear()

    _request_information(caseworker, application)

    event = application.events.last()
    assert Email.objects.get(key=f"application-email:information_requested:{event.id}").status == Email.Status.PENDING
    assert mail.outbox == []
    run_outbox()
    assert [message.subject for message in mail.outbox] == [f"We need more information for your application {application.reference}"]
