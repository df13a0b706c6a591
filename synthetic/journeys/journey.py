"""One synthetic journey: an applicant (or two) and the caseworkers who decide, step by timed step.

Everything goes through the service's public HTTP interface, as people use it:
pages, forms with their CSRF tokens, uploads, and, for the applicant's email, the
synthetic mailbox (synthetic/views.py). Nothing reads the database.
"""

import datetime
import io
import random
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import requests

from applications.routes import ROUTES
from synthetic.journeys.client import Actor, StepFailed, describe, element_text, page_text, problems
from synthetic.journeys.personas import Persona, persona

# What the case page says (State labels) while the identity check, or an automated decision after it, is still to come.
CHECKING = {"Submitted", "Checking identity", "Automated checks"}


@dataclass(frozen=True)
class Settings:
    """What every journey of a run shares."""

    base_url: str
    key: str
    caseworker: tuple[str, str]
    senior: tuple[str, str]
    run_id: str
    wait_timeout: float = 120.0
    poll_interval: float = 0.5


@dataclass
class Step:
    name: str
    seconds: float
    ok: bool


@dataclass
class Case:
    id: str
    reference: str = ""

    @property
    def path(self) -> str:
        return f"/applications/{self.id}/"

    @property
    def case_path(self) -> str:
        return f"/casework/cases/{self.id}/"


@dataclass
class Failure:
    step: str
    message: str
    response: dict[str, object] | None


@dataclass
class Journey:
    number: int
    scenario: str
    settings: Settings
    rng: random.Random
    steps: list[Step] = field(default_factory=list)
    failure: Failure | None = None
    _staff: dict[str, Actor] = field(default_factory=dict)

    @property
    def cohort(self) -> str:
        return f"{self.settings.run_id}-{self.number}"

    @contextmanager
    def step(self, name: str):
        started = time.perf_counter()
        ok = False
        try:
            yield
            ok = True
        except StepFailed as error:
            self.failure = Failure(name, str(error), describe(error.response) if error.response is not None else None)
            raise
        except requests.RequestException as error:
            self.failure = Failure(name, f"{type(error).__name__}: {error}", None)
            raise StepFailed(str(error)) from error
        finally:
            self.steps.append(Step(name, time.perf_counter() - started, ok))

    # People

    def applicant(self) -> "Applicant":
        who = persona(self.rng, cohort=self.cohort, today=datetime.date.today())
        actor = Actor(self.settings.base_url, key=self.settings.key, cohort=self.cohort)
        return Applicant(self, actor, who)

    def staff(self, role: str) -> "Caseworker":
        if role not in self._staff:
            email, password = self.settings.caseworker if role == "caseworker" else self.settings.senior
            actor = Actor(self.settings.base_url)
            with self.step(f"{role} signs in"):
                actor.sign_in(email, password)
            self._staff[role] = actor
        return Caseworker(self, self._staff[role])

    def wait_for(self, what: str, condition, response_of=None):
        """Poll `condition` until it returns something true, or fail after the run's wait timeout."""
        deadline = time.monotonic() + self.settings.wait_timeout
        while True:
            if result := condition():
                return result
            if time.monotonic() > deadline:
                raise StepFailed(f"{what} did not happen within {self.settings.wait_timeout:.0f} s", response_of() if response_of else None)
            time.sleep(self.settings.poll_interval)


