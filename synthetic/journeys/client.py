"""One person's browser, as far as HTTP goes: a cookie jar, CSRF tokens, forms and uploads."""

import html
import re
from urllib.parse import urljoin, urlsplit

import requests

from synthetic.access import COHORT_HEADER, KEY_HEADER

USER_AGENT = "immigration-service synthetic journey"


class StepFailed(Exception):
    """A step did not get what it expected; `response` is the one that broke it, if there was one."""

    def __init__(self, message: str, response: requests.Response | None = None):
        super().__init__(message)
        self.response = response


def page_text(markup: str) -> str:
    """A page's visible words, one space apart."""
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", markup)
    return " ".join(html.unescape(re.sub(r"(?s)<[^>]+>", " ", markup)).split())


def problems(markup: str) -> str:
    """What the page says went wrong: its error summary and its non-success banners."""
    found = re.findall(r'(?s)<div class="govuk-error-summary".*?</ul>', markup)
    found += re.findall(r'(?s)<div class="govuk-notification-banner"[^>]*>.*?</p>', markup)
    return " | ".join(page_text(part) for part in found)


def describe(response: requests.Response) -> dict[str, object]:
    """The parts of a response that say why a step failed, for the report."""
    text = response.text if "text/" in response.headers.get("Content-Type", "") or "json" in response.headers.get("Content-Type", "") else ""
    return {
        "method": response.request.method,
        "url": response.url,
        "status": response.status_code,
        "location": response.headers.get("Location", ""),
        "problems": problems(text),
        "excerpt": page_text(text)[:800],
    }


def element_text(markup: str, element_id: str) -> str | None:
    match = re.search(rf'(?s)id="{element_id}"[^>]*>(.*?)</', markup)
    return page_text(match.group(1)) if match else None


class Actor:
    """A person using the service: an applicant or a caseworker, each with their own session."""

    def __init__(self, base_url: str, *, key: str = "", cohort: str = "", timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        if key:
            self.session.headers[KEY_HEADER] = key
        if cohort:
            self.session.headers[COHORT_HEADER] = cohort

    def url(self, path: str) -> str:
        return urljoin(self.base_url + "/", path.lstrip("/"))

    def _check(self, response: requests.Response, expect: int, what: str) -> requests.Response:
        if response.status_code != expect:
            said = problems(response.text) if response.status_code < 500 else ""
            raise StepFailed(f"{what}: expected HTTP {expect}, got {response.status_code}" + (f" ({said})" if said else ""), response)
        return response

    def get(self, path: str, *, expect: int = 200) -> requests.Response:
        response = self.session.get(self.url(path), allow_redirects=False, timeout=self.timeout)
        return self._check(response, expect, f"GET {urlsplit(path).path}")

    def post(self, path: str, data: dict | None = None, *, files: dict | list | None = None, expect: int = 302) -> requests.Response:
        """Submit a form on the page at `path` (which must have been loaded, for its CSRF cookie)."""
        token = self.session.cookies.get("csrftoken", "")
        payload = {**(data or {}), "csrfmiddlewaretoken": token}
        response = self.session.post(
            self.url(path), data=payload, files=files, allow_redirects=False, timeout=self.timeout,
            # Over HTTPS, Django's CSRF check also wants the page the form came from.
            headers={"Referer": self.url(path)},
        )
        return self._check(response, expect, f"POST {urlsplit(path).path}")

    def follow(self, response: requests.Response, *, to: str | None = None) -> requests.Response:
        """Follow a redirect, checking where it goes (a path prefix), then any further redirects;
        fail on any error the page shows."""
        location = urlsplit(response.headers.get("Location", "")).path
        if not location:
            raise StepFailed("expected a redirect", response)
        page = self.session.get(self.url(location), timeout=self.timeout)
        said = problems(page.text)
        if to is not None and not location.startswith(to):
            raise StepFailed(f"expected to be sent to {to}, was sent to {location}" + (f", which says: {said}" if said else ""), page)
        self._check(page, 200, f"GET {location}")
        if said:
            raise StepFailed(f"the page says: {said}", page)
        return page

    def sign_in(self, email: str, password: str) -> None:
        """Sign in with the form; a refused sign-in shows the form again (HTTP 200), which fails."""
        self.get("/accounts/sign-in/")
        self.post("/accounts/sign-in/", {"username": email, "password": password})
