"""What each transition does beyond changing the state, declared once.

applications.workflow.application_transition reads this registry: it writes the
event row, moves the service-standard clock, queues the email and starts the jobs
named here, all in the transition's own transaction. No caller queues a
transition's email or job itself. The timeline, the case history, the clock and
the workflow diagram read it too.
"""

from dataclasses import dataclass
from enum import StrEnum

from applications.states import State


class ClockEffect(StrEnum):
    """How a transition moves the service-standard clock (applications/service_standard.py)."""

    START = "start"  # identity is confirmed: the application is "made"
    PAUSE = "pause"  # waiting for the applicant
    RESUME = "resume"
    STOP = "stop"  # decided or withdrawn


class Job(StrEnum):
    """Celery tasks a transition starts (through the outbox); each takes the application's id."""

    IDENTITY_CHECK = "identity.run_identity_check"
    AUTOMATED_DECISION = "automation.make_automated_decision"


@dataclass(frozen=True)
class Effects:
    # The case history, for staff: what happened, in plain English.
    history: str
    # The applicant's timeline; empty for steps internal to casework.
    timeline: str = ""
    clock: ClockEffect | None = None
    # An email to the applicant (a template in applications/templates/applications/emails/).
    email: str = ""
    jobs: tuple[Job, ...] = ()


TRANSITIONS: dict[str, Effects] = {
    "submit": Effects("Application submitted by the applicant", "Application submitted", email="submitted"),
    "start_identity_check": Effects("Identity check started", "Identity check started", jobs=(Job.IDENTITY_CHECK,)),
    "pass_identity": Effects("Identity confirmed by the system: faces match", "Identity confirmed", clock=ClockEffect.START),
    "pass_identity_for_automated_decision": Effects(
        "Identity confirmed by the system: faces match; automated checks started", "Identity confirmed",
        clock=ClockEffect.START, jobs=(Job.AUTOMATED_DECISION,),
    ),
    "grant_automatically": Effects(
        "Granted by the automated checks: every rule passed", "Decision made automatically: application granted",
        clock=ClockEffect.STOP, email="decided",
    ),
    "refer_to_caseworker": Effects("Referred to a caseworker by the automated checks", "Passed to a caseworker to decide"),
    "refer_identity": Effects("Identity check referred to a caseworker", "Identity check passed to a caseworker to review"),
    "ask_for_new_photos": Effects(
        "New photos asked for from the applicant", "We asked you for new photos to confirm your identity", email="new_photos"
    ),
    "retry_identity_check": Effects(
        "New photos sent: identity check started", "You sent new photos: identity check started", jobs=(Job.IDENTITY_CHECK,)
    ),
    "rerun_identity_check": Effects(
        "Identity check run again by a caseworker", "Identity check started again", jobs=(Job.IDENTITY_CHECK,)
    ),
    "propose_identity_override": Effects(
        "Identity accepted by a caseworker, for a second caseworker to confirm", "A caseworker reviewed your identity"
    ),
    "confirm_identity_override": Effects(
        "Identity acceptance confirmed by a second caseworker", "Identity confirmed by caseworkers", clock=ClockEffect.START
    ),
    "reject_identity_override": Effects(
        "Identity acceptance not confirmed: back to identity review", "Your identity is still being reviewed"
    ),
    "start_review": Effects("Taken for review", "A caseworker started reviewing your application"),
    "release": Effects("Put back in the queue"),
    "request_information": Effects(
        "More information asked for from the applicant", "A caseworker asked you for more information",
        clock=ClockEffect.PAUSE, email="information_requested",
    ),
    "provide_information": Effects(
        "Information sent by the applicant", "You sent the information asked for", clock=ClockEffect.RESUME
    ),
    "grant": Effects("Granted", "Decision made: application granted", clock=ClockEffect.STOP, email="decided"),
    "propose_refusal": Effects("Refusal proposed, for a second caseworker to confirm"),
    "confirm_refusal": Effects(
        "Refusal confirmed by a second caseworker", "Decision made: application refused", clock=ClockEffect.STOP, email="decided"
    ),
    "return_refusal": Effects("Proposed refusal returned by the second caseworker"),
    "withdraw": Effects("Withdrawn by the applicant", "Application withdrawn", clock=ClockEffect.STOP),
}

# Changes recorded like transitions but leaving the state as it is (applications.workflow.application_record).
RECORDS: dict[str, str] = {
    "take": "Taken for identity review",
    "assign": "Assigned by a team leader",
    "release": "Put back in the queue",
    "reassign": "Reassigned",
    "confirmed_duplicate": "Potential duplicate identity confirmed: the same person",
    "dismissed_duplicate": "Potential duplicate identity dismissed: different people",
}

# What the applicant is told of each state: internal steps (a second pair of eyes,
# identity review) are not theirs to see. States not listed show their own label.
PUBLIC_STATUS: dict[str, str] = {
    State.IDENTITY_ADJUDICATION: "Checking identity",
    State.IDENTITY_OVERRIDE_PROPOSED: "Checking identity",
    State.AUTOMATED_CHECKS: "Checking your application",
    State.READY_FOR_CASEWORK: "With a caseworker",
    State.AWAITING_INFORMATION: "Waiting for information from you",
    State.REFUSAL_PROPOSED: "With a caseworker",
}


def history_text(transition: str) -> str:
    """The case history's words for an event's transition or record."""
    if transition in TRANSITIONS:
        return TRANSITIONS[transition].history
    return RECORDS.get(transition, transition.replace("_", " ").capitalize())
