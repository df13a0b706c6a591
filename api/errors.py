"""One error shape for every response of the API: a code a program can act on, a message a person can read,
and the fields at fault.

    {"code": "invalid_request", "message": "...", "errors": [{"field": "date_of_birth", "message": "..."}]}
"""

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError


class FieldError(Schema):
    field: str
    message: str


class Error(Schema):
    code: str
    message: str
    errors: list[FieldError] = []


class ApiError(Exception):
    """Raised by an operation to answer with `status` and this error; `headers` go on the response."""

    def __init__(self, status: int, code: str, message: str, *, errors: list[dict] | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.errors = errors or []
        self.headers = headers or {}


# The answers every operation may give besides its own: documented once, in each operation's responses.
def error_responses(*statuses: int) -> dict:
    return {status: Error for status in statuses}


def _field_name(location: tuple) -> str:
    # Pydantic's location starts with where the value came from (body, query, path) and the parameter's name.
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header", "cookie", "payload")]
    return ".".join(parts) or "body"


def _validation_message(error: dict) -> str:
    if error.get("type") == "missing":
        return "Enter a value"
    message = error.get("msg", "Not valid")
    # Pydantic prefixes a validator's own message with "Value error, ".
    return message.removeprefix("Value error, ")


def respond(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, errors: list[dict] | None = None) -> HttpResponse:
    request.api_result = code
    return api.create_response(request, {"code": code, "message": message, "errors": errors or []}, status=status)


def install_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        response = respond(api, request, exc.status, exc.code, exc.message, exc.errors)
        for name, value in exc.headers.items():
            response[name] = value
        return response

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        errors = [{"field": _field_name(tuple(error.get("loc", ()))), "message": _validation_message(error)} for error in exc.errors]
        return respond(api, request, 400, "invalid_request", "The request is not valid: see the errors for each field.", errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc: AuthenticationError):
        response = respond(api, request, 401, "unauthorised", "Send a valid access token (OAuth 2.0 client credentials) or sign in.")
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        return respond(api, request, 404, "not_found", "There is nothing here.")

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        codes = {405: "method_not_allowed", 404: "not_found", 403: "forbidden", 400: "invalid_request"}
        return respond(api, request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))
