import base64
import io

import pytest
from django.test import Client
from PIL import Image

from api.models import ApiCall
from api.sandbox import SANDBOX
from applications.models import Application
from casework.models import ShareCodeCheck
from tests.api.conftest import api, sandbox_client, token_for

RTW = "/api/v1/right-to-work/checks"
RTR = "/api/v1/right-to-rent/checks"


@pytest.fixture
def sandbox(organisation_contact):
    return api(token_for(sandbox_client(organisation_contact)))


@pytest.mark.parametrize("entry", SANDBOX, ids=lambda entry: entry.code)
def test_every_sandbox_code_gives_its_documented_answer(sandbox, entry):
    url = RTW if entry.purpose == "right_to_work" else RTR
    response = sandbox.post(url, {"share_code": entry.code, "date_of_birth": entry.date_of_birth.isoformat()}, content_type="application/json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["sandbox"] is True and body["name"] == entry.name
    assert body["allowed_to_work" if url == RTW else "allowed_to_rent"] is entry.allowed
    assert body["permission_ends"] == (entry.valid_until.isoformat() if entry.valid_until else None)
    if entry.photo:
        assert Image.open(io.BytesIO(base64.b64decode(body["photo"]["data"]))).format == "JPEG"
    else:
        assert body["photo"] is None


def test_the_sandbox_never_touches_real_records(sandbox, organisation_contact):
    entry = SANDBOX[0]
    sandbox.post(RTW, {"share_code": entry.code, "date_of_birth": "2000-01-01"}, content_type="application/json")
    sandbox.post(RTW, {"share_code": entry.code, "date_of_birth": entry.date_of_birth.isoformat()}, content_type="application/json")

    assert not ShareCodeCheck.objects.exists()
    assert not Application.objects.exists()
    assert list(ApiCall.objects.order_by("at").values_list("result", flat=True)) == ["share_code_not_found", "shown"]


def test_the_sandbox_answers_wrong_purpose_and_not_found_as_live_does(sandbox):
    rent = next(entry for entry in SANDBOX if entry.purpose == "right_to_rent")

    wrong = sandbox.post(RTW, {"share_code": rent.code, "date_of_birth": rent.date_of_birth.isoformat()}, content_type="application/json")
    unknown = sandbox.post(RTW, {"share_code": "ABC DEF GHJ", "date_of_birth": "1990-01-01"}, content_type="application/json")

    assert (wrong.status_code, wrong.json()["code"]) == (409, "wrong_purpose")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "share_code_not_found")


def test_a_sandbox_code_means_nothing_to_a_live_client(organisation_contact, team_leader):
    from tests.api.conftest import live_client

    live = api(token_for(live_client(organisation_contact, team_leader)))
    entry = SANDBOX[0]

    response = live.post(RTW, {"share_code": entry.code, "date_of_birth": entry.date_of_birth.isoformat()}, content_type="application/json")

    assert response.status_code == 404


def test_the_openapi_document_describes_every_operation_its_errors_and_the_oauth_flow(db):
    document = Client().get("/api/v1/openapi.json").json()

    assert document["openapi"].startswith("3.")
    operations = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert operations == {
        ("POST", "/api/v1/right-to-work/checks"), ("POST", "/api/v1/right-to-rent/checks"),
        ("GET", "/api/v1/checks"), ("GET", "/api/v1/checks/{check_id}"),
        ("GET", "/api/v1/applications"), ("GET", "/api/v1/applications/{application_id}"),
        ("GET", "/api/v1/statistics"),
    }
    flows = {scheme["type"]: scheme for scheme in document["components"]["securitySchemes"].values()}
    assert flows["oauth2"]["flows"]["clientCredentials"]["tokenUrl"] == "/api/v1/oauth/token/"
    check = document["paths"]["/api/v1/right-to-work/checks"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "429"} <= set(check["responses"])


def test_the_statistics_are_open_and_answer_304_to_their_etag(db):
    first = Client().get("/api/v1/statistics")

    assert first.status_code == 200 and first["ETag"]
    assert set(first.json()) == {"figures_as_of", "suppression", "rows"}
    again = Client().get("/api/v1/statistics", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]


def test_unknown_paths_and_methods_answer_in_the_error_shape(db):
    missing = Client().get("/api/v1/no-such-thing")
    wrong_method = Client().delete("/api/v1/statistics")

    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert wrong_method.status_code == 405
