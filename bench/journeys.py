"""Synthetic journeys per minute against `make run`'s process list, by worker and web processes.

Each run is `manage.py run_journeys` without a target: it starts the Procfile's
processes as `make run` does (config/procfile.py: gunicorn, a Celery worker,
beat) on a scratch SQLite database and filesystem broker (or DATABASE_URL and
CELERY_BROKER_URL if set), runs a seeded mix of journeys, and writes its JSON
report, from which the figures come. Two mixes, each with 1 and 2 worker
processes and 1 and 3 web processes, same seed: every scenario (the whole
service), and `verify` only (register, apply, wait for the identity check),
where the identity checks are the largest part of the work.
Run: .venv/bin/python bench/journeys.py [JOURNEYS] [CONCURRENCY]
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIXES = {"verify only": "verify", "every scenario": ""}
# (worker processes, web processes)
LAYOUTS = [(1, 1), (2, 1), (1, 3), (2, 3)]


def _run(folder: Path, mix: str, workers: int, web: int, journeys: int, concurrency: int) -> dict:
    label = f"{mix or 'all'}-{workers}w-{web}web"
    report_path, log_path = folder / f"{label}.json", folder / f"{label}.log"
    command = [
        sys.executable, str(ROOT / "manage.py"), "run_journeys", "--journeys", str(journeys), "--seed", "1",
        "--workers", str(workers), "--web-processes", str(web), "--concurrency", str(concurrency), "--report", str(report_path),
    ]
    if mix:
        command += ["--scenarios", mix]
    with open(log_path, "w") as log:
        finished = subprocess.run(command, cwd=ROOT, stdout=log, stderr=log)
    if finished.returncode:
        sys.exit(f"run_journeys failed ({label}): see {log_path}")
    return json.loads(report_path.read_text())


def main(journeys: int, concurrency: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="journeys-bench-"))
    load = os.getloadavg()[0]
    print(f"{journeys} journeys per run, seed 1, {concurrency} at a time; load average {load:.1f} on {os.cpu_count()} cores at the start")
    for name, mix in MIXES.items():
        baseline = {}
        for workers, web in LAYOUTS:
            report = _run(folder, mix, workers, web, journeys, concurrency)
            rate = report["journeys_per_minute"]
            baseline.setdefault(web, rate)
            check = [figures["steps"].get("identity check", {}).get("p50") for figures in report["scenarios"].values()]
            check = [value for value in check if value is not None]
            print(
                f"  {name}: {workers} worker, {web} web process(es): {report['passed']}/{report['count']} passed in "
                f"{report['seconds']:.1f} s = {rate:.1f} journeys a minute ({rate / baseline[web]:.2f}x one worker); "
                f"identity check wait p50 {max(check):.2f} s"
            )
    print(f"Load average {os.getloadavg()[0]:.1f} at the end. Reports and logs: {folder}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 16, int(sys.argv[2]) if len(sys.argv) > 2 else 6)
