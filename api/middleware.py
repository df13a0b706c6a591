from django.http import HttpRequest, HttpResponse, JsonResponse

from api.models import ApiCall


class ApiMiddleware:
    """Finishes the log row of a client's call with its status and result, whatever the response was; and gives
    the method refusals that django-ninja answers itself (405, empty) the API's error shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and request.path.startswith("/api/") and not response.content:
            allowed = response.get("Allow", "")
            response = JsonResponse(
                {"code": "method_not_allowed", "message": f"This address answers {allowed or 'other methods'} only.", "errors": []}, status=405
            )
            response["Allow"] = allowed
        call = getattr(request, "api_call", None)
        if call is not None:
            ApiCall.objects.filter(id=call.id).update(
                status_code=response.status_code, result=getattr(request, "api_result", "")[:32] or str(response.status_code),
                purpose=getattr(request, "api_purpose", ""), share_code_check=getattr(request, "api_share_code_check", None),
            )
        return response


def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    return JsonResponse({"code": "not_found", "message": "There is nothing at this address in the API.", "errors": []}, status=404)
