"""Synthetic journeys per minute against a fresh local service with 1, then 2, worker processes.

Each run is `manage.py run_journeys` without a target: it starts its own web
server (runserver) and Celery worker on a scratch SQLite database and filesystem
broker (or DATABASE_URL and CELERY_BROKER_URL if set), runs the same seeded mix of
every scenario, and writes its JSON report, from which the figures come.
Run: .venv/bin/python bench/journeys.py [JOURNEYS] [CONCURRENCY]
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(journeys: int, concurrency: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="journeys-bench-"))
    print(f"{journeys} journeys of every scenario, seed 1, {concurrency} at a time, against a fresh local service")
    for workers in (1, 2):
        report_path, log_path = folder / f"workers-{workers}.json", folder / f"workers-{workers}.log"
        with open(log_path, "w") as log:
            finished = subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "run_journeys", "--journeys", str(journeys), "--seed", "1",
                 "--workers", str(workers), "--concurrency", str(concurrency), "--report", str(report_path)],
                cwd=ROOT, stdout=log, stderr=log,
            )
        if finished.returncode:
            sys.exit(f"run_journeys failed with {workers} worker process(es): see {log_path}")
        report = json.loads(report_path.read_text())
        whole = sorted(figures["journey_seconds"]["p50"] for figures in report["scenarios"].values())
        print(
            f"  {workers} worker process{'es' if workers > 1 else ''}: {report['passed']}/{report['count']} passed in "
            f"{report['seconds']:.1f} s = {report['journeys_per_minute']:.1f} journeys a minute; "
            f"journey p50 by scenario {whole[0]:.1f} to {whole[-1]:.1f} s"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 28, int(sys.argv[2]) if len(sys.argv) > 2 else 6)
