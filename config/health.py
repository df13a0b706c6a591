"""Liveness and readiness for load balancers, container health checks and monitoring.

/healthz says the process answers and touches nothing else. /readyz says whether
the service can do its work: the database, the broker and the uploads storage
answer, and a Celery worker replies to a ping. Both are open (a load balancer
cannot sign in) and say only which part failed: details go to the log.
"""

import logging
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app

logger = logging.getLogger(__name__)

# How long a worker has to answer the ping, and the broker to accept a connection.
WORKER_PING_TIMEOUT = 2.0
BROKER_CONNECT_TIMEOUT = 2.0


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker() -> None:
    with celery_app.connection_for_write(connect_timeout=BROKER_CONNECT_TIMEOUT) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_CONNECT_TIMEOUT)


def _uploads() -> None:
    # Writing and deleting a tiny file proves what workers and uploads need
    # (a mounted, writable volume with space), which an existence check does not.
    name = default_storage.save(f"readiness/{uuid.uuid4().hex}", ContentFile(b"ok"))
    default_storage.delete(name)


def _worker() -> None:
    # limit=1: the answer comes back as soon as one worker replies, not after the timeout.
    if not celery_app.control.ping(timeout=WORKER_PING_TIMEOUT, limit=1):
        raise RuntimeError(f"no worker replied within {WORKER_PING_TIMEOUT:g} s")


CHECKS = {"database": _database, "broker": _broker, "uploads": _uploads, "worker": _worker}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    results = {}
    for name, check in CHECKS.items():
        if name == "worker" and results["broker"] != "ok":
            # A ping needs the broker; waiting for it would only add the timeout.
            results[name] = "not checked: the broker is unavailable"
            continue
        try:
            check()
        except Exception as error:
            # One line, no traceback: a probe polls every few seconds while a part is down.
            logger.warning("Readiness check %r failed: %s: %s", name, type(error).__name__, error)
            results[name] = "failed"
        else:
            results[name] = "ok"
    failed = [name for name, result in results.items() if result != "ok"]
    return JsonResponse(
        {"status": "unavailable" if failed else "ok", "failed": failed, "checks": results},
        status=503 if failed else 200,
    )
