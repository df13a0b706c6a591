"""The casework queue and case pages over 100,000 applications in PostgreSQL.

Creates (or recreates) the database bench_casework on the PostgreSQL at
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_casework),
fills it with 100,000 open cases spread over routes, states and due dates, and
times the pages through Django's test client in this process: p50 and p95 of 40
requests each, and the number of database queries, which must not grow with the
number of rows a page shows. Run: .venv/bin/python bench/casework_pages.py
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scratch import recreate_database  # noqa: E402

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_casework")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

ROWS = 100_000
REQUESTS = 40


recreate_database(URL)

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from applications.models import Application, State  # noqa: E402
from applications.routes import ROUTES  # noqa: E402
from casework import views  # noqa: E402
from casework.constants import Role  # noqa: E402
from casework.selectors import QUEUE_STATES  # noqa: E402
from tests.factories import in_review, valid_answers  # noqa: E402


def fill() -> tuple[User, User, Application]:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    caseworkers = []
    for number in range(20):
        user = User.objects.create_user(email=f"cw{number}@bench.example", password=None)
        user.groups.add(Group.objects.get(name=Role.CASEWORKER))
        caseworkers.append(user)
    leader = User.objects.create_user(email="leader@bench.example", password=None)
    leader.groups.add(Group.objects.get(name=Role.TEAM_LEADER))
    applicants = User.objects.bulk_create(User(email=f"a{number}@bench.example", email_confirmed_at=timezone.now()) for number in range(2_000))
    rng = random.Random(2026)
    today = timezone.localdate()
    answers = valid_answers()
    started = time.perf_counter()
    batch = []
    for number in range(ROWS):
        state = rng.choice(QUEUE_STATES)
        assigned = rng.choice(caseworkers) if state in (State.IN_REVIEW, State.AWAITING_INFORMATION, State.REFUSAL_PROPOSED) else None
        batch.append(Application(
            applicant=rng.choice(applicants), route=rng.choice(list(ROUTES)), state=state, reference=f"B{number:07d}-0000",
            answers=answers, submitted_at=timezone.now(), assigned_to=assigned,
            due_on=None if state == State.AWAITING_INFORMATION else today + timezone.timedelta(days=rng.randint(-10, 60)),
        ))
        if len(batch) == 5_000:
            Application.objects.bulk_create(batch)
            batch = []
    connection.cursor().execute("ANALYZE")
    # One real case with everything on it: answers, photos, identity check, events.
    case = in_review(User.objects.create_user(email="real@bench.example", password=None, email_confirmed_at=timezone.now()), caseworkers[0])
    print(f"{Application.objects.count():,} applications created in {time.perf_counter() - started:.0f} s")
    return caseworkers[0], leader, case


def measure(client: Client, url: str) -> tuple[float, float, int]:
    client.get(url)  # warm
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[18], len(queries)


def main() -> None:
    caseworker, leader, case = fill()
    as_caseworker, as_leader = Client(), Client()
    as_caseworker.force_login(caseworker)
    as_leader.force_login(leader)
    print(f"{'page':<52} {'p50':>8} {'p95':>8} {'queries':>8}")
    pages = [
        ("queue, team leader (whole backlog), page 1", as_leader, "/casework/"),
        ("queue, team leader, page 1,000", as_leader, "/casework/?page=1000"),
        ("queue, caseworker (waiting and own)", as_caseworker, "/casework/"),
        ("queue, filtered: route and state", as_leader, "/casework/?route=student&state=in_review"),
        ("case page (answers, photos, identity, history)", as_caseworker, f"/casework/cases/{case.id}/"),
    ]
    for name, client, url in pages:
        p50, p95, queries = measure(client, url)
        print(f"{name:<52} {p50:>6.1f}ms {p95:>6.1f}ms {queries:>8}")
    for size in (10, 50, 200):
        views.PAGE_SIZE = size
        _, _, queries = measure(as_leader, "/casework/")
        print(f"queue with {size:>3} rows shown: {queries} queries")


if __name__ == "__main__":
    main()
