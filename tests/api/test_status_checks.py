import base64
import datetime

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiCall, Scope
from audit.models import AccessAction, AccessRecord
from casework.models import ShareCodeCheck, SharePurpose
from casework.share_codes import share_code_create, share_code_revoke
from tests.api.conftest import api, live_client, token_for, token_response
from tests import images
from tests.factories import granted

DOB = "1956-11-19"
RTW = "/api/v1/right-to-work/checks"
RTR = "/api/v1/right-to-rent/checks"


@pytest.fixture
def status(applicant, caseworker):
    status = granted(applicant, caseworker).immigration_status
    status.work_condition = "unrestricted"
    status.save()
    return status


@pytest.fixture
def employer(organisation_contact, team_leader):
    credentials = live_client(organisation_contact, team_leader)
    return api(token_for(credentials))


def _code(status, purpose=SharePurpose.RIGHT_TO_WORK, **kwargs):
    return share_code_create(status=status, holder=status.holder, purpose=purpose, **kwargs).code


def test_a_right_to_work_code_answers_whether_the_holder_may_work(employer, status):
    code = _code(status)

    response = employer.post(RTW, {"share_code": code, "date_of_birth": DOB}, content_type="application/json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["allowed_to_work"] is True
    assert body["name"] == status.application.full_name
    assert body["permission_ends"] == status.valid_until.isoformat()
    assert body["follow_up_check_due"] == status.valid_until.isoformat()
    assert body["photo"] is None and body["sandbox"] is False
    assert datetime.datetime.fromisoformat(body["checked_at"]).tzinfo is not None
    # Minimal: nothing of the rest of the record.
    assert set(body) == {"check_id", "checked_at", "sandbox", "name", "permission_starts", "permission_ends",
                         "follow_up_check_due", "photo", "allowed_to_work", "restrictions"}
    check = ShareCodeCheck.objects.get()
    assert (check.outcome, check.channel, check.organisation) == ("shown", "api", "Acme Recruitment Ltd")
    call = ApiCall.objects.get(id=body["check_id"])
    assert (call.status_code, call.result, call.purpose, call.share_code_check) == (200, "shown", "right_to_work", check)
    record = AccessRecord.objects.get(action=AccessAction.STATUS_CHECKED)
    assert (record.application_id, record.target, record.reason) == (status.application_id, "Acme Recruitment Ltd", "right_to_work")


def _post(client, url, code, dob=DOB):
    return client.post(url, {"share_code": code, "date_of_birth": dob}, content_type="application/json")


def _error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"] and isinstance(body["errors"], list)
    return body


def test_restrictions_are_given_with_the_answer(employer, status):
    status.work_condition = "limited"
    status.save()

    body = _post(employer, RTW, _code(status)).json()

    assert body["allowed_to_work"] is True
    assert body["restrictions"] == ["Work up to 20 hours a week in term time"]


def test_a_permission_without_work_or_one_that_ended_answers_no(employer, status):
    status.work_condition = "none"
    status.save()
    assert _post(employer, RTW, _code(status)).json()["allowed_to_work"] is False

    status.work_condition = "unrestricted"
    status.valid_from = timezone.localdate() - datetime.timedelta(days=400)
    status.valid_until = timezone.localdate() + datetime.timedelta(days=1)
    status.save()
    code = _code(status)
    status.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    status.save()
    body = _post(employer, RTW, code).json()
    assert body["allowed_to_work"] is False and body["follow_up_check_due"] is None


def test_the_holders_photo_is_shown_only_where_they_agreed(employer, status):
    status.photo = b"\xff\xd8\xff\xe0 a jpeg"
    status.save()

    without = _post(employer, RTW, _code(status)).json()
    with_photo = _post(employer, RTW, _code(status, show_photo=True)).json()

    assert without["photo"] is None
    assert with_photo["photo"]["content_type"] == "image/jpeg"
    assert base64.b64decode(with_photo["photo"]["data"]) == b"\xff\xd8\xff\xe0 a jpeg"


def test_a_right_to_rent_code_answers_only_the_right_to_rent(organisation_contact, team_leader, status):
    letting_agent = api(token_for(live_client(organisation_contact, team_leader, scopes=[Scope.RIGHT_TO_RENT, Scope.RIGHT_TO_WORK])))
    code = _code(status, SharePurpose.RIGHT_TO_RENT)

    body = _post(letting_agent, RTR, code).json()
    assert body["allowed_to_rent"] is True and "restrictions" not in body and "allowed_to_work" not in body

    # The same code cannot answer another purpose's question, even with the right date of birth.
    _error(_post(letting_agent, RTW, code), 409, "wrong_purpose")
    assert ShareCodeCheck.objects.filter(outcome="wrong_purpose").count() == 1


def test_a_code_made_for_something_else_answers_no_api_question(employer, status):
    _error(_post(employer, RTW, _code(status, SharePurpose.OTHER)), 409, "wrong_purpose")


def test_a_client_without_the_purposes_scope_is_refused(employer, status):
    response = _post(employer, RTR, _code(status, SharePurpose.RIGHT_TO_RENT))

    _error(response, 403, "insufficient_scope")
    assert not ShareCodeCheck.objects.exists()


def test_a_token_asked_for_a_scope_the_client_was_not_given_is_refused(organisation_contact, team_leader):
    credentials = live_client(organisation_contact, team_leader)

    response = token_response(credentials, "right_to_rent")

    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"


def test_a_wrong_date_of_birth_or_another_holders_code_is_not_found(employer, status, second_applicant, caseworker):
    code = _code(status)
    other = granted(second_applicant, caseworker, passport=images.hopper_passport(), selfie=images.hopper_selfie()).immigration_status
    other.application.answers["date_of_birth"] = "1970-05-01"
    other.application.save()
    other_code = share_code_create(status=other, holder=second_applicant, purpose=SharePurpose.RIGHT_TO_WORK).code

    wrong_dob = _error(_post(employer, RTW, code, "1956-11-20"), 404, "share_code_not_found")
    another_holders = _error(_post(employer, RTW, other_code, DOB), 404, "share_code_not_found")
    no_such_code = _error(_post(employer, RTW, "ABC DEF GHJ"), 404, "share_code_not_found")

    # One answer whatever was wrong.
    assert wrong_dob["message"] == another_holders["message"] == no_such_code["message"]
    assert list(ShareCodeCheck.objects.order_by("checked_at").values_list("outcome", flat=True)) == ["wrong_dob", "wrong_dob", "not_found"]
    assert not AccessRecord.objects.filter(action=AccessAction.STATUS_CHECKED).exists()


def test_the_pages_lockout_after_wrong_dates_of_birth_applies_to_the_api(employer, status, settings):
    code = _code(status)
    for day in range(1, settings.SHARE_CODE_WRONG_DOB_LIMIT + 1):
        _error(_post(employer, RTW, code, f"1956-01-{day:02d}"), 404, "share_code_not_found")

    _error(_post(employer, RTW, code), 404, "share_code_not_found")

    assert ShareCodeCheck.objects.order_by("-checked_at").first().outcome == "locked"


def test_an_expired_or_stopped_code_is_not_found(employer, status):
    expired = share_code_create(status=status, holder=status.holder, purpose=SharePurpose.RIGHT_TO_WORK)
    expired.share_code.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    expired.share_code.save()
    stopped = share_code_create(status=status, holder=status.holder, purpose=SharePurpose.RIGHT_TO_WORK)
    share_code_revoke(share_code=stopped.share_code, holder=status.holder)

    _error(_post(employer, RTW, expired.code), 404, "share_code_not_found")
    _error(_post(employer, RTW, stopped.code), 404, "share_code_not_found")

    assert set(ShareCodeCheck.objects.values_list("outcome", flat=True)) == {"expired", "revoked"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date_of_birth": DOB}, "share_code"),
        ({"share_code": "ABC"}, "date_of_birth"),
        ({"share_code": "ABC DEF", "date_of_birth": DOB}, "share_code"),
        ({"share_code": "ABC DEF GH1", "date_of_birth": DOB}, "share_code"),
        ({"share_code": "A" * 500, "date_of_birth": DOB}, "share_code"),
        ({"share_code": "ABC DEF GHJ", "date_of_birth": "19/11/1956"}, "date_of_birth"),
        ({"share_code": "ABC DEF GHJ", "date_of_birth": "1956-02-30"}, "date_of_birth"),
        ({"share_code": "ABC DEF GHJ", "date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"share_code": 123456789, "date_of_birth": DOB}, "share_code"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_checks_nothing(employer, body, field):
    response = employer.post(RTW, body, content_type="application/json")

    error = _error(response, 400, "invalid_request")
    assert field in [item["field"] for item in error["errors"]]
    assert not ShareCodeCheck.objects.exists()


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b"null", b"\xff\xfe", b'{"share_code": {"$gt": ""}}'])
def test_a_body_that_is_not_the_json_asked_for_is_a_400(employer, raw):
    response = employer.post(RTW, raw, content_type="application/json")

    _error(response, 400, "invalid_request")


def test_no_token_a_bad_token_or_an_expired_token_is_401(organisation_contact, team_leader, status):
    from oauth2_provider.models import AccessToken

    code = _code(status)
    for client in (Client(), api("not-a-token"), Client(HTTP_AUTHORIZATION="Basic abc")):
        response = _post(client, RTW, code)
        _error(response, 401, "unauthorised")
        assert response["WWW-Authenticate"].startswith("Bearer")
    token = token_for(live_client(organisation_contact, team_leader, organisation="Late Ltd"))
    AccessToken.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    _error(_post(api(token), RTW, code), 401, "unauthorised")
    assert not ShareCodeCheck.objects.exists()


def test_a_revoked_client_is_refused_at_once(organisation_contact, team_leader, status):
    from api.services import api_client_revoke

    credentials = live_client(organisation_contact, team_leader)
    employer = api(token_for(credentials))
    code = _code(status)
    assert _post(employer, RTW, code).status_code == 200

    api_client_revoke(client=credentials.client, actor=team_leader, note="Misuse")

    _error(_post(employer, RTW, code), 401, "unauthorised")
    response = token_response(credentials)
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_a_client_waiting_for_approval_gets_no_token(organisation_contact):
    from api.services import api_client_register

    credentials = api_client_register(
        contact=organisation_contact, organisation="New Ltd", use="Checks", scopes=[Scope.RIGHT_TO_WORK], environment="live"
    )

    response = token_response(credentials)

    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_over_its_quota_a_client_gets_429_with_retry_after_and_the_call_is_logged(organisation_contact, team_leader, status):
    employer = api(token_for(live_client(organisation_contact, team_leader, requests_per_minute=3)))
    code = _code(status)
    for _ in range(3):
        assert _post(employer, RTW, code).status_code == 200

    response = _post(employer, RTW, code)

    _error(response, 429, "quota_exceeded")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert ShareCodeCheck.objects.count() == 3
    assert list(ApiCall.objects.order_by("at").values_list("status_code", "over_quota")) == [(200, False)] * 3 + [(429, True)]
    # Refused calls do not count: once the oldest call is a minute old, the next goes through.
    ApiCall.objects.filter(over_quota=False).update(at=timezone.now() - datetime.timedelta(seconds=61))
    assert _post(employer, RTW, code).status_code == 200


def test_the_quota_is_per_client(organisation_contact, team_leader, status):
    first = api(token_for(live_client(organisation_contact, team_leader, requests_per_minute=1)))
    second = api(token_for(live_client(organisation_contact, team_leader, requests_per_minute=1, organisation="Other Ltd")))
    code = _code(status)

    assert _post(first, RTW, code).status_code == 200
    assert _post(first, RTW, code).status_code == 429
    assert _post(second, RTW, code).status_code == 200


def test_the_holder_sees_which_organisation_checked_through_the_api(employer, status):
    from tests.conftest import signed_in

    _post(employer, RTW, _code(status))

    page = signed_in(status.holder).get(f"/applications/{status.application_id}/share/").content.decode()
    assert "Acme Recruitment Ltd" in page and "Status API" in page and "Status shown" in page


def test_a_client_lists_and_reads_its_own_checks_and_no_one_elses(organisation_contact, team_leader, status):
    first = api(token_for(live_client(organisation_contact, team_leader)))
    second = api(token_for(live_client(organisation_contact, team_leader, organisation="Other Ltd")))
    shown = _post(first, RTW, _code(status)).json()
    _post(first, RTW, "ABC DEF GHJ")

    listing = first.get("/api/v1/checks").json()
    assert listing["count"] == 2 and listing["page"] == 1 and listing["pages"] == 1
    assert [item["result"] for item in listing["items"]] == ["share_code_not_found", "shown"]
    one = first.get(f"/api/v1/checks/{shown['check_id']}").json()
    assert one == {"check_id": shown["check_id"], "checked_at": shown["checked_at"], "purpose": "right_to_work", "result": "shown"}
    _error(second.get(f"/api/v1/checks/{shown['check_id']}"), 404, "check_not_found")
    assert second.get("/api/v1/checks").json()["count"] == 0
    _error(first.get("/api/v1/checks?page=0"), 400, "invalid_request")
    _error(first.get("/api/v1/checks/not-a-uuid"), 400, "invalid_request")
