"""Electronic travel authorisations decided automatically, end to end, per minute, and how long each waits.

Each application is paid for (the fake provider) and submitted here; the outbox
relay publishes its jobs, and a real Celery worker runs its real face match, whose
pass starts the automated decision, which grants. Measured from the database: `submitted_at` of each application and
`decided_at` of its AutomatedDecision.

For 1 and then 2 worker processes:
1. capacity: N applications submitted at once; decided per minute, from the first
   submission to the last decision;
2. latency: N more submitted one at a time at 60% of that capacity (the queue is not
   saturated); p50 and p95 from submission to decision.

Uses DATABASE_URL and CELERY_BROKER_URL if set, else a scratch SQLite database and
broker folder. Each application is its own synthetic cohort, so that the one
test face, used for every application, is not a duplicate of the others'.
Run: .venv/bin/python bench/eta_decisions.py [N]
"""

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
scratch = tempfile.mkdtemp(prefix="eta-bench-")
os.environ.setdefault("VAR_DIR", scratch)
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from applications.models import Application, State  # noqa: E402
from automation.models import AutomatedDecision  # noqa: E402
from tests.factories import ETA, draft_application, pay  # noqa: E402

SHARE_OF_CAPACITY = 0.6


def drafts(count: int, batch: str) -> list[Application]:
    """Ready to pay: answers, photos, a confirmed email. Nothing is queued until payment."""
    made = []
    for number in range(count):
        user = User.objects.create_user(
            email=f"{batch}-{number}@bench.example", password=None, email_confirmed_at=timezone.now(), synthetic_cohort=f"bench-{batch}-{number}"
        )
        made.append(draft_application(user, route=ETA))
    return made


def wait_decided(applications: list[Application], timeout: float) -> list[AutomatedDecision]:
    ids = [application.id for application in applications]
    deadline = time.monotonic() + timeout
    while AutomatedDecision.objects.filter(application_id__in=ids).count() < len(ids):
        if time.monotonic() > deadline:
            states = sorted(Application.objects.filter(id__in=ids).values_list("state", flat=True))
            raise SystemExit(f"not all decided within {timeout:.0f} s: {states}")
        time.sleep(0.2)
    return list(AutomatedDecision.objects.filter(application_id__in=ids).select_related("application"))


def summary(decisions: list[AutomatedDecision]) -> dict:
    waits = sorted(decision.seconds_from_submission for decision in decisions)
    first = min(decision.application.submitted_at for decision in decisions)
    last = max(decision.decided_at for decision in decisions)
    granted = sum(decision.outcome == AutomatedDecision.Outcome.GRANTED for decision in decisions)
    return {
        "per_minute": len(decisions) / (last - first).total_seconds() * 60,
        "p50": statistics.median(waits),
        "p95": waits[max(0, round(0.95 * len(waits)) - 1)],
        "granted": granted,
    }


def run(count: int, processes: int) -> None:
    warm_up, burst, paced = drafts(processes, f"w{processes}"), drafts(count, f"b{processes}"), drafts(count, f"p{processes}")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", f"--concurrency={processes}",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING", "-n", f"etabench{processes}@%h"],
        cwd=ROOT, env=os.environ.copy(),
    )
    # Jobs leave through the outbox: the relay publishes them to the broker.
    relay = subprocess.Popen([sys.executable, "manage.py", "outbox_relay"], cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL)
    try:
        # Each process loads the face models on its first check; that is not what is measured.
        for application in warm_up:
            pay(application)
        wait_decided(warm_up, 120)

        for application in burst:
            pay(application)
        capacity = summary(wait_decided(burst, 60 + count * 5))

        interval = 60 / (capacity["per_minute"] * SHARE_OF_CAPACITY)
        started = time.monotonic()
        for number, application in enumerate(paced):
            time.sleep(max(0.0, started + number * interval - time.monotonic()))
            pay(application)
        latency = summary(wait_decided(paced, 60 + count * 5))
    finally:
        for process in (relay, worker):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    label = f"{processes} worker process{'es' if processes > 1 else ''}"
    print(f"{label}: capacity {capacity['per_minute']:.0f} applications/minute decided end to end "
          f"({count} submitted at once, {capacity['granted']} granted; waits p50 {capacity['p50']:.1f} s, p95 {capacity['p95']:.1f} s)")
    print(f"{label}: at {60 / interval:.0f}/minute ({SHARE_OF_CAPACITY:.0%} of capacity), submission to decision "
          f"p50 {latency['p50']:.2f} s, p95 {latency['p95']:.2f} s ({latency['granted']} of {count} granted)")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    call_command("migrate", verbosity=0)
    print(f"database: {django.db.connection.vendor}, broker: {django.conf.settings.CELERY_BROKER_URL.split(':')[0]}, {os.cpu_count()} CPUs")
    for processes in (1, 2):
        run(count, processes)
    print(f"Applications in automated checks now: {Application.objects.filter(state=State.AUTOMATED_CHECKS).count()}")


if __name__ == "__main__":
    main()
