import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiCall, ApiClient, Scope
from api.services import api_client_register
from tests.api.conftest import api, live_client, sandbox_client, token_for, token_response
from tests.conftest import signed_in

NEW = reverse("api-clients:new")
REVIEW = reverse("api-clients:review")
REGISTRATION = {
    "organisation": "Acme Recruitment Ltd",
    "use": "Right to work checks for new starters.",
    "scopes": [Scope.RIGHT_TO_WORK],
    "environment": ApiClient.Environment.SANDBOX,
}


class Shown:
    """The client id and secret as the page after registering (or a new secret) shows them."""

    def __init__(self, page: str):
        self.client_id = re.search(r'id="client-id">([^<]+)<', page).group(1)
        self.client_secret = re.search(r'id="client-secret">([^<]+)<', page).group(1)


def _register(browser: Client, **changes) -> tuple[ApiClient, Shown]:
    response = browser.post(NEW, {**REGISTRATION, **changes}, follow=True)
    assert response.status_code == 200, response.content
    page = response.content.decode()
    return response.context["client"], Shown(page)


def test_a_sandbox_client_is_shown_its_secret_once_and_works_at_once(organisation_contact):
    browser = signed_in(organisation_contact)

    response = browser.post(NEW, {**REGISTRATION, "scopes": [Scope.RIGHT_TO_WORK, Scope.RIGHT_TO_RENT]})

    client = ApiClient.objects.get()
    assert response.status_code == 302 and response.url == reverse("api-clients:detail", args=[client.id])
    # Not in the address, nor in a message that could travel in a cookie.
    assert client.oauth_application.client_id not in response.url
    page = browser.get(response.url)
    assert page["Cache-Control"] == "private, no-store"
    shown = Shown(page.content.decode())
    assert shown.client_id == client.oauth_application.client_id
    assert "Your client works now, with test data only" in page.content.decode()
    assert (client.contact, client.status, client.scopes) == (organisation_contact, ApiClient.Status.APPROVED, ["right_to_rent", "right_to_work"])
    assert shown.client_secret not in browser.cookies.output()

    again = browser.get(reverse("api-clients:detail", args=[client.id])).content.decode()
    assert shown.client_secret not in again and 'id="client-secret"' not in again
    assert shown.client_id in again
    assert token_for(shown)


def test_a_live_client_waits_for_a_team_leader_and_cannot_get_a_token_meanwhile(organisation_contact):
    client, shown = _register(signed_in(organisation_contact), environment=ApiClient.Environment.LIVE)

    assert client.status == ApiClient.Status.PENDING
    response = token_response(shown)
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_the_list_shows_only_your_own_clients(organisation_contact, applicant):
    sandbox_client(organisation_contact)
    theirs = api_client_register(contact=applicant, organisation="Someone Else Ltd", use="Checks.", scopes=[Scope.RIGHT_TO_RENT],
                                 environment=ApiClient.Environment.LIVE)

    page = signed_in(organisation_contact).get(reverse("api-clients:list")).content.decode()

    assert "Acme Sandbox" in page and "Sandbox (test data only)" in page and "Check a right to work, Check a right to rent" in page
    assert ApiClient.objects.get(organisation="Acme Sandbox").oauth_application.client_id in page
    assert "Someone Else Ltd" not in page and theirs.client_id not in page
    assert reverse("api-docs") in page and NEW in page


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"organisation": ""}, "organisation"),
        ({"organisation": "x" * 201}, "organisation"),
        ({"use": "  "}, "use"),
        ({"use": "x" * 100_000}, "use"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["read_everything"]}, "scopes"),
        ({"environment": "production"}, "environment"),
        ({"organisation": "Acme\x00 Ltd"}, "organisation"),
    ],
)
def test_bad_registrations_are_shown_their_errors_and_create_nothing(organisation_contact, changes, field):
    response = signed_in(organisation_contact).post(NEW, {**REGISTRATION, **changes})

    assert response.status_code == 400
    assert field in response.context["form"].errors
    page = response.content.decode()
    assert "There is a problem" in page and f'href="#id_{field}' in page
    assert not ApiClient.objects.exists()


def test_someone_elses_client_is_not_found(organisation_contact, applicant):
    client = sandbox_client(organisation_contact).client
    someone_else = signed_in(applicant)

    for name, method in [("detail", "get"), ("new-secret", "post"), ("stop", "get"), ("stop", "post")]:
        assert getattr(someone_else, method)(reverse(f"api-clients:{name}", args=[client.id])).status_code == 404
    client.refresh_from_db()
    assert client.status == ApiClient.Status.APPROVED


