"""Jobs and emails written in the transaction of the change that causes them.

A request never talks to the broker: it writes a Message row beside its own
writes, and the relay (outbox/relay.py) hands the row to Celery once it has
committed, retrying while the broker is down. A consumer marks its message done;
until then the relay keeps the message alive, publishing it again when it finds
the broker has lost it. This package knows nothing of the domain.
"""

from django.db import models
from django.utils import timezone


class Message(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be published"
        PUBLISHED = "published", "Published to the broker"
        DONE = "done", "Done"
        FAILED = "failed", "Given up"

    # A Celery task name; the task takes the message id and these keyword arguments.
    task = models.CharField(max_length=100)
    kwargs = models.JSONField(default=dict)
    # Once-only: the same effect of the same change is never queued twice.
    key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    # When the relay may next publish it (later after a failure: backoff).
    available_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    publish_count = models.PositiveIntegerField(default=0)
    # Set by the consumer that holds it ("host:pid"); another delivery leaves it
    # alone until then, unless it can see that the holder's process has died.
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_holder = models.CharField(max_length=300, blank=True)
    # Runs that failed and were put back for later.
    attempts = models.PositiveIntegerField(default=0)
    # Past this a failing message is given up (for an email: hours, see settings).
    give_up_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "available_at"]),
            models.Index(fields=["status", "published_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.id} ({self.status})"

    @property
    def task_id(self) -> str:
        """Every publication of one message carries the same Celery task id."""
        return f"outbox-{self.id}"


class Email(models.Model):
    """An email, rendered when the change that sends it commits, delivered by a job."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"

    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    # What the email is about (an application's id), so its page can show how delivery went.
    about = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to} ({self.status})"
