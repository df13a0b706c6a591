import io
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from applications import selectors
from applications.forms import (
    AnswerForm,
    EvidenceForm,
    PhotosForm,
    RespondForm,
    StartApplicationForm,
    SubmitForm,
    WithdrawForm,
)
from applications.models import WITHDRAWABLE_STATES, Application, Document, State
from applications.payments import payment_complete, payment_start
from applications.routes import ROUTES, DocumentKind
from applications.services import (
    application_add_evidence,
    application_add_photos,
    application_create,
    application_ensure_draft,
    application_remove_evidence,
    application_respond,
    application_retry_identity,
    application_save_answer,
    application_submit,
    application_withdraw,
)
from applications.workflow import WorkflowError
from config.headers import allow_features
from audit.access_log import access_record
from audit.models import AccessAction
from identity.services import identity_attempts_left
from payments.models import Payment, PaymentState


def _get_application_for_applicant(request: HttpRequest, application_id: UUID) -> Application:
    # Someone else's application is "not found", not "forbidden": ids are not confirmed.
    return get_object_or_404(Application, id=application_id, applicant=request.user)


def _get_document_for_user(request: HttpRequest, document_id: UUID) -> Document:
    """The applicant's own documents, or, for caseworkers, those of submitted applications."""
    document = get_object_or_404(Document.objects.select_related("application"), id=document_id, purged_at__isnull=True)
    application = document.application
    is_owner = application.applicant_id == request.user.id
    is_case = application.submitted_at is not None and request.user.has_perm("applications.view_cases")
    if not (is_owner or is_case):
        raise Http404
    return document


