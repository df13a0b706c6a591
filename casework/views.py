from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from applications.models import Application
from applications.routes import DocumentKind
from applications.selectors import answer_sections, application_clock, application_emails, application_history
from applications.workflow import WorkflowError
from audit.access_log import access_record
from audit.models import AccessAction
from casework import selectors
from casework.constants import Decision, RefusalReason
from casework.forms import (
    BulkAssignForm,
    DecisionForm,
    DuplicateResolutionForm,
    IdentityActionForm,
    InformationRequestForm,
    NoteForm,
    QueueFilterForm,
    ReassignForm,
    RefusalReviewForm,
)
from casework.services import (
    case_add_note,
    case_allowed_decisions,
    case_allowed_identity_actions,
    case_assign,
    case_assign_next,
    case_blocked_decisions,
    case_can_note,
    case_can_release,
    case_can_review_refusal,
    case_can_take,
    case_can_request_information,
    case_confirm_refusal,
    case_grant,
    case_identity_action,
    case_propose_refusal,
    case_reassign,
    case_release,
    case_request_information,
    case_resolve_duplicate,
    case_return_refusal,
    case_take,
    cases_assign,
)
from identity.models import DuplicateCandidate, IdentityCheck
from identity.portraits import check_portrait

PAGE_SIZE = 50


def _require(request: HttpRequest, permission: str = "applications.view_cases") -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _get_case_for_user(request: HttpRequest, application_id: UUID) -> Application:
    _require(request)
    # Drafts are the applicant's own until submitted.
    return get_object_or_404(
        Application.objects.exclude(submitted_at=None).select_related("applicant", "assigned_to"), id=application_id
    )


def _done(request: HttpRequest, application: Application, action, success: str) -> HttpResponse:
    """Run a service call, turning a refusal into a message; back to the case either way."""
    try:
        action()
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("casework:case", application.id)


def _queue_context(request: HttpRequest, *, bulk_form: BulkAssignForm | None = None) -> dict:
    filters = QueueFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    cases = selectors.case_queue(user=request.user, **{key: value for key, value in chosen.items() if value})
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    other_pages = request.GET.copy()
    other_pages.pop("page", None)
    can_assign = request.user.has_perm("applications.manage_casework")
    return {
        "filters": filters,
        "page": page,
        "rows": [(application, selectors.due(application)) for application in page.object_list],
        "counts": selectors.case_counts(cases),
        "total": page.paginator.count,
        "query": other_pages.urlencode(),
        "can_assign": can_assign,
        "bulk_form": bulk_form or (BulkAssignForm(open_cases=Application.objects.none()) if can_assign else None),
        "selected": {str(value) for value in request.POST.getlist("cases")} if bulk_form else set(),
    }


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require(request)
    return render(request, "casework/queue.html", _queue_context(request))


@login_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """A team leader gives the selected cases, waiting or someone else's, to one caseworker."""
    _require(request, "applications.manage_casework")
    form = BulkAssignForm(request.POST, open_cases=selectors.case_queue(user=request.user))
    if not form.is_valid():
        return render(request, "casework/queue.html", _queue_context(request, bulk_form=form), status=400)
    to = form.cleaned_data["to"]
    results = cases_assign(applications=list(form.cleaned_data["cases"]), user=request.user, to=to)
    done = [application for application, problem in results if problem is None]
    if done:
        messages.success(request, f"{len(done)} case{'s' if len(done) != 1 else ''} assigned to {to.email}: {', '.join(a.reference for a in done)}.")
    for _, problem in results:
        if problem:
            messages.error(request, problem)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("casework:queue")
    return redirect(back)


@login_required
def team(request: HttpRequest) -> HttpResponse:
    """The team leader's page: the backlog, what waits for no one, and each caseworker's cases."""
    _require(request, "applications.manage_casework")
    return render(request, "casework/team.html", {"overview": selectors.team_overview(), "states": selectors.QUEUE_STATE_CHOICES})


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    """The auditor's page: the latest decisions, and the way to case search (where a reason is asked and recorded)."""
    _require(request)
    return render(request, "casework/audit.html", {"decided": selectors.recently_decided()})


@login_required
@require_POST
def assign_next(request: HttpRequest) -> HttpResponse:
    _require(request, "applications.work_cases")
    application = case_assign_next(user=request.user, route=request.POST.get("route") or None)
    if application is None:
        messages.success(request, "There are no cases waiting.")
        return redirect("casework:queue")
    return redirect("casework:case", application.id)


