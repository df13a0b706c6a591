from django.http import HttpRequest, HttpResponse

from config.health import healthz, readyz
from config.metrics import metrics


class OperationsMiddleware:
    """Answer /healthz, /readyz and /metrics ahead of host validation and the HTTPS redirect.

    Load balancers, container health checks and Prometheus reach each process at
    its own address over plain HTTP, with a Host header that ALLOWED_HOSTS would
    refuse and a scheme that production would redirect. These answers carry no
    user data; /metrics checks its token itself (config/metrics.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.views = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if view := self.views.get(request.path_info):
            return view(request)
        return self.get_response(request)
