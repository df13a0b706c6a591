import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from config.env import env_bool, env_float, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("helper", "value", "default", "expected"),
    [
        (env_bool, "yes", False, True),
        (env_bool, "0", True, False),
        (env_bool, "", True, True),
        (env_int, "42", 1, 42),
        (env_float, "0.55", 0.6, 0.55),
        (env_list, "a.example, b.example,", [], ["a.example", "b.example"]),
        (env_str, "  value ", None, "value"),
    ],
)
def test_environment_values_are_parsed(monkeypatch, helper, value, default, expected):
    monkeypatch.setenv("SETTING_UNDER_TEST", value)

    assert helper("SETTING_UNDER_TEST", default) == expected


@pytest.mark.parametrize(("helper", "value"), [(env_bool, "maybe"), (env_int, "ten"), (env_float, "0,6")])
def test_a_bad_value_stops_start_up_with_its_name(monkeypatch, helper, value):
    monkeypatch.setenv("SETTING_UNDER_TEST", value)

    with pytest.raises(ImproperlyConfigured, match="SETTING_UNDER_TEST"):
        helper("SETTING_UNDER_TEST", 1)


def test_a_required_value_that_is_missing_is_named(monkeypatch):
    monkeypatch.delenv("SETTING_UNDER_TEST", raising=False)

    with pytest.raises(ImproperlyConfigured, match="Set the SETTING_UNDER_TEST"):
        env_str("SETTING_UNDER_TEST")


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**environment, **env}, capture_output=True, text=True
    )


def test_production_settings_pass_the_deployment_checks():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="false", SECRET_KEY="a" * 20 + "-production-secret-key-of-fifty-or-more-characters", ALLOWED_HOSTS="visas.example",
        SERVICE_URL="https://visas.example", DATABASE_URL=os.environ.get("DATABASE_URL", "sqlite:///var/test/deploy-check.sqlite3"),
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="false", ALLOWED_HOSTS="visas.example")

    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


@pytest.mark.parametrize("missing", ["DATABASE_URL", "CELERY_BROKER_URL"])
def test_production_settings_refuse_to_start_without_a_database_or_a_broker(missing):
    given = {"DATABASE_URL": "postgres://app@db.internal/visas", "CELERY_BROKER_URL": "redis://broker.internal:6379/0"}
    del given[missing]
    environment = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "CELERY_BROKER_URL"}}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True,
        env={**environment, **given, "DEBUG": "false", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "visas.example",
             "SERVICE_URL": "https://visas.example"},
    )

    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


PRODUCTION = {
    "DEBUG": "false", "SECRET_KEY": "p" * 60, "ALLOWED_HOSTS": "visas.example", "SERVICE_URL": "https://visas.example",
    "DATABASE_URL": "sqlite:////tmp/unused.sqlite3", "CELERY_BROKER_URL": "redis://broker.invalid:6379/0",
}
_HSTS = "from django.conf import settings; print(settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD)"


def test_hsts_covers_subdomains_and_preload_only_when_asked():
    default = _manage("shell", "-c", _HSTS, **PRODUCTION)
    opted_in = _manage("shell", "-c", _HSTS, **PRODUCTION, SECURE_HSTS_INCLUDE_SUBDOMAINS="true", SECURE_HSTS_PRELOAD="true")

    assert default.stdout.splitlines()[-1].split() == ["31536000", "False", "False"], default.stderr
    assert opted_in.stdout.splitlines()[-1].split() == ["31536000", "True", "True"], opted_in.stderr


_KEY = "from django.conf import settings; print(settings.SYNTHETIC_JOURNEYS_KEY)"


def test_each_development_install_makes_its_own_synthetic_journeys_key(tmp_path):
    first = _manage("shell", "-c", _KEY, DEBUG="true", VAR_DIR=str(tmp_path / "one")).stdout.splitlines()[-1]
    again = _manage("shell", "-c", _KEY, DEBUG="true", VAR_DIR=str(tmp_path / "one")).stdout.splitlines()[-1]
    other = _manage("shell", "-c", _KEY, DEBUG="true", VAR_DIR=str(tmp_path / "two")).stdout.splitlines()[-1]

    assert first == again != other
    assert len(first) >= 40 and first != "development-synthetic-journeys-key"
    key_file = tmp_path / "one" / "synthetic-journeys-key"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_the_formerly_published_key_opens_nothing(client, db):
    response = client.post(reverse("synthetic:cleanup"), headers={"X-Synthetic-Key": "development-synthetic-journeys-key"})

    assert response.status_code == 403


@pytest.mark.parametrize(("name", "value", "says"), [
    ("PAYMENT_PROVIDER", "stripe", "the only provider is 'fake'"),
    ("AUTOMATED_GRANT_SAMPLE_RATE", "2", "must be from 0 to 1"),
])
def test_a_bad_automation_or_payment_setting_stops_start_up(name, value, says):
    result = _manage("check", **{name: value})

    assert result.returncode != 0
    assert says in result.stderr