def _uuid_or_404(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise Http404 from None


def _draft_only(request: HttpRequest, application: Application) -> HttpResponse | None:
    try:
        application_ensure_draft(application)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("applications:overview", application.id)
    return None


def home(request: HttpRequest) -> HttpResponse:
    """Each role starts on its own page; people who are not signed in, on the service's start page."""
    user = request.user
    if user.has_perm("applications.manage_casework"):
        return redirect("casework:team")
    if user.has_perm("applications.work_cases"):
        return redirect("casework:queue")
    if user.has_perm("applications.view_cases"):
        return redirect("casework:audit")
    if user.is_authenticated:
        return redirect("applications:list")
    return render(request, "applications/start.html")


def cookies(request: HttpRequest) -> HttpResponse:
    context = {"session_cookie": settings.SESSION_COOKIE_NAME, "csrf_cookie": settings.CSRF_COOKIE_NAME}
    return render(request, "pages/cookies.html", context)


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility_statement.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html", {"retention_days": settings.BIOMETRIC_RETENTION_DAYS})


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    applications = Application.objects.filter(applicant=request.user)
    return render(request, "applications/list.html", {"applications": applications})


@login_required
@require_http_methods(["GET", "POST"])
def application_start(request: HttpRequest) -> HttpResponse:
    form = StartApplicationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        application = application_create(applicant=request.user, route=form.cleaned_data["route"])
        return redirect("applications:overview", application.id)
    return render(request, "applications/start_application.html", {"form": form, "routes": ROUTES})


@login_required
def application_overview(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_application_for_applicant(request, application_id)
    if application.is_draft:
        return render(
            request, "applications/task_list.html", {"application": application, "tasks": selectors.task_list(application)}
        )
    context = {
        "application": application,
        "timeline": selectors.application_timeline(application),
        "clock": selectors.application_clock(application),
        "decision_reason": selectors.application_decision_reason(application),
        "information_request": selectors.open_information_request(application),
        "can_withdraw": application.state in WITHDRAWABLE_STATES,
        "letter": getattr(application, "letter", None),
        "latest_check": application.identity_checks.first(),
        "attempts_left": identity_attempts_left(application),
        # The page follows the check with static/identity_check.js while it runs.
        "checking_identity": application.state in (State.SUBMITTED, State.IDENTITY_CHECKING),
    }
    return render(request, "applications/status.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_question(request: HttpRequest, application_id: UUID, question_key: str) -> HttpResponse:
    application = _get_application_for_applicant(request, application_id)
    if response := _draft_only(request, application):
        return response
    route = application.route_details
    question = route.questions.get(question_key)
    if question is None:
        raise Http404
    changing = request.GET.get("change") == "1"
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        question=question,
        answers=application.answers,
        initial={"answer": AnswerForm.initial_for(question, application.answers)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            application_save_answer(
                application=application, question=question, value=form.stored_value(form.cleaned_data["answer"])
            )
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect("applications:overview", application.id)
        following = route.next_question(question.key)
        if changing:
            return redirect("applications:check-answers", application.id)
        if following:
            return redirect("applications:question", application.id, following.key)
        return redirect("applications:overview", application.id)
    previous = route.previous_question(question.key)
    if changing:
        back_url = reverse("applications:check-answers", args=[application.id])
    elif previous:
        back_url = reverse("applications:question", args=[application.id, previous.key])
    else:
        back_url = reverse("applications:overview", args=[application.id])
    context = {
        "application": application,
        "form": form,
        "question": question,
        "section": route.section_of(question.key),
        "back_url": back_url,
    }
    return render(request, "applications/question.html", context)


@login_required
# The selfie can be taken with the camera (static/camera.js); no other page may use it.
@allow_features("camera")
@require_http_methods(["GET", "POST"])
def application_photos(request: HttpRequest, application_id: UUID) -> HttpResponse:
    """The photos for a draft, or new photos when an identity check asked for them."""
    application = _get_application_for_applicant(request, application_id)
    retrying = application.state == State.IDENTITY_RETRY
    if not retrying and (response := _draft_only(request, application)):
        return response
    form = PhotosForm(request.POST, request.FILES) if request.method == "POST" else PhotosForm()
    if request.method == "POST" and form.is_valid():
        try:
            if retrying:
                application_retry_identity(application=application, actor=request.user, **form.cleaned_data)
                messages.success(request, "Thank you: we are checking your new photos.")
            else:
                application_add_photos(application=application, **form.cleaned_data)
        except WorkflowError as error:
            messages.error(request, str(error))
        return redirect("applications:overview", application.id)
    context = {"application": application, "form": form, "retrying": retrying, "check": application.identity_checks.first()}
    return render(request, "applications/photos.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_evidence(request: HttpRequest, application_id: UUID, kind_key: str) -> HttpResponse:
    application = _get_application_for_applicant(request, application_id)
    if response := _draft_only(request, application):
        return response
    kind = application.route_details.evidence_kind(kind_key)
    if kind is None:
        raise Http404
    documents = application.documents.filter(kind=kind.key)
    form = EvidenceForm(kind=kind)
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                document = get_object_or_404(documents, id=_uuid_or_404(request.POST["remove"]))
                application_remove_evidence(application=application, document=document)
                messages.success(request, f"{document.original_name} removed.")
                return redirect("applications:evidence", application.id, kind.key)
            form = EvidenceForm(request.POST, request.FILES, kind=kind)
            if form.is_valid():
                document = application_add_evidence(application=application, kind=kind, file=form.cleaned_data["file"])
                messages.success(request, f"{document.original_name} uploaded.")
                return redirect("applications:evidence", application.id, kind.key)
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect("applications:evidence", application.id, kind.key)
    context = {"application": application, "kind": kind, "documents": documents, "form": form}
    return render(request, "applications/evidence.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_check_and_submit(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_application_for_applicant(request, application_id)
    if application.submitted_at:
        # A replayed or double-clicked submission lands on the confirmation of the first.
        return redirect("applications:confirmation", application.id)
    if response := _draft_only(request, application):
        return response
    form = SubmitForm(request.POST if request.method == "POST" else None)
    route = application.route_details
    if request.method == "POST" and form.is_valid():
        try:
            if route.fee_pence:
                # Submitted once the payment succeeds, when the applicant is back from the provider.
                return _to_payment(payment_start(application=application, actor=request.user))
            application = application_submit(application=application, actor=request.user)
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect("applications:check-answers", application.id)
        return redirect("applications:confirmation", application.id)
    context = {
        "application": application,
        "form": form,
        "sections": selectors.answer_sections(application),
        "evidence": [(kind, application.documents.filter(kind=kind.key)) for kind in route.evidence],
        "photos": application.documents.filter(kind__in=DocumentKind.PHOTOS),
        "problems": selectors.application_problems(application),
        "fee": f"£{route.fee_pence / 100:.2f}",
    }
    return render(request, "applications/check_answers.html", context)


@login_required
@require_POST
def application_pay(request: HttpRequest, application_id: UUID) -> HttpResponse:
    """Pay the fee again after a failed or cancelled payment."""
    application = _get_application_for_applicant(request, application_id)
    try:
        return _to_payment(payment_start(application=application, actor=request.user))
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("applications:overview", application.id)


def _to_payment(payment: Payment) -> HttpResponse:
    """On to the provider's page, or straight back if the fee has been paid already."""
    if payment.state == PaymentState.SUCCESS:
        return redirect("applications:payment-return", payment.id)
    return redirect(payment.next_url)


@login_required
def application_payment_return(request: HttpRequest, payment_id: UUID) -> HttpResponse:
    """Where the provider sends the applicant back: submitted if the payment succeeded, a way to try again if not."""
    payment = get_object_or_404(Payment.objects.select_related("application"), id=payment_id, application__applicant=request.user)
    try:
        payment = payment_complete(payment=payment, actor=request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("applications:check-answers", payment.application_id)
    if payment.state == PaymentState.SUCCESS:
        return redirect("applications:confirmation", payment.application_id)
    if payment.state == PaymentState.STARTED:
        # Back before finishing at the provider: carry on paying there.
        return redirect(payment.next_url)
    return render(request, "applications/payment_not_paid.html", {"payment": payment, "application": payment.application})


@login_required
def application_confirmation(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_application_for_applicant(request, application_id)
    if not application.submitted_at:
        return redirect("applications:overview", application.id)
    return render(request, "applications/confirmation.html", {"application": application})


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw_view(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_application_for_applicant(request, application_id)
    if application.state not in WITHDRAWABLE_STATES:
        messages.error(request, f"This application is “{application.get_state_display()}” and cannot be withdrawn.")
        return redirect("applications:overview", application.id)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirm"] == "yes":
            try:
                application_withdraw(application=application, actor=request.user)
            except WorkflowError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "Your application has been withdrawn.")
        return redirect("applications:overview", application.id)
    return render(request, "applications/withdraw.html", {"application": application, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def application_respond_view(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_application_for_applicant(request, application_id)
    information_request = selectors.open_information_request(application)
    if information_request is None:
        messages.error(request, "There is no request for information to answer on this application.")
        return redirect("applications:overview", application.id)
    form = RespondForm(request.POST, request.FILES) if request.method == "POST" else RespondForm()
    if request.method == "POST" and form.is_valid():
        try:
            application_respond(
                application=application,
                request=information_request,
                actor=request.user,
                response=form.cleaned_data["response"],
                files=form.cleaned_data["files"],
            )
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Thank you: your answer has been sent to the caseworker.")
        return redirect("applications:overview", application.id)
    context = {"application": application, "form": form, "information_request": information_request}
    return render(request, "applications/respond.html", context)


@login_required
def document_file(request: HttpRequest, document_id: UUID) -> HttpResponse:
    """The stored file; a photo with `?turn=90|180|270` is turned clockwise by as much first.

    The identity check records how far a photo had to be turned for its face to
    be found, so that a caseworker sees it upright.
    """
    document = _get_document_for_user(request, document_id)
    turn = request.GET.get("turn", "0")
    if turn not in {"0", "90", "180", "270"}:
        raise Http404("No such view of the document.")
    face = document.kind in DocumentKind.PHOTOS
    action = AccessAction.FACE_IMAGE_VIEWED if face else AccessAction.DOCUMENT_VIEWED
    access_record(request, action=action, application=document.application, target=str(document.id))
    if turn != "0" and document.content_type.startswith("image/"):
        response = HttpResponse(_turned_photo(document, int(turn)), content_type="image/png")
    else:
        response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    # Photos are shown in pages; anything else (PDFs) is downloaded, never run in ours.
    disposition = "inline" if document.content_type.startswith("image/") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="document-{document.id}.{document.extension}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _turned_photo(document: Document, degrees: int) -> bytes:
    from PIL import Image, ImageOps

    with document.file.open("rb") as stored:
        image = ImageOps.exif_transpose(Image.open(stored)).convert("RGB")
    buffer = io.BytesIO()
    image.rotate(-degrees, expand=True).save(buffer, format="PNG")
    return buffer.getvalue()
