"""1:N face search: the matrix search alone, and the check task's own search path on PostgreSQL.

Random 128-d vectors stand in for encodings (the search does not care what they are).

  .venv/bin/python bench/gallery_search.py
      Gallery.search against face_recognition.face_distance over 100,000 and
      1,000,000 rows in memory.

  .venv/bin/python bench/gallery_search.py --database postgres://postgres@127.0.0.1:5432/h13bench [--rows 1000000]
      Fills a scratch PostgreSQL database (created, migrated, left for you to drop)
      with enrolments, writes the shared snapshot, then times what a check runs:
      identity.duplicates.duplicates_search_and_enrol inside its own transaction
      (gallery lock, refresh, search, enrolment, commit): a worker process's cold
      start, the steady state, and the searches after a purge; and the resident
      and proportional memory of two worker processes sharing the snapshot.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PROBES = 200
BASELINE_PROBES = 10
CHECKS = 200


def percentile(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q))


def _vectors(rng: np.random.Generator, rows: int) -> np.ndarray:
    # Encodings from face_recognition have norms near 1 and distances mostly 0.3 to 1.2;
    # scaled normal vectors give the same kind of spread.
    return (rng.normal(size=(rows, 128)) / np.sqrt(128 * 2)).astype(np.float32)


def in_memory() -> None:
    import django

    django.setup()
    from identity.face_match import face_recognition_module
    from identity.gallery import Gallery

    face_distance = face_recognition_module().face_distance
    rng = np.random.default_rng(2026)
    print(f"{'rows':>10} {'search p50':>11} {'p95':>8} {'face_distance f32':>18} {'f64 (its own)':>14} {'speed-up':>9} {'matrix MB':>10}")
    for rows in (100_000, 1_000_000):
        vectors = _vectors(rng, rows)
        gallery = Gallery()
        gallery.add([str(i) for i in range(rows)], vectors)
        probes = vectors[rng.integers(0, rows, PROBES)] + rng.normal(scale=0.01, size=(PROBES, 128)).astype(np.float32)

        timings = []
        for probe in probes:
            started = time.perf_counter()
            found = gallery.search(probe, threshold=0.5)
            timings.append((time.perf_counter() - started) * 1000)
            assert found, "each probe is a slightly moved copy of a row and must find it"
        baselines = {}
        # face_recognition's encodings are float64, which is what a gallery built on it holds.
        for dtype in (np.float32, np.float64):
            matrix = vectors.astype(dtype)
            samples = []
            for probe in probes[:BASELINE_PROBES]:
                started = time.perf_counter()
                face_distance(matrix, probe.astype(dtype))
                samples.append((time.perf_counter() - started) * 1000)
            baselines[dtype] = statistics.median(samples)
            del matrix
        p50 = statistics.median(timings)
        print(
            f"{rows:>10,} {p50:>9.1f}ms {percentile(timings, 95):>6.1f}ms {baselines[np.float32]:>16.1f}ms "
            f"{baselines[np.float64]:>12.1f}ms {baselines[np.float64] / p50:>8.1f}x {gallery.matrix.nbytes / 2**20:>10.0f}"
        )
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def _memory() -> dict[str, float]:
    """This process's resident set, and its proportional share (shared pages divided among their users), in MB."""
    rollup = Path("/proc/self/smaps_rollup").read_text().splitlines()
    fields = {line.split(":")[0]: int(line.split()[1]) for line in rollup[1:]}
    return {"rss_mb": fields["Rss"] / 1024, "pss_mb": fields["Pss"] / 1024}


def _fill(rows: int) -> None:
    """Enrolments straight into the table with COPY, without the foreign-key checks (a scratch database)."""
    from django.db import connection

    from identity.models import FaceEnrolment

    have = FaceEnrolment.objects.count()
    if have >= rows:
        print(f"{have:,} enrolments already there")
        return
    rng = np.random.default_rng(2026)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        copy_sql = "COPY identity_faceenrolment (application_id, identity_check_id, encoding, cohort, created_at) FROM STDIN"
        for start in range(have, rows, 100_000):
            block = _vectors(rng, min(100_000, rows - start))
            with cursor.cursor.copy(copy_sql) as copy:
                for vector in block:
                    copy.write_row((uuid.uuid4(), 1, vector.tobytes(), "", "2026-01-01T00:00:00Z"))
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE identity_faceenrolment")
    print(f"filled {rows - have:,} enrolments in {time.perf_counter() - started:.0f} s")


def _checks(count: int) -> list:
    """Real applications and checks for the timed enrolments to belong to."""
    from accounts.models import User
    from applications.models import Application, Document
    from identity.models import IdentityCheck

    user, _ = User.objects.get_or_create(email="bench@example.com")
    checks = []
    for _ in range(count):
        application = Application.objects.create(applicant=user, route="visitor")
        document = Document.objects.create(
            application=application, kind="selfie", file="bench.jpg", content_type="image/jpeg", original_name="b.jpg", size=1
        )
        checks.append(IdentityCheck.objects.create(application=application, attempt=1, passport_photo=document, selfie=document))
    return checks


