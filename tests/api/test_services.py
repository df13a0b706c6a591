import pytest

from api.models import ApiClient, Scope
from api.services import api_client_decide, api_client_register, api_client_revoke
from applications.workflow import WorkflowError


def _register(contact, environment="live"):
    return api_client_register(contact=contact, organisation="Acme", use="Checks", scopes=[Scope.RIGHT_TO_WORK], environment=environment).client


def test_a_team_leader_cannot_approve_a_client_they_registered(team_leader):
    client = _register(team_leader)

    with pytest.raises(WorkflowError, match="Another team leader"):
        api_client_decide(client=client, actor=team_leader, approve=True, requests_per_minute=60)
    assert ApiClient.objects.get().status == ApiClient.Status.PENDING


def test_only_a_team_leader_decides_and_only_once(organisation_contact, team_leader, caseworker):
    client = _register(organisation_contact)
    with pytest.raises(WorkflowError):
        api_client_decide(client=client, actor=caseworker, approve=True, requests_per_minute=60)

    api_client_decide(client=client, actor=team_leader, approve=False, note="Not an employer")
    with pytest.raises(WorkflowError, match="already been decided"):
        api_client_decide(client=client, actor=team_leader, approve=True, requests_per_minute=60)


def test_stopping_a_refused_client_keeps_its_refusal(organisation_contact, team_leader):
    client = _register(organisation_contact)
    api_client_decide(client=client, actor=team_leader, approve=False, note="Not an employer")

    api_client_revoke(client=client, actor=organisation_contact)

    client.refresh_from_db()
    assert (client.status, client.decision_note) == (ApiClient.Status.REFUSED, "Not an employer")


def test_a_sandbox_client_is_approved_at_registration_and_a_live_one_waits(organisation_contact):
    assert _register(organisation_contact, "sandbox").status == ApiClient.Status.APPROVED
    assert _register(organisation_contact, "live").status == ApiClient.Status.PENDING
