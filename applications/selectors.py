import datetime
from dataclasses import dataclass

from django.urls import reverse

from applications.models import Application, State
from applications.routes import DocumentKind, Question, Section
from applications.service_standard import Clock, service_standard_clock
from applications.transitions import TRANSITIONS, history_text
from outbox.models import Email


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


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    text: str


def application_timeline(application: Application) -> list[TimelineEntry]:
    """The steps the applicant is shown, in the registry's words; steps internal to casework are left out."""
    return [
        TimelineEntry(at=event.created_at, text=TRANSITIONS[event.transition].timeline)
        for event in application.events.all()
        if event.transition in TRANSITIONS and TRANSITIONS[event.transition].timeline
    ]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    text: str
    actor: str
    reason: str


def application_history(application: Application) -> list[HistoryEntry]:
    """Every event, for staff, in plain English: who did what (or "System"), and why."""
    return [
        HistoryEntry(
            at=event.created_at,
            text=history_text(event.transition),
            actor=event.actor.email if event.actor else "System",
            reason=event.reason,
        )
        for event in application.events.select_related("actor")
    ]


def application_emails(application: Application) -> list[Email]:
    """The emails written to the applicant about this application, and how their delivery went."""
    return list(Email.objects.filter(about=str(application.id)))


def application_clock(application: Application) -> Clock | None:
    return service_standard_clock(application.events.all(), application.route_details.target_working_days)


def application_decision_reason(application: Application) -> str:
    """The reasons the applicant is given: the deciding caseworker's, not a reviewer's comments."""
    transitions = {State.GRANTED: ["grant", "grant_automatically"], State.REFUSED: ["propose_refusal"]}.get(application.state)
    event = application.events.filter(transition__in=transitions).last() if transitions else None
    return event.reason if event else ""


def open_information_request(application: Application):
    if application.state != State.AWAITING_INFORMATION:
        return None
    return application.information_requests.filter(responded_at__isnull=True).first()