CPU_TIMES: list[float] = []


def _timed_checks(checks: list, rng: np.random.Generator) -> list[float]:
    """Wall-clock milliseconds per check; this process's CPU milliseconds go to CPU_TIMES."""
    from identity.duplicates import duplicates_search_and_enrol

    timings = []
    CPU_TIMES.clear()
    for check in checks:
        probe = _vectors(rng, 1)[0]
        started, cpu = time.perf_counter(), time.process_time()
        duplicates_search_and_enrol(check=check, encoding=probe, cohort="", enrol=True)
        timings.append((time.perf_counter() - started) * 1000)
        CPU_TIMES.append((time.process_time() - cpu) * 1000)
    return timings


def _summary(timings: list[float]) -> str:
    # The machine is shared: the load average says how much the wall-clock figures are stretched.
    return (
        f"wall p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 95):.1f} ms, max {max(timings):.1f} ms; "
        f"CPU of this process p50 {statistics.median(CPU_TIMES):.1f} ms, p95 {percentile(CPU_TIMES, 95):.1f} ms "
        f"({len(timings)} checks, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )


def worker_process(hold: float) -> None:
    """One worker process's cold start and first check, printed as JSON (run by `on_postgres`)."""
    import django

    django.setup()
    started = time.perf_counter()
    from identity import gallery

    size = len(gallery.enrolled_gallery.refreshed())
    opened = time.perf_counter()
    checks = _checks(1)
    first = _timed_checks(checks, np.random.default_rng(os.getpid()))[0]
    steady = _timed_checks(_checks(20), np.random.default_rng(os.getpid() + 1))
    print(json.dumps({
        "rows": size, "open_ms": (opened - started) * 1000, "first_check_ms": first,
        "steady_p50_ms": statistics.median(steady), **_memory(),
    }), flush=True)
    time.sleep(hold)  # both processes alive at once, so that the shared pages are counted as shared


def on_postgres(database: str, rows: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from identity import duplicates, gallery
    from identity.models import FaceEnrolment

    call_command("migrate", verbosity=0)
    _fill(rows)
    started = time.perf_counter()
    gallery.snapshot_write()
    print(f"snapshot of {rows:,} rows written in {time.perf_counter() - started:.1f} s to {gallery.enrolled_gallery.directory}")

    # Two worker processes starting at once against the snapshot (a few checks enrolled since it was written).
    _timed_checks(_checks(50), np.random.default_rng(1))
    env = {**os.environ, "DATABASE_URL": database}
    children = [
        subprocess.Popen([sys.executable, __file__, "--worker-process", "--hold", str(hold)], env=env, stdout=subprocess.PIPE, text=True)
        for hold in (20, 20)
    ]
    for number, child in enumerate(children, 1):
        report = json.loads(child.stdout.readline())
        print(
            f"worker process {number}: cold start {report['open_ms']:.0f} ms to open {report['rows']:,} rows, "
            f"first check {report['first_check_ms']:.0f} ms, then p50 {report['steady_p50_ms']:.1f} ms; "
            f"resident {report['rss_mb']:.0f} MB, proportional {report['pss_mb']:.0f} MB"
        )
    for child in children:
        child.wait()

    rng = np.random.default_rng(2)
    gallery.enrolled_gallery.refreshed()
    _timed_checks(_checks(5), rng)  # pages of the snapshot into this process
    print("steady state:", _summary(_timed_checks(_checks(CHECKS), rng)))

    purged = FaceEnrolment.objects.filter(cohort="").order_by("id").values_list("id", flat=True)[:100]
    started = time.perf_counter()
    duplicates.gallery_remove(FaceEnrolment.objects.filter(id__in=list(purged)))
    print(f"purge of 100 enrolments: {(time.perf_counter() - started) * 1000:.0f} ms")
    print("after the purge:", _summary(_timed_checks(_checks(CHECKS // 2), rng)))
    print(f"this process: {_memory()['rss_mb']:.0f} MB resident, {_memory()['pss_mb']:.0f} MB proportional")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", help="a scratch PostgreSQL database URL: run the check task's search path against it")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--worker-process", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--hold", type=float, default=0, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker_process:
        worker_process(arguments.hold)
    elif arguments.database:
        os.environ["DATABASE_URL"] = arguments.database
        os.environ.setdefault("GALLERY_SNAPSHOT_DIR", str(ROOT / "var" / "bench-gallery"))
        on_postgres(arguments.database, arguments.rows)
    else:
        in_memory()


if __name__ == "__main__":
    main()
