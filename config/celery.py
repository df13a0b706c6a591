import os

from celery import Celery

from config.broker import use_atomic_filesystem_transport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
use_atomic_filesystem_transport()

app = Celery("immigration")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
