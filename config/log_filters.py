import logging

# Answered ahead of the URL configuration by config.operations.OperationsMiddleware.
OPERATIONS_PATHS = {"/healthz", "/readyz", "/metrics"}


class SkipOperationsEndpoints(logging.Filter):
    """Drop Django's "Service Unavailable: /readyz" lines.

    A 503 from /readyz or a 403 from /metrics is the answer asked for, repeated
    every few seconds while a part is down; the readiness check logs what failed.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        return getattr(request, "path", None) not in OPERATIONS_PATHS
