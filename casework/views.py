from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from applications.models import Application
from applications.selectors import application_timeline
from applications.workflow import WorkflowError
from casework.forms import DecisionForm
from casework.selectors import case_queue
from casework.services import case_allowed_decisions, case_decide


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


def _case_page(request: HttpRequest, application: Application, form: DecisionForm, status: int = 200) -> HttpResponse:
    context = {
        "application": application,
        "documents": application.documents.all(),
        "checks": application.identity_checks.select_related("passport_photo", "selfie"),
        "timeline": application_timeline(application),
        "form": form,
    }
    return render(request, "casework/case.html", context, status=status)


@login_required
def case_detail(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_case_for_user(request, application_id)
    allowed = case_allowed_decisions(application=application, user=request.user)
    return _case_page(request, application, DecisionForm(allowed=allowed))


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
        return _case_page(request, application, form, status=400)
    try:
        case_decide(application=application, actor=request.user, **form.cleaned_data)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Application {application.reference}: {application.get_state_display().lower()}.")
    return redirect("casework:case", application.id)
