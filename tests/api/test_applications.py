import datetime
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import State
from applications.services import application_withdraw
from casework.services import case_request_information
from identity.models import IdentityCheck
from tests import images
from tests.conftest import signed_in
from tests.factories import checked, draft_application, granted, in_review, refused, submitted

LIST = "/api/v1/applications"


def _url(application) -> str:
    return f"{LIST}/{application.id}"


def _status(user, application) -> dict:
    response = signed_in(user).get(_url(application))
    assert response.status_code == 200, response.content
    return response.json()


def _assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == code and body["message"] and isinstance(body["errors"], list)


def test_while_the_identity_check_waits_the_applicant_has_nothing_to_do(applicant, settings):
    application = submitted(applicant)

    body = _status(applicant, application)

    assert (body["id"], body["reference"], body["route"]) == (str(application.id), application.reference, "visitor")
    assert (body["state"], body["status_text"]) == ("identity_checking", "Checking identity")
    assert body["next_step"]["url"] is None
    assert "checking your identity" in body["next_step"]["text"]
    check = body["identity_check"]
    assert (check["attempt"], check["progress"], check["started_at"], check["finished_at"]) == (1, "waiting", None, None)
    assert check["attempts_left"] == settings.IDENTITY_MAX_ATTEMPTS - 1
    assert check["new_photos_because"] == []
    assert datetime.datetime.fromisoformat(check["queued_at"]).tzinfo is not None
    # The service standard's clock starts only once identity is confirmed.
    assert body["decision_expected_by"] is None and body["decided_at"] is None


def test_a_check_a_worker_has_taken_is_running(applicant):
    application = submitted(applicant)
    # What the worker's claim does (identity.services._claim).
    IdentityCheck.objects.filter(application=application).update(
        status=IdentityCheck.Status.RUNNING, claimed_by="task-1", started_at=timezone.now()
    )

    check = _status(applicant, application)["identity_check"]

    assert check["progress"] == "running"
    assert check["started_at"] is not None and check["finished_at"] is None


def test_a_finished_check_moves_the_application_on_and_gives_a_decision_date(applicant):
    application = checked(applicant, route="skilled-worker")

    body = _status(applicant, application)

    assert body["state"] == State.READY_FOR_CASEWORK
    assert body["status_text"] == "With a caseworker"
    assert body["next_step"] == {"text": "Nothing to do: we will email you when we have decided", "url": None}
    assert body["identity_check"]["progress"] == "finished"
    assert body["identity_check"]["finished_at"] is not None
    assert datetime.date.fromisoformat(body["decision_expected_by"]) > timezone.localdate()


def test_poor_photos_ask_for_new_ones_and_say_why(applicant, settings):
    application = checked(applicant, selfie=images.dark_selfie())

    body = _status(applicant, application)

    assert (body["state"], body["status_text"]) == ("identity_retry", "New photos needed")
    assert body["next_step"] == {"text": "Send new photos", "url": reverse("applications:photos", args=[application.id])}
    check = body["identity_check"]
    assert check["progress"] == "finished"
    reasons = application.identity_checks.get().reason_texts
    assert reasons and check["new_photos_because"] == reasons
    assert check["attempts_left"] == settings.IDENTITY_MAX_ATTEMPTS - 1


def test_a_check_a_caseworker_must_review_is_still_checking_identity_to_the_applicant(applicant):
    application = checked(applicant, selfie=images.hopper_selfie())

    body = _status(applicant, application)

    assert body["state"] == State.IDENTITY_ADJUDICATION
    assert body["status_text"] == "Checking identity"
    assert body["identity_check"]["progress"] == "finished"
    assert body["next_step"]["url"] is None


def test_a_draft_is_to_be_finished_and_has_no_check(applicant):
    application = draft_application(applicant)

    body = _status(applicant, application)

    assert (body["state"], body["status_text"], body["reference"], body["submitted_at"]) == ("draft", "Draft", None, None)
    assert body["next_step"] == {"text": "Finish your application and submit it", "url": reverse("applications:overview", args=[application.id])}
    assert body["identity_check"] is None


