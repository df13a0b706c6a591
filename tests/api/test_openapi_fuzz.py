"""The OpenAPI document, fuzzed by schemathesis (a client written elsewhere) against a live server: every
operation, authenticated as a sandbox client and as a signed-in applicant, at least 100 examples each."""

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import Client

from api.models import ApiClient
from tests.api.conftest import sandbox_client, token_for
from tests.conftest import _user
from tests.factories import submitted

EXAMPLES = 100


def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_schema(live_service, applicant, tmp_path):
    credentials = sandbox_client(_user("fuzzing@employer.example"))
    # Enough quota that the fuzzing is not mostly 429s (which are documented, so they would pass).
    ApiClient.objects.filter(id=credentials.client.id).update(requests_per_minute=100_000)
    submitted(applicant)
    browser = Client()
    browser.force_login(applicant)
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value

    # The session goes through the document's own security scheme, so that schemathesis knows when it
    # leaves it out (and then expects a 401); the bearer token goes on every request.
    config = tmp_path / "schemathesis.toml"
    config.write_text(f'[auth.openapi.ApplicantSession]\napi_key = "{session}"\n')

    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("st")), "--config-file", str(config), "run", f"{live_service.url}/api/v1/openapi.json",
            "--header", f"Authorization: Bearer {token_for(credentials)}",
            "--checks", "all", "--phases", "examples,coverage,fuzzing", "--max-examples", str(EXAMPLES),
            "--seed", "2026", "--generation-database", "none", "--no-color", "--workers", "1",
            "--report-dir", str(tmp_path),
        ],
        capture_output=True, text=True, timeout=900,
    )

    output = result.stdout + result.stderr
    print(output[-3000:])
    assert result.returncode == 0, output[-6000:]
    assert re.search(r"Tested: 7\b", output), "every operation is fuzzed"
    generated = int(re.search(r"(\d+) generated", output).group(1))
    assert generated >= 7 * EXAMPLES, f"{generated} test cases"
