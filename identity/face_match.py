"""Face detection and 1:1 matching with face_recognition (dlib's HOG detector and ResNet encoder).

Detection uses dlib's detector directly rather than face_recognition.face_locations
because it also returns a confidence score per detection, which decides which
detection is the person (see `find_faces`).
"""

import functools
import io
import time
from dataclasses import dataclass, field
from typing import BinaryIO

import dlib
import numpy as np
from PIL import Image, ImageFile, ImageOps

DETECTOR = "dlib HOG frontal face detector, upsampled once"
ENCODER = "dlib_face_recognition_resnet_model_v1 (face_recognition, 5-point landmarks)"
_UPSAMPLE = 1
# A second detection counts as another face only if it scores at least this share
# of the best one. Measured on the astronaut test image: the real face scores
# 1.16 to 1.59 and a face-like mission patch beside it 0.07 to 0.6 (under rotation).
# Two real faces both score near the best.
_OTHER_FACE_SCORE_RATIO = 0.5


class Reason:
    NO_FACE_PASSPORT = "no_face_passport"
    NO_FACE_SELFIE = "no_face_selfie"
    MULTIPLE_FACES_SELFIE = "multiple_faces_selfie"
    NO_MATCH = "no_match"

    TEXT = {
        NO_FACE_PASSPORT: "No face was found on the passport photo page.",
        NO_FACE_SELFIE: "No face was found in the photo of the applicant.",
        MULTIPLE_FACES_SELFIE: "More than one face is in the photo of the applicant.",
        NO_MATCH: "The face in the photo does not match the passport photo.",
    }


@dataclass(frozen=True)
class Face:
    top: int
    right: int
    bottom: int
    left: int
    score: float

    @property
    def box(self) -> tuple[int, int, int, int]:
        """The (top, right, bottom, left) order face_recognition expects."""
        return (self.top, self.right, self.bottom, self.left)


@dataclass(frozen=True)
class Faces:
    """What the detector found in one image: the person, and how many other faces."""

    subject: Face | None
    others: int
    detections: int


@dataclass(frozen=True)
class MatchResult:
    passed: bool
    distance: float | None
    threshold: float
    reasons: list[str]
    evidence: dict = field(default_factory=dict)


@functools.cache
def face_recognition_module():
    """Import face_recognition (loading its models takes a second and about 100 MB).

    Importing it sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process, which
    would let a truncated upload through as a half-grey photo: that is undone here.
    """
    import face_recognition

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return face_recognition


@functools.cache
def _detector():
    return dlib.get_frontal_face_detector()


def load_image(source: BinaryIO | bytes, *, max_side: int) -> np.ndarray:
    """Decode an image as upright RGB pixels, scaled down so its long side is at most `max_side`."""
    image = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((max_side, max_side))
    return np.asarray(image)


def find_faces(image: np.ndarray) -> Faces:
    """Detect faces; the person is the detection the detector is most confident of.

    Not the largest: on a compressed passport page a face-like badge beside the
    portrait can be detected larger than the portrait itself.
    """
    rectangles, scores, _ = _detector().run(image, _UPSAMPLE, 0.0)
    if not rectangles:
        return Faces(subject=None, others=0, detections=0)
    height, width = image.shape[:2]
    best = max(range(len(rectangles)), key=lambda i: scores[i])
    rectangle = rectangles[best]
    subject = Face(
        top=max(rectangle.top(), 0),
        right=min(rectangle.right(), width - 1),
        bottom=min(rectangle.bottom(), height - 1),
        left=max(rectangle.left(), 0),
        score=float(scores[best]),
    )
    others = sum(
        1 for i, score in enumerate(scores) if i != best and score >= _OTHER_FACE_SCORE_RATIO * scores[best]
    )
    return Faces(subject=subject, others=others, detections=len(rectangles))


def encode(image: np.ndarray, face: Face) -> np.ndarray:
    return face_recognition_module().face_encodings(image, known_face_locations=[face.box])[0]


def match(passport: np.ndarray, selfie: np.ndarray, *, threshold: float) -> MatchResult:
    """Compare the portrait on a passport photo page with a selfie.

    Faces are the same person when the distance between their encodings is at
    most `threshold`. Bad images are outcomes with reasons, not errors.
    """
    started = time.perf_counter()
    passport_faces = find_faces(passport)
    selfie_faces = find_faces(selfie)
    detected = time.perf_counter()
    evidence = {
        "detector": DETECTOR,
        "encoder": ENCODER,
        "passport": _describe(passport, passport_faces),
        "selfie": _describe(selfie, selfie_faces),
    }

    reasons = []
    if passport_faces.subject is None:
        reasons.append(Reason.NO_FACE_PASSPORT)
    if selfie_faces.subject is None:
        reasons.append(Reason.NO_FACE_SELFIE)
    elif selfie_faces.others:
        reasons.append(Reason.MULTIPLE_FACES_SELFIE)
    if reasons:
        evidence["timings_ms"] = {"detect": _ms(started, detected)}
        return MatchResult(passed=False, distance=None, threshold=threshold, reasons=reasons, evidence=evidence)

    distance = float(np.linalg.norm(encode(passport, passport_faces.subject) - encode(selfie, selfie_faces.subject)))
    evidence["timings_ms"] = {"detect": _ms(started, detected), "encode_compare": _ms(detected, time.perf_counter())}
    passed = distance <= threshold
    return MatchResult(
        passed=passed,
        distance=distance,
        threshold=threshold,
        reasons=[] if passed else [Reason.NO_MATCH],
        evidence=evidence,
    )


def _describe(image: np.ndarray, faces: Faces) -> dict:
    described = {"width": int(image.shape[1]), "height": int(image.shape[0]), "detections": faces.detections}
    if faces.subject:
        described["face_score"] = round(faces.subject.score, 3)
        described["face_width"] = faces.subject.right - faces.subject.left
    return described


def _ms(start: float, end: float) -> int:
    return round((end - start) * 1000)
