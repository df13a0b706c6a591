"""Runs many journeys at once against one service and reports what passed, what failed and how long each step took."""

import datetime
import json
import random
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from typing import TextIO

from synthetic.journeys.client import StepFailed
from synthetic.journeys.journey import Failure, Journey, Settings
from synthetic.journeys.scenarios import SCENARIOS


def plan(count: int, weights: dict[str, int], rng: random.Random) -> list[str]:
    """Which scenario each journey runs: every scenario of the mix once (as far as `count` goes), the rest drawn by weight."""
    names = [name for name, weight in weights.items() if weight > 0]
    chosen = names[:count] + rng.choices(names, [weights[name] for name in names], k=max(0, count - len(names)))
    rng.shuffle(chosen)
    return chosen


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class Progress:
    """One line, rewritten in place on a terminal; a line per finished journey otherwise."""

    def __init__(self, total: int, out: TextIO):
        self.total, self.out = total, out
        self.done = self.failed = 0
        self.started = time.monotonic()
        self.lock = threading.Lock()
        self.live = out.isatty()

    def finished(self, journey: Journey) -> None:
        with self.lock:
            self.done += 1
            self.failed += journey.failure is not None
            elapsed = time.monotonic() - self.started
            line = (f"[{self.done}/{self.total}] {self.done - self.failed} passed, {self.failed} failed, "
                    f"{elapsed:.0f} s; last: #{journey.number} {journey.scenario} "
                    + ("passed" if journey.failure is None else f"FAILED at {journey.failure.step}"))
            if self.live:
                self.out.write("\r\033[K" + line + ("\n" if self.done == self.total else ""))
            else:
                self.out.write(line + "\n")
            self.out.flush()


def run(settings: Settings, scenarios: list[str], *, seed: int, concurrency: int, out: TextIO = sys.stderr) -> dict:
    """Run one journey per entry of `scenarios`, `concurrency` at a time; the report."""
    progress = Progress(len(scenarios), out)

    def one(number: int, scenario: str) -> Journey:
        journey = Journey(number, scenario, settings, random.Random(f"{seed}-{number}"))
        try:
            SCENARIOS[scenario](journey)
        except StepFailed:
            pass  # recorded on the journey by its step
        except Exception as error:  # a bug in a scenario must not stop the others
            if journey.failure is None:
                journey.failure = Failure(journey.steps[-1].name if journey.steps else "start", f"{type(error).__name__}: {error}", None)
        progress.finished(journey)
        return journey

    started_at = datetime.datetime.now(datetime.timezone.utc)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        journeys = list(pool.map(one, range(1, len(scenarios) + 1), scenarios))
    return report(settings, journeys, seed=seed, concurrency=concurrency, started_at=started_at, seconds=time.monotonic() - started)


def report(settings: Settings, journeys: list[Journey], *, seed: int, concurrency: int, started_at, seconds: float) -> dict:
    by_scenario: dict[str, list[Journey]] = defaultdict(list)
    for journey in journeys:
        by_scenario[journey.scenario].append(journey)
    summary = {}
    for scenario, group in sorted(by_scenario.items()):
        durations: dict[str, list[float]] = defaultdict(list)
        for journey in group:
            for step in journey.steps:
                if step.ok:
                    durations[step.name].append(step.seconds)
        passed = [journey for journey in group if journey.failure is None]
        summary[scenario] = {
            "count": len(group),
            "passed": len(passed),
            "failed": len(group) - len(passed),
            "journey_seconds": _spread([sum(step.seconds for step in journey.steps) for journey in passed]),
            "steps": {name: _spread(values) for name, values in durations.items()},
        }
    failed = [journey for journey in journeys if journey.failure is not None]
    return {
        "run_id": settings.run_id,
        "target": settings.base_url,
        "seed": seed,
        "concurrency": concurrency,
        "started_at": started_at.isoformat(),
        "seconds": round(seconds, 2),
        "journeys_per_minute": round(len(journeys) * 60 / seconds, 1) if seconds else None,
        "count": len(journeys),
        "passed": len(journeys) - len(failed),
        "failed": len(failed),
        "scenarios": summary,
        "journeys": [
            {
                "number": journey.number,
                "scenario": journey.scenario,
                "cohort": journey.cohort,
                "passed": journey.failure is None,
                "steps": [asdict(step) | {"seconds": round(step.seconds, 3)} for step in journey.steps],
                "failure": asdict(journey.failure) if journey.failure else None,
            }
            for journey in journeys
        ],
    }


def _spread(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {"count": len(values), "p50": round(percentile(values, 0.5), 3), "p95": round(percentile(values, 0.95), 3)}


def table(report: dict) -> str:
    """The summary, a row per scenario and under it a row per step, in steps' order of first appearance."""
    lines = [f"{'Scenario / step':<40} {'count':>5} {'passed':>6} {'failed':>6} {'p50 s':>8} {'p95 s':>8}"]
    for scenario, figures in report["scenarios"].items():
        whole = figures["journey_seconds"] or {}
        lines.append(
            f"{scenario:<40} {figures['count']:>5} {figures['passed']:>6} {figures['failed']:>6} "
            f"{_seconds(whole.get('p50')):>8} {_seconds(whole.get('p95')):>8}"
        )
        for name, spread in figures["steps"].items():
            lines.append(f"  {name:<38} {spread['count']:>5} {'':>6} {'':>6} {_seconds(spread['p50']):>8} {_seconds(spread['p95']):>8}")
    lines.append(
        f"{report['count']} journeys, {report['passed']} passed, {report['failed']} failed, in {report['seconds']:.1f} s "
        f"({report['journeys_per_minute']} journeys a minute, {report['concurrency']} at a time)"
    )
    return "\n".join(lines)


def failures(report: dict) -> str:
    lines = []
    for journey in report["journeys"]:
        if failure := journey["failure"]:
            lines.append(f"Journey #{journey['number']} ({journey['scenario']}, cohort {journey['cohort']}) failed at “{failure['step']}”: {failure['message']}")
            if response := failure["response"]:
                lines.append(f"  {response['method']} {response['url']} -> HTTP {response['status']}"
                             + (f", redirected to {response['location']}" if response["location"] else ""))
                if response["problems"]:
                    lines.append(f"  The page says: {response['problems']}")
                lines.append(f"  Page text: {response['excerpt'][:400]}")
    return "\n".join(lines)


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def write(report: dict, path) -> None:
    with open(path, "w") as file:
        json.dump(report, file, indent=2)
