import uuid

import numpy as np
import pytest

from applications.services import application_submit
from applications.identity_checks import application_identity_check_run
from identity import duplicates
from identity.gallery import EnrolledGallery, Gallery, Snapshot, bound_arrays, snapshot_write
from identity.models import FaceEnrolment, FaceEnrolmentRemoval
from tests import images
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


def _checked(person, **photos):
    application = application_submit(application=draft_application(person, **photos), actor=person)
    application_identity_check_run(application_id=application.id, task_id=str(person.id))
    return application


def _probe(application) -> np.ndarray:
    return np.frombuffer(bytes(FaceEnrolment.objects.get(application=application).encoding), dtype=np.float32)


def test_the_process_copy_follows_enrolments_and_removals_without_a_reload(applicant, second_applicant, django_assert_max_num_queries):
    copy = EnrolledGallery()
    first = _checked(applicant)
    second = _checked(second_applicant, passport=images.hopper_passport(), selfie=images.hopper_selfie())
    assert len(copy.refreshed()) == 2

    duplicates.gallery_remove(FaceEnrolment.objects.filter(application=first))

    # Two range queries by id: no COUNT, no reading of rows already held.
    with django_assert_max_num_queries(2):
        gallery = copy.refreshed()
    assert len(gallery) == 1
    assert gallery.search(_probe(second), threshold=0.1)[0].key == str(second.id)
    assert FaceEnrolmentRemoval.objects.count() == 1


def test_a_snapshot_is_shared_memory_mapped_and_what_came_after_it_is_read_from_the_database(applicant, second_applicant, settings):
    first = _checked(applicant)
    first_probe = _probe(first)
    path = snapshot_write()
    second = _checked(second_applicant, passport=images.hopper_passport(), selfie=images.hopper_selfie())
    duplicates.gallery_remove(FaceEnrolment.objects.filter(application=first))

    fresh = EnrolledGallery().refreshed()

    assert fresh._snapshot.path == path and isinstance(fresh._snapshot.matrix, np.memmap)
    assert len(fresh._snapshot) == 1 and len(fresh) == 1
    assert fresh.search(first_probe, threshold=0.1) == []
    assert fresh.search(_probe(second), threshold=0.1)[0].key == str(second.id)

    # The next snapshot leaves the removed face out; a process moves to it at its next refresh.
    newer = snapshot_write()
    assert newer != path
    assert fresh.refreshed()._snapshot.path == newer
    assert len(fresh._snapshot) == 1 and fresh._removed == set()
    assert fresh.search(_probe(second), threshold=0.1)[0].key == str(second.id)
    assert fresh.search(first_probe, threshold=0.1) == []


def _snapshot(matrix: np.ndarray, *, bound: bool) -> Snapshot:
    norms = np.einsum("ij,ij->i", matrix, matrix)
    keys = np.frombuffer(b"".join(uuid.UUID(int=i).bytes for i in range(len(matrix))), dtype=np.uint8).reshape(-1, 16)
    rotation, terms = bound_arrays(matrix, norms) if bound else (None, None)
    return Snapshot(None, matrix, norms, np.arange(len(matrix), dtype=np.int64), keys, 0, 0, rotation, terms)


@pytest.mark.parametrize("kind", ["like the benchmark (centred)", "like face encodings (off-centre)"])
def test_the_snapshots_pre_filter_finds_exactly_what_a_full_scan_finds(kind):
    rng = np.random.default_rng(7)
    matrix = (rng.normal(size=(20_000, 128)) / 16).astype(np.float32)
    if kind.startswith("like face"):
        matrix += rng.normal(size=128).astype(np.float32) / 8
    probes = []
    for row, distance in enumerate([0.05, 0.2, 0.35, 0.45, 0.499, 0.501, 0.55, 0.7]):
        # Rows moved exactly `distance` away, around the threshold, plus rows at random.
        direction = rng.normal(size=128).astype(np.float32)
        probes.append(matrix[row * 100] + direction / np.linalg.norm(direction) * np.float32(distance))
    probes += list(matrix[rng.integers(0, len(matrix), 20)] + rng.normal(scale=0.05, size=(20, 128)).astype(np.float32))
    full, filtered = _snapshot(matrix, bound=False), _snapshot(matrix, bound=True)

    for probe in probes:
        found, expected = filtered.matches(probe, 0.5, set()), full.matches(probe, 0.5, set())
        assert [key for _, key in found] == [key for _, key in expected]
        assert np.allclose([squared for squared, _ in found], [squared for squared, _ in expected], atol=1e-5)
    assert any(filtered.matches(probe, 0.5, set()) for probe in probes)
    # It measures only a few rows in full for a probe that has no duplicate.
    assert len(filtered._possible(probes[-1], 0.5)) < len(matrix) / 100
