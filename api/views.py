"""Organisations' API clients: registering one, its credentials, and a team leader's approval."""

from collections.abc import Iterable
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import ClientApprovalForm, ClientRefusalForm, ClientRegistrationForm
from api.models import ApiClient, Scope
from api.services import Credentials, api_client_decide, api_client_new_secret, api_client_register, api_client_revoke
from applications.workflow import WorkflowError

CALLS_SHOWN = 50
STOPPABLE = (ApiClient.Status.PENDING, ApiClient.Status.APPROVED)
# A new secret waits here for the next page, which shows it once: in the server-side session,
# never in a message (messages can travel in a cookie) nor in the URL (logs and history keep it).
_NEW_SECRET = "api_client_new_secret"


def _get_client_for_contact(request: HttpRequest, client_id: UUID) -> ApiClient:
    # Someone else's client is "not found", not "forbidden": ids are not confirmed.
    return get_object_or_404(ApiClient.objects.select_related("oauth_application"), id=client_id, contact=request.user)


def _require_team_leader(request: HttpRequest) -> None:
    if not request.user.has_perm("applications.manage_casework"):
        raise PermissionDenied


def _labelled(clients: Iterable[ApiClient]) -> list[ApiClient]:
    clients = list(clients)
    for client in clients:
        client.scope_labels = [label for scope, label in Scope.choices if scope in client.scopes]
    return clients


def _name(client: ApiClient) -> str:
    return f"{client.organisation}’s {client.environment} client"


def _keep_secret_for_next_page(request: HttpRequest, credentials: Credentials, *, registered: bool) -> None:
    request.session[_NEW_SECRET] = {"client": str(credentials.client.id), "secret": credentials.client_secret, "registered": registered}


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    clients = ApiClient.objects.filter(contact=request.user).select_related("oauth_application")
    return render(request, "api/clients.html", {"clients": _labelled(clients)})


@login_required
@require_http_methods(["GET", "POST"])
def client_new(request: HttpRequest) -> HttpResponse:
    form = ClientRegistrationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            credentials = api_client_register(contact=request.user, **form.cleaned_data)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            _keep_secret_for_next_page(request, credentials, registered=True)
            return redirect("api-clients:detail", credentials.client.id)
    return render(request, "api/clients_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def client_detail(request: HttpRequest, client_id: UUID) -> HttpResponse:
    """One of the contact's clients, its latest calls, and a new secret once, just after it was made."""
    client = _get_client_for_contact(request, client_id)
    new = request.session.get(_NEW_SECRET)
    if new and new.get("client") == str(client.id):
        del request.session[_NEW_SECRET]
    else:
        new = None
    context = {
        "client": _labelled([client])[0],
        "new_secret": new["secret"] if new else None,
        "registered": bool(new and new["registered"]),
        "calls": client.calls.all()[:CALLS_SHOWN],
        "can_stop": client.status in STOPPABLE,
    }
    response = render(request, "api/clients_detail.html", context)
    if new:
        response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def client_new_secret(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = _get_client_for_contact(request, client_id)
    try:
        credentials = api_client_new_secret(client=client, contact=request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        _keep_secret_for_next_page(request, credentials, registered=False)
    return redirect("api-clients:detail", client.id)


@login_required
@require_http_methods(["GET", "POST"])
def client_stop(request: HttpRequest, client_id: UUID) -> HttpResponse:
    """Ask first: a stopped client cannot be started again."""
    client = _get_client_for_contact(request, client_id)
    if client.status not in STOPPABLE:
        return redirect("api-clients:detail", client.id)
    if request.method == "POST":
        _revoke(request, client)
        return redirect("api-clients:detail", client.id)
    return render(request, "api/clients_stop.html", {"client": client})


def _revoke(request: HttpRequest, client: ApiClient) -> None:
    try:
        api_client_revoke(client=client, actor=request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{_name(client)} has stopped: its secret and tokens no longer work.")


def _decision_form(client: ApiClient, *, approve: bool, data=None) -> forms.Form:
    # One pair of forms for each waiting client on the same page: the prefix keeps their ids apart.
    form_class, kind = (ClientApprovalForm, "approve") if approve else (ClientRefusalForm, "refuse")
    return form_class(data, prefix=f"{kind}-{client.id}")


def _review_page(request: HttpRequest, *, failed: forms.Form | None = None, status: int = 200) -> HttpResponse:
    """The waiting clients, each with its approval and refusal forms (one of them `failed`, with its errors), and the live ones."""
    pending = []
    for client in _labelled(ApiClient.objects.filter(status=ApiClient.Status.PENDING).select_related("contact").order_by("created_at")):
        blank = (_decision_form(client, approve=True), _decision_form(client, approve=False))
        approve, refuse = (failed if failed is not None and failed.prefix == form.prefix else form for form in blank)
        pending.append((client, approve, refuse))
    live = ApiClient.objects.filter(status=ApiClient.Status.APPROVED, environment=ApiClient.Environment.LIVE).select_related("contact")
    context = {"pending": pending, "live": _labelled(live.order_by("organisation")), "form": failed}
    return render(request, "api/clients_review.html", context, status=status)


@login_required
def review(request: HttpRequest) -> HttpResponse:
    _require_team_leader(request)
    return _review_page(request)


@login_required
@require_POST
def review_decide(request: HttpRequest, client_id: UUID, approve: bool) -> HttpResponse:
    _require_team_leader(request)
    client = get_object_or_404(ApiClient, id=client_id)
    form = _decision_form(client, approve=approve, data=request.POST)
    if not form.is_valid():
        return _review_page(request, failed=form, status=400)
    quota = form.cleaned_data.get("requests_per_minute")
    try:
        api_client_decide(client=client, actor=request.user, approve=approve, requests_per_minute=quota, note=form.cleaned_data.get("note", ""))
    except WorkflowError as error:
        form.add_error(None, str(error))
        return _review_page(request, failed=form, status=409)
    if approve:
        messages.success(request, f"{_name(client)} is approved, for {quota:,} calls a minute.")
    else:
        messages.success(request, f"{_name(client)} is refused.")
    return redirect("api-clients:review")


@login_required
@require_POST
def review_revoke(request: HttpRequest, client_id: UUID) -> HttpResponse:
    _require_team_leader(request)
    _revoke(request, get_object_or_404(ApiClient, id=client_id))
    return redirect("api-clients:review")
