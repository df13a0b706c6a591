"""Management information over 100,000 applications and about a million events in PostgreSQL.

Creates (or recreates) the database at BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/bench_management_information) and fills it
with a year of applications: each with a history of events as the workflow
writes them (identity checks passed, referred and accepted, or failed on photo
quality and retried; cases taken, reassigned, paused for information, granted or
refused by four eyes), one identity check per attempt with its distance, requests
for information, duplicate flags, and 2% synthetic journeys. Then it times the
refresh that rebuilds the figures from the log, and every page through Django's
test client in this process: p50 and p95 of 30 requests each after one warm-up
request (charts are cached after it), and the number of database queries.
Run: .venv/bin/python bench/management_information.py
"""

import datetime
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scratch import recreate_database  # noqa: E402

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_management_information")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

ROWS = int(os.environ.get("BENCH_ROWS", 100_000))
REQUESTS = 30


if "--keep" not in sys.argv:
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
from applications.models import Application, ApplicationEvent, Document, InformationRequest, State  # noqa: E402
from casework.constants import RefusalReason, Role  # noqa: E402
from identity.models import DuplicateCandidate, IdentityCheck  # noqa: E402
from management_information.refresh import figures_refresh  # noqa: E402
from management_information.selectors import memos_prepare  # noqa: E402

S = State
ROUTE_WEIGHTS = {"visitor": 45, "skilled-worker": 20, "student": 20, "family-partner": 10, "settlement": 5}
HOUR = datetime.timedelta(hours=1)


class History:
    """One application's events, advancing a clock; stops (leaving the case open) when it reaches now."""

    def __init__(self, application, start, now, rng):
        self.application, self.at, self.now, self.rng = application, start, now, rng
        self.state, self.events, self.open = "draft", [], False

    def step(self, transition, to_state, actor=None, after_hours=(0.1, 2)):
        if self.open:
            return False
        at = self.at + self.rng.uniform(*after_hours) * HOUR
        if at > self.now:
            self.open = True
            return False
        self.events.append(ApplicationEvent(application_id=self.application, transition=transition, from_state=self.state,
                                            to_state=to_state, actor=actor, created_at=at))
        self.state, self.at = to_state, at
        return True


def fill() -> User:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    caseworkers = [User.objects.create_user(email=f"cw{n}@bench.example", password=None) for n in range(30)]
    for user in caseworkers:
        user.groups.add(Group.objects.get(name=Role.CASEWORKER))
    leader = User.objects.create_user(email="leader@bench.example", password=None)
    leader.groups.add(Group.objects.get(name=Role.TEAM_LEADER))
    applicants = User.objects.bulk_create(User(email=f"a{n}@bench.example", email_confirmed_at=timezone.now()) for n in range(5_000))
    rng = random.Random(2026)
    now = timezone.now()
    started = time.perf_counter()
    # A draft (never counted) to own the one photo row every bench check points at.
    stub = Application.objects.create(applicant=applicants[0], route="visitor")
    photo = Document.objects.create(application=stub, kind="passport_photo", file="bench.jpg", content_type="image/jpeg", original_name="b.jpg", size=1)
    applications, events, checks, requests, flags = [], [], [], [], []
    totals = {"events": 0, "checks": 0}

    def flush(final=False):
        if len(applications) >= 5_000 or final:
            Application.objects.bulk_create(applications, batch_size=5_000)
            ApplicationEvent.objects.bulk_create(events, batch_size=10_000)
            made = IdentityCheck.objects.bulk_create(checks, batch_size=5_000)
            InformationRequest.objects.bulk_create(requests, batch_size=5_000)
            DuplicateCandidate.objects.bulk_create(
                [DuplicateCandidate(identity_check=made[index], application_id=made[index].application_id, candidate_id=made[other].application_id,
                                    distance=0.4, resolution=resolution) for index, other, resolution in flags if other != index],
                batch_size=5_000)
            totals["events"] += len(events)
            totals["checks"] += len(checks)
            for pending in (applications, events, checks, requests, flags):
                pending.clear()

    for number in range(ROWS):
        route = rng.choices(list(ROUTE_WEIGHTS), weights=list(ROUTE_WEIGHTS.values()))[0]
        # More applications lately, as a service that is growing: the last weeks hold the open cases.
        start = now - datetime.timedelta(days=365 * rng.random() ** 1.3)
        # The row is made once its history says which state it ends in (the state cannot be set after).
        application = uuid.uuid4()
        history = History(application, start, now, rng)
        history.step("submit", S.SUBMITTED, after_hours=(0, 0))
        history.step("start_identity_check", S.IDENTITY_CHECKING, after_hours=(0, 0.01))
        caseworker, second = rng.sample(caseworkers, 2)
        attempt, roll = 1, rng.random()

        def check(status, distance, reasons, attempt):
            if history.open:
                return
            checks.append(IdentityCheck(application_id=application, attempt=attempt, passport_photo=photo, selfie=photo, status=status,
                                        distance=distance, pass_threshold=0.5, fail_threshold=0.6, reasons=reasons,
                                        created_at=history.at, queued_at=history.at, finished_at=history.at + 0.01 * HOUR))

        if roll < 0.05:
            if history.step("ask_for_new_photos", S.IDENTITY_RETRY, after_hours=(0.01, 0.1)):
                check("failed", None, [rng.choice(["selfie.too_dark", "selfie.blurred", "passport.face_too_small", "selfie.no_face"])], attempt)
            history.step("retry_identity_check", S.IDENTITY_CHECKING, after_hours=(2, 72))
            attempt = 2
        if roll > 0.88:
            if history.step("refer_identity", S.IDENTITY_ADJUDICATION, after_hours=(0.01, 0.1)):
                check("referred", rng.uniform(0.5, 0.6), ["possible_match"], attempt)
                if rng.random() < 0.02:
                    flags.append((len(checks) - 1, rng.randrange(len(checks)), rng.choice(["confirmed", "dismissed", "dismissed", ""])))
            history.step("propose_identity_override", S.IDENTITY_OVERRIDE_PROPOSED, caseworker, after_hours=(4, 72))
            history.step("confirm_identity_override", S.READY_FOR_CASEWORK, second, after_hours=(1, 48))
        elif history.step("pass_identity", S.READY_FOR_CASEWORK, after_hours=(0.01, 0.1)):
            check("passed", rng.uniform(0.1, 0.5), [], attempt)
        history.step("start_review", S.IN_REVIEW, caseworker, after_hours=(2, 24 * 10))
        if rng.random() < 0.6:
            # Taken, released back to the queue, taken again.
            history.step("release", S.READY_FOR_CASEWORK, caseworker, after_hours=(1, 48))
            history.step("start_review", S.IN_REVIEW, caseworker, after_hours=(1, 24 * 3))
        for _ in range(rng.randint(1, 3)):
            # Events that change no state: a team leader reassigning the case, say.
            history.step("reassign", S.IN_REVIEW, caseworker, after_hours=(0.1, 24))
        if rng.random() < 0.4 and history.step("request_information", S.AWAITING_INFORMATION, caseworker, after_hours=(1, 24 * 5)):
            sent = history.at
            answered = history.step("provide_information", S.IN_REVIEW, after_hours=(24, 24 * 20))
            requests.append(InformationRequest(application_id=application, requested_by=caseworker, message="Send payslips.",
                                               respond_by=sent.date() + datetime.timedelta(days=28), created_at=sent,
                                               responded_at=history.at if answered else None))
        if rng.random() < 0.25:
            history.step("propose_refusal", S.REFUSAL_PROPOSED, caseworker, after_hours=(1, 24 * 15))
            history.step("confirm_refusal", S.REFUSED, second, after_hours=(1, 48))
        else:
            history.step("grant", S.GRANTED, caseworker, after_hours=(1, 24 * 15))
        state = history.state
        applications.append(Application(
            id=application, applicant=rng.choice(applicants), route=route, reference=f"M{number:07d}-0000", answers={},
            created_at=start, submitted_at=start, synthetic_cohort="bench-journeys" if rng.random() < 0.02 else "", state=state,
            decided_at=history.at if state in (S.GRANTED, S.REFUSED) else None,
            refusal_reasons=rng.sample(list(RefusalReason.LABELS), rng.randint(1, 2)) if state == S.REFUSED else [],
            assigned_to=caseworker if state in (S.IN_REVIEW, S.AWAITING_INFORMATION, S.REFUSAL_PROPOSED) else None,
            due_on=(start + datetime.timedelta(days=rng.randint(10, 40))).date() if state in (S.READY_FOR_CASEWORK, S.IN_REVIEW) else None,
        ))
        events.extend(history.events)
        flush()
    flush(final=True)
    connection.cursor().execute("ANALYZE")
    print(f"{ROWS:,} applications, {totals['events']:,} events, {totals['checks']:,} identity checks "
          f"created in {time.perf_counter() - started:.0f} s")
    return leader


