"""A labelled evaluation of the identity check, built by code from images installed packages ship.

Needs the development dependencies (scikit-image, matplotlib): the images and the
ways of photographing them are those of tests/images.py. Prints the confusion
table recorded in docs/IDENTITY.md; exits with an error on any false accept.
Run: .venv/bin/python manage.py identity_evaluate
"""

import io
from collections import Counter
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from PIL import Image, ImageEnhance

from identity import face_match
from identity.face_match import NO_MATCH

SAME, DIFFERENT, TWO_PEOPLE = "same person", "different people", "page carrying two people"
COLUMNS = ["passed", "referred", "failed: photo quality", "failed: no match"]
PEOPLE = ("astronaut", "hopper")


def _cases() -> Iterator[tuple[str, str, Callable[[], tuple[bytes, bytes]]]]:
    """(truth, what was done to the photos, a function making the passport page and the selfie)."""
    from tests import images

    def jpeg(image: Image.Image) -> bytes:
        return images.encode(image, quality=90)

    def selfie_of(person: str) -> bytes:
        return images.astronaut_selfie() if person == "astronaut" else images.hopper_selfie()

    def lit(data: bytes, factor: float) -> bytes:
        return images.encode(ImageEnhance.Brightness(Image.open(io.BytesIO(data)).convert("RGB")).enhance(factor), quality=90)

    def variants(person: str, selfie: Callable[[], bytes]) -> Iterator[tuple[str, Callable[[], tuple[bytes, bytes]]]]:
        page = lambda **options: jpeg(images.page(person, **options))  # noqa: E731
        yield "page upright", lambda: (page(), selfie())
        for degrees in (90, 180, 270):
            yield f"page turned {degrees}", lambda d=degrees: (images.turned(page(), d), selfie())
        for degrees in (90, 270):
            yield f"selfie turned {degrees}", lambda d=degrees: (page(), images.turned(selfie(), d))
        yield "page on a desk, 4000 x 3000", lambda: (jpeg(images.on_desk(images.page(person))), selfie())
        yield "page with a ghost portrait", lambda: (page(ghost=True), selfie())
        yield "page in dim light (0.6)", lambda: (lit(page(), 0.6), selfie())
        yield "selfie in dim light (0.6)", lambda: (page(), lit(selfie(), 0.6))
        yield "selfie in bright light (1.3)", lambda: (page(), lit(selfie(), 1.3))
        yield "selfie too dark (0.2)", lambda: (page(), lit(selfie(), 0.2))

    for person in PEOPLE:
        for name, make in variants(person, lambda p=person: selfie_of(p)):
            yield SAME, f"{person}: {name}", make
        for eyes in (46, 60, 85):
            yield SAME, f"{person}: selfie with {eyes} px between the eyes", lambda p=person, e=eyes: (jpeg(images.page(p)), images.selfie_at_eye_distance(e, p))
        other = PEOPLE[1 - PEOPLE.index(person)]
        for name, make in variants(person, lambda o=other: selfie_of(o)):
            yield DIFFERENT, f"{person} page, {other} selfie: {name}", make
        yield TWO_PEOPLE, f"{person} page with {other} beside: {person} selfie", lambda p=person, o=other: (jpeg(images.page(p, second=o)), selfie_of(p))
        yield TWO_PEOPLE, f"{person} page with {other} beside: {other} selfie", lambda p=person, o=other: (jpeg(images.page(p, second=o)), selfie_of(o))
    for index, face in enumerate(images.lfw_faces(12)):
        canvas = Image.new("RGB", (420, 480), (170, 180, 190))
        canvas.paste(face.resize((360, 360), Image.Resampling.LANCZOS), (30, 40))
        person = PEOPLE[index % 2]
        yield DIFFERENT, f"{person} page, LFW face {index} as the selfie", lambda p=person, c=canvas: (jpeg(images.page(p)), jpeg(c))


def _column(result: face_match.MatchResult) -> str:
    if result.outcome == "passed":
        return "passed"
    if result.outcome == "referred":
        return "referred"
    return "failed: no match" if NO_MATCH in result.reasons else "failed: photo quality"


class Command(BaseCommand):
    help = "Run the identity check over a labelled set made from package images and print the confusion table."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cases", action="store_true", help="Also print each case's outcome and reasons.")
        parser.add_argument("--only", default="", help="Only the cases whose description contains this.")

    def handle(self, *args, cases: bool = False, only: str = "", **options) -> None:
        limits = {name: face_match.QualityLimits(**values) for name, values in settings.IDENTITY_QUALITY.items()}
        thresholds = face_match.Thresholds(settings.FACE_MATCH_PASS_THRESHOLD, settings.FACE_MATCH_FAIL_THRESHOLD)
        load = {"max_side": settings.FACE_IMAGE_MAX_SIDE, "max_pixels": settings.UPLOAD_MAX_PIXELS}
        table: dict[str, Counter] = {SAME: Counter(), DIFFERENT: Counter(), TWO_PEOPLE: Counter()}
        for truth, name, make in _cases():
            if only not in name:
                continue
            passport, selfie = make()
            result = face_match.match(
                face_match.load_image(passport, **load), face_match.load_image(selfie, **load),
                thresholds=thresholds, passport_limits=limits["passport"], selfie_limits=limits["selfie"],
            )
            column = _column(result)
            table[truth][column] += 1
            if cases:
                distance = "" if result.distance is None else f" {result.distance:.3f}"
                self.stdout.write(f"{truth:<26} {name:<62} {column}{distance} {' '.join(result.reasons)}")
        self.stdout.write("| truth | cases | " + " | ".join(COLUMNS) + " |")
        self.stdout.write("|---|---:|" + "---:|" * len(COLUMNS))
        for truth, counts in table.items():
            self.stdout.write(f"| {truth} | {sum(counts.values())} | " + " | ".join(str(counts[c]) for c in COLUMNS) + " |")
        false_accepts = table[DIFFERENT]["passed"] + table[TWO_PEOPLE]["passed"]
        self.stdout.write(f"false accepts: {false_accepts}")
        if false_accepts:
            raise CommandError(f"{false_accepts} false accepts: the rule is none.")
