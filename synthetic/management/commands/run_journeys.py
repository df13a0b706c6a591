"""python manage.py run_journeys: synthetic end-to-end journeys against a running service (synthetic/journeys)."""

import os
import random
import sys
import uuid
from contextlib import nullcontext
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from casework.management.commands.create_demo_users import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Run synthetic applicants and caseworkers through the service's web pages and report each step's timings. "
        "Without --target it starts a service of its own."
    )

    def add_arguments(self, parser):
        scenarios = len(self._scenarios())
        parser.add_argument("--journeys", type=int, default=scenarios, help=f"How many journeys (default {scenarios}: each scenario once).")
        parser.add_argument(
            "--scenarios", default="",
            help="The mix: scenario names with optional weights, e.g. grant=3,refusal,withdrawal. Default: all, equally. "
                 "Scenarios: " + ", ".join(self._scenarios()),
        )
        parser.add_argument("--target", default="", help="The service's base URL, e.g. http://127.0.0.1:8000. Default: start one.")
        parser.add_argument("--workers", type=int, default=2, help="Worker processes of the service started without --target.")
        parser.add_argument("--web-processes", type=int, default=2, help="Web processes of the service started without --target.")
        parser.add_argument("--seed", type=int, default=None, help="Seed for the personas, photos and mix (default: random).")
        parser.add_argument("--concurrency", type=int, default=4, help="Journeys in flight at once (default 4).")
        parser.add_argument("--timeout", type=float, default=120, help="Seconds to wait for a background check or an email.")
        parser.add_argument("--report", default="var/journeys-report.json", help="Where to write the JSON report.")
        parser.add_argument("--key", default="", help="The service's SYNTHETIC_JOURNEYS_KEY (default: this one's setting).")
        parser.add_argument("--caseworker", default="caseworker@example.com", help="A caseworker's email address.")
        parser.add_argument("--senior", default="senior@example.com", help="A senior caseworker's email address.")
        parser.add_argument(
            "--staff-password-env", default="",
            help="The environment variable holding both staff accounts' password (default: the demo users' password).",
        )
        parser.add_argument("--cleanup", action="store_true", help="Delete every synthetic record on the target, and run nothing.")

    @staticmethod
    def _scenarios() -> list[str]:
        from synthetic.journeys.scenarios import SCENARIOS

        return list(SCENARIOS)

    def handle(self, *args, **options):
        try:
            from synthetic.journeys import runner
            from synthetic.journeys.journey import Settings
            from synthetic.journeys.local_service import local_service
        except ImportError as error:
            raise CommandError(f"Synthetic journeys need the development dependencies (make install-dev): {error}") from error

        key = options["key"] or settings.SYNTHETIC_JOURNEYS_KEY
        if not key:
            raise CommandError("Give the service's synthetic-journeys key with --key (SYNTHETIC_JOURNEYS_KEY).")
        if options["cleanup"]:
            return self._cleanup(options["target"] or settings.SERVICE_URL, key)
        weights = self._weights(options["scenarios"])
        seed = options["seed"] if options["seed"] is not None else random.SystemRandom().randrange(10**6)
        scenarios = runner.plan(options["journeys"], weights, random.Random(seed))
        password = self._staff_password(options["staff_password_env"])
        Path(options["report"]).parent.mkdir(parents=True, exist_ok=True)
        service = nullcontext(options["target"]) if options["target"] else local_service(
            workers=options["workers"], key=key, web_processes=options["web_processes"],
            log=Path(options["report"]).with_suffix(".service.log"),
        )
        self.stderr.write(f"{len(scenarios)} journeys, seed {seed}, {options['concurrency']} at a time")
        with service as base_url:
            journey_settings = Settings(
                base_url=base_url, key=key, run_id=uuid.uuid4().hex[:8], wait_timeout=options["timeout"],
                caseworker=(options["caseworker"], password), senior=(options["senior"], password),
            )
            report = runner.run(journey_settings, scenarios, seed=seed, concurrency=options["concurrency"], out=sys.stderr)
        runner.write(report, options["report"])
        self.stdout.write(runner.table(report))
        self.stdout.write(f"Report: {options['report']}")
        if report["failed"]:
            self.stderr.write(runner.failures(report))
            raise CommandError(f"{report['failed']} of {report['count']} journeys failed.")

    def _weights(self, mix: str) -> dict[str, int]:
        names = self._scenarios()
        if not mix:
            return dict.fromkeys(names, 1)
        weights = {}
        for part in mix.split(","):
            name, _, weight = part.strip().partition("=")
            if name not in names:
                raise CommandError(f"Unknown scenario {name!r}. Scenarios: {', '.join(names)}")
            try:
                weights[name] = int(weight or 1)
            except ValueError:
                raise CommandError(f"The weight of {name} must be a whole number, not {weight!r}") from None
        return weights

    @staticmethod
    def _staff_password(variable: str) -> str:
        if not variable:
            return DEMO_PASSWORD
        if not os.environ.get(variable):
            raise CommandError(f"The environment variable {variable} is empty.")
        return os.environ[variable]

    def _cleanup(self, base_url: str, key: str) -> None:
        import requests

        from synthetic.access import KEY_HEADER

        response = requests.post(base_url.rstrip("/") + "/synthetic/cleanup/", headers={KEY_HEADER: key}, timeout=300)
        if response.status_code != 200:
            raise CommandError(f"The cleanup was refused: HTTP {response.status_code} {response.text[:300]}")
        deleted = response.json()["deleted"]
        self.stdout.write("Deleted: " + ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in deleted.items()))
