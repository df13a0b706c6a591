from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from applications.models import Application
from applications.routes import DocumentKind
from applications.selectors import answer_sections, application_clock, application_timeline
from applications.workflow import WorkflowError
from casework.forms import DecisionForm, DuplicateResolutionForm, IdentityActionForm, InformationRequestForm
from casework.selectors import case_queue
from casework.services import (
    case_allowed_decisions,
    case_allowed_identity_actions,
    case_blocked_decisions,
    case_can_request_information,
    case_decide,
    case_identity_action,
    case_request_information,
    case_resolve_duplicate,
)
from identity.models import DuplicateCandidate


def _require_caseworker(request: HttpRequest) -> None:
    if not request.user.has_perm("applications.work_cases"):
        raise PermissionDenied


def _get_case_for_user(request: HttpRequest, application_id: UUID) -> Application:
    _require_caseworker(request)
    # Drafts are the applicant's own until submitted.
    return get_object_or_404(Application.objects.exclude(submitted_at=None), id=application_id)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_caseworker(request)
    return render(request, "casework/queue.html", {"cases": case_queue()})


def _case_page(
    request: HttpRequest,
    application: Application,
    *,
    form: DecisionForm | None = None,
    information_form: InformationRequestForm | None = None,
    identity_form: IdentityActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "application": application,
        "answers": answer_sections(application),
        "documents": application.documents.exclude(kind__in=[DocumentKind.PASSPORT_PHOTO, DocumentKind.SELFIE]),
        "checks": application.identity_checks.select_related("passport_photo", "selfie").prefetch_related("runs"),
        "duplicates": application.duplicate_candidates.select_related("candidate", "resolved_by"),
        "biometric_purge": getattr(application, "biometric_purge", None),
        "identity_form": identity_form
        or IdentityActionForm(allowed=case_allowed_identity_actions(application=application, user=request.user)),
        "duplicate_form": DuplicateResolutionForm(),
        "max_attempts": settings.IDENTITY_MAX_ATTEMPTS,
        "information_requests": application.information_requests.prefetch_related("documents"),
        "timeline": application_timeline(application),
        "clock": application_clock(application),
        "form": form or DecisionForm(allowed=case_allowed_decisions(application=application, user=request.user)),
        "can_request_information": case_can_request_information(application=application, user=request.user),
        "blocked_decisions": case_blocked_decisions(application=application, user=request.user),
        "information_form": information_form or InformationRequestForm(),
    }
    return render(request, "casework/case.html", context, status=status)


@login_required
def case_detail(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_case_for_user(request, application_id)
    return _case_page(request, application)


@login_required
@require_POST
def case_decision(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_case_for_user(request, application_id)
    allowed = case_allowed_decisions(application=application, user=request.user)
    if not allowed:
        messages.error(
            request, f"This application is “{application.get_state_display()}”: no decision can be made on it now."
        )
        return redirect("casework:case", application.id)
    form = DecisionForm(request.POST, allowed=allowed)
    if not form.is_valid():
        return _case_page(request, application, form=form, status=400)
    try:
        case_decide(application=application, actor=request.user, **form.cleaned_data)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Application {application.reference}: {application.get_state_display().lower()}.")
    return redirect("casework:case", application.id)


@login_required
@require_POST
def case_information_request(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_case_for_user(request, application_id)
    if not case_can_request_information(application=application, user=request.user):
        messages.error(request, f"This application is “{application.get_state_display()}”: information cannot be requested now.")
        return redirect("casework:case", application.id)
    form = InformationRequestForm(request.POST)
    if not form.is_valid():
        return _case_page(request, application, information_form=form, status=400)
    try:
        case_request_information(application=application, actor=request.user, **form.cleaned_data)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Information requested. The service standard clock has stopped for {application.reference}.")
    return redirect("casework:case", application.id)


@login_required
@require_POST
def case_identity(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_case_for_user(request, application_id)
    allowed = case_allowed_identity_actions(application=application, user=request.user)
    if not allowed:
        messages.error(request, f"This application is “{application.get_state_display()}”: nothing can be done about its identity now.")
        return redirect("casework:case", application.id)
    form = IdentityActionForm(request.POST, allowed=allowed)
    if not form.is_valid():
        return _case_page(request, application, identity_form=form, status=400)
    try:
        case_identity_action(
            application=application, actor=request.user, action=form.cleaned_data["action"], reason=form.cleaned_data["identity_reason"]
        )
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Done. {application.reference} is now “{Application.objects.get(id=application.id).get_state_display()}”.")
    return redirect("casework:case", application.id)


@login_required
@require_POST
def case_duplicate(request: HttpRequest, application_id: UUID, candidate_id: int) -> HttpResponse:
    application = _get_case_for_user(request, application_id)
    candidate = get_object_or_404(DuplicateCandidate, id=candidate_id, application=application)
    form = DuplicateResolutionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect("casework:case", application.id)
    try:
        case_resolve_duplicate(
            candidate=candidate, actor=request.user, resolution=form.cleaned_data["resolution"], reason=form.cleaned_data["duplicate_reason"]
        )
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Potential duplicate {candidate.candidate.reference} resolved.")
    return redirect("casework:case", application.id)
