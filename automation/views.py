from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from applications.models import Application
from applications.workflow import WorkflowError
from automation.forms import QualityCheckForm, WatchListEntryForm
from automation.models import QualityCheck, WatchListEntry
from automation.services import quality_check_record, quality_check_request, watch_list_add, watch_list_remove


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def watch_list(request: HttpRequest) -> HttpResponse:
    _require(request, "automation.manage_watch_list")
    form = WatchListEntryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        entry = watch_list_add(actor=request.user, **form.cleaned_data)
        messages.success(request, f"{entry.full_name} added to the watch list.")
        return redirect("automation:watch-list")
    return render(request, "automation/watch_list.html", {"form": form, "entries": WatchListEntry.objects.select_related("added_by")})


@login_required
@require_POST
def watch_list_remove_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    _require(request, "automation.manage_watch_list")
    entry = get_object_or_404(WatchListEntry, id=entry_id)
    watch_list_remove(actor=request.user, entry=entry)
    messages.success(request, f"{entry.full_name} removed from the watch list.")
    return redirect("automation:watch-list")


@login_required
def quality_queue(request: HttpRequest) -> HttpResponse:
    _require(request, "automation.check_automated_decisions")
    checks = QualityCheck.objects.select_related("decision__application", "checked_by")
    context = {"to_check": checks.filter(checked_at__isnull=True), "checked": checks.filter(checked_at__isnull=False).order_by("-checked_at")[:50]}
    return render(request, "automation/quality_queue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def quality_check_view(request: HttpRequest, check_id: int) -> HttpResponse:
    _require(request, "automation.check_automated_decisions")
    check = get_object_or_404(QualityCheck.objects.select_related("decision__application", "checked_by"), id=check_id)
    form = QualityCheckForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            quality_check_record(check=check, actor=request.user, **form.cleaned_data)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Check of {check.decision.application.reference} recorded.")
        return redirect("automation:quality")
    return render(request, "automation/quality_check.html", {"check": check, "decision": check.decision, "form": form})


@login_required
@require_POST
def request_review(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = get_object_or_404(Application, id=application_id, applicant=request.user)
    try:
        quality_check_request(application=application, actor=request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Thank you: a caseworker will look at this decision.")
    return redirect("applications:overview", application.id)
