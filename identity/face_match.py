"""Face detection, image quality and 1:1 matching with face_recognition (dlib).

Detection uses dlib's HOG detector directly rather than face_recognition.face_locations
because it also returns a confidence score per detection, which decides which
detection is the person (see `find_faces`). Landmarks are computed once per face
and used both to measure the distance between the eyes and to compute the
encoding, so a check costs little more than face_recognition's own calls.
"""

import functools
import io
import threading
import time
from dataclasses import dataclass, field

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
# Sharpness and brightness are measured on the face scaled to this square.
_FACE_SAMPLE = 128


@dataclass(frozen=True)
class QualityLimits:
    """Thresholds for one kind of image (settings.IDENTITY_QUALITY has their values and origins)."""

    min_side: int
    min_eye_distance: float
    min_brightness: float
    max_brightness: float
    min_sharpness: float


@dataclass(frozen=True)
class Thresholds:
    """Faces at most `pass_at` apart match; more than `fail_above` apart do not; between, a person decides."""

    pass_at: float
    fail_above: float


class Problem:
    """What can be wrong with one image. Reason codes are "<image>.<problem>", like "selfie.too_dark"."""

    UNREADABLE = "unreadable"
    IMAGE_TOO_SMALL = "image_too_small"
    NO_FACE = "no_face"
    MULTIPLE_FACES = "multiple_faces"
    FACE_TOO_SMALL = "face_too_small"
    TOO_DARK = "too_dark"
    TOO_BRIGHT = "too_bright"
    BLURRED = "blurred"


NO_MATCH = "no_match"
POSSIBLE_MATCH = "possible_match"

_IMAGE_NAMES = {"passport": "the passport photo page", "selfie": "the photo of your face"}
_GUIDANCE = {
    Problem.UNREADABLE: "We could not open {image}. Upload it again as a JPG or PNG.",
    Problem.IMAGE_TOO_SMALL: "{Image} is too small. Use a photo straight from your camera, not a thumbnail.",
    Problem.NO_FACE: "We could not find a face in {image}. Make sure the whole face is in the photo, facing the camera.",
    Problem.MULTIPLE_FACES: "There is more than one face in {image}. Take it again with only you in it.",
    Problem.FACE_TOO_SMALL: "The face in {image} is too small. Move closer, so your face fills most of the photo.",
    Problem.TOO_DARK: "{Image} is too dark. Take it again facing a window or a light.",
    Problem.TOO_BRIGHT: "{Image} is too bright. Avoid direct sunlight or a flash on your face.",
    Problem.BLURRED: "{Image} is blurred. Hold the camera still and make sure it focuses on your face.",
}
_OUTCOME_TEXT = {
    NO_MATCH: "The face in the photo does not match the passport photo.",
    POSSIBLE_MATCH: "The faces may be the same person, but not clearly enough: a caseworker will compare them.",
}


def reason_text(code: str) -> str:
    """Plain-language guidance for a reason code."""
    if code in _OUTCOME_TEXT:
        return _OUTCOME_TEXT[code]
    image, _, problem = code.partition(".")
    name = _IMAGE_NAMES.get(image, image)
    return _GUIDANCE.get(problem, code).format(image=name, Image=name[0].upper() + name[1:])


@dataclass(frozen=True)
class Face:
    top: int
    right: int
    bottom: int
    left: int
    score: float


@dataclass(frozen=True)
class Faces:
    """What the detector found in one image: the person, and how many other faces."""

    subject: Face | None
    others: int
    detections: int


@dataclass
class Analysis:
    """One image: its faces, its quality measurements and problems, and the subject's encoding."""

    problems: list[str] = field(default_factory=list)
    measurements: dict = field(default_factory=dict)
    encoding: np.ndarray | None = None


@dataclass(frozen=True)
class MatchResult:
    outcome: str  # "passed", "referred" or "failed"
    distance: float | None
    reasons: list[str]
    evidence: dict
    selfie_encoding: np.ndarray | None

    @property
    def quality_failed(self) -> bool:
        return self.outcome == "failed" and NO_MATCH not in self.reasons


