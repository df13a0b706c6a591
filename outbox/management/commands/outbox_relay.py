import signal
import threading

from django.core.management.base import BaseCommand

from config.celery import app
from outbox.relay import outbox_relay_forever


class Command(BaseCommand):
    help = "Publish the outbox's jobs and emails to the broker (run exactly as many as you like; one is enough)."

    def handle(self, *args, **options):
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write("Outbox relay started")
        outbox_relay_forever(app=app, stop=stop)
        self.stdout.write("Outbox relay stopped")