def measure(client: Client, url: str) -> tuple[float, float, int]:
    client.get(url)  # warm: the charts are drawn once and cached
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
    leader = fill() if "--keep" not in sys.argv else User.objects.get(email="leader@bench.example")
    started = time.perf_counter()
    refresh = figures_refresh()
    print(f"refresh: {refresh.applications:,} applications, {refresh.events:,} events, {refresh.spells:,} state spells "
          f"in {time.perf_counter() - started:.1f} s")
    # As the beat task does after each refresh: the costly figures of the default ranges, kept for the pages.
    started = time.perf_counter()
    memos_prepare(refresh)
    print(f"figures kept for the default ranges in {time.perf_counter() - started:.1f} s")
    client = Client()
    client.force_login(leader)
    anonymous = Client()
    year = f"date_from={(timezone.localdate() - datetime.timedelta(days=364)).isoformat()}&date_to={timezone.localdate().isoformat()}"
    pages = [
        ("overview (last 13 weeks, all routes)", client, "/management-information/"),
        ("overview, per day", client, "/management-information/?period=day"),
        ("overview, one route", client, "/management-information/?route=student"),
        ("overview, a year", client, f"/management-information/?{year}"),
        ("service standard and time in state", client, "/management-information/service-standard/"),
        ("service standard, a year", client, f"/management-information/service-standard/?{year}"),
        ("decisions, caseworkers, information requests", client, "/management-information/decisions/"),
        ("decisions, a year", client, f"/management-information/decisions/?{year}"),
        ("identity checks", client, "/management-information/identity/"),
        ("identity checks, a year", client, f"/management-information/identity/?{year}"),
        ("one figure as CSV (time in state)", client, "/management-information/service-standard/?download=time-in-state"),
        ("threshold replay, 12 weeks", client, "/management-information/threshold-replay/?pass_threshold=0.45&fail_threshold=0.6&weeks=12"),
        ("threshold replay, 52 weeks", client, "/management-information/threshold-replay/?pass_threshold=0.45&fail_threshold=0.6&weeks=52"),
        ("published statistics (no sign-in)", anonymous, "/statistics/"),
        ("published statistics, JSON", anonymous, "/statistics/statistics.json"),
    ]
    print(f"{'page':<48} {'p50':>8} {'p95':>8} {'queries':>8}")
    for name, who, url in pages:
        p50, p95, queries = measure(who, url)
        print(f"{name:<48} {p50:>6.1f}ms {p95:>6.1f}ms {queries:>8}")


if __name__ == "__main__":
    main()
