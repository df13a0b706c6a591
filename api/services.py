"""Registering, approving and revoking organisations' API clients, and issuing their secrets."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken
from oauth2_provider.models import Application as OAuthApplication

from accounts.models import User
from api.models import ApiClient, Scope
from applications.workflow import WorkflowError


@dataclass(frozen=True)
class Credentials:
    """A client's id and a new secret: the only time the secret exists outside the client's hands (it is stored hashed)."""

    client: ApiClient
    client_id: str
    client_secret: str


def api_client_register(*, contact: User, organisation: str, use: str, scopes: list[str], environment: str) -> Credentials:
    """A sandbox client works at once against test data; a live one waits for a team leader's approval."""
    if not scopes or set(scopes) - set(Scope.values):
        raise WorkflowError("Choose what the client will check.")
    if environment not in ApiClient.Environment.values:
        raise WorkflowError("Choose the sandbox or live.")
    secret = generate_client_secret()
    sandbox = environment == ApiClient.Environment.SANDBOX
    with transaction.atomic():
        application = OAuthApplication.objects.create(
            name=organisation[:255],
            client_type=OAuthApplication.CLIENT_CONFIDENTIAL,
            authorization_grant_type=OAuthApplication.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
        )
        client = ApiClient.objects.create(
            organisation=organisation, use=use, contact=contact, scopes=sorted(scopes), environment=environment,
            oauth_application=application, requests_per_minute=settings.API_DEFAULT_REQUESTS_PER_MINUTE,
            status=ApiClient.Status.APPROVED if sandbox else ApiClient.Status.PENDING,
            decided_at=timezone.now() if sandbox else None,
        )
    return Credentials(client=client, client_id=application.client_id, client_secret=secret)


def api_client_new_secret(*, client: ApiClient, contact: User) -> Credentials:
    """Replace the client's secret; the old one and its tokens stop working at once."""
    if client.contact_id != contact.id:
        raise WorkflowError("Only the person who registered the client can change its secret.")
    if client.status in (ApiClient.Status.REVOKED, ApiClient.Status.REFUSED):
        raise WorkflowError("This client was stopped: register a new one.")
    secret = generate_client_secret()
    with transaction.atomic():
        application = client.oauth_application
        application.client_secret = secret
        application.save(update_fields=["client_secret"])
        AccessToken.objects.filter(application=application).delete()
    return Credentials(client=client, client_id=application.client_id, client_secret=secret)


def api_client_decide(
    *, client: ApiClient, actor: User, approve: bool, requests_per_minute: int | None = None, note: str = ""
) -> None:
    """A team leader approves a live client (with its quota) or refuses it; only a waiting client is decided."""
    if not actor.has_perm("applications.manage_casework"):
        raise WorkflowError("Only a team leader can approve API clients.")
    if client.contact_id == actor.id:
        raise WorkflowError("Another team leader must decide a client you registered.")
    requests_per_minute = client.requests_per_minute if requests_per_minute is None else requests_per_minute
    if approve and not 1 <= requests_per_minute <= 6000:
        raise WorkflowError("The quota must be from 1 to 6,000 calls a minute.")
    status = ApiClient.Status.APPROVED if approve else ApiClient.Status.REFUSED
    decided = ApiClient.objects.filter(id=client.id, status=ApiClient.Status.PENDING).update(
        status=status, requests_per_minute=requests_per_minute, decided_at=timezone.now(), decided_by=actor, decision_note=note
    )
    if not decided:
        raise WorkflowError("This client has already been decided.")


def api_client_revoke(*, client: ApiClient, actor: User, note: str = "") -> None:
    """Stop a client for good: its tokens stop working at once. The contact or a team leader can."""
    if client.contact_id != actor.id and not actor.has_perm("applications.manage_casework"):
        raise WorkflowError("Only the client's contact or a team leader can stop it.")
    with transaction.atomic():
        # A refused client keeps its refusal (and the reason given for it).
        ApiClient.objects.filter(id=client.id, status__in=[ApiClient.Status.PENDING, ApiClient.Status.APPROVED]).update(
            status=ApiClient.Status.REVOKED, decided_at=timezone.now(), decided_by=actor, decision_note=note
        )
        AccessToken.objects.filter(application_id=client.oauth_application_id).delete()
