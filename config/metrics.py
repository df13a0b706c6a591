"""Prometheus metrics at /metrics.

Request latency by view comes from django-prometheus's middleware, in the web
process that served the request; under gunicorn every web process writes to
PROMETHEUS_MULTIPROC_DIR (config/gunicorn.py) and a scrape reads them all.

Everything else is read from the database and the broker when scraped, not
counted in the process that did the work: identity checks run in worker
processes, possibly on other machines, and the rows they leave are the record
that survives restarts. The queries are one grouped query per table.
"""

import hmac
import logging
import os
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu.exceptions import ChannelError
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.utils import floatToGoString

from config.celery import app as celery_app
from identity.models import FaceEnrolment, IdentityCheck, IdentityCheckRun
from outbox.models import Email

logger = logging.getLogger(__name__)

# Seconds; an identity check costs about 0.35 s of CPU (docs/BENCHMARKS.md), the hard time limit is 90 s.
CHECK_DURATION_BUCKETS = (0.25, 0.5, 1, 2, 5, 10, 30, 60, 90)


def emails_pending() -> int:
    """Emails written to the outbox and not yet sent (nor given up)."""
    return Email.objects.filter(status=Email.Status.PENDING).count()


def queue_depths() -> dict[str, int]:
    """Messages waiting on each Celery queue (not those a worker has already taken)."""
    depths = {}
    with celery_app.connection_for_read(connect_timeout=2) as broker:
        # Fail at once when the broker is down: kombu's default is to retry.
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        channel = broker.default_channel
        for name in celery_app.amqp.queues:
            try:
                depths[name] = channel.queue_declare(queue=name, passive=True).message_count
            except ChannelError:
                # Redis deletes an empty queue's key, and a passive declare reports it missing.
                depths[name] = 0
    return depths


class ServiceCollector:
    """Reads the service's state when Prometheus scrapes."""

    def collect(self):
        runs = CounterMetricFamily(
            "identity_check_runs", "Finished identity check runs by outcome.", labels=["outcome"]
        )
        for row in IdentityCheckRun.objects.exclude(outcome="").values("outcome").annotate(count=Count("id")).order_by():
            runs.add_metric([row["outcome"]], row["count"])
        yield runs
        yield self._durations()

        checks = GaugeMetricFamily("identity_checks", "Identity checks by current status.", labels=["status"])
        counts = dict(IdentityCheck.objects.values_list("status").annotate(count=Count("id")).order_by())
        for status in IdentityCheck.Status.values:
            checks.add_metric([status], counts.get(status, 0))
        yield checks

        oldest = IdentityCheck.objects.filter(status=IdentityCheck.Status.PENDING).aggregate(oldest=Min("queued_at"))["oldest"]
        yield GaugeMetricFamily(
            "identity_oldest_pending_check_age_seconds",
            "How long the longest-waiting identity check has been on the queue (0 when none waits).",
            value=(timezone.now() - oldest).total_seconds() if oldest else 0,
        )

        gallery = GaugeMetricFamily(
            "identity_gallery_faces", "Faces enrolled in the 1:N duplicate gallery.", labels=["gallery"]
        )
        real = FaceEnrolment.objects.filter(cohort="").count()
        gallery.add_metric(["real"], real)
        gallery.add_metric(["synthetic"], FaceEnrolment.objects.count() - real)
        yield gallery

        yield GaugeMetricFamily("emails_pending", "Emails waiting to be sent.", value=emails_pending())

        try:
            depths = queue_depths()
        except Exception:
            # The other figures still matter when the broker is down; /readyz names the failure.
            logger.warning("Could not read the Celery queue depths", exc_info=True)
        else:
            queues = GaugeMetricFamily("celery_queue_messages", "Messages waiting on a Celery queue.", labels=["queue"])
            for name, depth in depths.items():
                queues.add_metric([name], depth)
            yield queues

    @staticmethod
    def _durations() -> HistogramMetricFamily:
        duration = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
        finished = IdentityCheckRun.objects.filter(finished_at__isnull=False).exclude(outcome="").annotate(duration=duration)
        figures = finished.aggregate(
            total=Sum("duration"),
            count=Count("id"),
            **{f"le_{index}": Count("id", filter=Q(duration__lte=timedelta(seconds=bound)))
               for index, bound in enumerate(CHECK_DURATION_BUCKETS)},
        )
        buckets = [(floatToGoString(bound), figures[f"le_{index}"]) for index, bound in enumerate(CHECK_DURATION_BUCKETS)]
        buckets.append(("+Inf", figures["count"]))
        return HistogramMetricFamily(
            "identity_check_run_seconds", "How long finished identity check runs took, from claim to outcome.",
            buckets=buckets, sum_value=(figures["total"] or timedelta()).total_seconds(),
        )


def _allowed(request: HttpRequest) -> bool:
    if settings.METRICS_TOKEN:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), settings.METRICS_TOKEN.encode())
    return settings.DEBUG


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponseForbidden("Metrics need the METRICS_TOKEN (Authorization: Bearer ...).", content_type="text/plain")
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    service = CollectorRegistry()
    service.register(ServiceCollector())
    return HttpResponse(generate_latest(processes) + generate_latest(service), content_type=CONTENT_TYPE_LATEST)
