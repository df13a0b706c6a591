"""The example client in docs/ works against a live server, as an employer's developer would run it."""

import datetime
import os
import subprocess
import sys

from django.conf import settings
from django.utils import timezone

from api.models import ApiCall, ApiClient
from tests.api.conftest import sandbox_client
from tests.conftest import _user

SCRIPT = settings.BASE_DIR / "docs" / "api_client_example.py"


def _run(live_service, credentials, *args):
    environment = {
        **os.environ, "STATUS_API_URL": f"{live_service.url}/api/v1",
        "STATUS_API_CLIENT_ID": credentials.client_id, "STATUS_API_CLIENT_SECRET": credentials.client_secret,
    }
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60, env=environment)


def test_the_example_client_checks_a_right_to_work_and_waits_out_the_quota(live_service):
    credentials = sandbox_client(_user("example@employer.example"))
    ApiClient.objects.filter(id=credentials.client.id).update(requests_per_minute=1)

    first = _run(live_service, credentials, "tst wrk 333", "1985-06-15")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Ana María Núñez may work in the UK." in first.stdout and "Work up to 20 hours a week in term time" in first.stdout

    # The quota of one call a minute is used: the client waits for as long as Retry-After says, then goes on.
    ApiCall.objects.update(at=timezone.now() - datetime.timedelta(seconds=58))
    second = _run(live_service, credentials, "TST-WRK-444", "1979-03-02")
    assert "Over the quota: waiting" in second.stderr
    assert second.returncode == 1 and "Jean-Luc Dubois may not work in the UK." in second.stdout


def test_the_example_client_reports_an_error_in_words(live_service):
    credentials = sandbox_client(_user("example@employer.example"))

    result = _run(live_service, credentials, "TST WRK 222", "1990-02-02")

    assert result.returncode == 2
    assert "No answer (404 share_code_not_found)" in result.stdout
