"""Status checks by organisations: a share code and the holder's date of birth answer one purpose's question."""

import base64
import math
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from api.auth import ClientCredentials
from api.errors import ApiError, error_responses
from api.models import ApiCall, ApiClient, Scope
from api.sandbox import sandbox_photo, sandbox_status
from api.schemas import CheckPage, CheckRecord, RightToRentAnswer, RightToWorkAnswer, StatusCheckRequest
from audit.access_log import access_record_status_check
from casework.models import ShareCodeCheck
from casework.share_codes import StatusAnswer, share_code_check, status_answer
from config.middleware import client_ip

router = Router(tags=["Status checks"])

NOT_FOUND = "No status matches this share code and date of birth. Check both, or ask the person for a new code: codes stop working after 90 days or when the holder stops them."
CHECK_ERRORS = error_responses(400, 401, 403, 404, 409, 429)


@router.post(
    "/right-to-work/checks", url_name="right-to-work-check", auth=ClientCredentials(Scope.RIGHT_TO_WORK),
    response={200: RightToWorkAnswer, **CHECK_ERRORS}, summary="Check a right to work",
    openapi_extra={"security": [{"ClientCredentials": [Scope.RIGHT_TO_WORK]}]},
)
def right_to_work_check(request: HttpRequest, payload: StatusCheckRequest):
    """Whether the holder of a right-to-work share code may work in the UK, on what terms and until when."""
    answer = _check(request, payload, Scope.RIGHT_TO_WORK)
    return {**_common(request, answer), "allowed_to_work": answer.allowed, "restrictions": answer.conditions}


@router.post(
    "/right-to-rent/checks", url_name="right-to-rent-check", auth=ClientCredentials(Scope.RIGHT_TO_RENT),
    response={200: RightToRentAnswer, **CHECK_ERRORS}, summary="Check a right to rent",
    openapi_extra={"security": [{"ClientCredentials": [Scope.RIGHT_TO_RENT]}]},
)
def right_to_rent_check(request: HttpRequest, payload: StatusCheckRequest):
    """Whether the holder of a right-to-rent share code may rent a home in England, and until when."""
    answer = _check(request, payload, Scope.RIGHT_TO_RENT)
    return {**_common(request, answer), "allowed_to_rent": answer.allowed}


def _check(request: HttpRequest, payload: StatusCheckRequest, purpose: str) -> StatusAnswer:
    client: ApiClient = request.auth
    request.api_purpose = purpose
    if client.is_sandbox:
        answer = _sandbox_answer(payload, purpose)
    else:
        result = share_code_check(
            code=payload.share_code, date_of_birth=payload.date_of_birth, organisation=client.organisation,
            address=client_ip(request), purpose=purpose, channel=ShareCodeCheck.Channel.API,
        )
        request.api_share_code_check = result.check
        if result.outcome == ShareCodeCheck.Outcome.WRONG_PURPOSE:
            raise _wrong_purpose(purpose)
        if result.status is None:
            # One answer whatever was wrong (no such code, wrong date of birth, expired, stopped,
            # locked after wrong dates of birth), so that codes and dates of birth cannot be probed.
            raise ApiError(404, "share_code_not_found", NOT_FOUND)
        access_record_status_check(
            client_name=client.organisation, client_address=client_ip(request), application=result.status.application, purpose=purpose
        )
        answer = status_answer(share_code=result.share_code)
    request.api_result = "shown"
    return answer


def _sandbox_answer(payload: StatusCheckRequest, purpose: str) -> StatusAnswer:
    status = sandbox_status(payload.share_code, payload.date_of_birth)
    if status is None:
        raise ApiError(404, "share_code_not_found", NOT_FOUND)
    if status.purpose != purpose:
        raise _wrong_purpose(purpose)
    return StatusAnswer(
        purpose=status.purpose, name=status.name, allowed=status.allowed, valid_from=status.valid_from,
        valid_until=status.valid_until, conditions=list(status.conditions), route="", photo=sandbox_photo() if status.photo else b"",
    )


def _wrong_purpose(purpose: str) -> ApiError:
    return ApiError(
        409, "wrong_purpose",
        f"This share code was made for another purpose, so it cannot {Scope(purpose).label.lower()}. Ask the person for a code made for this.",
    )


def _common(request: HttpRequest, answer: StatusAnswer) -> dict:
    call: ApiCall = request.api_call
    return {
        "check_id": call.id,
        "checked_at": call.at,
        "sandbox": request.auth.is_sandbox,
        "name": answer.name,
        "permission_starts": answer.valid_from,
        "permission_ends": answer.valid_until,
        "follow_up_check_due": answer.follow_up_check_due,
        "photo": {"content_type": "image/jpeg", "data": base64.b64encode(answer.photo).decode()} if answer.photo else None,
    }


CHECK_OPERATIONS = ["right-to-work-check", "right-to-rent-check"]
PAGE_SIZE = 50


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1; 50 checks a page, newest first.")


@router.get("/checks", url_name="checks", auth=ClientCredentials(), response={200: CheckPage, **error_responses(400, 401, 429)},
            summary="This client's checks")
def check_list(request: HttpRequest, query: Query[PageQuery]):
    """Every status check this client has made, newest first: your record of when you checked."""
    checks = ApiCall.objects.filter(client=request.auth, operation__in=CHECK_OPERATIONS).exclude(status_code=None)
    count = checks.count()
    start = (query.page - 1) * PAGE_SIZE
    return {
        "items": [_record(call) for call in checks[start : start + PAGE_SIZE]],
        "count": count, "page": query.page, "pages": max(1, math.ceil(count / PAGE_SIZE)),
    }


@router.get("/checks/{check_id}", url_name="check", auth=ClientCredentials(), response={200: CheckRecord, **error_responses(400, 401, 404, 429)},
            summary="One of this client's checks")
def check_detail(request: HttpRequest, check_id: UUID):
    call = ApiCall.objects.filter(client=request.auth, operation__in=CHECK_OPERATIONS, id=check_id).exclude(status_code=None).first()
    if call is None:
        raise ApiError(404, "check_not_found", "This client made no check with this id.")
    return _record(call)


def _record(call: ApiCall) -> dict:
    return {"check_id": call.id, "checked_at": call.at, "purpose": call.purpose, "result": call.result}
