import numpy as np

from applications.services import application_submit
from identity.gallery import EnrolledGallery, Gallery
from identity.models import FaceEnrolment
from applications.identity_checks import application_identity_check_run
from tests.factories import draft_application


def _gallery(rows: int, seed: int = 0) -> tuple[Gallery, np.ndarray]:
    vectors = np.random.default_rng(seed).normal(size=(rows, 128)).astype(np.float32)
    gallery = Gallery()
    gallery.add([f"key-{i}" for i in range(rows)], vectors)
    return gallery, vectors


def test_search_finds_the_rows_within_the_threshold_nearest_first_as_face_distance_would():
    gallery, vectors = _gallery(2_000)
    probe = vectors[7] + np.float32(0.01)
    distances = np.linalg.norm(vectors - probe, axis=1)
    threshold = float(np.sort(distances)[4]) + 1e-4

    found = gallery.search(probe, threshold=threshold)

    expected = np.argsort(distances)[:5]
    assert [candidate.key for candidate in found] == [f"key-{i}" for i in expected]
    assert np.allclose([candidate.distance for candidate in found], distances[expected], atol=1e-3)


def test_search_excludes_a_key_keeps_one_entry_per_key_and_respects_the_limit():
    gallery, vectors = _gallery(100)
    gallery.add(["key-3"], vectors[3:4] + 0.001)

    assert [c.key for c in gallery.search(vectors[3], threshold=0.1)] == ["key-3"]
    assert gallery.search(vectors[3], threshold=0.1, exclude="key-3") == []
    assert len(gallery.search(vectors[3], threshold=100, limit=4)) == 4


def test_an_empty_gallery_finds_nothing():
    assert Gallery().search(np.zeros(128), threshold=1) == []


def test_the_process_copy_follows_enrolments_and_deletions(applicant, second_applicant):
    copy = EnrolledGallery()
    for person in (applicant, second_applicant):
        application = application_submit(application=draft_application(person), actor=person)
        application_identity_check_run(application_id=application.id, task_id=str(person.id))
    assert len(copy.refreshed()) == 2

    FaceEnrolment.objects.filter(application__applicant=applicant).delete()

    gallery = copy.refreshed()
    assert len(gallery) == 1
    assert list(gallery.keys) == [str(FaceEnrolment.objects.get().application_id)]
