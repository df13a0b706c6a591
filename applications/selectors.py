from dataclasses import dataclass
from datetime import datetime

from applications.models import Application, State

# What each transition means to the applicant, in plain language.
_TIMELINE_TEXT = {
    "submit": "Application submitted",
    "start_identity_check": "Identity check started",
    "pass_identity": "Identity confirmed",
    "refer_identity": "Identity check passed to a caseworker to review",
    "grant": "Decision made: application granted",
    "refuse": "Decision made: application refused",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    text: str


def application_timeline(application: Application) -> list[TimelineEntry]:
    return [
        TimelineEntry(at=event.created_at, text=_TIMELINE_TEXT.get(event.transition, event.transition))
        for event in application.events.all()
    ]


def application_decision_reason(application: Application) -> str:
    if application.state not in (State.GRANTED, State.REFUSED):
        return ""
    event = application.events.filter(to_state=application.state).last()
    return event.reason if event else ""
