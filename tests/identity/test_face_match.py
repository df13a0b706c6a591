import threading

import numpy as np
import pytest
from django.conf import settings

from identity import face_match
from identity.face_match import NO_MATCH, POSSIBLE_MATCH, Problem, QualityLimits, Thresholds
from tests import images

THRESHOLDS = Thresholds(pass_at=0.5, fail_above=0.6)


def _load(data: bytes) -> face_match.LoadedImage:
    return face_match.load_image(data, max_side=800, max_pixels=40_000_000)


def _match(passport: bytes, selfie: bytes, thresholds: Thresholds = THRESHOLDS) -> face_match.MatchResult:
    limits = {name: QualityLimits(**values) for name, values in settings.IDENTITY_QUALITY.items()}
    return face_match.match(
        _load(passport), _load(selfie), thresholds=thresholds, passport_limits=limits["passport"], selfie_limits=limits["selfie"]
    )


def test_same_person_passes_across_crop_rotation_and_lighting():
    result = _match(images.astronaut_passport(), images.astronaut_selfie())

    assert result.outcome == "passed"
    assert result.distance < 0.35
    assert result.reasons == []
    assert result.evidence["passport"]["detections"] == 2
    assert result.evidence["selfie"]["eye_distance_px"] > 80
    assert result.selfie_encoding.shape == (128,)


def test_different_people_fail_with_no_match():
    result = _match(images.astronaut_passport(), images.hopper_selfie())

    assert result.outcome == "failed"
    assert result.distance > 0.6
    assert result.reasons == [NO_MATCH]
    assert not result.quality_failed


def test_a_distance_between_the_thresholds_is_referred_to_a_person():
    distance = _match(images.astronaut_passport(), images.astronaut_selfie()).distance

    result = _match(images.astronaut_passport(), images.astronaut_selfie(), Thresholds(pass_at=distance - 0.01, fail_above=distance + 0.01))

    assert result.outcome == "referred"
    assert result.reasons == [POSSIBLE_MATCH]


def test_the_encoding_is_face_recognitions_own():
    recognition = face_match.face_recognition_module()
    pixels = _load(images.hopper_selfie()).pixels
    ours = face_match.analyse(_load(images.hopper_selfie()), limits=QualityLimits(0, 0, 0, 255, 0), single_face=True).encoding

    theirs = recognition.face_encodings(pixels, recognition.face_locations(pixels, 1))[0]

    assert np.linalg.norm(ours - theirs) < 0.02


def test_passport_portrait_is_the_most_confident_detection_not_the_badge_beside_it():
    faces = face_match.find_faces(_load(images.astronaut_passport()).pixels)

    assert faces.detections == 2
    assert faces.others == 0
    # The astronaut's face is in the upper part of the picture; the patch is lower down.
    assert faces.subject.top < 150 and faces.subject.left > 150


@pytest.mark.parametrize(
    ("selfie", "reason"),
    [
        (images.no_face, f"selfie.{Problem.NO_FACE}"),
        (images.two_faces, f"selfie.{Problem.MULTIPLE_FACES}"),
        (images.tiny_face_selfie, f"selfie.{Problem.FACE_TOO_SMALL}"),
        (images.dark_selfie, f"selfie.{Problem.TOO_DARK}"),
        (images.blurred_selfie, f"selfie.{Problem.BLURRED}"),
    ],
    ids=["no-face", "two-faces", "tiny-face", "dark", "blurred"],
)
def test_a_poor_selfie_fails_on_quality_with_a_reason_and_guidance(selfie, reason):
    result = _match(images.astronaut_passport(), selfie())

    assert result.outcome == "failed"
    assert result.reasons == [reason]
    assert result.quality_failed
    assert result.distance is None
    guidance = face_match.reason_text(reason)
    assert "the photo of your face" in guidance.lower() and guidance != reason


def test_no_face_on_the_passport_is_reported_for_the_passport():
    result = _match(images.no_face(), images.astronaut_selfie())

    assert result.reasons == [f"passport.{Problem.NO_FACE}"]


def test_an_image_too_small_to_judge_is_reported_before_detection():
    small = images.encode(images._open(images.GRACE_HOPPER).resize((200, 234)))

    result = _match(images.astronaut_passport(), small)

    assert result.reasons == [f"selfie.{Problem.IMAGE_TOO_SMALL}"]


def test_measurements_are_in_the_photos_own_pixels():
    large = images.encode(images._open(images.GRACE_HOPPER).resize((1600, 1875)))

    scaled = _load(large)
    analysis = face_match.analyse(scaled, limits=QualityLimits(0, 0, 0, 255, 0), single_face=True)

    assert max(scaled.pixels.shape[:2]) == 800
    # About 85 px between the eyes at 512 px wide: about 265 px at 1,600.
    assert 230 < analysis.measurements["eye_distance_px"] < 300


