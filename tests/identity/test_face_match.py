import pytest

from identity import face_match
from identity.face_match import Reason
from tests import images

THRESHOLD = 0.6


def _load(data: bytes):
    return face_match.load_image(data, max_side=800)


def test_same_person_matches_across_crop_rotation_and_lighting():
    result = face_match.match(_load(images.astronaut_passport()), _load(images.astronaut_selfie()), threshold=THRESHOLD)

    assert result.passed
    assert result.distance < 0.35
    assert result.reasons == []
    assert result.evidence["passport"]["detections"] == 2
    assert result.evidence["timings_ms"]["encode_compare"] >= 0


def test_different_people_do_not_match():
    result = face_match.match(_load(images.astronaut_passport()), _load(images.hopper_selfie()), threshold=THRESHOLD)

    assert not result.passed
    assert result.distance > THRESHOLD
    assert result.reasons == [Reason.NO_MATCH]


def test_passport_portrait_is_the_most_confident_detection_not_the_badge_beside_it():
    faces = face_match.find_faces(_load(images.astronaut_passport()))

    assert faces.detections == 2
    assert faces.others == 0
    # The astronaut's face is in the upper part of the picture; the patch is lower down.
    assert faces.subject.top < 150 and faces.subject.left > 150


def test_no_face_in_selfie_is_an_outcome_with_a_reason():
    result = face_match.match(_load(images.astronaut_passport()), _load(images.no_face()), threshold=THRESHOLD)

    assert not result.passed
    assert result.distance is None
    assert result.reasons == [Reason.NO_FACE_SELFIE]


def test_no_face_on_passport_is_reported():
    result = face_match.match(_load(images.no_face()), _load(images.astronaut_selfie()), threshold=THRESHOLD)

    assert result.reasons == [Reason.NO_FACE_PASSPORT]


def test_two_faces_in_selfie_is_refused():
    result = face_match.match(_load(images.astronaut_passport()), _load(images.two_faces()), threshold=THRESHOLD)

    assert not result.passed
    assert result.reasons == [Reason.MULTIPLE_FACES_SELFIE]


@pytest.mark.parametrize("max_side", [200, 400])
def test_images_are_scaled_down_before_detection(max_side):
    pixels = face_match.load_image(images.hopper_passport(), max_side=max_side)

    assert max(pixels.shape[:2]) == max_side


def test_loading_the_matcher_leaves_truncated_images_refused():
    from PIL import ImageFile

    face_match.face_recognition_module()

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
