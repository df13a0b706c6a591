import base64

import pytest
from django.test import Client

from api.models import ApiClient, Scope
from api.services import api_client_decide, api_client_register
from tests.conftest import _user


def token_response(credentials, scope: str | None = None):
    """The token endpoint's answer to a client asking as clients do: HTTP Basic with its id and secret."""
    basic = base64.b64encode(f"{credentials.client_id}:{credentials.client_secret}".encode()).decode()
    data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    return Client().post("/api/v1/oauth/token/", data, HTTP_AUTHORIZATION=f"Basic {basic}")


def token_for(credentials, scope: str | None = None) -> str:
    """An access token from the token endpoint."""
    response = token_response(credentials, scope)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def organisation_contact(db):
    return _user("developer@employer.example")


def live_client(contact, team_leader, *, scopes=(Scope.RIGHT_TO_WORK,), requests_per_minute: int = 60, organisation: str = "Acme Recruitment Ltd"):
    credentials = api_client_register(
        contact=contact, organisation=organisation, use="Right to work checks for new starters.", scopes=list(scopes),
        environment=ApiClient.Environment.LIVE,
    )
    api_client_decide(client=credentials.client, actor=team_leader, approve=True, requests_per_minute=requests_per_minute)
    return credentials


def sandbox_client(contact, *, scopes=(Scope.RIGHT_TO_WORK, Scope.RIGHT_TO_RENT)):
    return api_client_register(
        contact=contact, organisation="Acme Sandbox", use="Building our integration.", scopes=list(scopes),
        environment=ApiClient.Environment.SANDBOX,
    )


def api(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")
