from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from payments.models import FakeProviderPayment
from payments.providers import FakeProvider, fake_payment_finish, payment_provider


@require_http_methods(["GET", "POST"])
def fake_provider(request: HttpRequest, payment_id: str) -> HttpResponse:
    """The fake provider's payment page. Like a real provider's, it is reached by its unguessable address alone."""
    if not isinstance(payment_provider(), FakeProvider):
        raise Http404
    fake = get_object_or_404(FakeProviderPayment, id=payment_id)
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if outcome not in ("pay", "decline", "cancel"):
            return render(request, "payments/fake_provider.html", {"fake": fake, "error": "Choose how the payment goes"}, status=400)
        return redirect(fake_payment_finish(payment_id=fake.id, outcome=outcome))
    return render(request, "payments/fake_provider.html", {"fake": fake})
