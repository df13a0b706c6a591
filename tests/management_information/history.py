"""A known history written straight into the transition log, with the times chosen.

Management information only reads the log, so a test can write the rows the
workflow would have written, at dates of its choosing, and know every figure.
(test_figures.py also checks that a case decided through the real services is counted.)
"""

import datetime
import itertools
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile

from accounts.models import User
from applications.models import Application, ApplicationEvent, Document, InformationRequest
from applications.routes import ROUTES
from applications.service_standard import service_standard_clock
from applications.states import FINAL_STATES
from identity.models import DuplicateCandidate, IdentityCheck

LONDON = ZoneInfo("Europe/London")
_references = itertools.count(1)


def at(day: str, time: str = "09:30") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=LONDON)


def case(applicant: User, route: str, steps: list[tuple], *, cohort: str = "", assigned_to: User | None = None,
         refusal_reasons: list[str] | None = None) -> Application:
    """An application whose events are `steps`: (when, transition, to_state, actor) from the draft onwards."""
    last = steps[-1][2]
    application = Application.objects.create(
        applicant=applicant, route=route, state=last, reference=f"H{next(_references):07d}-0000", synthetic_cohort=cohort,
        created_at=steps[0][0], submitted_at=steps[0][0], assigned_to=assigned_to, refusal_reasons=refusal_reasons or [],
        decided_at=steps[-1][0] if last in FINAL_STATES else None,
    )
    state = "draft"
    events = []
    for when, transition, to_state, actor in steps:
        events.append(ApplicationEvent(application=application, transition=transition, from_state=state, to_state=to_state,
                                       actor=actor, created_at=when))
        state = to_state
    ApplicationEvent.objects.bulk_create(events)
    # The due date the workflow keeps on the row, from the same clock.
    clock = service_standard_clock(events, ROUTES[route].target_working_days)
    if last not in FINAL_STATES and clock and not clock.paused:
        Application.objects.filter(id=application.id).update(due_on=clock.due_on)
    return application


def check(application: Application, attempt: int, status: str, distance: float | None, finished: datetime.datetime,
          reasons: list[str] | None = None, queued: datetime.datetime | None = None) -> IdentityCheck:
    photos = [
        Document.objects.create(application=application, kind=kind, file=ContentFile(b"x", name=f"{kind}.jpg"),
                                content_type="image/jpeg", original_name=f"{kind}.jpg", size=1)
        for kind in ("passport_photo", "selfie")
    ]
    return IdentityCheck.objects.create(
        application=application, attempt=attempt, passport_photo=photos[0], selfie=photos[1], status=status, distance=distance,
        pass_threshold=0.5, fail_threshold=0.6, reasons=reasons or [], created_at=queued or finished, queued_at=queued or finished,
        finished_at=finished if status not in ("pending", "running") else None,
    )


def duplicate(check_: IdentityCheck, candidate: Application, resolution: str) -> DuplicateCandidate:
    return DuplicateCandidate.objects.create(identity_check=check_, application=check_.application, candidate=candidate,
                                             distance=0.3, resolution=resolution)


def information_request(application: Application, by: User, sent: datetime.datetime, answered: datetime.datetime | None):
    return InformationRequest.objects.create(
        application=application, requested_by=by, message="Send payslips.", respond_by=sent.date() + datetime.timedelta(days=28),
        created_at=sent, response="Here they are." if answered else "", responded_at=answered,
    )
