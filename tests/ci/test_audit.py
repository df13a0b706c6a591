"""The CI's dependency audit says which of three things happened: clean, vulnerable, or not audited."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("ci_audit", ROOT / ".ci" / "audit.py")
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)


def _pip_report(*dependencies) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_python_packages_all_looked_up_and_clean():
    verdict = audit.python_verdict(_pip_report({"name": "django", "version": "5.2.19", "vulns": []}), "")

    assert verdict.outcome == audit.CLEAN


def test_a_known_vulnerability_is_named():
    report = _pip_report(
        {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"]}]},
        {"name": "celery", "version": "5.7.0", "vulns": []},
    )

    verdict = audit.python_verdict(report, "")

    assert verdict.outcome == audit.VULNERABLE and "django 5.2.0 (PYSEC-2025-1)" in verdict.detail


def test_packages_the_database_could_not_look_up_are_not_audited_not_clean():
    # What pip-audit reports, with exit status 0 and "No known vulnerabilities found",
    # when the vulnerability database answers "not found" for every package.
    report = _pip_report({"name": "amqp", "skip_reason": "Dependency not found on PyPI and could not be audited: amqp (5.4.2)"})

    verdict = audit.python_verdict(report, "No known vulnerabilities found")

    assert verdict.outcome == audit.NOT_AUDITED and "1 of 1 packages could not be looked up" in verdict.detail


def test_npm_vulnerabilities_and_errors():
    vulnerable = json.dumps({"vulnerabilities": {"govuk-frontend": {"severity": "high"}}, "metadata": {}})
    clean = json.dumps({"vulnerabilities": {}, "metadata": {"dependencies": {"total": 2}}})
    refused = json.dumps({"message": "405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk", "statusCode": 405})

    assert audit.npm_verdict(vulnerable, "").detail == "govuk-frontend (high)"
    assert audit.npm_verdict(clean, "").outcome == audit.CLEAN
    assert audit.npm_verdict(refused, "").outcome == audit.NOT_AUDITED


def test_unreachable_registries_are_reported_as_not_audited(tmp_path):
    unreachable = "http://127.0.0.1:1"
    env = {
        **os.environ, "HTTPS_PROXY": unreachable, "HTTP_PROXY": unreachable, "npm_config_https_proxy": unreachable,
        "npm_config_proxy": unreachable, "npm_config_fetch_retries": "0", "npm_config_cache": str(tmp_path / "npm"),
    }

    result = subprocess.run([sys.executable, ".ci/audit.py"], cwd=ROOT, env={**env, "AUDIT_REQUIRED": "1"}, capture_output=True, text=True, timeout=300)

    assert "Python packages: NOT AUDITED: the vulnerability database could not be reached" in result.stdout
    assert "npm packages: NOT AUDITED" in result.stdout
    assert result.returncode == 3


def test_not_audited_passes_unless_an_audit_is_required_and_vulnerable_always_fails():
    not_audited = [audit.Verdict("npm packages", audit.NOT_AUDITED, "offline"), audit.Verdict("Python packages", audit.CLEAN, "")]
    vulnerable = [audit.Verdict("npm packages", audit.VULNERABLE, "x (high)"), audit.Verdict("Python packages", audit.NOT_AUDITED, "")]

    assert audit.exit_status(not_audited, required=False) == 0
    assert audit.exit_status(not_audited, required=True) == 3
    assert audit.exit_status(vulnerable, required=False) == 1
