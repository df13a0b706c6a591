"""Applications in a given state, built through the services as an applicant would."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications import services
from applications.models import Application
from applications.routes import Question, Route
from applications.uploads import read_file, read_photo
from tests import images


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def valid_answers() -> dict[str, object]:
    """An answer to every question of every route, consistent with each other."""
    today = timezone.localdate()

    def days(n: int) -> str:
        return (today + datetime.timedelta(days=n)).isoformat()

    return {
        "given_names": "Eileen Marie",
        "family_name": "Collins",
        "date_of_birth": "1956-11-19",
        "sex": "F",
        "email": "eileen@example.com",
        "phone": "+44 7700 900982",
        "address": "1 High Street\nLondon\nSW1A 1AA",
        "address_country": "GBR",
        "passport_number": "P1234567",
        "passport_issuing_country": "USA",
        "nationality": "USA",
        "passport_issue_date": days(-700),
        "passport_expiry_date": days(3000),
        "arrival_date": days(30),
        "stay_months": 3,
        "visit_purpose": "tourism",
        "visit_funding": "self",
        "sponsor_licence_number": "2AB3C4D5E6",
        "cos_reference": "C2G7M3J4K5L",
        "job_title": "Flight engineer",
        "salary": 45000,
        "course_name": "MSc Astronautics",
        "education_provider": "University of Somewhere",
        "cas_number": "E4G8JR4A1B2C3D",
        "course_start_date": days(60),
        "course_end_date": days(800),
        "partner_name": "Pat Youngs",
        "partner_date_of_birth": "1955-03-02",
        "partner_nationality": "GBR",
        "relationship": "married",
        "relationship_start": "2015-06-01",
        "uk_arrival_date": "2019-09-01",
        "current_permission": "skilled-worker",
        "absence_days": 20,
        "criminal_convictions": "no",
        "previous_refusals": "no",
    }


def draft_application(
    applicant: User,
    *,
    route: str = "visitor",
    passport: bytes | None = None,
    selfie: bytes | None = None,
    photos: bool = True,
) -> Application:
    """A draft with every question answered, required evidence uploaded and, by default, a matching pair of photos."""
    application = services.application_create(applicant=applicant, route=route)
    answers = valid_answers()
    for question in application.route_details.questions.values():
        if question.key in answers:
            services.application_save_answer(application=application, question=question, value=answers[question.key])
    for kind in application.route_details.evidence:
        if kind.required:
            services.application_add_evidence(
                application=application, kind=kind, file=read_file(upload("evidence.pdf", images.pdf()), label="File", content_types=kind.content_types)
            )
    if photos:
        services.application_add_photos(
            application=application,
            passport_photo=read_photo(upload("passport.jpg", passport or images.astronaut_passport()), label="Passport"),
            selfie=read_photo(upload("selfie.jpg", selfie or images.astronaut_selfie()), label="Selfie"),
        )
    return application


def form_data(question: Question, value: object) -> dict[str, object]:
    """What a browser posts to a question's page to give this answer."""
    if question.kind == "date":
        date = datetime.date.fromisoformat(str(value))
        return {"answer_day": date.day, "answer_month": date.month, "answer_year": date.year}
    return {"answer": value}


def answer_every_question(client: Client, application_id, route: Route) -> None:
    """Answer each question on its own page, as an applicant would, checking each is accepted."""
    answers = valid_answers()
    for question in route.questions.values():
        if question.key not in answers:
            continue
        url = reverse("applications:question", args=[application_id, question.key])
        response = client.post(url, form_data(question, answers[question.key]))
        assert response.status_code == 302, f"{question.key}: {response.content.decode()[:2000]}"


ETA = "electronic-travel-authorisation"


def pay(application: Application, outcome: str = "pay"):
    """Pay the fee through the fake provider as the applicant would: start, choose an outcome, come back."""
    from applications.payments import payment_complete, payment_start
    from payments.providers import fake_payment_finish

    payment = payment_start(application=application, actor=application.applicant)
    fake_payment_finish(payment_id=payment.provider_id, outcome=outcome)
    payment = payment_complete(payment=payment, actor=application.applicant)
    application.refresh_from_db()
    return payment


def submitted(applicant: User, **kwargs) -> Application:
    application = draft_application(applicant, **kwargs)
    if application.route_details.fee_pence:
        pay(application)
        return application
    return services.application_submit(application=application, actor=applicant)


def checked(applicant: User, **kwargs) -> Application:
    """Submitted, with its identity check run (in this process)."""
    from applications.identity_checks import application_identity_check_run

    application = submitted(applicant, **kwargs)
    application_identity_check_run(application_id=application.id, task_id=f"check-{application.id}")
    application.refresh_from_db()
    return application


def in_review(applicant: User, caseworker: User, **kwargs) -> Application:
    """Identity confirmed and taken by `caseworker`."""
    from casework.services import case_take

    application = checked(applicant, **kwargs)
    case_take(application=application, user=caseworker)
    return application


def granted(applicant: User, caseworker: User, **kwargs) -> Application:
    from casework.services import case_grant

    application = in_review(applicant, caseworker, **kwargs)
    route = application.route_details
    case_grant(
        application=application, actor=caseworker, reason="Meets the rules.", valid_until=timezone.localdate() + datetime.timedelta(days=180),
        work_condition=route.work_conditions[0], study_condition=route.study_conditions[0],
    )
    return application


def refused(applicant: User, caseworker: User, senior: User, **kwargs) -> Application:
    from casework.services import case_confirm_refusal, case_propose_refusal

    application = in_review(applicant, caseworker, **kwargs)
    case_propose_refusal(application=application, actor=caseworker, reasons=["financial"], reason="Not enough funds shown.")
    case_confirm_refusal(application=application, actor=senior, reason="")
    return application
