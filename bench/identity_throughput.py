"""Identity checks per minute, through real Celery worker processes.

Creates a scratch database and broker folder (or uses DATABASE_URL and
CELERY_BROKER_URL if set), submits N applications (each queues a check), starts the
outbox relay and a worker with 1 and then 2 processes, and times each batch from its first run's
start to its last run's end, from the runs recorded in the database.
Run: .venv/bin/python bench/identity_throughput.py [N]
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
scratch = tempfile.mkdtemp(prefix="identity-bench-")
os.environ.setdefault("VAR_DIR", scratch)
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.models import Max, Min  # noqa: E402

from accounts.models import User  # noqa: E402
from applications.services import application_submit  # noqa: E402
from identity.models import IdentityCheck, IdentityCheckRun  # noqa: E402
from tests import images  # noqa: E402
from tests.factories import draft_application  # noqa: E402

PAIRS = [(images.astronaut_passport(), images.astronaut_selfie()), (images.hopper_passport(), images.hopper_selfie())]


def submit(count: int, batch: str) -> list[int]:
    ids = []
    for number in range(count):
        user = User.objects.create_user(email=f"{batch}-{number}@bench.example", password=None, email_confirmed_at=django.utils.timezone.now())
        passport, selfie = PAIRS[number % 2]
        application = application_submit(application=draft_application(user, passport=passport, selfie=selfie), actor=user)
        ids.append(application.identity_checks.get().id)
    return ids


def run_batch(count: int, processes: int) -> float:
    ids = submit(count, f"p{processes}")
    # Submitting writes each check's job to the outbox; the relay publishes it.
    relay = subprocess.Popen([sys.executable, "manage.py", "outbox_relay"], cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", f"--concurrency={processes}",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING", "-n", f"bench{processes}@%h"],
        cwd=ROOT, env=os.environ.copy(),
    )
    try:
        deadline = time.monotonic() + 30 + count * 5
        while IdentityCheck.objects.filter(id__in=ids, finished_at__isnull=True).exists():
            if time.monotonic() > deadline:
                raise SystemExit("the checks did not finish in time")
            time.sleep(0.5)
    finally:
        for process in (worker, relay):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    span = IdentityCheckRun.objects.filter(identity_check_id__in=ids).aggregate(start=Min("started_at"), end=Max("finished_at"))
    return (span["end"] - span["start"]).total_seconds()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    call_command("migrate", verbosity=0)
    print(f"database: {django.db.connection.vendor}, broker: {django.conf.settings.CELERY_BROKER_URL.split(':')[0]}, {os.cpu_count()} CPUs")
    for processes in (1, 2):
        seconds = run_batch(count, processes)
        per_minute = count / seconds * 60
        print(f"{processes} worker process{'es' if processes > 1 else ''}: {count} checks in {seconds:.1f} s = "
              f"{per_minute:.0f} checks/minute ({per_minute / processes:.0f} per process)")


if __name__ == "__main__":
    main()
