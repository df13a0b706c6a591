"""The applicant's own applications: where each stands, what to do next, and how the identity check is going.

Signed-in applicants only, with the pages' access rule: someone else's application is not found.
The status page polls this while the identity check runs.
"""

import datetime
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Router, Schema

from api.auth import ApplicantSession
from api.errors import error_responses
from api.etags import etagged
from applications import selectors
from applications.models import Application, State
from identity.models import IdentityCheck
from identity.services import identity_attempts_left

router = Router(tags=["Your applications"], auth=ApplicantSession())


class NextStep(Schema):
    text: str
    url: str | None = Field(..., description="The page where the applicant does it, if there is one.")


class IdentityProgress(Schema):
    attempt: int
    progress: str = Field(..., description="waiting (queued), running, or finished.")
    queued_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    attempts_left: int
    new_photos_because: list[str] = Field(..., description="Why new photos are needed, when they are.")


class ApplicationStatus(Schema):
    id: UUID
    reference: str | None
    route: str
    route_name: str
    state: str = Field(..., description="The workflow state, e.g. identity_checking, in_review, granted.")
    status_text: str = Field(..., description="The state in the applicant's words, as the pages show it.")
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    decision_expected_by: datetime.date | None
    next_step: NextStep | None
    identity_check: IdentityProgress | None


class ApplicationList(Schema):
    items: list[ApplicationStatus]


@router.get("/applications", url_name="applications", response={200: ApplicationList, **error_responses(401)},
            summary="Your applications")
def application_list(request: HttpRequest):
    applications = Application.objects.filter(applicant=request.auth).order_by("-created_at")[:100]
    return {"items": [application_status(application) for application in applications]}


@router.get("/applications/{application_id}", url_name="application",
            response={200: ApplicationStatus, 304: None, **error_responses(400, 401, 404)},
            summary="One of your applications")
def application_detail(request: HttpRequest, application_id: UUID):
    """Answers 304, with no body, to an If-None-Match that has the current ETag, so polling costs little.

    Someone else's application, or one that does not exist, is not found: ids are not confirmed.
    """
    application = get_object_or_404(Application, id=application_id, applicant=request.auth)
    return etagged(request, ApplicationStatus(**application_status(application)), private=True)


_PROGRESS = {IdentityCheck.Status.PENDING: "waiting", IdentityCheck.Status.RUNNING: "running"}


def application_status(application: Application) -> dict:
    check = application.identity_checks.first()
    clock = selectors.application_clock(application) if application.submitted_at and not application.decided_at else None
    return {
        "id": application.id,
        "reference": application.reference or None,
        "route": application.route,
        "route_name": application.route_details.name,
        "state": application.state,
        "status_text": application.public_status,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "decision_expected_by": clock.due_on if clock and not clock.paused else None,
        "next_step": _next_step(application),
        "identity_check": {
            "attempt": check.attempt,
            "progress": _PROGRESS.get(check.status, "finished"),
            "queued_at": check.queued_at,
            "started_at": check.started_at,
            "finished_at": check.finished_at,
            "attempts_left": identity_attempts_left(application),
            "new_photos_because": check.reason_texts if application.state == State.IDENTITY_RETRY else [],
        } if check else None,
    }


def _next_step(application: Application) -> dict | None:
    """What the applicant does next, in the words of the status page, and the page where they do it."""
    state, pk = application.state, application.id
    if application.is_draft:
        return {"text": "Finish your application and submit it", "url": reverse("applications:overview", args=[pk])}
    if state in (State.SUBMITTED, State.IDENTITY_CHECKING):
        return {"text": "Nothing to do: we are checking your identity, which usually takes a minute or two", "url": None}
    if state == State.IDENTITY_RETRY:
        return {"text": "Send new photos", "url": reverse("applications:photos", args=[pk])}
    if state in (State.IDENTITY_ADJUDICATION, State.IDENTITY_OVERRIDE_PROPOSED):
        # A person is reviewing the photos; that review is not the applicant's to see (PUBLIC_STATUS), but it
        # can end in a request for new photos, which is emailed.
        return {"text": "Nothing to do: we are checking your identity and will email you if we need new photos", "url": None}
    if state == State.AWAITING_INFORMATION:
        information = selectors.open_information_request(application)
        by = f" by {information.respond_by.day} {information.respond_by:%B %Y}" if information else ""
        return {"text": f"Reply to our request for information{by}", "url": reverse("applications:respond", args=[pk])}
    if state in (State.GRANTED, State.REFUSED):
        if hasattr(application, "letter"):
            return {"text": "Read your decision letter", "url": reverse("holder:letter", args=[pk])}
        return {"text": "Read your decision", "url": reverse("applications:overview", args=[pk])}
    if state == State.WITHDRAWN:
        return None
    return {"text": "Nothing to do: we will email you when we have decided", "url": None}
