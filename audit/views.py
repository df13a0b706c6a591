import csv
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from applications.models import Application
from audit.access_log import access_record
from audit.forms import ReportPeriodForm
from audit.models import AccessAction, SubjectAccessExport
from audit.selectors import unassigned_reads_report
from audit.subject_access import subject_access_request

PRODUCE = "audit.produce_subject_access"


@login_required
@require_http_methods(["GET", "POST"])
def your_data(request: HttpRequest) -> HttpResponse:
    """The applicant asks for a copy of everything held about them, and downloads it when it is ready."""
    if request.method == "POST":
        subject_access_request(subject=request.user, requested_by=request.user)
        messages.success(request, "We are preparing your copy. This page will show a download link when it is ready, usually within a minute.")
        return redirect("audit:your-data")
    exports = SubjectAccessExport.objects.filter(subject=request.user)[:5]
    return render(request, "audit/your_data.html", {"exports": exports, "hours": settings.SUBJECT_ACCESS_EXPORT_HOURS})


@login_required
def export_download(request: HttpRequest, export_id: UUID) -> FileResponse:
    export = get_object_or_404(SubjectAccessExport.objects.select_related("subject"), id=export_id)
    own = export.subject_id == request.user.id
    prepared_by_them = export.requested_by_id == request.user.id and request.user.has_perm(PRODUCE)
    if not (own or prepared_by_them):
        raise Http404
    if not export.is_downloadable:
        raise Http404
    access_record(request, action=AccessAction.SUBJECT_ACCESS_DOWNLOADED, subject=export.subject, target=str(export.id))
    response = FileResponse(export.file.open("rb"), content_type="application/zip", as_attachment=True, filename=f"your-records-{export.ready_at:%Y-%m-%d}.zip")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def staff_exports(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PRODUCE):
        raise PermissionDenied
    exports = SubjectAccessExport.objects.filter(requested_by=request.user).exclude(subject=request.user).select_related("subject")[:50]
    return render(request, "audit/staff_exports.html", {"exports": exports})


@login_required
@require_POST
def staff_request(request: HttpRequest, application_id: UUID) -> HttpResponse:
    """Staff prepare an applicant's copy for them (a request made by post or phone), from one of their cases."""
    if not request.user.has_perm(PRODUCE):
        raise PermissionDenied
    application = get_object_or_404(Application.objects.exclude(submitted_at=None).select_related("applicant"), id=application_id)
    subject_access_request(subject=application.applicant, requested_by=request.user)
    messages.success(request, f"Preparing a copy of the records of the applicant on {application.reference}.")
    return redirect("audit:staff-exports")


@login_required
def access_report(request: HttpRequest) -> HttpResponse:
    """Reads of cases by people they were not assigned to, by week and person; ?format=csv to download."""
    if not request.user.has_perm("audit.view_access_report"):
        raise PermissionDenied
    form = ReportPeriodForm(request.GET or None)
    period = {key: value for key, value in (form.cleaned_data.items() if form.is_valid() else []) if value}
    rows = unassigned_reads_report(**period) if not form.errors else []
    if request.GET.get("format") == "csv" and not form.errors:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="unassigned-case-reads.csv"'
        writer = csv.writer(response)
        writer.writerow(["week starting", "person", "role", "case pages", "documents", "face images", "letters", "cases", "total"])
        for row in rows:
            writer.writerow([row.week.isoformat(), row.person, row.role, row.case_pages, row.documents, row.face_images, row.letters, row.cases, row.total])
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    context = {"form": form, "rows": rows, "csv_query": query.urlencode()}
    return render(request, "audit/access_report.html", context, status=400 if form.errors else 200)
