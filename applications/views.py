from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from applications import selectors
from applications.forms import DetailsForm, PhotosForm, StartApplicationForm, SubmitForm
from applications.models import Application, Document
from applications.services import (
    application_add_photos,
    application_create,
    application_ensure_draft,
    application_missing_for_submission,
    application_submit,
    application_update_details,
)
from applications.workflow import WorkflowError


def _get_application_for_applicant(request: HttpRequest, application_id: UUID) -> Application:
    # Someone else's application is "not found", not "forbidden": ids are not confirmed.
    return get_object_or_404(Application, id=application_id, applicant=request.user)


def home(request: HttpRequest) -> HttpResponse:
    if request.user.has_perm("applications.work_cases"):
        return redirect("casework:queue")
    if request.user.is_authenticated:
        return redirect("applications:list")
    return render(request, "applications/start.html")


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
    return render(request, "applications/start_application.html", {"form": form})


@login_required
def application_overview(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_application_for_applicant(request, application_id)
    if application.is_draft:
        return render(
            request,
            "applications/task_list.html",
            {"application": application, "missing": application_missing_for_submission(application)},
        )
    return render(
        request,
        "applications/status.html",
        {
            "application": application,
            "timeline": selectors.application_timeline(application),
            "decision_reason": selectors.application_decision_reason(application),
        },
    )


def _draft_only(request: HttpRequest, application: Application) -> HttpResponse | None:
    try:
        application_ensure_draft(application)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("applications:overview", application.id)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def application_details(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_application_for_applicant(request, application_id)
    if response := _draft_only(request, application):
        return response
    initial = {"full_name": application.full_name, "date_of_birth": application.date_of_birth}
    form = DetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application_update_details(application=application, **form.cleaned_data)
        except WorkflowError as error:
            messages.error(request, str(error))
        return redirect("applications:overview", application.id)
    return render(request, "applications/details.html", {"application": application, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def application_photos(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_application_for_applicant(request, application_id)
    if response := _draft_only(request, application):
        return response
    form = PhotosForm(request.POST, request.FILES) if request.method == "POST" else PhotosForm()
    if request.method == "POST" and form.is_valid():
        try:
            application_add_photos(application=application, **form.cleaned_data)
        except WorkflowError as error:
            messages.error(request, str(error))
        return redirect("applications:overview", application.id)
    return render(request, "applications/photos.html", {"application": application, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def application_check_and_submit(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_application_for_applicant(request, application_id)
    if not application.is_draft:
        # A replayed or double-clicked submission lands on the confirmation of the first.
        return redirect("applications:confirmation", application.id)
    form = SubmitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            application = application_submit(application=application, actor=request.user)
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect("applications:overview", application.id)
        return redirect("applications:confirmation", application.id)
    context = {
        "application": application,
        "form": form,
        "documents": application.documents.all(),
        "missing": application_missing_for_submission(application),
    }
    return render(request, "applications/check_answers.html", context)


@login_required
def application_confirmation(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_application_for_applicant(request, application_id)
    if application.is_draft:
        return redirect("applications:overview", application.id)
    return render(request, "applications/confirmation.html", {"application": application})


def _get_document_for_user(request: HttpRequest, document_id: UUID) -> Document:
    """The applicant's own documents, or, for caseworkers, those of submitted applications."""
    document = get_object_or_404(Document.objects.select_related("application"), id=document_id)
    application = document.application
    is_owner = application.applicant_id == request.user.id
    is_case = application.submitted_at is not None and request.user.has_perm("applications.work_cases")
    if not (is_owner or is_case):
        raise Http404
    return document


@login_required
def document_file(request: HttpRequest, document_id: UUID) -> FileResponse:
    document = _get_document_for_user(request, document_id)
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response
