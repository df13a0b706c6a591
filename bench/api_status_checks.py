"""Status checks per second through the status API, on gunicorn as the Procfile runs it, and their latency.

Creates (or recreates) the PostgreSQL database at BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/bench_api), with 2,000 granted statuses, each with a
right-to-work share code, and 4 approved live clients (quotas high enough not to refuse).
Starts `gunicorn config.wsgi --config python:config.gunicorn` with production settings
(2 processes of 4 threads, as the README's defaults), then one check at a time for 10 seconds
(a check's latency on an idle server), and 8 checks in flight from this process (4 clients, 2
threads each) for DURATION seconds, after a short warm-up: every call a real check (client token and quota, share-code row lock, date of birth,
check row, access-log append, call log). Prints checks a second and p50/p95/p99 latency.

Run: .venv/bin/python bench/api_status_checks.py [seconds]   (drop the database afterwards)
"""

import datetime
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scratch import recreate_database  # noqa: E402

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_api")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Share codes are stored as HMACs under this key: this process makes them, gunicorn checks them.
os.environ["SECRET_KEY"] = SECRET_KEY = "benchmark-only-" + "x" * 40
DURATION = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
STATUSES = 2_000
CLIENTS = 4
THREADS_PER_CLIENT = 2
PORT = 8171


recreate_database(URL)

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from api.models import ApiClient, Scope  # noqa: E402
from api.services import api_client_decide, api_client_register  # noqa: E402
from applications.models import Application, State  # noqa: E402
from casework.models import ImmigrationStatus, SharePurpose  # noqa: E402
from casework.share_codes import share_code_create  # noqa: E402
from tests.factories import valid_answers  # noqa: E402


def fill() -> tuple[list[tuple[str, str]], list]:
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    codes = []
    answers = valid_answers()
    for number in range(STATUSES):
        holder = User.objects.create_user(email=f"holder{number}@example.com", password=None)
        date_of_birth = (datetime.date(1960, 1, 1) + datetime.timedelta(days=number * 7)).isoformat()
        application = Application.objects.create(
            applicant=holder, route="skilled-worker", state=State.GRANTED, reference=f"B{number:07d}-0000",
            answers={**answers, "date_of_birth": date_of_birth}, submitted_at=timezone.now(), decided_at=timezone.now(),
        )
        status = ImmigrationStatus.objects.create(
            application=application, holder=holder, route=application.route, valid_from=today,
            valid_until=today + datetime.timedelta(days=700), work_condition="sponsor", study_condition="permitted",
        )
        codes.append((share_code_create(status=status, holder=holder, purpose=SharePurpose.RIGHT_TO_WORK).code, date_of_birth))
    leader = User.objects.create_user(email="leader@example.com", password=None, is_superuser=True)
    clients = []
    for number in range(CLIENTS):
        contact = User.objects.create_user(email=f"developer{number}@employer.example", password=None)
        credentials = api_client_register(
            contact=contact, organisation=f"Employer {number}", use="Benchmark", scopes=[Scope.RIGHT_TO_WORK],
            environment=ApiClient.Environment.LIVE,
        )
        api_client_decide(client=credentials.client, actor=leader, approve=True, requests_per_minute=6000)
        clients.append(credentials)
    return codes, clients


def start_server() -> subprocess.Popen:
    environment = {
        **os.environ, "DEBUG": "false", "SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1",
        "SERVICE_URL": f"http://127.0.0.1:{PORT}", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13", "SECURE_SSL_REDIRECT": "false",
        "HOST": "127.0.0.1", "PORT": str(PORT), "WEB_CONCURRENCY": "2", "WEB_THREADS": "4", "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "--config", "python:config.gunicorn", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    for _ in range(100):
        try:
            if requests.get(f"http://127.0.0.1:{PORT}/healthz", timeout=1).status_code == 200:
                return server
        except requests.ConnectionError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start: " + server.stderr.read().decode()[-2000:])


def token(credentials) -> str:
    response = requests.post(
        f"http://127.0.0.1:{PORT}/api/v1/oauth/token/", data={"grant_type": "client_credentials"},
        auth=(credentials.client_id, credentials.client_secret), timeout=10,
    )
    response.raise_for_status()
    return response.json()["access_token"]


def load(codes, tokens, seconds: float, *, wrong_dob: bool = False, threads_per_client: int = THREADS_PER_CLIENT) -> tuple[list[float], dict[int, int], float]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(seed: int, bearer: str) -> None:
        rng = random.Random(seed)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {bearer}"
        while time.monotonic() < stop_at:
            code, date_of_birth = rng.choice(codes)
            started = time.perf_counter()
            response = session.post(
                f"http://127.0.0.1:{PORT}/api/v1/right-to-work/checks",
                json={"share_code": code, "date_of_birth": "1900-01-01" if wrong_dob else date_of_birth}, timeout=30,
            )
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    threads = [
        threading.Thread(target=worker, args=(index * 100 + thread, bearer))
        for index, bearer in enumerate(tokens) for thread in range(threads_per_client)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.monotonic() - started


def report(name: str, latencies: list[float], statuses: dict[int, int], wall: float) -> None:
    ordered = sorted(latencies)
    quantile = lambda share: ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000  # noqa: E731
    print(
        f"{name}: {len(ordered)} calls in {wall:.1f} s = {len(ordered) / wall:.1f} a second; "
        f"p50 {quantile(0.5):.1f} ms, p95 {quantile(0.95):.1f} ms, p99 {quantile(0.99):.1f} ms, "
        f"mean {statistics.mean(ordered) * 1000:.1f} ms; answers {dict(sorted(statuses.items()))}"
    )


def main() -> None:
    print(f"Filling {STATUSES} statuses and {CLIENTS} clients ...", flush=True)
    codes, clients = fill()
    server = start_server()
    try:
        tokens = [token(credentials) for credentials in clients]
        print(f"load average before: {os.getloadavg()[0]:.2f}; {CLIENTS * THREADS_PER_CLIENT} checks in flight, "
              f"gunicorn 2 processes x 4 threads, PostgreSQL", flush=True)
        load(codes, tokens, 3)  # warm-up: connections, imports, caches
        report("one check at a time, status shown", *load(codes, tokens[:1], min(DURATION, 10), threads_per_client=1))
        report("right-to-work checks, status shown", *load(codes, tokens, DURATION))
        # Wrong dates of birth would lock codes after 5 a day; each code is tried at most a few times here.
        report("right-to-work checks, wrong date of birth (404)", *load(codes, tokens, min(DURATION, 5), wrong_dob=True))
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
