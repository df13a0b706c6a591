"""Check a right to work through the immigration status API: an example to copy into your own system.

Needs Python 3.10+ and `requests`. Set the client's id and secret (from /api-clients/) in the
environment, and run it with the share code and date of birth the person gave you:

    export STATUS_API_URL=https://visas.example/api/v1
    export STATUS_API_CLIENT_ID=... STATUS_API_CLIENT_SECRET=...
    python api_client_example.py "TST WRK 222" 1990-01-01

A sandbox client gets the documented test answers (/api/v1/docs/#sandbox). It exits 0 when the person
may work, 1 when they may not, 2 when there is no answer (the message says why).
"""

import os
import sys
import time

import requests

API = os.environ.get("STATUS_API_URL", "http://127.0.0.1:8000/api/v1").rstrip("/")
TIMEOUT = 10  # seconds for each request
MAX_WAITS = 3  # times to wait out the quota before giving up


class StatusApi:
    def __init__(self, client_id: str, client_secret: str):
        self.credentials = (client_id, client_secret)
        self.session = requests.Session()
        self.token = None

    def _new_token(self) -> None:
        # OAuth 2.0 client credentials: the id and secret, sent as HTTP Basic, for an hour's token.
        response = requests.post(
            f"{API}/oauth/token/", data={"grant_type": "client_credentials"}, auth=self.credentials, timeout=TIMEOUT
        )
        if response.status_code != 200:
            raise SystemExit(f"No access token: {response.status_code} {response.text}")
        self.token = response.json()["access_token"]

    def post(self, path: str, body: dict) -> requests.Response:
        for attempt in range(MAX_WAITS + 1):
            if self.token is None:
                self._new_token()
            response = self.session.post(
                f"{API}{path}", json=body, headers={"Authorization": f"Bearer {self.token}"}, timeout=TIMEOUT
            )
            if response.status_code == 401:
                # The token expired (or the secret was changed): get a new one, once.
                self.token = None
                continue
            if response.status_code == 429 and attempt < MAX_WAITS:
                wait = int(response.headers.get("Retry-After", "1"))
                print(f"Over the quota: waiting {wait} s ({response.json()['message']})", file=sys.stderr)
                time.sleep(wait)
                continue
            return response
        return response


def main() -> int:
    share_code, date_of_birth = sys.argv[1], sys.argv[2]
    api = StatusApi(os.environ["STATUS_API_CLIENT_ID"], os.environ["STATUS_API_CLIENT_SECRET"])
    response = api.post("/right-to-work/checks", {"share_code": share_code, "date_of_birth": date_of_birth})
    if response.status_code != 200:
        # Every error has a code for the program and a message for a person.
        error = response.json()
        print(f"No answer ({response.status_code} {error['code']}): {error['message']}")
        for field in error["errors"]:
            print(f"  {field['field']}: {field['message']}")
        return 2
    answer = response.json()
    print(f"{answer['name']} {'may' if answer['allowed_to_work'] else 'may not'} work in the UK.")
    for restriction in answer["restrictions"]:
        print(f"  Restriction: {restriction}")
    if answer["follow_up_check_due"]:
        print(f"  Check again by {answer['follow_up_check_due']}.")
    # Keep this as your record of the check.
    print(f"  Check {answer['check_id']} made at {answer['checked_at']}.")
    return 0 if answer["allowed_to_work"] else 1


if __name__ == "__main__":
    sys.exit(main())
