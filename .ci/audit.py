"""Dependency audit: known vulnerabilities in the Python lock (pip-audit) and the npm lock (npm audit).

Each audit ends in one of three verdicts, printed plainly:
  clean         every package was looked up and none has a known vulnerability;
  VULNERABLE    some have one: the run fails, naming them;
  NOT AUDITED   the vulnerability database could not be reached, or could not look
                up some packages. That is said loudly and does not fail the run (a
                network outage is not a defect of the code) unless AUDIT_REQUIRED=1.
pip-audit alone would print "No known vulnerabilities found" (exit 0) when it could
look up none of the packages, which is how a silent green happens.

Exit status: 0 clean or not audited, 1 vulnerable, 3 not audited with AUDIT_REQUIRED=1.
"""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLEAN, VULNERABLE, NOT_AUDITED = "clean", "VULNERABLE", "NOT AUDITED"


@dataclass(frozen=True)
class Verdict:
    what: str
    outcome: str
    detail: str

    def __str__(self) -> str:
        return f"{self.what}: {self.outcome}" + (f": {self.detail}" if self.detail else "")


def _json(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


def python_verdict(stdout: str, stderr: str) -> Verdict:
    """From pip-audit's JSON report (`-f json`), or its error when it had none."""
    report = _json(stdout)
    if not isinstance(report, dict) or "dependencies" not in report:
        return Verdict("Python packages", NOT_AUDITED, f"the vulnerability database could not be reached ({_last_line(stderr)})")
    dependencies = report["dependencies"]
    vulnerable = [
        f"{dep['name']} {dep.get('version', '')} ({', '.join(v['id'] for v in dep['vulns'])})"
        for dep in dependencies
        if dep.get("vulns")
    ]
    skipped = [dep["name"] for dep in dependencies if dep.get("skip_reason")]
    if vulnerable:
        return Verdict("Python packages", VULNERABLE, "; ".join(vulnerable))
    if skipped:
        return Verdict(
            "Python packages", NOT_AUDITED,
            f"{len(skipped)} of {len(dependencies)} packages could not be looked up in the vulnerability database "
            f"(first: {skipped[0]})",
        )
    return Verdict("Python packages", CLEAN, f"{len(dependencies)} packages, no known vulnerabilities")


def npm_verdict(stdout: str, stderr: str) -> Verdict:
    """From `npm audit --json`: a report with "vulnerabilities", or an error object."""
    report = _json(stdout)
    if not isinstance(report, dict) or "vulnerabilities" not in report:
        said = (report or {}).get("message") if isinstance(report, dict) else None
        return Verdict("npm packages", NOT_AUDITED, f"the registry's audit service could not be used ({said or _last_line(stderr)})")
    vulnerable = [f"{name} ({info.get('severity', 'unknown')})" for name, info in report["vulnerabilities"].items()]
    if vulnerable:
        return Verdict("npm packages", VULNERABLE, "; ".join(vulnerable))
    total = report.get("metadata", {}).get("dependencies", {}).get("total", "all")
    return Verdict("npm packages", CLEAN, f"{total} packages, no known vulnerabilities")


def _run(command: list[str]) -> tuple[str, str]:
    try:
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        return "", f"{type(error).__name__}: {error}"
    return result.stdout, result.stderr


def main() -> int:
    pip_audit = str(Path(sys.executable).parent / "pip-audit")
    verdicts = [
        python_verdict(*_run([
            pip_audit, "--requirement", "requirements/base.txt", "--requirement", "requirements/dev.txt",
            # The lock is complete and exact: read it as it is, install nothing.
            "--no-deps", "--disable-pip", "--progress-spinner", "off", "--format", "json",
        ])),
        npm_verdict(*_run(["npm", "audit", "--package-lock-only", "--json"])),
    ]
    for verdict in verdicts:
        print(f"dependency audit: {verdict}", flush=True)
    if any(verdict.outcome == NOT_AUDITED for verdict in verdicts):
        print("dependency audit: NOT AUDITED means nothing was checked, not that nothing was found.", flush=True)
    return exit_status(verdicts, required=os.environ.get("AUDIT_REQUIRED") == "1")


def exit_status(verdicts: list[Verdict], *, required: bool) -> int:
    outcomes = {verdict.outcome for verdict in verdicts}
    if VULNERABLE in outcomes:
        return 1
    if NOT_AUDITED in outcomes and required:
        return 3
    return 0

if __name__ == "__main__":
    sys.exit(main())