@dataclass
class Applicant:
    journey: Journey
    actor: Actor
    persona: Persona

    def register(self) -> None:
        journey, actor = self.journey, self.actor
        with journey.step("register"):
            actor.get("/accounts/register/")
            response = actor.post("/accounts/register/", {"email": self.persona.email, "password": self.persona.password})
            actor.follow(response, to="/accounts/register/check-your-email/")
        with journey.step("confirm email"):
            body = self.email("Confirm your email address")
            link = re.search(r"(/accounts/confirm-email/[^\s/]+/)", body)
            if not link:
                raise StepFailed(f"no confirmation link in the email: {body[:300]!r}")
            actor.follow(actor.get(link.group(1), expect=302), to="/accounts/sign-in/")
        with journey.step("sign in"):
            actor.sign_in(self.persona.email, self.persona.password)

    def email(self, subject: str) -> str:
        """Wait for an email whose subject starts with `subject`; its body."""
        last: list[requests.Response] = []

        def arrived():
            response = self.actor.get(f"/synthetic/mailbox/?to={quote(self.persona.email)}")
            last[:] = [response]
            return next((email["body"] for email in response.json()["emails"] if email["subject"].startswith(subject)), None)

        return self.journey.wait_for(f"the email “{subject}”", arrived, lambda: last[0] if last else None)

    def apply(self, *, route: str, passport: bytes, selfie: bytes) -> Case:
        case = self.draft(route=route)
        self.send_photos(case, passport=passport, selfie=selfie)
        self.submit(case)
        return case

    def draft(self, *, route: str) -> Case:
        """Start an application and answer everything except the photos."""
        journey, actor, answers = self.journey, self.actor, self.persona.answers
        with journey.step("start application"):
            actor.get("/applications/new/")
            response = actor.post("/applications/new/", {"route": route})
            overview = actor.follow(response, to="/applications/")
            case = Case(urlsplit(response.headers["Location"]).path.strip("/").split("/")[1])
        with journey.step("answer questions"):
            # Each section of the task list starts at its first question; each answer leads to the next.
            sections = re.findall(rf'href="({case.path}questions/[a-z0-9_-]+/)"', overview.text)
            if not sections:
                raise StepFailed("the task list has no questions", overview)
            for path in sections:
                while path.startswith(f"{case.path}questions/"):
                    page = actor.get(path)
                    response = actor.post(path, _answer(page.text, answers.get(path.rstrip("/").rsplit("/", 1)[1])))
                    path = urlsplit(response.headers.get("Location", "")).path
                overview = actor.follow(response, to=case.path)
        with journey.step("upload evidence"):
            for kind in sorted(set(re.findall(rf'href="{case.path}evidence/([a-z0-9_-]+)/"', overview.text))):
                path = f"{case.path}evidence/{kind}/"
                actor.get(path)
                actor.follow(actor.post(path, files={"file": ("evidence.pdf", _pdf(self.persona, kind), "application/pdf")}), to=path)
        return case

    def _post_photos(self, case: Case, passport: bytes, selfie: bytes, *, expect: int) -> requests.Response:
        path = f"{case.path}photos/"
        self.actor.get(path)
        files = {"passport_photo": ("passport.jpg", passport, "image/jpeg"), "selfie": ("selfie.jpg", selfie, "image/jpeg")}
        return self.actor.post(path, files=files, expect=expect)

    def send_photos(self, case: Case, *, passport: bytes, selfie: bytes, step: str = "upload photos") -> None:
        with self.journey.step(step):
            self.actor.follow(self._post_photos(case, passport, selfie, expect=302), to=case.path)

    def photos_refused(self, case: Case, *, passport: bytes, selfie: bytes, because: str) -> None:
        """Photos the upload page turns away, saying why."""
        with self.journey.step("photos refused"):
            page = self._post_photos(case, passport, selfie, expect=200)
            if because not in problems(page.text):
                raise StepFailed(f"the upload page does not say “{because}”", page)

    def submit(self, case: Case) -> None:
        journey, actor = self.journey, self.actor
        with journey.step("submit"):
            path = f"{case.path}check-answers/"
            page = actor.get(path)
            if self.persona.family_name not in page_text(page.text):
                raise StepFailed("check your answers does not show the family name given", page)
            confirmation = actor.follow(actor.post(path, {"declaration": "on"}), to=f"{case.path}confirmation/")
            case.reference = element_text(confirmation.text, "reference") or ""
            if not case.reference:
                raise StepFailed("the confirmation page shows no reference", confirmation)
        with journey.step("submission email"):
            self.email(f"We have received your application {case.reference}")

    def pay_and_submit(self, case: Case, *, outcome: str = "pay") -> None:
        """Accept the declaration and pay the fee on the provider's page; submitted only once the payment succeeds."""
        journey, actor = self.journey, self.actor
        with journey.step("pay" if outcome == "pay" else f"payment: {outcome}"):
            path = f"{case.path}check-answers/"
            actor.get(path)
            response = actor.post(path, {"declaration": "on"})
            back = self._pay(response, outcome)
            if outcome != "pay":
                if "Your payment was not taken" not in page_text(back.text):
                    raise StepFailed("the page after a failed payment does not say it was not taken", back)
                return
        self._submitted(case, back)

    def retry_payment(self, case: Case) -> None:
        with self.journey.step("pay again"):
            self.actor.get(case.path)
            back = self._pay(self.actor.post(f"{case.path}pay/"), "pay")
        self._submitted(case, back)

    def _pay(self, to_provider: requests.Response, outcome: str) -> requests.Response:
        """On the provider's page choose `outcome`; the page the service shows once back."""
        provider_page = urlsplit(to_provider.headers.get("Location", "")).path
        if not provider_page.startswith("/payments/fake-provider/"):
            raise StepFailed(f"expected the payment provider's page, was sent to {provider_page}", to_provider)
        self.actor.get(provider_page)
        back = self.actor.get(urlsplit(self.actor.post(provider_page, {"outcome": outcome}).headers["Location"]).path, expect=302 if outcome == "pay" else 200)
        return back

    def _submitted(self, case: Case, back: requests.Response) -> None:
        with self.journey.step("submit"):
            confirmation = self.actor.follow(back, to=f"{case.path}confirmation/")
            case.reference = element_text(confirmation.text, "reference") or ""
            if not case.reference:
                raise StepFailed("the confirmation page shows no reference", confirmation)
        with self.journey.step("submission email"):
            self.email(f"We have received your application {case.reference}")

    def sees(self, case: Case, text: str) -> None:
        page = self.actor.get(case.path)
        if text not in page_text(page.text):
            raise StepFailed(f"the applicant's page does not say “{text}”", page)

    def sees_decision(self, case: Case, outcome: str) -> None:
        with self.journey.step("applicant sees decision"):
            self.email(f"A decision has been made on your application {case.reference}")
            self.sees(case, f"Your application has been {outcome}")
            letter = self.actor.get(f"{case.path}letter/")
            if case.reference not in letter.text:
                raise StepFailed("the decision letter does not carry the reference", letter)
            pdf = self.actor.get(f"{case.path}letter.pdf")
            if not pdf.content.startswith(b"%PDF-"):
                raise StepFailed("the letter's PDF is not a PDF", pdf)

    def respond(self, case: Case) -> None:
        with self.journey.step("information requested"):
            self.email(f"We need more information for your application {case.reference}")
            self.sees(case, "We need more information")
        with self.journey.step("reply with information"):
            path = f"{case.path}respond/"
            self.actor.get(path)
            response = self.actor.post(
                path, {"response": "Here are my bank statements for the last six months."},
                files=[("files", ("statements.pdf", _pdf(self.persona, "bank statements"), "application/pdf"))],
            )
            self.actor.follow(response, to=case.path)

    def withdraw(self, case: Case) -> None:
        with self.journey.step("withdraw"):
            path = f"{case.path}withdraw/"
            self.actor.get(path)
            self.actor.follow(self.actor.post(path, {"confirm": "yes"}), to=case.path)
            self.sees(case, "You withdrew this application")


