"""Who is calling: an organisation's client with an OAuth 2.0 access token (django-oauth-toolkit), or a signed-in
applicant's session. A client's call is also counted against its quota here, before the operation runs."""

import math
from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import SessionAuth
from ninja.security.base import AuthBase
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes

from api.errors import ApiError
from api.models import ApiCall, ApiClient, Scope

TOKEN_PATH = "/api/v1/oauth/token/"
QUOTA_WINDOW = timedelta(minutes=1)


class ClientScopes(BaseScopes):
    """A client gets the scopes it was registered (and approved) for, and no others."""

    def get_all_scopes(self):
        return dict(Scope.choices)

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        client = getattr(application, "api_client", None)
        return list(client.scopes) if client is not None else []

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self.get_available_scopes(application, request)


class ClientValidator(OAuth2Validator):
    """Tokens go only to clients that are approved (sandbox clients are, when registered)."""

    def authenticate_client(self, request, *args, **kwargs):
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        client = getattr(request.client, "api_client", None)
        return client is not None and client.is_usable


class ClientCredentials(AuthBase):
    """A bearer token from the token endpoint, carrying `scope`; then the client's quota."""

    openapi_type = "oauth2"
    openapi_flows = {"clientCredentials": {"tokenUrl": TOKEN_PATH, "scopes": dict(Scope.choices)}}

    def __init__(self, scope: str | None = None):
        self.scope = scope
        super().__init__()

    def __call__(self, request: HttpRequest) -> ApiClient | None:
        if not request.headers.get("Authorization", "").lower().startswith("bearer "):
            return None
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
        if not valid:
            return None
        token = oauth_request.access_token
        client = ApiClient.objects.filter(oauth_application_id=token.application_id).first()
        if client is None or not client.is_usable:
            # Revoking deletes the client's tokens too; this covers a token read just before.
            return None
        if self.scope and not token.allow_scopes([self.scope]):
            raise ApiError(403, "insufficient_scope", f"This client may not {Scope(self.scope).label.lower()}: its registration does not include it.")
        request.api_call = _count_call(request, client)
        return client


def _count_call(request: HttpRequest, client: ApiClient) -> ApiCall:
    """Record the call, or refuse it with 429 when the client has used its quota for the last minute."""
    operation = getattr(request.resolver_match, "url_name", None) or request.path[:64]
    with transaction.atomic():
        # Locking the client makes counting its calls and adding this one a single step,
        # so simultaneous calls cannot together go over the quota.
        ApiClient.objects.select_for_update().filter(id=client.id).first()
        now = timezone.now()
        counted = ApiCall.objects.filter(client=client, at__gt=now - QUOTA_WINDOW, over_quota=False)
        over = counted.count() >= client.requests_per_minute
        oldest = counted.order_by("at").values_list("at", flat=True).first() if over else None
        call = ApiCall.objects.create(
            client=client, at=now, operation=operation, over_quota=over, **({"status_code": 429, "result": "quota_exceeded"} if over else {})
        )
    if over:
        retry_after = max(1, math.ceil((oldest + QUOTA_WINDOW - now).total_seconds()))
        raise ApiError(
            429, "quota_exceeded",
            f"This client may make {client.requests_per_minute} calls a minute and has made them. Try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )
    return call


class ApplicantSession(SessionAuth):
    """The applicant's own session, as on the pages: no CSRF token is needed because these calls only read."""

    def authenticate(self, request: HttpRequest, key):
        user = request.user
        return user if user.is_authenticated and user.is_active else None
