"""The relay: publishes committed outbox messages to the broker, and publishes again what the broker lost.

It runs as its own process (`manage.py outbox_relay`, the Procfile's `relay`);
several may run at once, each locking the rows it publishes (SKIP LOCKED on
PostgreSQL). While the broker is down it backs off and tries again: nothing is
lost and no request waits for it.

A published message that no consumer has taken (or whose consumer's lease ran
out) is not assumed lost because it is old: in a long queue it is only waiting.
It is published again only on evidence of loss: the broker, asked, no longer holds
it (not queued, and not held unacknowledged by a worker that the broker will hand it
back from). A broker that cannot be asked (neither Redis nor the filesystem
transport) is trusted for OUTBOX_UNINSPECTABLE_REPUBLISH_AFTER seconds.
"""

import json
import logging
import threading
import time
from datetime import timedelta
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from outbox.models import Message

logger = logging.getLogger(__name__)

_BATCH = 100
# Longest wait between rounds while the broker or the database is away.
_MAX_PAUSE = 5.0


class BrokerUnavailable(Exception):
    """The broker refused a publication; the messages stay queued for the next round."""


def outbox_publish_due(*, app=None) -> int:
    """Publish the messages that are due; returns how many. Raises BrokerUnavailable (having kept them) when the broker is down."""
    app = app or current_app
    now = timezone.now()
    due = Message.objects.filter(status=Message.Status.PENDING, available_at__lte=now)
    # Look before locking: on SQLite a transaction takes the database's write lock.
    if not due.exists():
        return 0
    published = 0
    # A connection of its own for each round, not the app's pool: after a broker
    # outage the next round starts afresh instead of on a broken pooled connection.
    with transaction.atomic(), app.connection_for_write() as connection:
        for message in due.select_for_update(skip_locked=True).order_by("available_at", "id")[:_BATCH]:
            try:
                app.send_task(message.task, args=[message.id], task_id=message.task_id, connection=connection, retry=False)
            except Exception as error:  # kombu raises its own and socket errors; all mean "not now"
                unavailable = BrokerUnavailable(f"{type(error).__name__}: {error}")
                break
            Message.objects.filter(id=message.id).update(
                status=Message.Status.PUBLISHED, published_at=timezone.now(), publish_count=message.publish_count + 1
            )
            published += 1
        else:
            return published
    # Raised once the rows published so far are marked as such.
    raise unavailable


def outbox_recover_lost(*, app=None) -> int:
    """Put back for publishing the published messages that the broker no longer holds; returns how many."""
    app = app or current_app
    now = timezone.now()
    grace = timedelta(seconds=settings.OUTBOX_REPUBLISH_GRACE)
    unheld = Message.objects.filter(status=Message.Status.PUBLISHED, published_at__lt=now - grace).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )
    candidates = {message.task_id: message.id for message in unheld.only("id")[:10_000]}
    if not candidates:
        return 0
    try:
        held = broker_held_task_ids(app)
    except Exception as error:
        logger.info("Cannot ask the broker what it holds, so nothing is called lost: %s", error)
        return 0
    if held is None:
        lost = list(unheld.filter(published_at__lt=now - timedelta(seconds=settings.OUTBOX_UNINSPECTABLE_REPUBLISH_AFTER))
                    .values_list("id", flat=True))
    else:
        lost = [message_id for task_id, message_id in candidates.items() if task_id not in held]
    if lost:
        logger.warning("The broker lost %d outbox message(s); publishing them again: %s", len(lost), lost[:20])
        # Conditional on what was read: a consumer may have taken one meanwhile.
        Message.objects.filter(id__in=lost, status=Message.Status.PUBLISHED).filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now)
        ).update(status=Message.Status.PENDING, available_at=now)
    return len(lost)


def broker_held_task_ids(app=None) -> set[str] | None:
    """The ids of the tasks the broker holds (queued or unacknowledged), or None if it cannot tell.

    Raises when the broker cannot be reached: then nothing can be called lost.
    """
    app = app or current_app
    url = app.conf.broker_url or ""
    if url.startswith(("redis://", "rediss://")):
        return _redis_held(app, url)
    if url.startswith("filesystem://"):
        return _filesystem_held(app)
    return None


def _task_id(payload: dict) -> str | None:
    return (payload.get("headers") or {}).get("id") or (payload.get("properties") or {}).get("correlation_id")


def _redis_held(app, url: str) -> set[str]:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    try:
        held = set()
        for queue in _queue_names(app):
            for raw in client.lrange(queue, 0, -1):
                held.add(_task_id(json.loads(raw)))
        # A message a worker took but has not acknowledged: kombu hands it back
        # after the visibility timeout if that worker dies.
        for raw in client.hvals("unacked"):
            held.add(_task_id(json.loads(raw)[0]))
        return held
    finally:
        client.close()


def _filesystem_held(app) -> set[str]:
    folder = Path(app.conf.broker_transport_options["data_folder_out"])
    held = set()
    for path in folder.glob("*.msg"):
        try:
            held.add(_task_id(json.loads(path.read_bytes())))
        except (OSError, ValueError) as error:
            # Taken by a worker while we looked: this round cannot tell; the next one will.
            raise _CannotTell(str(error)) from error
    return held


class _CannotTell(Exception):
    pass


def _queue_names(app) -> set[str]:
    names = {app.conf.task_default_queue}
    for route in (app.conf.task_routes or {}).values():
        if isinstance(route, dict) and route.get("queue"):
            names.add(route["queue"])
    return names


def outbox_relay_forever(*, app=None, stop=None) -> None:
    """Publish due messages every OUTBOX_POLL_INTERVAL seconds and look for lost ones now and then, until `stop` is set."""
    app = app or current_app
    stop = stop or threading.Event()
    last_recovery = 0.0
    pause = settings.OUTBOX_POLL_INTERVAL
    while not stop.is_set():
        try:
            outbox_publish_due(app=app)
            if time.monotonic() - last_recovery >= settings.OUTBOX_RECOVERY_INTERVAL:
                last_recovery = time.monotonic()
                outbox_recover_lost(app=app)
        except BrokerUnavailable as error:
            if pause == settings.OUTBOX_POLL_INTERVAL:
                logger.warning("Broker unavailable; the outbox keeps its messages and tries again: %s", error)
            pause = min(max(pause * 2, 1.0), _MAX_PAUSE)
        except Exception:
            # The database is away; it comes back.
            logger.exception("Outbox relay round failed; trying again")
            pause = min(max(pause * 2, 1.0), _MAX_PAUSE)
        else:
            if pause != settings.OUTBOX_POLL_INTERVAL:
                logger.info("Outbox relay publishing again")
            pause = settings.OUTBOX_POLL_INTERVAL
        stop.wait(pause)
