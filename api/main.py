"""The status API, version 1: /api/v1/, its OpenAPI document at /api/v1/openapi.json.

Built with django-ninja: the operations are typed functions, and the OpenAPI 3 document is made
from those same types, so the documentation cannot drift from the code; DRF would need a second
library (drf-spectacular) and serializers beside the types. OAuth 2.0 client credentials come
from django-oauth-toolkit (api/auth.py).
"""

from ninja import NinjaAPI

from api import applications, statistics, status_checks
from api.errors import install_handlers

DESCRIPTION = """Check an immigration status with a share code, follow your own application, and read the published statistics.

Organisations authenticate with OAuth 2.0 client credentials: exchange the client's id and secret at
`/api/v1/oauth/token/` for an access token, and send it as `Authorization: Bearer <token>`. Each client
has a quota of calls a minute; over it, the answer is 429 with `Retry-After`. Every error has the same
shape: `{"code": ..., "message": ..., "errors": [{"field": ..., "message": ...}]}`.
Dates are ISO 8601 (`YYYY-MM-DD`); times are ISO 8601 with their zone."""

class StatusApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        # django-ninja writes no OAuth 2.0 scopes into an operation's security (a TODO of its own); the
        # operations that need one name it in openapi_extra, which ninja adds beside its empty requirement.
        for item in schema["paths"].values():
            for operation in item.values():
                security = operation.get("security") or []
                if any(scopes for requirement in security for scopes in requirement.values()):
                    operation["security"] = [requirement for requirement in security if any(requirement.values())]
        return schema


api = StatusApi(
    title="Immigration status API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url=None,
)
install_handlers(api)
api.add_router("/", status_checks.router)
api.add_router("/", applications.router)
api.add_router("/", statistics.router)
