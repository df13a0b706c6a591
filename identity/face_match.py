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
# Detections scoring less are not faces. On a held-out set of 88 real photos every
# real face scored at least 0.27 (5th percentile 1.17) and printed text detected as
# a face 0.18 to 0.21; on the package images (identity_evaluate) real faces 0.24 to 2.0
# after upscaling 25 px crops, the mission patch beside the astronaut 0.12.
MIN_FACE_SCORE = 0.25
# An upright image whose best face scores less is also searched turned by 90, 180
# and 270 degrees. 19 in 20 real faces score 1.17 or more (held-out set above), so
# few upright photos pay for the three extra detections; a turned page or face scored
# below 0 on the package images.
CONFIDENT_FACE_SCORE = 1.0
ROTATIONS = (0, 90, 180, 270)
# A detection with less than this share of the best detection's contrast (standard
# deviation of its grey levels) is a faded copy: a passport's secondary "ghost"
# portrait. Package-image pages (tests/images.page): ghosts printed at 40% measure 0.36 and 0.43.
GHOST_CONTRAST_RATIO = 0.6
# A face re-cut from a large photo: margin around the detected box for the
# landmarks (share of its side) and its largest side in pixels (the encoder works
# on a 150 px chip; sharpness on 128 px).
_PORTRAIT_MARGIN = 0.5
_PORTRAIT_FACE_SIDE = 300
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
    # A passport page carrying a second, different person: a caseworker decides which is the holder.
    TWO_PEOPLE = "two_people"


NO_MATCH = "no_match"
POSSIBLE_MATCH = "possible_match"