def _case_page(
    request: HttpRequest,
    application: Application,
    *,
    form: DecisionForm | None = None,
    information_form: InformationRequestForm | None = None,
    identity_form: IdentityActionForm | None = None,
    review_form: RefusalReviewForm | None = None,
    note_form: NoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    # Here rather than in case_detail: a form posted with errors shows the whole case again.
    access_record(request, action=AccessAction.CASE_VIEWED, application=application)
    user = request.user
    allowed_decisions = case_allowed_decisions(application=application, user=user)
    questions = application.route_details.questions
    duplicates = _duplicates_with_faces(application)
    due = selectors.due(application)
    clock = application_clock(application)
    context = {
        "application": application,
        "due": due,
        "who": {
            key: questions[key].display(application.answers.get(key))
            for key in ("date_of_birth", "nationality") if key in questions
        },
        "flags": selectors.case_flags(application, due=due, clock=clock, duplicates=duplicates),
        "answers": answer_sections(application),
        "documents": application.documents.exclude(kind__in=DocumentKind.PHOTOS),
        "checks": application.identity_checks.select_related("passport_photo", "selfie").prefetch_related("runs"),
        "duplicates": duplicates,
        "biometric_purge": getattr(application, "biometric_purge", None),
        "information_requests": application.information_requests.prefetch_related("documents"),
        "notes": application.notes.select_related("author"),
        "history": application_history(application),
        "emails": application_emails(application),
        "clock": clock,
        "letter": getattr(application, "letter", None),
        "max_attempts": settings.IDENTITY_MAX_ATTEMPTS,
        "can_note": case_can_note(application=application, user=user),
        "can_resolve_duplicates": application.assigned_to_id == user.id and user.has_perm("applications.work_cases"),
        "can_take": case_can_take(application=application, user=user),
        "can_release": case_can_release(application=application, user=user),
        "can_reassign": user.has_perm("applications.manage_casework") and application.state in selectors.QUEUE_STATES,
        "form": form or DecisionForm(allowed=allowed_decisions, route=application.route_details),
        "allowed_decisions": allowed_decisions,
        "blocked_decisions": case_blocked_decisions(application=application, user=user),
        "can_request_information": case_can_request_information(application=application, user=user),
        "information_form": information_form or InformationRequestForm(),
        "identity_form": identity_form
        or IdentityActionForm(allowed=case_allowed_identity_actions(application=application, user=user)),
        "duplicate_form": DuplicateResolutionForm(),
        "can_review_refusal": case_can_review_refusal(application=application, user=user),
        "review_form": review_form or RefusalReviewForm(),
        "refusal_reasons": [RefusalReason.LABELS.get(code, code) for code in application.refusal_reasons],
        "note_form": note_form or NoteForm(),
        "reassign_form": ReassignForm(),
    }
    return render(request, "casework/case.html", context, status=status)


@login_required
def case_detail(request: HttpRequest, application_id: UUID) -> HttpResponse:
    return _case_page(request, _get_case_for_user(request, application_id))


@login_required
def case_face(request: HttpRequest, application_id: UUID, check_id: int, side: str) -> HttpResponse:
    """One photo of an identity check, cropped to the face the check found in it."""
    application = _get_case_for_user(request, application_id)
    if side not in ("passport", "selfie"):
        raise Http404
    check = get_object_or_404(IdentityCheck.objects.select_related("passport_photo", "selfie"), id=check_id, application=application)
    document = check.passport_photo if side == "passport" else check.selfie
    if document.purged_at is not None:
        raise Http404
    access_record(request, action=AccessAction.FACE_IMAGE_VIEWED, application=application, target=f"{document.id} (cropped)")
    response = HttpResponse(check_portrait(check, side), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def case_take_view(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_case_for_user(request, application_id)
    return _done(request, application, lambda: case_take(application=application, user=request.user), "The case is yours.")


@login_required
@require_POST
def case_release_view(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_case_for_user(request, application_id)
    return _done(request, application, lambda: case_release(application=application, user=request.user), "The case is back in the queue.")


@login_required
@require_POST
def case_reassign_view(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_case_for_user(request, application_id)
    form = ReassignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Select a caseworker to reassign the case to.")
        return redirect("casework:case", application.id)
    to = form.cleaned_data["to"]
    service = case_assign if application.assigned_to_id is None else case_reassign
    return _done(request, application, lambda: service(application=application, user=request.user, to=to), f"Assigned to {to.email}.")


@login_required
@require_POST
def case_decision(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_case_for_user(request, application_id)
    allowed = case_allowed_decisions(application=application, user=request.user)
    if not allowed:
        messages.error(request, f"This application is “{application.get_state_display()}”: you cannot make a decision on it now.")
        return redirect("casework:case", application.id)
    form = DecisionForm(request.POST, allowed=allowed, route=application.route_details)
    if not form.is_valid():
        return _case_page(request, application, form=form, status=400)
    data = form.cleaned_data
    if data["decision"] == Decision.GRANT:
        def action():
            case_grant(
                application=application, actor=request.user, reason=data["reason"], valid_until=data.get("valid_until"),
                work_condition=data["work_condition"], study_condition=data["study_condition"],
            )
        success = f"Application {application.reference} granted."
    else:
        def action():
            case_propose_refusal(application=application, actor=request.user, reasons=data["reasons"], reason=data["reason"])
        success = "Refusal proposed: a senior caseworker will confirm or return it."
    return _done(request, application, action, success)


@login_required
@require_POST
def case_refusal_review(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_case_for_user(request, application_id)
    form = RefusalReviewForm(request.POST)
    if not form.is_valid():
        return _case_page(request, application, review_form=form, status=400)
    confirm = form.cleaned_data["outcome"] == "confirm_refusal"
    service = case_confirm_refusal if confirm else case_return_refusal
    return _done(
        request, application,
        lambda: service(application=application, actor=request.user, reason=form.cleaned_data["review_reason"]),
        f"Application {application.reference} refused." if confirm else "Refusal returned to the caseworker.",
    )


@login_required
@require_POST
def case_information_request(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_case_for_user(request, application_id)
    form = InformationRequestForm(request.POST)
    if not form.is_valid():
        return _case_page(request, application, information_form=form, status=400)
    return _done(
        request, application,
        lambda: case_request_information(application=application, actor=request.user, **form.cleaned_data),
        f"Information requested. The service standard clock has stopped for {application.reference}.",
    )


@login_required
@require_POST
def case_identity(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_case_for_user(request, application_id)
    form = IdentityActionForm(request.POST, allowed=case_allowed_identity_actions(application=application, user=request.user))
    if not form.is_valid():
        return _case_page(request, application, identity_form=form, status=400)
    return _done(
        request, application,
        lambda: case_identity_action(application=application, actor=request.user, action=form.cleaned_data["action"], reason=form.cleaned_data["identity_reason"]),
        "Recorded.",
    )


def _duplicates_with_faces(application: Application) -> list[DuplicateCandidate]:
    """Each potential duplicate with the two selfies to compare: this application's and the other's, unless purged."""
    duplicates = list(application.duplicate_candidates.select_related("candidate", "resolved_by", "identity_check__selfie"))
    other_checks = IdentityCheck.objects.filter(
        application_id__in=[duplicate.candidate_id for duplicate in duplicates], status=IdentityCheck.Status.PASSED,
        selfie__purged_at__isnull=True,
    ).order_by("application_id", "-attempt").values_list("application_id", "selfie_id")
    other_selfies = {}
    for other_application, selfie in other_checks:
        other_selfies.setdefault(other_application, selfie)
    for duplicate in duplicates:
        selfie = duplicate.identity_check.selfie
        duplicate.own_selfie_id = None if selfie.purged_at else selfie.id
        duplicate.other_selfie_id = other_selfies.get(duplicate.candidate_id)
    return duplicates


@login_required
@require_POST
def case_duplicate(request: HttpRequest, application_id: UUID, candidate_id: int) -> HttpResponse:
    application = _get_case_for_user(request, application_id)
    candidate = get_object_or_404(DuplicateCandidate, id=candidate_id, application=application)
    form = DuplicateResolutionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect("casework:case", application.id)
    return _done(
        request, application,
        lambda: case_resolve_duplicate(candidate=candidate, actor=request.user, resolution=form.cleaned_data["resolution"], reason=form.cleaned_data["duplicate_reason"]),
        f"Potential duplicate {candidate.candidate.reference} resolved.",
    )


@login_required
@require_POST
def case_note(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _get_case_for_user(request, application_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _case_page(request, application, note_form=form, status=400)
    return _done(request, application, lambda: case_add_note(application=application, user=request.user, text=form.cleaned_data["text"]), "Note added.")
