import datetime
from dataclasses import dataclass

from django.urls import reverse

from applications.models import Application, State
from applications.routes import DocumentKind, Question, Section
from casework.service_standard import Clock, service_standard_clock


@dataclass(frozen=True)
class Problem:
    """Something to fix before the application can be submitted, and where to fix it."""

    message: str
    url: str


def question_url(application: Application, question: Question, *, change: bool = False) -> str:
    url = reverse("applications:question", args=[application.id, question.key])
    return f"{url}?change=1" if change else url


@dataclass(frozen=True)
class AnswerRow:
    question: Question
    value: str
    change_url: str


def answer_sections(application: Application) -> list[tuple[Section, list[AnswerRow]]]:
    """Every section's questions with the answer as shown to people, and where to change it."""
    return [
        (section, [
            AnswerRow(question, question.display(application.answers.get(question.key)), question_url(application, question, change=True))
            for question in section.questions
        ])
        for section in application.route_details.sections
    ]


def question_problem(application: Application, question: Question) -> str | None:
    value = application.answers.get(question.key)
    if value in (None, ""):
        return question.required_message if question.required else None
    return question.check(value, application.answers) if question.check else None


def section_status(application: Application, section: Section) -> str:
    answered = [question for question in section.questions if question.key in application.answers]
    if not answered:
        return "not_started"
    if any(question_problem(application, question) for question in section.questions):
        return "in_progress"
    return "completed"


def application_problems(application: Application) -> list[Problem]:
    route = application.route_details
    problems = [
        Problem(message, question_url(application, question, change=True))
        for question in route.questions.values()
        if (message := question_problem(application, question))
    ]
    uploaded = set(application.documents.values_list("kind", flat=True))
    problems += [
        Problem(f"Upload {kind.label[0].lower()}{kind.label[1:]}", reverse("applications:evidence", args=[application.id, kind.key]))
        for kind in route.evidence
        if kind.required and kind.key not in uploaded
    ]
    if set(DocumentKind.PHOTOS) - uploaded:
        problems.append(
            Problem("Upload your passport photo and a photo of your face", reverse("applications:photos", args=[application.id]))
        )
    if application.applicant.email_confirmed_at is None:
        problems.append(
            Problem(f"Confirm your email address with the link we sent to {application.applicant.email}",
                    reverse("accounts:confirm-email-resend"))
        )
    return problems


@dataclass(frozen=True)
class Task:
    title: str
    url: str | None
    status: str  # not_started, in_progress, completed, cannot_start


def task_list(application: Application) -> list[Task]:
    route = application.route_details
    tasks = [
        Task(
            section.title,
            question_url(application, next((q for q in section.questions if question_problem(application, q)), section.questions[0])),
            section_status(application, section),
        )
        for section in route.sections
    ]
    uploaded = set(application.documents.values_list("kind", flat=True))
    for kind in route.evidence:
        done = kind.key in uploaded
        status = "completed" if done else ("not_started" if kind.required else "optional")
        tasks.append(Task(kind.label, reverse("applications:evidence", args=[application.id, kind.key]), status))
    photos_done = not set(DocumentKind.PHOTOS) - uploaded
    tasks.append(
        Task("Your passport photo and a photo of your face", reverse("applications:photos", args=[application.id]),
             "completed" if photos_done else "not_started")
    )
    ready = all(task.status in ("completed", "optional") for task in tasks)
    tasks.append(
        Task("Check your answers and submit", reverse("applications:check-answers", args=[application.id]) if ready else None,
             "not_started" if ready else "cannot_start")
    )
    return tasks


# What each step means to the applicant, in plain language. Steps not listed
# (assignment, a proposed refusal and its review, ...) are internal to casework.
_TIMELINE_TEXT = {
    "submit": "Application submitted",
    "start_identity_check": "Identity check started",
    "pass_identity": "Identity confirmed",
    "refer_identity": "Identity check passed to a caseworker to review",
    "ask_for_new_photos": "We asked you for new photos to confirm your identity",
    "retry_identity_check": "You sent new photos: identity check started",
    "rerun_identity_check": "Identity check started again",
    "propose_identity_override": "A caseworker reviewed your identity",
    "confirm_identity_override": "Identity confirmed by caseworkers",
    "reject_identity_override": "Your identity is still being reviewed",
    "request_information": "A caseworker asked you for more information",
    "provide_information": "You sent the information asked for",
    "start_review": "A caseworker started reviewing your application",
    "grant": "Decision made: application granted",
    "confirm_refusal": "Decision made: application refused",
    "withdraw": "Application withdrawn",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    text: str


def application_timeline(application: Application) -> list[TimelineEntry]:
    return [
        TimelineEntry(at=event.created_at, text=_TIMELINE_TEXT[event.transition])
        for event in application.events.all()
        if event.transition in _TIMELINE_TEXT
    ]


def application_clock(application: Application) -> Clock | None:
    return service_standard_clock(application.events.all(), application.route_details.target_working_days)


def application_decision_reason(application: Application) -> str:
    """The reasons the applicant is given: the deciding caseworker's, not a reviewer's comments."""
    transition = {State.GRANTED: "grant", State.REFUSED: "propose_refusal"}.get(application.state)
    event = application.events.filter(transition=transition).last() if transition else None
    return event.reason if event else ""


def open_information_request(application: Application):
    if application.state != State.AWAITING_INFORMATION:
        return None
    return application.information_requests.filter(responded_at__isnull=True).first()