_IMAGE_NAMES = {"passport": "the passport photo page", "selfie": "the photo of your face"}
_GUIDANCE = {
    Problem.UNREADABLE: "We could not open {image}. Upload it again as a JPG or PNG.",
    Problem.IMAGE_TOO_SMALL: "{Image} is too small. Use a photo straight from your camera, not a thumbnail.",
    Problem.NO_FACE: "We could not find a face in {image}. Make sure the whole face is in the photo, facing the camera.",
    Problem.MULTIPLE_FACES: "There is more than one face in {image}. Take it again with only you in it.",
    Problem.FACE_TOO_SMALL: "The face in {image} is too small. Move closer, so your face fills most of the photo.",
    Problem.TOO_DARK: "{Image} is too dark. Take it again with more light, facing a window or a lamp.",
    Problem.TOO_BRIGHT: "{Image} is too bright. Avoid direct sunlight or a flash on your face.",
    Problem.BLURRED: "{Image} is blurred. Hold the camera still and make sure it focuses on your face.",
}
# Where the passport page needs other words than a face photo.
_PASSPORT_GUIDANCE = {
    Problem.NO_FACE: (
        "We could not find the portrait on {image}. Lay the page flat, the right way up, in good light, "
        "and photograph the whole page."
    ),
    Problem.FACE_TOO_SMALL: "The portrait on {image} is too small. Move closer, so the photo page fills the picture.",
    Problem.BLURRED: "{Image} is blurred. Hold the camera still and make sure it focuses on the portrait.",
    Problem.TOO_BRIGHT: "{Image} is too bright. Avoid glare: tilt the page away from the light and turn off the flash.",
    Problem.TWO_PEOPLE: "{Image} shows two different people. A caseworker will check which of them holds the passport.",
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
    text = (_PASSPORT_GUIDANCE if image == "passport" else {}).get(problem) or _GUIDANCE.get(problem, code)
    return text.format(image=name, Image=name[0].upper() + name[1:])


@dataclass(frozen=True)
class Face:
    top: int
    right: int
    bottom: int
    left: int
    score: float


@dataclass(frozen=True)
class Faces:
    """What the detector found in one image: the person, the other faces, the faded copies set aside."""

    subject: Face | None
    others: int
    detections: int
    other_faces: tuple[Face, ...] = ()
    ghosts: int = 0


@dataclass
class Analysis:
    """One image: its faces, its quality measurements and problems, and the subject's encoding."""

    problems: list[str] = field(default_factory=list)
    measurements: dict = field(default_factory=dict)
    encoding: np.ndarray | None = None
    # Encodings of other full-contrast faces (a passport page carrying a second person).
    other_encodings: list[np.ndarray] = field(default_factory=list)


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
    # The upright photo at its own size, kept when `pixels` is a reduction of it: a face
    # found small in the reduction is measured and encoded from here.
    full: Image.Image | None = None


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
    if max(original_size) <= max_side:
        return LoadedImage(np.asarray(image), 1.0, original_size)
    reduced = image.copy()
    reduced.thumbnail((max_side, max_side))
    return LoadedImage(np.asarray(reduced), original_size[0] / reduced.width, original_size, full=image)


def _contrast(pixels: np.ndarray, face: Face) -> float:
    return float(_face_sample(pixels, face).std())


def find_faces(pixels: np.ndarray) -> Faces:
    """Detect faces; the person is the full-contrast detection the detector is most confident of.

    Not the largest: on a compressed passport page a face-like badge beside the
    portrait can be detected larger than the portrait itself. Detections scoring
    under MIN_FACE_SCORE are not faces; faded copies (a passport's secondary
    "ghost" portrait) are set aside, however confident the detector is of them.
    """
    rectangles, scores, _ = _detector().run(pixels, _UPSAMPLE, 0.0)
    height, width = pixels.shape[:2]
    faces = [
        Face(
            top=max(rectangle.top(), 0),
            right=min(rectangle.right(), width - 1),
            bottom=min(rectangle.bottom(), height - 1),
            left=max(rectangle.left(), 0),
            score=float(score),
        )
        for rectangle, score in zip(rectangles, scores)
        if score >= MIN_FACE_SCORE
    ]
    if not faces:
        return Faces(subject=None, others=0, detections=len(rectangles))
    contrasts = [_contrast(pixels, face) for face in faces]
    kept = [face for face, contrast in zip(faces, contrasts) if contrast >= GHOST_CONTRAST_RATIO * max(contrasts)]
    subject = max(kept, key=lambda face: face.score)
    others = tuple(face for face in kept if face is not subject and face.score >= _OTHER_FACE_SCORE_RATIO * subject.score)
    return Faces(
        subject=subject, others=len(others), detections=len(rectangles), other_faces=others, ghosts=len(faces) - len(kept)
    )


@dataclass(frozen=True)
class Located:
    """Where the person was found: the faces in the image turned by `rotation`, at `scale` original pixels per pixel."""

    faces: Faces
    pixels: np.ndarray
    rotation: int
    scale: float


def _turn(pixels: np.ndarray, rotation: int) -> np.ndarray:
    # Clockwise, as a person turns the photo to make it upright.
    return np.ascontiguousarray(np.rot90(pixels, -rotation // 90)) if rotation else pixels


def locate(image: LoadedImage) -> Located:
    """Find the person in whichever of the four orientations shows a face best.

    The other three are tried only when the upright image has no confident face,
    so an upright photo costs one detection. When nothing is found and the photo
    was reduced a lot (a whole page photographed on a desk), the search is repeated
    at twice the resolution, where a small portrait is still large enough to detect.
    """
    best: Located | None = None
    sources = [(image.pixels, image.scale)]
    if image.full is not None and image.scale >= 2:
        larger = image.full.copy()
        larger.thumbnail((2 * max(image.pixels.shape[:2]),) * 2)
        sources.append((np.asarray(larger), image.original_size[0] / larger.width))
    for pixels, scale in sources:
        for rotation in ROTATIONS:
            turned = _turn(pixels, rotation)
            faces = find_faces(turned)
            if faces.subject and (best is None or faces.subject.score > best.faces.subject.score):
                best = Located(faces, turned, rotation, scale)
            if best and best.faces.subject.score >= CONFIDENT_FACE_SCORE:
                return best
        if best:
            return best
    return Located(Faces(subject=None, others=0, detections=0), image.pixels, 0, image.scale)


@dataclass(frozen=True)
class _Portrait:
    """A face to measure and encode: pixels holding it, its box in them, original pixels per pixel."""

    pixels: np.ndarray
    face: Face
    scale: float


def _portrait(image: LoadedImage, located: Located, face: Face) -> _Portrait:
    """The face at the best resolution the photo has.

    Found in a reduction of a large photo, it is cut again from the photo itself
    (with a margin for the landmarks), at most _PORTRAIT_FACE_SIDE pixels across:
    a portrait that is small on a whole page photographed from afar keeps its detail.
    """
    if image.full is None or located.scale <= 1:
        return _Portrait(located.pixels, face, located.scale)
    full = image.full.rotate(-located.rotation, expand=True) if located.rotation else image.full
    side = (face.right - face.left) * located.scale
    margin = side * _PORTRAIT_MARGIN
    box = (
        max(int(face.left * located.scale - margin), 0),
        max(int(face.top * located.scale - margin), 0),
        min(int(face.right * located.scale + margin), full.width),
        min(int(face.bottom * located.scale + margin), full.height),
    )
    crop = full.crop(box)
    shrink = max(side / _PORTRAIT_FACE_SIDE, 1.0)
    if shrink > 1:
        crop = crop.resize((max(round(crop.width / shrink), 1), max(round(crop.height / shrink), 1)), Image.Resampling.LANCZOS)
    pixels = np.asarray(crop)
    height, width = pixels.shape[:2]

    def place(value: float, origin: int, limit: int) -> int:
        return min(max(round((value * located.scale - origin) / shrink), 0), limit - 1)

    placed = Face(
        top=place(face.top, box[1], height),
        right=place(face.right, box[0], width),
        bottom=place(face.bottom, box[1], height),
        left=place(face.left, box[0], width),
        score=face.score,
    )
    return _Portrait(pixels, placed, shrink)


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


def _landmarks(portrait: _Portrait):
    recognition = face_recognition_module().api
    face = portrait.face
    return recognition.pose_predictor_5_point(portrait.pixels, dlib.rectangle(face.left, face.top, face.right, face.bottom))


def _encode(portrait: _Portrait, landmarks) -> np.ndarray:
    descriptor = face_recognition_module().api.face_encoder.compute_face_descriptor(portrait.pixels, landmarks, 1)
    return np.asarray(descriptor, dtype=np.float64)


def analyse(image: LoadedImage, *, limits: QualityLimits, single_face: bool, encode: bool = True) -> Analysis:
    """Find the person in an image, measure the photo's quality, and encode the face if it is good enough.

    With `encode=False` (an upload being checked while the applicant waits) it
    stops after the measurements.
    """
    analysis = Analysis()
    width, height = image.original_size
    analysis.measurements["size"] = [width, height]
    if min(width, height) < limits.min_side:
        analysis.problems.append(Problem.IMAGE_TOO_SMALL)
        return analysis
    located = locate(image)
    faces = located.faces
    analysis.measurements["detections"] = faces.detections
    if faces.subject is None:
        analysis.problems.append(Problem.NO_FACE)
        if float(image.pixels.mean()) < limits.min_brightness:
            # Nothing found in a dark photo: the light is what to fix.
            analysis.problems.append(Problem.TOO_DARK)
        return analysis
    face = faces.subject
    analysis.measurements.update(face_score=round(face.score, 3), rotation=located.rotation)
    # Where the face is, in the photo's own pixels once turned upright: the case page shows the two faces cropped.
    analysis.measurements["face_box"] = [round(value * located.scale) for value in (face.left, face.top, face.right, face.bottom)]
    if faces.ghosts:
        analysis.measurements["faded_faces_ignored"] = faces.ghosts
    if single_face and faces.others:
        analysis.problems.append(Problem.MULTIPLE_FACES)

    portrait = _portrait(image, located, faces.subject)
    landmarks = _landmarks(portrait)
    # 5-point model: points 0-1 are one eye's corners, 2-3 the other's, 4 the base of the nose.
    points = np.array([(landmarks.part(i).x, landmarks.part(i).y) for i in range(4)], dtype=np.float64)
    eye_distance = float(np.linalg.norm(points[0:2].mean(axis=0) - points[2:4].mean(axis=0)) * portrait.scale)
    grey = _face_sample(portrait.pixels, portrait.face)
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
    if encode and not analysis.problems:
        analysis.encoding = _encode(portrait, landmarks)
        if not single_face:
            for other in faces.other_faces:
                other_portrait = _portrait(image, located, other)
                analysis.other_encodings.append(_encode(other_portrait, _landmarks(other_portrait)))
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
    others = [float(np.linalg.norm(passport_analysis.encoding - other)) for other in passport_analysis.other_encodings]
    evidence["timings_ms"]["compare"] = _ms(analysed, time.perf_counter())
    if others:
        evidence["passport"]["other_face_distances"] = [round(other, 3) for other in others]
    if any(other > thresholds.pass_at for other in others):
        # Which of two people holds the passport is not for the matcher to guess.
        outcome, reasons = "referred", [f"passport.{Problem.TWO_PEOPLE}"]
    elif distance <= thresholds.pass_at:
        outcome, reasons = "passed", []
    elif distance <= thresholds.fail_above:
        outcome, reasons = "referred", [POSSIBLE_MATCH]
    else:
        outcome, reasons = "failed", [NO_MATCH]
    return MatchResult(outcome, distance, reasons, evidence, selfie_analysis.encoding)


def _ms(start: float, end: float) -> int:
    return round((end - start) * 1000)