@pytest.mark.parametrize("data", [images.truncated_jpeg(), images.text(), images.decompression_bomb(8_000)], ids=["corrupt", "not-an-image", "bomb"])
def test_an_image_that_cannot_be_decoded_is_refused(data):
    with pytest.raises(ValueError):
        _load(data)


def test_loading_the_matcher_leaves_truncated_images_refused():
    from PIL import ImageFile

    face_match.face_recognition_module()

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_faces_are_found_in_several_threads_at_once():
    """A threaded web server checks uploads in parallel; a shared dlib detector crashed the process."""
    pixels = _load(images.astronaut_passport()).pixels
    found: list[bool] = []

    def detect():
        found.extend(face_match.find_faces(pixels).subject is not None for _ in range(10))

    threads = [threading.Thread(target=detect) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [True] * 60


def _page(person: str = "astronaut", **options) -> bytes:
    return images.encode(images.page(person, **options), quality=90)


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_page_photographed_sideways_or_upside_down_is_matched_and_its_rotation_recorded(degrees):
    result = _match(images.turned(_page(), degrees), images.astronaut_selfie())

    assert result.outcome == "passed"
    # Turned anticlockwise by `degrees`: the evidence says to turn it clockwise by as much.
    assert result.evidence["passport"]["rotation"] == degrees
    assert result.evidence["selfie"]["rotation"] == 0


def test_a_selfie_taken_sideways_is_matched():
    result = _match(images.hopper_passport(), images.turned(images.hopper_selfie(), 90))

    assert result.outcome == "passed"
    assert result.evidence["selfie"]["rotation"] == 90


def test_an_upright_confident_face_costs_one_detection(monkeypatch):
    calls = []
    original = face_match.find_faces
    monkeypatch.setattr(face_match, "find_faces", lambda pixels: calls.append(pixels.shape) or original(pixels))

    located = face_match.locate(_load(images.astronaut_selfie()))

    assert located.rotation == 0 and located.faces.subject.score >= face_match.CONFIDENT_FACE_SCORE
    assert len(calls) == 1


def test_weak_detections_are_not_faces():
    """The mission patch beside the astronaut scores 0.12: under the minimum, it is not counted as a face at all."""
    rectangles, scores, _ = face_match._detector().run(_load(images.astronaut_passport()).pixels, 1, 0.0)
    assert len(rectangles) == 2 and min(scores) < face_match.MIN_FACE_SCORE

    faces = face_match.find_faces(_load(images.astronaut_passport()).pixels)

    assert faces.subject.score >= face_match.MIN_FACE_SCORE
    assert faces.other_faces == ()


def test_a_whole_page_photographed_on_a_desk_keeps_the_portrait_sharp_enough_to_match():
    """12 megapixels, the page a third of the photo: reduced to 800 px the portrait is about 20 px wide."""
    desk = images.encode(images.on_desk(images.page("astronaut")), quality=90)

    result = _match(desk, images.astronaut_selfie())

    assert result.outcome == "passed", result.reasons
    assert result.evidence["passport"]["size"] == [4000, 3000]
    assert result.evidence["passport"]["eye_distance_px"] > 45


@pytest.mark.parametrize("person", ["astronaut", "hopper"])
def test_the_faded_ghost_portrait_is_never_chosen(person):
    """On the Grace Hopper page the detector is more confident of the ghost (1.35) than of the portrait (0.89)."""
    selfie = images.astronaut_selfie() if person == "astronaut" else images.hopper_selfie()

    result = _match(_page(person, ghost=True), selfie)

    assert result.outcome == "passed"
    assert result.evidence["passport"]["faded_faces_ignored"] == 1
    # The main portrait is 340 px wide on a 1,250 px page; the ghost 150.
    assert result.evidence["passport"]["eye_distance_px"] > 45


def test_a_photo_page_carrying_two_different_people_goes_to_a_person():
    result = _match(_page("astronaut", second="hopper"), images.astronaut_selfie())

    assert result.outcome == "referred"
    assert result.reasons == [f"passport.{Problem.TWO_PEOPLE}"]
    assert result.evidence["passport"]["other_face_distances"][0] > 0.6
    assert "two different people" in face_match.reason_text(result.reasons[0])


def test_a_selfie_with_46_px_between_the_eyes_is_good_enough():
    result = _match(images.astronaut_passport(), images.selfie_at_eye_distance(46))

    assert result.outcome == "passed"
    assert 44 < result.evidence["selfie"]["eye_distance_px"] < 50


def test_a_dark_photo_with_no_face_found_is_told_to_add_light():
    dark = images.encode(images.ImageEnhance.Brightness(images.page("astronaut")).enhance(0.12), quality=90)

    result = _match(dark, images.astronaut_selfie())

    assert f"passport.{Problem.TOO_DARK}" in result.reasons
    assert "more light" in face_match.reason_text(f"passport.{Problem.TOO_DARK}")