def test_a_request_for_information_is_to_be_answered_by_its_date(applicant, caseworker):
    application = in_review(applicant, caseworker)
    respond_by = timezone.localdate() + datetime.timedelta(days=14)
    case_request_information(application=application, actor=caseworker, message="Send your bank statements.", respond_by=respond_by)

    body = _status(applicant, application)

    assert (body["state"], body["status_text"]) == ("awaiting_information", "Waiting for information from you")
    assert body["next_step"] == {
        "text": f"Reply to our request for information by {respond_by.day} {respond_by:%B %Y}",
        "url": reverse("applications:respond", args=[application.id]),
    }
    # The clock stops while we wait for the applicant: no date is promised.
    assert body["decision_expected_by"] is None


def test_with_a_caseworker_there_is_nothing_to_do(applicant, caseworker):
    body = _status(applicant, in_review(applicant, caseworker))

    assert (body["state"], body["status_text"]) == ("in_review", "With a caseworker")
    assert body["next_step"] == {"text": "Nothing to do: we will email you when we have decided", "url": None}


@pytest.mark.parametrize("decide, state, status_text", [
    (lambda applicant, caseworker, senior: granted(applicant, caseworker), "granted", "Granted"),
    (refused, "refused", "Refused"),
], ids=["granted", "refused"])
def test_a_decision_points_to_its_letter(applicant, caseworker, senior_caseworker, decide, state, status_text):
    application = decide(applicant, caseworker, senior_caseworker)

    body = _status(applicant, application)

    assert (body["state"], body["status_text"]) == (state, status_text)
    assert body["decided_at"] is not None and body["decision_expected_by"] is None
    assert body["next_step"] == {"text": "Read your decision letter", "url": reverse("holder:letter", args=[application.id])}


def test_a_withdrawn_application_has_no_next_step(applicant):
    application = submitted(applicant)
    application_withdraw(application=application, actor=applicant)

    body = _status(applicant, application)

    assert (body["state"], body["status_text"], body["next_step"]) == ("withdrawn", "Withdrawn", None)


def test_someone_elses_application_is_not_found(applicant, second_applicant, caseworker):
    application = submitted(applicant)

    for user in (second_applicant, caseworker):
        _assert_error(signed_in(user).get(_url(application)), 404, "not_found")


def test_an_unknown_or_malformed_id_is_a_json_error(applicant):
    client = signed_in(applicant)

    _assert_error(client.get(f"{LIST}/{uuid.uuid4()}"), 404, "not_found")
    response = client.get(f"{LIST}/not-a-uuid")
    _assert_error(response, 400, "invalid_request")
    assert response.json()["errors"][0]["field"] == "application_id"


def test_without_signing_in_the_answer_is_401_in_the_error_shape(applicant):
    application = submitted(applicant)

    for url in (LIST, _url(application)):
        _assert_error(Client().get(url), 401, "unauthorised")


def test_polling_with_the_etag_costs_a_304_until_the_application_changes(applicant, caseworker):
    application = submitted(applicant)
    client = signed_in(applicant)

    first = client.get(_url(application))
    etag = first["ETag"]
    again = client.get(_url(application), HTTP_IF_NONE_MATCH=etag)

    assert first.status_code == 200 and etag.startswith('"')
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    assert "no-cache" in again["Cache-Control"]

    from applications.identity_checks import application_identity_check_run

    application_identity_check_run(application_id=application.id, task_id="task-1")
    changed = client.get(_url(application), HTTP_IF_NONE_MATCH=etag)

    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["state"] != "identity_checking"


def test_the_list_has_only_the_applicants_own_applications(applicant, second_applicant):
    first = submitted(applicant)
    draft = draft_application(applicant, photos=False)
    second = submitted(second_applicant)

    response = signed_in(applicant).get(LIST)

    assert response.status_code == 200, response.content
    assert [item["id"] for item in response.json()["items"]] == [str(draft.id), str(first.id)]
    assert [item["id"] for item in signed_in(second_applicant).get(LIST).json()["items"]] == [str(second.id)]


def test_the_openapi_document_lists_every_answer_the_operations_give(applicant):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]

    assert set(paths[LIST]["get"]["responses"]) == {"200", "401"}
    assert set(paths[LIST + "/{application_id}"]["get"]["responses"]) == {"200", "304", "400", "401", "404"}
