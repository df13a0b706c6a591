"""The holder's pages of a decided application: the decision letter and the share codes that prove the status.

Their addresses sit under the application's (/applications/<id>/...), but they belong
to casework, which makes the decision, its letter and the status.
"""

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from applications.models import Application
from applications.workflow import WorkflowError
from audit.access_log import access_record
from audit.models import AccessAction
from casework.forms import ShareCodeForm
from casework.letters import letter_context, letter_pdf
from casework.models import ShareCodeCheck
from casework.share_codes import format_code, share_code_create, share_code_revoke


def _get_application_for_applicant(request: HttpRequest, application_id: UUID) -> Application:
    # Someone else's application is "not found", not "forbidden": ids are not confirmed.
    return get_object_or_404(Application, id=application_id, applicant=request.user)


def _get_letter(request: HttpRequest, application_id: UUID):
    """The applicant's own decision letter, or any for casework (auditors included)."""
    if request.user.has_perm("applications.view_cases"):
        application = get_object_or_404(Application.objects.exclude(submitted_at=None), id=application_id)
    else:
        application = _get_application_for_applicant(request, application_id)
    letter = getattr(application, "letter", None)
    if letter is None:
        raise Http404
    return application, letter


@login_required
def letter_page(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application, letter = _get_letter(request, application_id)
    access_record(request, action=AccessAction.LETTER_VIEWED, application=application, target="page")
    return render(request, "applications/letter.html", letter_context(application, letter))


@login_required
def letter_pdf_download(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application, letter = _get_letter(request, application_id)
    access_record(request, action=AccessAction.LETTER_VIEWED, application=application, target="pdf")
    pdf = letter_pdf(application=application, letter=letter)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="decision-{application.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def share_page(request: HttpRequest, application_id: UUID) -> HttpResponse:
    """The holder's share codes, and every check of them."""
    application = _get_application_for_applicant(request, application_id)
    status = getattr(application, "immigration_status", None)
    if status is None:
        raise Http404
    form = ShareCodeForm(request.POST if request.method == "POST" and "revoke" not in request.POST else None)
    if request.method == "POST":
        if "revoke" in request.POST:
            share_code = get_object_or_404(status.share_codes, id=_int_or_404(request.POST["revoke"]))
            share_code_revoke(share_code=share_code, holder=request.user)
            messages.success(request, f"The share code ending {share_code.ending} has stopped working.")
            return redirect("holder:share", application.id)
        if form.is_valid():
            try:
                created = share_code_create(status=status, holder=request.user, **form.cleaned_data)
            except WorkflowError as error:
                messages.error(request, str(error))
            else:
                # Shown once, on the next page: kept in the server-side session, never in a
                # message (messages can travel in a cookie), and removed when shown.
                request.session[_NEW_SHARE_CODE] = created.code
            return redirect("holder:share", application.id)
    context = {
        "form": form,
        "application": application,
        "new_code": format_code(new) if (new := request.session.pop(_NEW_SHARE_CODE, None)) else None,
        "codes": status.share_codes.all(),
        "checks": ShareCodeCheck.objects.filter(share_code__status=status),
        "check_url": settings.SERVICE_URL + reverse("status-check"),
    }
    return render(request, "applications/share.html", context, status=400 if form.errors else 200)


_NEW_SHARE_CODE = "new_share_code"


def _int_or_404(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Http404 from None
