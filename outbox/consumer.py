"""The consuming side: a Celery task that runs a message at most once at a time, and says when it is done."""

import logging
import os
import random
import socket
from collections.abc import Callable
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from outbox.models import Message

logger = logging.getLogger(__name__)

GiveUp = Callable[[Message, BaseException], None]


def outbox_task(name: str, *, retry_on: tuple[type[BaseException], ...] = (), on_give_up: GiveUp | None = None):
    """Make `function(**kwargs)` the consumer of outbox messages for task `name`.

    A failure in `retry_on` puts the message back for the relay to publish again
    after a backoff, until its give-up time; then, as for any other failure, it is
    given up and `on_give_up` records that where people will see it.
    """

    def decorate(function: Callable[..., None]):
        @shared_task(name=name, ignore_result=True)
        def task(message_id: int) -> None:
            message_run(message_id, function, retry_on=retry_on, on_give_up=on_give_up)

        return task

    return decorate


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _holder_died(holder: str) -> bool:
    """Whether `holder` is a process of this machine that no longer runs (other machines' cannot be seen)."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _take(message_id: int) -> bool:
    """Take the lease on a message that is not done; False if another delivery holds it."""
    now = timezone.now()
    lease = {"lease_until": now + timedelta(seconds=settings.OUTBOX_LEASE), "lease_holder": _holder()}
    open_message = Message.objects.filter(id=message_id, status__in=[Message.Status.PENDING, Message.Status.PUBLISHED])
    if open_message.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now)).update(**lease):
        return True
    # The broker hands a message straight back when the pool process running it
    # dies; the lease is still current then, but its holder is gone.
    holder = open_message.values_list("lease_holder", flat=True).first()
    return bool(holder and _holder_died(holder) and open_message.filter(lease_holder=holder).update(**lease))


def message_run(message_id: int, function: Callable[..., None], *, retry_on=(), on_give_up: GiveUp | None = None) -> None:
    # A delivery takes a lease on the message. Another delivery of it (the broker
    # handing back a message, the relay publishing again) finds it held and does
    # nothing: if the holder died on another machine, the relay publishes the
    # message again once the lease has run out and the broker no longer has it.
    if not _take(message_id):
        logger.info("Outbox message %s is done or held by another delivery", message_id)
        return
    message = Message.objects.get(id=message_id)
    try:
        function(**message.kwargs)
    except retry_on as error:
        _retry_later(message, error, on_give_up)
    except Exception as error:
        logger.exception("Outbox message %s (%s) failed", message.id, message.task)
        _give_up(message, error, on_give_up)
    else:
        Message.objects.filter(id=message.id).update(status=Message.Status.DONE, finished_at=timezone.now(), lease_until=None, lease_holder="")


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _retry_later(message: Message, error: BaseException, on_give_up: GiveUp | None) -> None:
    now = timezone.now()
    if now >= message.give_up_at:
        _give_up(message, error, on_give_up)
        return
    attempt = message.attempts + 1
    delay = min(settings.OUTBOX_RETRY_MAX_DELAY, settings.OUTBOX_RETRY_FIRST_DELAY * 2 ** (attempt - 1))
    delay *= random.uniform(0.8, 1.2)
    logger.warning("Outbox message %s (%s) will be tried again in %.0f s: %s", message.id, message.task, delay, _describe(error))
    Message.objects.filter(id=message.id).update(
        status=Message.Status.PENDING, available_at=now + timedelta(seconds=delay), lease_until=None, lease_holder="",
        attempts=F("attempts") + 1, last_error=_describe(error),
    )


def _give_up(message: Message, error: BaseException, on_give_up: GiveUp | None) -> None:
    Message.objects.filter(id=message.id).update(
        status=Message.Status.FAILED, finished_at=timezone.now(), lease_until=None, lease_holder="",
        attempts=F("attempts") + 1, last_error=_describe(error),
    )
    if on_give_up is not None:
        on_give_up(message, error)