@functools.cache
def face_recognition_module():
    """Import face_recognition (loading its models takes a second and about 100 MB).

    Importing it sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process, which
    would let a truncated upload through as a half-grey photo: that is undone here.
    """
    import face_recognition

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return face_recognition


_per_thread = threading.local()


def _detector():
    """This thread's face detector. dlib's detector must not be shared between
    threads: a threaded web server checking two uploads at once crashed in it."""
    if not hasattr(_per_thread, "detector"):
        _per_thread.detector = dlib.get_frontal_face_detector()
    return _per_thread.detector


@dataclass(frozen=True)
class LoadedImage:
    pixels: np.ndarray
    # Original pixels per analysed pixel: measurements are reported in the photo's own pixels.
    scale: float
    original_size: tuple[int, int]


def load_image(data: bytes, *, max_side: int, max_pixels: int) -> LoadedImage:
    """Decode an image as upright RGB pixels, scaled down so its long side is at most `max_side`.

    Raises ValueError for anything that is not a decodable image within `max_pixels`.
    """
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > max_pixels:
            raise ValueError(f"{image.width} x {image.height} pixels is more than {max_pixels}")
        image = ImageOps.exif_transpose(image).convert("RGB")
    except ValueError:
        raise
    except Exception as error:
        # Whatever Pillow raises on a malformed file (see applications.uploads).
        raise ValueError(f"{type(error).__name__}: {error}") from None
    original_size = image.size
    image.thumbnail((max_side, max_side))
    return LoadedImage(np.asarray(image), original_size[0] / image.width, original_size)


def find_faces(pixels: np.ndarray) -> Faces:
    """Detect faces; the person is the detection the detector is most confident of.

    Not the largest: on a compressed passport page a face-like badge beside the
    portrait can be detected larger than the portrait itself.
    """
    rectangles, scores, _ = _detector().run(pixels, _UPSAMPLE, 0.0)
    if not rectangles:
        return Faces(subject=None, others=0, detections=0)
    height, width = pixels.shape[:2]
    best = max(range(len(rectangles)), key=lambda i: scores[i])
    rectangle = rectangles[best]
    subject = Face(
        top=max(rectangle.top(), 0),
        right=min(rectangle.right(), width - 1),
        bottom=min(rectangle.bottom(), height - 1),
        left=max(rectangle.left(), 0),
        score=float(scores[best]),
    )
    others = sum(1 for i, score in enumerate(scores) if i != best and score >= _OTHER_FACE_SCORE_RATIO * scores[best])
    return Faces(subject=subject, others=others, detections=len(rectangles))


def _face_sample(pixels: np.ndarray, face: Face) -> np.ndarray:
    crop = Image.fromarray(pixels[face.top : face.bottom + 1, face.left : face.right + 1]).convert("L")
    return np.asarray(crop.resize((_FACE_SAMPLE, _FACE_SAMPLE)), dtype=np.float32)


def sharpness(grey: np.ndarray) -> float:
    """Variance of the Laplacian, relative to the face's own contrast (so a dark face is not called blurred).

    Measured on test faces scaled to 128 x 128: sharp photos 7.5 to 67, the same
    photos blurred (Gaussian, sigma 2 to 6 at 600 px) 0.2 to 1.1.
    """
    laplacian = grey[1:-1, 1:-1] * -4 + grey[:-2, 1:-1] + grey[2:, 1:-1] + grey[1:-1, :-2] + grey[1:-1, 2:]
    return float(laplacian.var() / max(grey.var(), 1.0) * 100)