def test_made_up_and_malformed_ids_are_not_found(organisation_contact, team_leader):
    browser = signed_in(organisation_contact)
    assert browser.get(f"/api-clients/{uuid.uuid4()}/").status_code == 404
    for path in ["/api-clients/not-a-uuid/", "/api-clients/1/stop/", "/api-clients/%00/", "/api-clients/" + "9" * 5000 + "/"]:
        assert browser.get(path).status_code == 404
    leader = signed_in(team_leader)
    assert leader.post(f"/api-clients/review/{uuid.uuid4()}/approve/", {}).status_code == 404
    assert leader.post("/api-clients/review/' OR 1=1 --/revoke/").status_code == 404


def test_signed_out_people_are_sent_to_sign_in():
    for path in [reverse("api-clients:list"), NEW, REVIEW]:
        response = Client().get(path)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))


@pytest.mark.parametrize("persona", ["applicant", "caseworker", "auditor"])
def test_only_team_leaders_review_clients(request, persona, organisation_contact):
    client = api_client_register(contact=organisation_contact, organisation="Acme", use="Checks.", scopes=[Scope.RIGHT_TO_WORK],
                                 environment=ApiClient.Environment.LIVE).client
    browser = signed_in(request.getfixturevalue(persona))

    assert browser.get(REVIEW).status_code == 403
    assert browser.post(reverse("api-clients:approve", args=[client.id]), {f"approve-{client.id}-requests_per_minute": "60"}).status_code == 403
    assert browser.post(reverse("api-clients:revoke", args=[client.id])).status_code == 403
    client.refresh_from_db()
    assert client.status == ApiClient.Status.PENDING


def test_a_team_leader_sees_waiting_and_approved_live_clients(organisation_contact, team_leader):
    waiting = api_client_register(contact=organisation_contact, organisation="Waiting Lettings", use="Right to rent checks of tenants.",
                                  scopes=[Scope.RIGHT_TO_RENT], environment=ApiClient.Environment.LIVE).client
    live_client(organisation_contact, team_leader, organisation="Approved Recruitment")
    sandbox_client(organisation_contact)

    response = signed_in(team_leader).get(REVIEW)

    assert response.status_code == 200
    assert [client.organisation for client, _, _ in response.context["pending"]] == ["Waiting Lettings"]
    assert [client.organisation for client in response.context["live"]] == ["Approved Recruitment"]
    page = response.content.decode()
    assert "Right to rent checks of tenants." in page and organisation_contact.email in page
    assert 'value="60"' in page and reverse("api-clients:approve", args=[waiting.id]) in page
    assert "Acme Sandbox" not in page
    assert REVIEW in signed_in(team_leader).get(reverse("casework:team")).content.decode()


def test_an_approved_client_gets_its_quota_and_a_token(organisation_contact, team_leader):
    client, shown = _register(signed_in(organisation_contact), environment=ApiClient.Environment.LIVE)

    response = signed_in(team_leader).post(reverse("api-clients:approve", args=[client.id]), {f"approve-{client.id}-requests_per_minute": "250"})

    assert response.status_code == 302 and response.url == REVIEW
    client.refresh_from_db()
    assert (client.status, client.requests_per_minute, client.decided_by) == (ApiClient.Status.APPROVED, 250, team_leader)
    assert api(token_for(shown)).get("/api/v1/checks").status_code == 200


@pytest.mark.parametrize("quota", ["", "0", "6001", "-5", "ten", "1e3", "9" * 5000])
def test_a_quota_outside_1_to_6000_is_an_error_and_decides_nothing(organisation_contact, team_leader, quota):
    client, _ = _register(signed_in(organisation_contact), environment=ApiClient.Environment.LIVE)

    response = signed_in(team_leader).post(reverse("api-clients:approve", args=[client.id]), {f"approve-{client.id}-requests_per_minute": quota})

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and f'href="#id_approve-{client.id}-requests_per_minute"' in page
    assert page.count('class="govuk-error-message"') == 1
    client.refresh_from_db()
    assert client.status == ApiClient.Status.PENDING


def test_a_refusal_needs_a_note_which_the_contact_then_sees(organisation_contact, team_leader):
    browser = signed_in(organisation_contact)
    client, shown = _register(browser, environment=ApiClient.Environment.LIVE)
    leader = signed_in(team_leader)
    refuse = reverse("api-clients:refuse", args=[client.id])

    assert leader.post(refuse, {f"refuse-{client.id}-note": " "}).status_code == 400
    client.refresh_from_db()
    assert client.status == ApiClient.Status.PENDING

    response = leader.post(refuse, {f"refuse-{client.id}-note": "Letting agents only: <b>not</b> recruiters."})

    assert response.status_code == 302
    client.refresh_from_db()
    assert (client.status, client.decision_note, client.decided_by) == (ApiClient.Status.REFUSED, "Letting agents only: <b>not</b> recruiters.", team_leader)
    assert token_response(shown).status_code == 401
    page = browser.get(reverse("api-clients:detail", args=[client.id])).content.decode()
    assert "Letting agents only: &lt;b&gt;not&lt;/b&gt; recruiters." in page
    assert "Make a new secret" not in page and "Stop this client" not in page


