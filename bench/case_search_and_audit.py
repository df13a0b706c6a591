"""Case search over 100,000 applications in PostgreSQL, and what the access log costs.

Creates (or recreates) the database at BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/bench_search), fills it with 100,000 submitted
applications whose people come from Faker in several locales (so names carry
accents), then:

1. times each kind of search through the search page (Django's test client in this
   process, access-log write included): p50 and p95 of 40 requests with different
   terms each, and says which index PostgreSQL's plan uses;
2. times the case page and a document with the access-log write and with it
   replaced by nothing, 200 requests each, interleaved;
3. times appends from 4 threads at once (one lock row serialises them), a full
   verification of the chain, and the auditor's report, over 100,000 log rows.

Run: .venv/bin/python bench/case_search_and_audit.py (a few minutes; drop the database afterwards);
--reuse skips creating the data when an earlier run left it.
"""

import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scratch import recreate_database  # noqa: E402

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_search")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

ROWS = 100_000
REQUESTS = 40


REUSE = "--reuse" in sys.argv
if not REUSE:
    recreate_database(URL)

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from faker import Faker  # noqa: E402

from accounts.models import User  # noqa: E402
from applications import reference  # noqa: E402
from applications.models import Application, State  # noqa: E402
from applications.routes import ROUTES, DocumentKind  # noqa: E402
from audit import access_log  # noqa: E402
from audit.models import AccessAction, AccessLogHead, AccessRecord  # noqa: E402
from audit.selectors import unassigned_reads_report  # noqa: E402
from casework import search, views  # noqa: E402
from casework.constants import Role  # noqa: E402
from tests.factories import in_review, valid_answers  # noqa: E402

STATES = [State.READY_FOR_CASEWORK, State.IN_REVIEW, State.GRANTED, State.REFUSED, State.WITHDRAWN, State.AWAITING_INFORMATION]


def fill():
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    fake = Faker(["en_GB", "de_DE", "fr_FR", "es_ES", "pl_PL", "tr_TR", "da_DK"])
    fake.seed_instance(2026)
    rng = random.Random(2026)
    auditor = User.objects.create_user(email="auditor@bench.example", password=None)
    auditor.groups.add(Group.objects.get(name=Role.AUDITOR))
    caseworker = User.objects.create_user(email="cw@bench.example", password=None)
    caseworker.groups.add(Group.objects.get(name=Role.CASEWORKER))
    started = time.perf_counter()
    applicants = User.objects.bulk_create(
        (User(email=f"{n}.{fake.user_name()}@bench.example", email_confirmed_at=timezone.now()) for n in range(20_000)), batch_size=5_000
    )
    base = valid_answers()
    batch = []
    for number in range(ROWS):
        given, family = fake.first_name(), fake.last_name()
        answers = {
            **base, "given_names": given, "family_name": family,
            "date_of_birth": fake.date_of_birth(minimum_age=18, maximum_age=80).isoformat(),
            "passport_number": f"{rng.choice('ABCDEFGHJK')}{rng.randrange(10**7, 10**8)}",
            "email": f"{given}.{family}{number}@example.org".replace(" ", ""),
        }
        applicant = applicants[number % len(applicants)]
        application = Application(
            applicant=applicant, route=rng.choice(list(ROUTES)), state=rng.choice(STATES), reference=reference.generate(),
            answers=answers, submitted_at=timezone.now() - timezone.timedelta(minutes=number),
        )
        batch.append(application)
        if len(batch) == 5_000:
            Application.objects.bulk_create(batch)
            batch = []
    connection.cursor().execute("ANALYZE")
    in_review(User.objects.create_user(email="real@bench.example", password=None, email_confirmed_at=timezone.now()), caseworker)
    print(f"{Application.objects.count():,} applications created in {time.perf_counter() - started:.0f} s")


def people() -> list[tuple[str, dict, str]]:
    """A random sample of the people applying, to search for."""
    sample = Application.objects.exclude(applicant__email="real@bench.example").select_related("applicant").order_by("?")[:REQUESTS]
    return [(application.reference, application.answers, application.applicant.email) for application in sample]


def timed(client: Client, url: str, params_list: list[dict]) -> tuple[float, float]:
    client.get(url, params_list[0])
    timings = []
    for params in params_list:
        began = time.perf_counter()
        response = client.get(url, params)
        if response.streaming:
            b"".join(response.streaming_content)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, params, response.status_code)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[18]


def _query(criteria: dict):
    form = search.CaseSearchForm({**criteria, "reason": "quality_check"})
    assert form.is_valid(), form.errors
    return search.case_search(**{key: form.cleaned_data[key] for key in search.CaseSearchForm.CRITERIA})[: search.RESULTS_SHOWN + 1]


def database_times(params_list: list[dict]) -> tuple[float, float, str]:
    """p50 and p95 of PostgreSQL's own execution time for the search queries, and the indexes the plans use."""
    times, indexes = [], set()
    for params in params_list:
        plan = _query(params).explain(analyze=True)
        times.append(float(plan.rsplit("Execution Time:", 1)[1].split()[0]))
        indexes |= {word for word in plan.replace("(", " ").split() if word.startswith(("casework_search_", "applications_application_reference", "applications_application_applicant"))}
    return statistics.median(times), statistics.quantiles(times, n=20)[18], ", ".join(sorted(indexes)) or "none (sequential scan)"


