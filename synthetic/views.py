"""The synthetic journeys' own HTTP interface: their mailbox and the cleanup.

Both answer only a request carrying the synthetic-journeys key (synthetic/access.py),
and are not there at all when no key is configured.
"""

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from synthetic.access import has_synthetic_key, synthetic_enabled
from synthetic.models import SyntheticEmail
from synthetic.services import synthetic_records_delete


def _refused(request: HttpRequest) -> JsonResponse | None:
    if not synthetic_enabled():
        raise Http404
    if not has_synthetic_key(request):
        return JsonResponse({"error": "This needs the synthetic-journeys key."}, status=403)
    return None


@require_GET
def mailbox(request: HttpRequest) -> JsonResponse:
    """The email kept for one synthetic account, oldest first."""
    if refused := _refused(request):
        return refused
    address = request.GET.get("to", "").lower()
    if not User.objects.filter(email=address).exclude(synthetic_cohort="").exists():
        return JsonResponse({"error": f"No synthetic account has the address {address!r}."}, status=404)
    emails = SyntheticEmail.objects.filter(to=address).values("subject", "body", "sent_at")
    return JsonResponse({"emails": list(emails)})


# The key, in a header, authenticates the request; no cookie does, so there is nothing to forge.
@csrf_exempt
@require_POST
def cleanup(request: HttpRequest) -> JsonResponse:
    if refused := _refused(request):
        return refused
    return JsonResponse({"deleted": synthetic_records_delete()})