@dataclass
class Caseworker:
    journey: Journey
    actor: Actor

    def state(self, case: Case) -> tuple[str, requests.Response]:
        page = self.actor.get(case.case_path)
        return element_text(page.text, "case-status") or "", page

    def expect_state(self, case: Case, expected: str) -> requests.Response:
        state, page = self.state(case)
        if state != expected:
            raise StepFailed(f"the case is “{state}”, expected “{expected}”", page)
        return page

    def identity_outcome(self, case: Case, expected: str, step: str = "identity check") -> requests.Response:
        """Wait for the identity check to finish; its outcome must be `expected`."""
        with self.journey.step(step):
            last: list[requests.Response] = []

            def finished():
                state, page = self.state(case)
                last[:] = [page]
                return state not in CHECKING and state

            state = self.journey.wait_for("the identity check", finished, lambda: last[0])
            if state != expected:
                raise StepFailed(f"after the identity check the case is “{state}”, expected “{expected}”", last[0])
            return last[0]

    def _act(self, case: Case, action: str, data: dict, expected_state: str) -> requests.Response:
        self.actor.get(case.case_path)
        page = self.actor.follow(self.actor.post(f"{case.case_path}{action}/", data), to=case.case_path)
        state = element_text(page.text, "case-status")
        if state != expected_state:
            raise StepFailed(f"the case is “{state}”, expected “{expected_state}”", page)
        return page

    def take(self, case: Case, expected_state: str = "With a caseworker") -> requests.Response:
        with self.journey.step("caseworker takes case"):
            return self._act(case, "take", {}, expected_state)

    def grant(self, case: Case, *, route: str) -> None:
        with self.journey.step("grant"):
            valid_until = datetime.date.today() + datetime.timedelta(days=365)
            # The conditions the route's grants carry, the usual one first (the decision page offers only those).
            conditions = ROUTES[route]
            data = {
                "decision": "grant", "work_condition": conditions.work_conditions[0],
                "study_condition": conditions.study_conditions[0], "grant_reason": "Meets the rules.",
            }
            if route != "settlement":
                data |= {"valid_until_day": valid_until.day, "valid_until_month": valid_until.month, "valid_until_year": valid_until.year}
            self._act(case, "decision", data, "Granted")

    def propose_refusal(self, case: Case, reasons: list[str], reason: str) -> None:
        with self.journey.step("propose refusal"):
            self._act(case, "decision", {"decision": "propose_refusal", "reasons": reasons, "reason": reason},
                      "Refusal proposed, awaiting a second caseworker")

    def confirm_refusal(self, case: Case) -> None:
        with self.journey.step("second caseworker confirms refusal"):
            self._act(case, "refusal-review", {"outcome": "confirm_refusal"}, "Refused")

    def request_information(self, case: Case) -> None:
        with self.journey.step("request information"):
            by = datetime.date.today() + datetime.timedelta(days=21)
            self._act(case, "information-request", {
                "message": "Send bank statements for the last six months.",
                "respond_by_day": by.day, "respond_by_month": by.month, "respond_by_year": by.year,
            }, "Waiting for information from the applicant")

    def sees_automated_decision(self, case: Case, outcome: str, failed_rule: str = "") -> None:
        """The case page shows the automated decision and, for a referral, the rule that failed."""
        with self.journey.step("caseworker sees automated decision"):
            page = self.actor.get(case.case_path)
            text = page_text(page.text)
            if f"Automated decision: {outcome}" not in text:
                raise StepFailed(f"the case does not show the automated decision “{outcome}”", page)
            if failed_rule and not re.search(rf"{re.escape(failed_rule)}\s+Failed", text):
                raise StepFailed(f"the case does not show “{failed_rule}” as failed", page)

    def confirm_duplicate(self, case: Case, of: Case) -> None:
        with self.journey.step("duplicate flagged"):
            page = self.actor.get(case.case_path)
            found = re.search(rf'action="({case.case_path}duplicates/\d+/)"', page.text)
            if of.reference not in page_text(page.text) or not found:
                raise StepFailed(f"the case does not show {of.reference} as a potential duplicate to resolve", page)
            if "grant" in re.findall(r'name="decision" type="radio" value="([a-z_]+)"', page.text):
                raise StepFailed("a grant is offered while a potential duplicate is unresolved", page)
        with self.journey.step("confirm duplicate"):
            response = self.actor.post(found.group(1), {"resolution": "confirmed", "duplicate_reason": "Same face as " + of.reference})
            page = self.actor.follow(response, to=case.case_path)
            if "Confirmed: the same person" not in page_text(page.text):
                raise StepFailed("the duplicate is not shown as confirmed", page)


def _answer(form_page: str, value: object) -> dict[str, object]:
    """What a person would type or choose on a question's page."""
    if 'name="answer_day"' in form_page:
        date = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
        return {"answer_day": date.day, "answer_month": date.month, "answer_year": date.year}
    if value is None:
        return {"answer": ""}
    return {"answer": value}


def _pdf(who: Persona, title: str) -> bytes:
    """A one-page PDF with the document's title and the persona's name (an A4 page at 72 dpi)."""
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(page)
    draw.text((72, 72), title.replace("_", " ").capitalize(), fill="black")
    draw.text((72, 92), f"{who.given_names} {who.family_name}", fill="black")
    buffer = io.BytesIO()
    page.save(buffer, "PDF")
    return buffer.getvalue()