def test_deciding_a_client_twice_is_an_error_not_a_crash(organisation_contact, team_leader):
    client, _ = _register(signed_in(organisation_contact), environment=ApiClient.Environment.LIVE)
    leader = signed_in(team_leader)
    leader.post(reverse("api-clients:approve", args=[client.id]), {f"approve-{client.id}-requests_per_minute": "60"})

    response = leader.post(reverse("api-clients:refuse", args=[client.id]), {f"refuse-{client.id}-note": "Changed my mind."})

    assert response.status_code == 409
    assert "This client has already been decided." in response.content.decode()
    client.refresh_from_db()
    assert client.status == ApiClient.Status.APPROVED


def test_a_team_leader_revokes_a_live_client_and_its_token_stops_working(organisation_contact, team_leader):
    credentials = live_client(organisation_contact, team_leader)
    caller = api(token_for(credentials))
    assert caller.get("/api/v1/checks").status_code == 200

    response = signed_in(team_leader).post(reverse("api-clients:revoke", args=[credentials.client.id]), follow=True)

    assert response.status_code == 200 and "has stopped" in response.content.decode()
    assert caller.get("/api/v1/checks").status_code == 401
    credentials.client.refresh_from_db()
    assert credentials.client.status == ApiClient.Status.REVOKED
    assert response.context["live"] == []


def test_the_contact_stops_a_client_after_confirming(organisation_contact):
    credentials = sandbox_client(organisation_contact)
    caller = api(token_for(credentials))
    browser = signed_in(organisation_contact)
    stop = reverse("api-clients:stop", args=[credentials.client.id])

    confirm = browser.get(stop)
    assert confirm.status_code == 200 and "Are you sure you want to stop this client?" in confirm.content.decode()
    assert caller.get("/api/v1/checks").status_code == 200

    response = browser.post(stop)

    assert response.status_code == 302
    credentials.client.refresh_from_db()
    assert credentials.client.status == ApiClient.Status.REVOKED
    assert caller.get("/api/v1/checks").status_code == 401
    assert token_response(credentials).status_code == 401
    # Nothing left to stop: the confirmation is not offered again.
    assert browser.get(stop).status_code == 302


def test_a_new_secret_is_shown_once_and_the_old_one_stops_working(organisation_contact):
    credentials = sandbox_client(organisation_contact)
    old_token = token_for(credentials)
    browser = signed_in(organisation_contact)

    response = browser.post(reverse("api-clients:new-secret", args=[credentials.client.id]), follow=True)

    shown = Shown(response.content.decode())
    assert shown.client_id == credentials.client_id and shown.client_secret != credentials.client_secret
    assert token_response(credentials).status_code == 401
    assert api(old_token).get("/api/v1/checks").status_code == 401
    assert api(token_for(shown)).get("/api/v1/checks").status_code == 200
    assert shown.client_secret not in browser.get(reverse("api-clients:detail", args=[credentials.client.id])).content.decode()


def test_a_stopped_client_gets_no_new_secret(organisation_contact):
    credentials = sandbox_client(organisation_contact)
    browser = signed_in(organisation_contact)
    browser.post(reverse("api-clients:stop", args=[credentials.client.id]))

    response = browser.post(reverse("api-clients:new-secret", args=[credentials.client.id]), follow=True)

    page = response.content.decode()
    assert "This client was stopped: register a new one." in page and 'id="client-secret"' not in page
    assert token_response(credentials).status_code == 401


def test_the_client_page_lists_its_latest_50_calls(organisation_contact):
    credentials = sandbox_client(organisation_contact)
    ApiCall.objects.bulk_create(
        ApiCall(client=credentials.client, operation=f"operation_{n}", purpose="right_to_work", status_code=200, result="shown") for n in range(55)
    )

    response = signed_in(organisation_contact).get(reverse("api-clients:detail", args=[credentials.client.id]))

    assert len(response.context["calls"]) == 50
    page = response.content.decode()
    assert page.count('<tr class="govuk-table__row">') == 51
    assert "right_to_work" in page and "shown" in page
