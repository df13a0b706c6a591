import pytest
from django.urls import reverse

from applications.models import Application, State
from applications.services import application_submit
from applications.workflow import ConflictError, WorkflowError
from casework.services import case_decide
from identity.services import identity_check_run
from tests import images
from tests.conftest import signed_in
from tests.factories import draft_application


def _case(applicant, **photos) -> Application:
    """A submitted application whose identity check has run."""
    application = application_submit(application=draft_application(applicant, **photos), actor=applicant)
    identity_check_run(check_id=application.identity_checks.get().id)
    application.refresh_from_db()
    return application


def test_applicants_cannot_see_the_queue_or_cases(applicant):
    application = _case(applicant)
    client = signed_in(applicant)

    assert client.get(reverse("casework:queue")).status_code == 403
    assert client.get(reverse("casework:case", args=[application.id])).status_code == 403
    assert client.post(reverse("casework:decision", args=[application.id]), {"decision": "grant"}).status_code == 403
    application.refresh_from_db()
    assert application.state == State.READY_FOR_CASEWORK


def test_queue_lists_cases_waiting_for_a_decision_oldest_first(applicant, second_applicant, caseworker):
    first = _case(applicant)
    second = _case(second_applicant, selfie=images.hopper_selfie())
    draft_application(applicant)

    response = signed_in(caseworker).get(reverse("casework:queue"))

    assert [case.id for case in response.context["cases"]] == [first.id, second.id]
    assert first.reference in response.content.decode()


def test_case_page_shows_the_identity_result(applicant, caseworker):
    application = _case(applicant)

    response = signed_in(caseworker).get(reverse("casework:case", args=[application.id]))

    page = response.content.decode()
    check = application.identity_checks.get()
    assert f"{check.distance:.3f}" in page
    assert "Passed" in page
    assert reverse("applications:document", args=[check.selfie_id]) in page
    assert response.context["form"].fields["decision"].choices == [("grant", "Grant"), ("refuse", "Refuse")]


def test_a_draft_is_not_a_case(applicant, caseworker):
    application = draft_application(applicant)

    assert signed_in(caseworker).get(reverse("casework:case", args=[application.id])).status_code == 404


def test_caseworker_grants_and_the_applicant_sees_it(applicant, caseworker):
    application = _case(applicant)

    response = signed_in(caseworker).post(
        reverse("casework:decision", args=[application.id]), {"decision": "grant", "reason": "Meets the rules."}, follow=True
    )

    assert "granted" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.GRANTED
    event = application.events.last()
    assert (event.transition, event.actor, event.from_state) == ("grant", caseworker, State.READY_FOR_CASEWORK)
    status_page = signed_in(applicant).get(reverse("applications:overview", args=[application.id])).content.decode()
    assert "Your application has been granted" in status_page
    assert "Meets the rules." in status_page


def test_refusal_needs_reasons(applicant, caseworker):
    application = _case(applicant)

    response = signed_in(caseworker).post(reverse("casework:decision", args=[application.id]), {"decision": "refuse"})

    assert response.status_code == 400
    assert "Enter the reasons for the refusal" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.READY_FOR_CASEWORK


def test_failed_identity_can_be_refused_but_not_granted(applicant, caseworker):
    application = _case(applicant, selfie=images.hopper_selfie())
    assert application.state == State.IDENTITY_ADJUDICATION
    client = signed_in(caseworker)

    client.post(reverse("casework:decision", args=[application.id]), {"decision": "grant"})
    application.refresh_from_db()
    assert application.state == State.IDENTITY_ADJUDICATION

    client.post(reverse("casework:decision", args=[application.id]), {"decision": "refuse", "reason": "Not the passport holder."})
    application.refresh_from_db()
    assert application.state == State.REFUSED


def test_deciding_a_decided_case_is_refused_with_a_message(applicant, caseworker):
    application = _case(applicant)
    client = signed_in(caseworker)
    client.post(reverse("casework:decision", args=[application.id]), {"decision": "grant"})

    response = client.post(
        reverse("casework:decision", args=[application.id]), {"decision": "refuse", "reason": "Changed my mind."}, follow=True
    )

    assert response.status_code == 200
    assert "no decision can be made on it now" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.GRANTED
    assert application.events.filter(transition__in=["grant", "refuse"]).count() == 1


def test_two_caseworkers_deciding_at_once_one_wins_and_the_other_is_told(applicant, caseworker, senior_caseworker):
    application = _case(applicant)
    # Both caseworkers opened the case before either decided.
    seen_by_first = Application.objects.get(id=application.id)
    seen_by_second = Application.objects.get(id=application.id)

    case_decide(application=seen_by_first, actor=caseworker, decision="grant", reason="")
    with pytest.raises(ConflictError, match="Someone else changed this application"):
        case_decide(application=seen_by_second, actor=senior_caseworker, decision="refuse", reason="No.")

    application.refresh_from_db()
    assert application.state == State.GRANTED
    assert application.events.filter(transition__in=["grant", "refuse"]).count() == 1


def test_a_user_without_the_permission_cannot_decide(applicant):
    application = _case(applicant)

    with pytest.raises(WorkflowError, match="permission"):
        case_decide(application=application, actor=applicant, decision="grant", reason="")
