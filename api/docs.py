"""The API's documentation page for people, made from the same OpenAPI document that programs read, so the two
cannot disagree; the sandbox's table comes from the sandbox itself."""

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from api.main import api
from api.models import Scope
from api.sandbox import SANDBOX

ERROR_CODES = [
    ("400", "invalid_request", "A field is missing or not valid: each is named in errors."),
    ("401", "unauthorised", "No access token, or one that is wrong, expired or of a stopped client. Get a new token."),
    ("403", "insufficient_scope", "The client was not registered for this purpose."),
    ("404", "share_code_not_found", "No status matches the code and date of birth: wrong, expired or stopped code, wrong date of birth, or a code locked after 5 wrong dates of birth in a day."),
    ("404", "not_found, check_not_found", "Nothing at this address, or no check of this client's with this id."),
    ("405", "method_not_allowed", "The address does not answer this method: see the Allow header."),
    ("409", "wrong_purpose", "The code and date of birth are right, but the code was made for another purpose."),
    ("429", "quota_exceeded", "The client has used its calls for the last minute: wait the seconds in Retry-After."),
]


@dataclass
class Field:
    name: str
    type: str
    required: bool
    description: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    access: str
    request: list[Field] = field(default_factory=list)
    answer: list[Field] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)


def api_docs(request: HttpRequest) -> HttpResponse:
    document = api.get_openapi_schema()
    schemas = document["components"]["schemas"]
    context = {
        "operations": [_operation(method, path, spec, schemas) for path, item in document["paths"].items() for method, spec in item.items()],
        "scopes": Scope.choices,
        "sandbox": SANDBOX,
        "errors": ERROR_CODES,
        "token_url": request.build_absolute_uri("/api/v1/oauth/token/"),
        "base_url": request.build_absolute_uri("/api/v1"),
    }
    return render(request, "api/docs.html", context)


def _operation(method: str, path: str, spec: dict, schemas: dict) -> Operation:
    responses = {str(status): response for status, response in spec["responses"].items()}
    body = spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    answer = responses.get("200", {}).get("content", {}).get("application/json", {}).get("schema")
    request_fields = _fields(body, schemas) + [
        Field(parameter["name"], _type(parameter["schema"], schemas), parameter.get("required", False), parameter["schema"].get("description", ""))
        for parameter in spec.get("parameters", [])
    ]
    return Operation(
        method=method.upper(),
        path=path,
        summary=spec.get("summary", ""),
        description=spec.get("description", ""),
        access=_access(spec.get("security")),
        request=request_fields,
        answer=_fields(answer, schemas),
        statuses=sorted(responses),
    )


def _access(security: list | None) -> str:
    if not security:
        return "Open: no sign-in."
    for requirement in security:
        if "ClientCredentials" in requirement:
            scopes = requirement["ClientCredentials"]
            return "An organisation's access token" + (f" with the scope {', '.join(scopes)}." if scopes else ".")
    return "The applicant's own session (signed in to this service)."


def _fields(schema: dict | None, schemas: dict) -> list[Field]:
    if not schema:
        return []
    schema = _resolve(schema, schemas)
    required = set(schema.get("required", []))
    return [
        Field(name, _type(spec, schemas), name in required, _resolve(spec, schemas).get("description", spec.get("description", "")))
        for name, spec in schema.get("properties", {}).items()
    ]


def _resolve(schema: dict, schemas: dict) -> dict:
    if "$ref" in schema:
        return schemas[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _type(schema: dict, schemas: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_type(option, schemas) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}), schemas)}"
    if schema.get("format") == "date":
        return "date (YYYY-MM-DD)"
    if schema.get("format") == "date-time":
        return "date and time (ISO 8601, with zone)"
    return schema.get("format") or schema.get("type", "any")
