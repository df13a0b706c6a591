from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.access_log import access_record
from audit.models import AccessAction
from casework.search import RESULTS_SHOWN, CaseSearchForm, case_search
from casework.views import _require


@login_required
def case_search_view(request: HttpRequest) -> HttpResponse:
    """Search every submitted case; a search runs only with a stated reason, recorded with it."""
    _require(request)
    form = CaseSearchForm(request.GET or None)
    results = more = None
    if form.is_bound and form.is_valid():
        access_record(request, action=AccessAction.SEARCH, target=form.criteria_text(), reason=form.reason_text())
        criteria = {key: form.cleaned_data[key] for key in CaseSearchForm.CRITERIA}
        found = list(case_search(**criteria)[: RESULTS_SHOWN + 1])
        results, more = found[:RESULTS_SHOWN], len(found) > RESULTS_SHOWN
    context = {"form": form, "results": results, "more": more, "shown": RESULTS_SHOWN}
    return render(request, "casework/search.html", context, status=400 if form.errors else 200)
