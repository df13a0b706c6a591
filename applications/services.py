import datetime

from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from applications import reference
from applications.constants import DocumentKind
from applications.models import Application, Document, State
from applications.uploads import Photo
from applications.workflow import ConflictError, WorkflowError, application_save, application_transition
from identity.services import identity_check_start


def application_create(*, applicant: User, route: str) -> Application:
    return Application.objects.create(applicant=applicant, route=route)


NOT_A_DRAFT = "This application has been submitted and can no longer be changed."


def application_ensure_draft(application: Application) -> None:
    if not application.is_draft:
        raise WorkflowError(NOT_A_DRAFT)


def application_update_details(*, application: Application, full_name: str, date_of_birth: datetime.date) -> None:
    application_ensure_draft(application)
    application.full_name = full_name
    application.date_of_birth = date_of_birth
    # An edit that races the submission fails rather than changing a submitted application.
    application_save(application, update_fields=["full_name", "date_of_birth"])


def application_add_photos(*, application: Application, passport_photo: Photo, selfie: Photo) -> None:
    """Store both photos, replacing any earlier ones; both are stored or neither."""
    created: list[Document] = []
    try:
        with transaction.atomic():
            # Locking the draft row makes a submission wait for this to finish (or
            # this find that the submission came first), so the photos a check uses
            # are never deleted under it.
            if not Application.objects.select_for_update().filter(id=application.id, state=State.DRAFT).exists():
                raise WorkflowError(NOT_A_DRAFT)
            replaced = list(application.documents.filter(kind__in=[DocumentKind.PASSPORT_PHOTO, DocumentKind.SELFIE]))
            for kind, photo in [(DocumentKind.PASSPORT_PHOTO, passport_photo), (DocumentKind.SELFIE, selfie)]:
                created.append(
                    Document.objects.create(
                        application=application,
                        kind=kind,
                        file=ContentFile(photo.content, name="photo.jpg"),
                        content_type=photo.content_type,
                        original_name=photo.original_name,
                        size=len(photo.content),
                        width=photo.width,
                        height=photo.height,
                    )
                )
            Document.objects.filter(id__in=[document.id for document in replaced]).delete()
            # Old files are removed only once their rows are gone for good.
            transaction.on_commit(lambda: [document.file.delete(save=False) for document in replaced])
    except BaseException:
        # Files are written before the rows commit; the rows did not, so neither may the files.
        for document in created:
            document.file.delete(save=False)
        raise


def application_missing_for_submission(application: Application) -> list[str]:
    missing = []
    if not application.full_name or not application.date_of_birth:
        missing.append("your details")
    kinds = set(application.documents.values_list("kind", flat=True))
    if {DocumentKind.PASSPORT_PHOTO, DocumentKind.SELFIE} - kinds:
        missing.append("your photos")
    return missing


def application_submit(*, application: Application, actor: User) -> Application:
    """Submit the application and start its identity check.

    Submitting again (a double click, the back button, a replayed request) changes
    nothing and returns the application as it is.
    """
    if not application.is_draft:
        return application
    missing = application_missing_for_submission(application)
    if missing:
        raise WorkflowError(f"Complete {' and '.join(missing)} before you submit.")
    try:
        with transaction.atomic():
            application_transition(application, "submit", actor=actor, reference=reference.generate())
            identity_check_start(application=application, actor=actor)
    except ConflictError:
        # Another request submitted it first; that submission is the one.
        application = Application.objects.get(id=application.id)
        if application.is_draft:
            raise
    return application
