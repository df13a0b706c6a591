"""The 1:N face gallery: every enrolled encoding in one float32 matrix, searched in memory.

Distance is Euclidean, as face_recognition's. With the squared norms of the rows
kept beside them, |row - probe|^2 = |row|^2 + |probe|^2 - 2 row.probe needs one
matrix-vector product per probe: about 25 ms over a million rows on this
project's machines, where face_recognition.face_distance takes about 480 ms
(bench/gallery_search.py, docs/BENCHMARKS.md).

Each worker process keeps its own copy, brought up to date from the database
before every search: new rows are loaded by id; when rows have been deleted (a
purge) the copy is rebuilt. docs/IDENTITY.md says how this grows past one machine.

That copy holds real applicants' faces only. A synthetic journey's faces are
searched only against its own cohort's (a few rows), read from the database each time.
"""

import threading
from dataclasses import dataclass

import numpy as np

DIMENSIONS = 128


@dataclass(frozen=True)
class Candidate:
    key: str
    distance: float


class Gallery:
    """Encodings with a key each (an application id). Not thread-safe by itself."""

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=object)
        self.matrix = np.empty((0, DIMENSIONS), dtype=np.float32)
        self.norms = np.empty(0, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, keys: list[str], encodings: np.ndarray) -> None:
        encodings = np.asarray(encodings, dtype=np.float32).reshape(-1, DIMENSIONS)
        self.keys = np.concatenate([self.keys, np.array(keys, dtype=object)])
        self.matrix = np.concatenate([self.matrix, encodings])
        self.norms = np.concatenate([self.norms, np.einsum("ij,ij->i", encodings, encodings)])

    def search(self, probe: np.ndarray, *, threshold: float, exclude: str | None = None, limit: int = 10) -> list[Candidate]:
        """The closest entries within `threshold` of the probe, nearest first, one per key."""
        if not len(self):
            return []
        probe = np.asarray(probe, dtype=np.float32)
        squared = self.norms + np.float32(probe @ probe) - 2 * (self.matrix @ probe)
        within = np.flatnonzero(squared <= threshold * threshold)
        nearest = within[np.argsort(squared[within])]
        found: dict[str, Candidate] = {}
        for index in nearest:
            key = self.keys[index]
            if key != exclude and key not in found:
                # Rounding can make a zero distance slightly negative.
                found[key] = Candidate(key, float(np.sqrt(max(squared[index], 0.0))))
                if len(found) == limit:
                    break
        return list(found.values())


def _rows_to_gallery(gallery: Gallery, rows: list[tuple[int, object, bytes]]) -> None:
    gallery.add(
        [str(application_id) for _, application_id, _ in rows],
        np.frombuffer(b"".join(bytes(encoding) for _, _, encoding in rows), dtype=np.float32),
    )


def cohort_gallery(cohort: str) -> Gallery:
    """The faces enrolled by one synthetic cohort."""
    from identity.models import FaceEnrolment

    gallery = Gallery()
    if rows := list(FaceEnrolment.objects.filter(cohort=cohort).order_by("id").values_list("id", "application_id", "encoding")):
        _rows_to_gallery(gallery, rows)
    return gallery


class EnrolledGallery:
    """This process's copy of the FaceEnrolment table's real faces, refreshed from the database."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._gallery = Gallery()
        self._last_id = 0

    def refreshed(self) -> Gallery:
        from identity.models import FaceEnrolment

        real = FaceEnrolment.objects.filter(cohort="")
        with self._lock:
            if real.filter(id__lte=self._last_id).count() != len(self._gallery):
                # Rows were deleted since the copy was made: start again.
                self._gallery, self._last_id = Gallery(), 0
            rows = list(real.filter(id__gt=self._last_id).order_by("id").values_list("id", "application_id", "encoding"))
            if rows:
                _rows_to_gallery(self._gallery, rows)
                self._last_id = rows[-1][0]
            return self._gallery


enrolled_gallery = EnrolledGallery()