def analyse(image: LoadedImage, *, limits: QualityLimits, single_face: bool) -> Analysis:
    """Find the person in an image, measure the photo's quality, and encode the face if it is good enough."""
    analysis = Analysis()
    width, height = image.original_size
    analysis.measurements["size"] = [width, height]
    if min(width, height) < limits.min_side:
        analysis.problems.append(Problem.IMAGE_TOO_SMALL)
        return analysis
    faces = find_faces(image.pixels)
    analysis.measurements["detections"] = faces.detections
    if faces.subject is None:
        analysis.problems.append(Problem.NO_FACE)
        return analysis
    face = faces.subject
    analysis.measurements["face_score"] = round(face.score, 3)
    # Where the face is, in the upright photo's own pixels: the case page shows the two faces cropped.
    analysis.measurements["face_box"] = [round(value * image.scale) for value in (face.left, face.top, face.right, face.bottom)]
    if single_face and faces.others:
        analysis.problems.append(Problem.MULTIPLE_FACES)

    # The models face_recognition loads, used directly so that landmarks are found once.
    recognition = face_recognition_module().api
    rectangle = dlib.rectangle(face.left, face.top, face.right, face.bottom)
    landmarks = recognition.pose_predictor_5_point(image.pixels, rectangle)
    # 5-point model: points 0-1 are one eye's corners, 2-3 the other's, 4 the base of the nose.
    points = np.array([(landmarks.part(i).x, landmarks.part(i).y) for i in range(4)], dtype=np.float64)
    eye_distance = float(np.linalg.norm(points[0:2].mean(axis=0) - points[2:4].mean(axis=0)) * image.scale)
    grey = _face_sample(image.pixels, face)
    brightness = float(grey.mean())
    sharp = sharpness(grey)
    analysis.measurements.update(
        eye_distance_px=round(eye_distance, 1), brightness=round(brightness, 1), sharpness=round(sharp, 2)
    )
    if eye_distance < limits.min_eye_distance:
        analysis.problems.append(Problem.FACE_TOO_SMALL)
    elif sharp < limits.min_sharpness:
        # A face that is too small is blurred when scaled up: report only the cause.
        analysis.problems.append(Problem.BLURRED)
    if brightness < limits.min_brightness:
        analysis.problems.append(Problem.TOO_DARK)
    elif brightness > limits.max_brightness:
        analysis.problems.append(Problem.TOO_BRIGHT)
    if not analysis.problems:
        descriptor = recognition.face_encoder.compute_face_descriptor(image.pixels, landmarks, 1)
        analysis.encoding = np.asarray(descriptor, dtype=np.float64)
    return analysis


def match(
    passport: LoadedImage,
    selfie: LoadedImage,
    *,
    thresholds: Thresholds,
    passport_limits: QualityLimits,
    selfie_limits: QualityLimits,
) -> MatchResult:
    """Compare the portrait on a passport photo page with a selfie.

    Bad images are outcomes with reasons, not errors: the quality of both images is
    checked first, and only good images are compared.
    """
    started = time.perf_counter()
    passport_analysis = analyse(passport, limits=passport_limits, single_face=False)
    selfie_analysis = analyse(selfie, limits=selfie_limits, single_face=True)
    analysed = time.perf_counter()
    reasons = [f"passport.{problem}" for problem in passport_analysis.problems]
    reasons += [f"selfie.{problem}" for problem in selfie_analysis.problems]
    evidence = {
        "detector": DETECTOR,
        "encoder": ENCODER,
        "thresholds": {"pass_at": thresholds.pass_at, "fail_above": thresholds.fail_above},
        "passport": passport_analysis.measurements,
        "selfie": selfie_analysis.measurements,
        "timings_ms": {"analyse": _ms(started, analysed)},
    }
    if reasons:
        return MatchResult("failed", None, reasons, evidence, selfie_analysis.encoding)

    distance = float(np.linalg.norm(passport_analysis.encoding - selfie_analysis.encoding))
    evidence["timings_ms"]["compare"] = _ms(analysed, time.perf_counter())
    if distance <= thresholds.pass_at:
        outcome, reasons = "passed", []
    elif distance <= thresholds.fail_above:
        outcome, reasons = "referred", [POSSIBLE_MATCH]
    else:
        outcome, reasons = "failed", [NO_MATCH]
    return MatchResult(outcome, distance, reasons, evidence, selfie_analysis.encoding)


def _ms(start: float, end: float) -> int:
    return round((end - start) * 1000)