def bench_search(auditor) -> None:
    client = Client()
    client.force_login(auditor)
    sample = people()
    reason = {"reason": "quality_check"}

    def folded_part(text: str) -> str:
        return search.fold(text)[:5]

    kinds = [
        ("reference, as typed: lower case, no dashes", [{"reference": ref.replace("-", "").lower()} for ref, _, _ in sample]),
        ("family name, in full", [{"name": answers["family_name"]} for _, answers, _ in sample]),
        ("part of given + family name, no accents", [{"name": f"{folded_part(a['given_names'])} {folded_part(a['family_name'])}"} for _, a, _ in sample]),
        ("date of birth", [{"date_of_birth_day": a["date_of_birth"][8:], "date_of_birth_month": a["date_of_birth"][5:7], "date_of_birth_year": a["date_of_birth"][:4]} for _, a, _ in sample]),
        ("passport number", [{"passport_number": a["passport_number"].lower()} for _, a, _ in sample]),
        ("email given in the application", [{"email": a["email"].upper()} for _, a, _ in sample]),
        ("account email", [{"email": email} for _, _, email in sample]),
        ("family name + date of birth", [{"name": a["family_name"], "date_of_birth_day": a["date_of_birth"][8:], "date_of_birth_month": a["date_of_birth"][5:7], "date_of_birth_year": a["date_of_birth"][:4]} for _, a, _ in sample]),
    ]
    print(f"\nSearch page over {ROWS:,} applications ({REQUESTS} searches each, access-log write included)")
    print(f"{'search':<46} {'page p50':>9} {'page p95':>9} {'SQL p50':>8} {'SQL p95':>8}  indexes used")
    for name, params_list in kinds:
        p50, p95 = timed(client, "/casework/search/", [{**params, **reason} for params in params_list])
        sql50, sql95, indexes = database_times(params_list)
        print(f"{name:<46} {p50:>7.1f}ms {p95:>7.1f}ms {sql50:>6.1f}ms {sql95:>6.1f}ms  {indexes}")


def bench_audit_cost(caseworker, case) -> None:
    client = Client()
    client.force_login(caseworker)
    selfie = case.documents.get(kind=DocumentKind.SELFIE)
    pages = [("case page", f"/casework/cases/{case.id}/"), ("face image", f"/applications/documents/{selfie.id}/")]
    from applications import views as application_views

    real = access_log.access_record
    print("\nAccess-log write: the same pages with and without it (200 requests each, interleaved)")
    print(f"{'page':<14} {'with p50':>9} {'without p50':>12} {'with p95':>9} {'without p95':>12}")
    for name, url in pages:
        with_log, without_log = [], []
        for round_number in range(400):
            enabled = round_number % 2 == 0
            replacement = real if enabled else (lambda *args, **kwargs: None)
            views.access_record = application_views.access_record = replacement
            began = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            (with_log if enabled else without_log).append((time.perf_counter() - began) * 1000)
        views.access_record = application_views.access_record = real
        q = lambda samples: (statistics.median(samples), statistics.quantiles(samples, n=20)[18])  # noqa: E731
        (w50, w95), (o50, o95) = q(with_log), q(without_log)
        print(f"{name:<14} {w50:>7.1f}ms {o50:>10.1f}ms {w95:>7.1f}ms {o95:>10.1f}ms")

    def write(count: int) -> None:
        for _ in range(count):
            access_log.access_log_append(actor_id=caseworker.id, actor_role="Caseworker", action=AccessAction.CASE_VIEWED, application_id=case.id)
        connections.close_all()

    for threads in (1, 4):
        began = time.perf_counter()
        workers = [threading.Thread(target=write, args=(500 // threads,)) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        print(f"appends, {threads} thread{'s' if threads > 1 else ''}: {500 / (time.perf_counter() - began):,.0f} a second")


def bench_log_at_scale(caseworker, case) -> None:
    # 100,000 rows made directly, chained as the service chains them, to time verification and the report.
    head = AccessLogHead.objects.get(id=1)
    prev = head.last_hash
    rows = []
    now = timezone.now()
    rng = random.Random(3)
    staff = list(User.objects.filter(groups__isnull=False).values_list("id", flat=True))
    applications = list(Application.objects.values_list("id", "applicant_id")[:5000])
    for number in range(ROWS):
        application_id, subject_id = rng.choice(applications)
        record = AccessRecord(
            created_at=now - timezone.timedelta(days=90) + timezone.timedelta(seconds=number * 77), actor_id=rng.choice(staff), actor_role="Caseworker",
            action=AccessAction.CASE_VIEWED, application_id=application_id, subject_id=subject_id, viewer_assigned=rng.random() < 0.7,
            client_address="10.0.0.1", prev_hash=prev,
        )
        record.hash = access_log.record_hash(record, prev)
        prev = record.hash
        rows.append(record)
    # Appends of this size go through bulk_create here only; the service appends one at a time.
    AccessRecord.objects.bulk_create(rows, batch_size=5_000)
    last = AccessRecord.objects.order_by("-id").first()
    AccessLogHead.objects.filter(id=1).update(last_id=last.id, last_hash=last.hash)
    connection.cursor().execute("ANALYZE audit_accessrecord")
    began = time.perf_counter()
    result = access_log.access_log_verify()
    print(f"\nverify_access_log over {result.rows:,} rows: {time.perf_counter() - began:.1f} s (intact: {result.ok})")
    began = time.perf_counter()
    report = unassigned_reads_report()
    print(f"auditor's report over them: {(time.perf_counter() - began) * 1000:.0f} ms ({len(report)} rows)")


def main() -> None:
    if not REUSE:
        fill()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    auditor = User.objects.get(email="auditor@bench.example")
    caseworker = User.objects.get(email="cw@bench.example")
    case = Application.objects.get(applicant__email="real@bench.example")
    bench_search(auditor)
    bench_audit_cost(caseworker, case)
    bench_log_at_scale(caseworker, case)


if __name__ == "__main__":
    main()
