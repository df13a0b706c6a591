from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications import reference
from applications.identity_checks import application_identity_check_start
from applications.models import Application, Document, InformationRequest, State
from applications.routes import DocumentKind, EvidenceKind, Question
from applications.selectors import application_problems
from applications.uploads import CleanFile
from applications.workflow import WorkflowError, application_transition
from payments.models import PaymentState

NOT_A_DRAFT = "This application has been submitted and can no longer be changed."


def application_create(*, applicant: User, route: str) -> Application:
    return Application.objects.create(applicant=applicant, route=route, synthetic_cohort=applicant.synthetic_cohort)


def application_ensure_draft(application: Application) -> None:
    if not application.is_draft:
        raise WorkflowError(NOT_A_DRAFT)


def _lock(application: Application, state: State, message: str) -> Application:
    """Lock the application's row, provided it is still in `state`.

    Holding the lock until commit makes a transition wait for this change (or this
    change find that the transition came first): what a submission or a response
    reads cannot change under it.
    """
    locked = Application.objects.select_for_update().filter(id=application.id, state=state).first()
    if locked is None:
        raise WorkflowError(message)
    return locked


def application_save_answer(*, application: Application, question: Question, value: object) -> None:
    with transaction.atomic():
        # Answers are one JSON document: locking the row stops two tabs saving
        # different questions at once from losing one of them.
        locked = _lock(application, State.DRAFT, NOT_A_DRAFT)
        if value in (None, ""):
            locked.answers.pop(question.key, None)
        else:
            locked.answers[question.key] = value
        locked.save(update_fields=["answers"])
    application.answers = locked.answers


@contextmanager
def _storing_documents() -> Iterator[list[Document]]:
    """A transaction for new documents; their files go too if it does not commit.

    Files are written when their rows are created, before the commit.
    """
    created: list[Document] = []
    try:
        with transaction.atomic():
            yield created
    except BaseException:
        for document in created:
            document.file.delete(save=False)
        raise


def _store(application: Application, kind: str, file: CleanFile, **extra) -> Document:
    return Document.objects.create(
        application=application,
        kind=kind,
        file=ContentFile(file.content, name="upload"),
        content_type=file.content_type,
        original_name=file.original_name,
        size=len(file.content),
        width=file.width,
        height=file.height,
        **extra,
    )


def _delete_documents_on_commit(documents: list[Document]) -> None:
    Document.objects.filter(id__in=[document.id for document in documents]).delete()
    # Files are removed only once their rows are gone for good.
    transaction.on_commit(lambda: [document.file.delete(save=False) for document in documents])


def application_add_photos(*, application: Application, passport_photo: CleanFile, selfie: CleanFile) -> None:
    """Store both photos, replacing any earlier ones; both are stored or neither."""
    with _storing_documents() as created:
        _lock(application, State.DRAFT, NOT_A_DRAFT)
        replaced = list(application.documents.filter(kind__in=DocumentKind.PHOTOS))
        created.append(_store(application, DocumentKind.PASSPORT_PHOTO, passport_photo))
        created.append(_store(application, DocumentKind.SELFIE, selfie))
        _delete_documents_on_commit(replaced)


def application_retry_identity(*, application: Application, passport_photo: CleanFile, selfie: CleanFile, actor: User) -> None:
    """New photos after a check asked for them: stored beside the earlier ones, and checked as the next attempt."""
    with _storing_documents() as created:
        locked = _lock(application, State.IDENTITY_RETRY, "New photos are not needed for this application now.")
        created.append(_store(locked, DocumentKind.PASSPORT_PHOTO, passport_photo))
        created.append(_store(locked, DocumentKind.SELFIE, selfie))
        application_identity_check_start(application=locked, actor=actor, transition="retry_identity_check")
    application.refresh_from_db()


def application_add_evidence(*, application: Application, kind: EvidenceKind, file: CleanFile) -> Document:
    with _storing_documents() as created:
        _lock(application, State.DRAFT, NOT_A_DRAFT)
        if application.documents.filter(kind=kind.key).count() >= kind.max_files:
            raise WorkflowError(f"You can upload at most {kind.max_files} files for {kind.label.lower()}. Remove one first.")
        created.append(_store(application, kind.key, file))
    return created[0]


def application_remove_evidence(*, application: Application, document: Document) -> None:
    with transaction.atomic():
        _lock(application, State.DRAFT, NOT_A_DRAFT)
        _delete_documents_on_commit([document])


def application_submit(*, application: Application, actor: User) -> Application:
    """Submit the application and start its identity check.

    Submitting again (a double click, the back button, a replayed request) changes
    nothing and returns the application as it is.
    """
    if not application.is_draft:
        return application
    try:
        with transaction.atomic():
            locked = _lock(application, State.DRAFT, NOT_A_DRAFT)
            if problems := application_problems(locked):
                count = "is a problem" if len(problems) == 1 else f"are {len(problems)} problems"
                raise WorkflowError(f"There {count} to fix before you submit.")
            if locked.route_details.fee_pence and not locked.payments.filter(state=PaymentState.SUCCESS).exists():
                raise WorkflowError("Pay the fee before you submit.")
            application_transition(locked, "submit", actor=actor, reference=reference.generate())
            application_identity_check_start(application=locked, actor=actor, transition="start_identity_check")
    except WorkflowError:
        # Another request submitted it first; that submission is the one.
        current = Application.objects.get(id=application.id)
        if current.is_draft:
            raise
        return current
    return locked


def application_withdraw(*, application: Application, actor: User) -> None:
    """Withdraw the application. Withdrawing one already withdrawn changes nothing."""
    if application.state == State.WITHDRAWN:
        return
    application_transition(application, "withdraw", actor=actor, reason="Withdrawn by the applicant.")


def application_respond(
    *, application: Application, request: InformationRequest, actor: User, response: str, files: list[CleanFile]
) -> None:
    """Answer a request for information and return the case to the caseworker."""
    with _storing_documents() as created:
        locked = _lock(application, State.AWAITING_INFORMATION, "This request has already been answered.")
        if InformationRequest.objects.filter(id=request.id, responded_at__isnull=False).exists():
            raise WorkflowError("This request has already been answered.")
        for file in files:
            created.append(_store(application, DocumentKind.INFORMATION_RESPONSE, file, information_request=request))
        InformationRequest.objects.filter(id=request.id).update(response=response, responded_at=timezone.now())
        application_transition(locked, "provide_information", actor=actor, reason=response)
    application.refresh_from_db()
