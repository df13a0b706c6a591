"""The 1:N face gallery: enrolled encodings searched by one matrix-vector product.

Distance is Euclidean, as face_recognition's. With the squared norms of the rows
kept beside them, |row - probe|^2 = |row|^2 + |probe|^2 - 2 row.probe needs one
matrix-vector product per probe (bench/gallery_search.py, docs/BENCHMARKS.md).

The real applicants' gallery lives in three parts:

- a snapshot on disk (float32 matrix, norms, enrolment ids, application ids),
  written now and then by `snapshot_write` and memory-mapped read-only by every
  worker process: the operating system keeps one copy in its page cache for all
  of them, so the gallery's memory is paid once per machine, and a process that
  starts opens it in milliseconds instead of reading every row;
- the enrolments made since the snapshot, read by id after a cursor;
- the removals since the snapshot (FaceEnrolmentRemoval, also by id after a
  cursor): their rows are skipped at search time, so a purge costs one small
  query, not a reload.

A search of the snapshot reads half of its bytes, not all of them, and is still
exact: the snapshot also keeps each row's first HEAD coordinates in a rotated basis
(the directions in which the enrolled faces vary most, so that the rest carries
little), and the norm of the rest. By Cauchy-Schwarz, those give a lower bound of a
row's distance to the probe; only the rows whose bound is within the threshold (a few,
among faces of other people) are measured in full. Scanning the whole matrix cost
more time in memory bandwidth than anything else a check does (docs/BENCHMARKS.md).

A refresh is two indexed range queries, never a COUNT or a scan of the table.
Enrolments and removals are written under one lock (identity.duplicates), so
their ids become visible in order and a cursor never skips a row.

A synthetic journey's faces are searched only against its own cohort's (a few
rows), read from the database each time.
"""

import fcntl
import json
import os
import shutil
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DIMENSIONS = 128
# Rotated coordinates scanned for the lower bound; the full rows are read only for rows that pass it.
# With the bound's two other terms a row is 64 floats: a matrix-vector product over 64 columns ran
# 35% faster here than over 66 (measured with OpenBLAS on this project's machine).
HEAD = 62
# Float32 rounding in the bound (squared distance): a row this close to the threshold is measured in full.
_BOUND_SLACK = 1e-3
# Snapshots older than the newest are deleted once this many exist (a process
# still mapping a deleted one keeps reading it until it moves to the newest).
_SNAPSHOTS_KEPT = 2


@dataclass(frozen=True)
class Candidate:
    key: str
    distance: float


def _nearest(squared: np.ndarray, threshold: float) -> np.ndarray:
    within = np.flatnonzero(squared <= threshold * threshold)
    return within[np.argsort(squared[within], kind="stable")]


def _squared(matrix: np.ndarray, norms: np.ndarray, probe: np.ndarray) -> np.ndarray:
    return norms + np.float32(probe @ probe) - 2 * (matrix @ probe)


def _distance(squared: float) -> float:
    # Rounding can make a zero distance slightly negative.
    return float(np.sqrt(max(squared, 0.0)))


def _merge(found: list[tuple[float, str]], *, exclude: str | None, limit: int) -> list[Candidate]:
    best: dict[str, Candidate] = {}
    for squared, key in sorted(found, key=lambda pair: pair[0]):
        if key != exclude and key not in best:
            best[key] = Candidate(key, _distance(squared))
            if len(best) == limit:
                break
    return list(best.values())


class Gallery:
    """Encodings with a key each (an application id), in memory. Not thread-safe by itself."""

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=object)
        self.ids = np.empty(0, dtype=np.int64)
        self.matrix = np.empty((0, DIMENSIONS), dtype=np.float32)
        self.norms = np.empty(0, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, keys: list[str], encodings: np.ndarray, ids: list[int] | None = None) -> None:
        encodings = np.asarray(encodings, dtype=np.float32).reshape(-1, DIMENSIONS)
        self.keys = np.concatenate([self.keys, np.array(keys, dtype=object)])
        self.ids = np.concatenate([self.ids, np.asarray(ids if ids is not None else [0] * len(keys), dtype=np.int64)])
        self.matrix = np.concatenate([self.matrix, encodings])
        self.norms = np.concatenate([self.norms, np.einsum("ij,ij->i", encodings, encodings)])

    def matches(self, probe: np.ndarray, threshold: float, removed: set[int] = frozenset()) -> list[tuple[float, str]]:
        if not len(self):
            return []
        squared = _squared(self.matrix, self.norms, probe)
        return [(float(squared[i]), self.keys[i]) for i in _nearest(squared, threshold) if int(self.ids[i]) not in removed]

    def search(self, probe: np.ndarray, *, threshold: float, exclude: str | None = None, limit: int = 10) -> list[Candidate]:
        """The closest entries within `threshold` of the probe, nearest first, one per key."""
        return _merge(self.matches(np.asarray(probe, dtype=np.float32), threshold), exclude=exclude, limit=limit)


def _rows(queryset) -> tuple[list[int], list[str], np.ndarray]:
    rows = list(queryset.order_by("id").values_list("id", "application_id", "encoding"))
    encodings = np.frombuffer(b"".join(bytes(encoding) for _, _, encoding in rows), dtype=np.float32).reshape(-1, DIMENSIONS)
    return [row[0] for row in rows], [str(row[1]) for row in rows], encodings


def cohort_gallery(cohort: str) -> Gallery:
    """The faces enrolled by one synthetic cohort."""
    from identity.models import FaceEnrolment

    gallery = Gallery()
    ids, keys, encodings = _rows(FaceEnrolment.objects.filter(cohort=cohort))
    if ids:
        gallery.add(keys, encodings, ids)
    return gallery


@dataclass
class Snapshot:
    """A gallery written to disk, memory-mapped: identical in every process that opens it."""

    path: Path | None
    matrix: np.ndarray
    norms: np.ndarray
    ids: np.ndarray
    keys: np.ndarray  # application ids, 16 bytes each
    last_enrolment: int
    last_removal: int
    # The pre-filter (None in a snapshot written before it): DIMENSIONS x HEAD orthonormal columns, and
    # for each row its first HEAD coordinates in that basis, the norm of the rest, and -|row|^2 / 2.
    rotation: np.ndarray | None = None
    bound_terms: np.ndarray | None = None

    @classmethod
    def empty(cls) -> "Snapshot":
        return cls(
            None, np.empty((0, DIMENSIONS), np.float32), np.empty(0, np.float32), np.empty(0, np.int64),
            np.empty((0, 16), np.uint8), 0, 0,
        )

    @classmethod
    def open(cls, path: Path) -> "Snapshot":
        manifest = json.loads((path / "manifest.json").read_text())

        def mapped(name: str) -> np.ndarray:
            return np.load(path / f"{name}.npy", mmap_mode="r")

        bound = [mapped(name) for name in ("rotation", "bound_terms")] if (path / "bound_terms.npy").exists() else [None] * 2
        return cls(
            path, mapped("matrix"), mapped("norms"), mapped("ids"), mapped("keys"),
            manifest["last_enrolment"], manifest["last_removal"], *bound,
        )

    def __len__(self) -> int:
        return len(self.ids)

    def matches(self, probe: np.ndarray, threshold: float, removed: set[int]) -> list[tuple[float, str]]:
        if not len(self):
            return []
        if self.bound_terms is None:
            rows = np.arange(len(self))
            squared = _squared(self.matrix, self.norms, probe)
        else:
            rows = self._possible(probe, threshold)
            squared = _squared(self.matrix[rows], self.norms[rows], probe)
        return [
            (float(squared[i]), str(uuid.UUID(bytes=self.keys[rows[i]].tobytes())))
            for i in _nearest(squared, threshold)
            if int(self.ids[rows[i]]) not in removed
        ]

    def _possible(self, probe: np.ndarray, threshold: float) -> np.ndarray:
        """The rows that may be within `threshold`: every one that is, and the few others whose bound says maybe.

        |row - probe|^2 = |row|^2 + |probe|^2 - 2 (row_head . probe_head + row_tail . probe_tail), and
        row_tail . probe_tail <= |row_tail| |probe_tail|, so the bound is never above the distance. The
        bound's terms are columns of `bound_terms` (head, |row_tail|, -|row|^2 / 2), so one matrix-vector
        product gives, for each row, (|probe|^2 - bound) / 2.
        """
        probe_head = probe @ self.rotation
        probe_squared = float(probe @ probe)
        probe_tail = np.sqrt(max(probe_squared - float(probe_head @ probe_head), 0.0))
        weights = np.concatenate([probe_head, np.array([probe_tail, 1.0], dtype=np.float32)])
        score = self.bound_terms @ weights
        return np.flatnonzero(score >= (probe_squared - threshold * threshold - _BOUND_SLACK) / 2)


def _current(directory: Path) -> Path | None:
    link = directory / "current"
    return directory / os.readlink(link) if link.is_symlink() else None


class EnrolledGallery:
    """This process's view of the real faces' gallery: the shared snapshot, plus what changed since."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._added = Gallery()
        self._removed: set[int] = set()
        self._last_enrolment = 0
        self._last_removal = 0

    @property
    def directory(self) -> Path:
        from django.conf import settings

        return Path(self._directory or settings.GALLERY_SNAPSHOT_DIR)

    def __len__(self) -> int:
        return len(self._snapshot or ()) + len(self._added) - len(self._removed)

    def _open_newest(self) -> None:
        path = _current(self.directory)
        if self._snapshot is not None and path == self._snapshot.path:
            return
        self._snapshot = Snapshot.open(path) if path else Snapshot.empty()
        # Everything before the snapshot's cursors is in it; what came after is read again.
        self._added, self._removed = Gallery(), set()
        self._last_enrolment, self._last_removal = self._snapshot.last_enrolment, self._snapshot.last_removal

    def refreshed(self) -> "EnrolledGallery":
        """Brought up to date: a newer snapshot if one was written, then the rows and removals since."""
        from identity.models import FaceEnrolment, FaceEnrolmentRemoval

        with self._lock:
            self._open_newest()
            ids, keys, encodings = _rows(FaceEnrolment.objects.filter(cohort="", id__gt=self._last_enrolment))
            if ids:
                self._added.add(keys, encodings, ids)
                self._last_enrolment = ids[-1]
            removals = list(
                FaceEnrolmentRemoval.objects.filter(id__gt=self._last_removal).order_by("id").values_list("id", "enrolment_id")
            )
            if removals:
                self._removed.update(enrolment for _, enrolment in removals)
                self._last_removal = removals[-1][0]
            return self

    def search(self, probe: np.ndarray, *, threshold: float, exclude: str | None = None, limit: int = 10) -> list[Candidate]:
        probe = np.asarray(probe, dtype=np.float32)
        with self._lock:
            found = (self._snapshot or Snapshot.empty()).matches(probe, threshold, self._removed)
            found += self._added.matches(probe, threshold, self._removed)
        return _merge(found, exclude=exclude, limit=limit)


def snapshot_write(directory: Path | None = None) -> Path:
    """Write a new snapshot of the real faces' gallery: the newest one plus what changed since.

    Written beside the others and switched to by renaming a symbolic link, so a
    process never maps a half-written file. One writer at a time (a file lock).
    """
    from django.conf import settings

    from identity.models import FaceEnrolment, FaceEnrolmentRemoval

    directory = Path(directory or settings.GALLERY_SNAPSHOT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "write.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = _current(directory)
        base = Snapshot.open(current) if current else Snapshot.empty()
        ids, keys, encodings = _rows(FaceEnrolment.objects.filter(cohort="", id__gt=base.last_enrolment))
        # Read after the rows: a removal committed meanwhile is applied, never lost.
        removals = list(FaceEnrolmentRemoval.objects.filter(id__gt=base.last_removal).order_by("id").values_list("id", "enrolment_id"))
        removed = np.array([enrolment for _, enrolment in removals], dtype=np.int64)
        keep = ~np.isin(base.ids, removed)
        new_ids = np.asarray(ids, dtype=np.int64)
        fresh = ~np.isin(new_ids, removed)
        name = f"{(ids[-1] if ids else base.last_enrolment):012d}-{(removals[-1][0] if removals else base.last_removal):012d}"
        if current and current.name == name:
            return current
        staging = directory / f".{name}.{os.getpid()}"
        staging.mkdir()
        matrix = np.concatenate([base.matrix[keep], encodings[fresh]])
        norms = np.concatenate([base.norms[keep], np.einsum("ij,ij->i", encodings[fresh], encodings[fresh])])
        rotation, bound_terms = bound_arrays(matrix, norms)
        arrays = {
            "matrix": matrix,
            "norms": norms,
            "rotation": rotation,
            "bound_terms": bound_terms,
            "ids": np.concatenate([base.ids[keep], new_ids[fresh]]),
            "keys": np.concatenate([
                base.keys[keep],
                np.frombuffer(b"".join(uuid.UUID(key).bytes for key, ok in zip(keys, fresh) if ok), dtype=np.uint8).reshape(-1, 16),
            ]),
        }
        for array_name, array in arrays.items():
            np.save(staging / f"{array_name}.npy", np.ascontiguousarray(array))
        manifest = {
            "last_enrolment": int(ids[-1]) if ids else base.last_enrolment,
            "last_removal": int(removals[-1][0]) if removals else base.last_removal,
            "rows": len(matrix),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest))
        os.rename(staging, directory / name)
        link = directory / f".current.{os.getpid()}"
        link.unlink(missing_ok=True)
        link.symlink_to(name)
        os.replace(link, directory / "current")
        snapshots = sorted(path for path in directory.iterdir() if path.is_dir() and not path.name.startswith("."))
        for old in snapshots[:-_SNAPSHOTS_KEPT]:
            shutil.rmtree(old, ignore_errors=True)
        return directory / name


def bound_arrays(matrix: np.ndarray, norms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The snapshot's pre-filter: the rotation, and each row's bound terms (Snapshot._possible)."""
    rotation = _rotation(matrix)
    head = matrix @ rotation
    tail_norms = np.sqrt(np.maximum(norms - np.einsum("ij,ij->i", head, head), 0))
    return rotation, np.column_stack([head, tail_norms, -norms / 2]).astype(np.float32)


def _rotation(matrix: np.ndarray, sample: int = 100_000) -> np.ndarray:
    """The HEAD orthonormal directions that carry most of the rows' squared length (their second moment's
    leading eigenvectors), from a sample of the rows: any orthonormal basis keeps the bound exact; this one
    makes it tight, so that few rows need measuring in full."""
    if not len(matrix):
        return np.eye(DIMENSIONS, HEAD, dtype=np.float32)
    rows = matrix[np.random.default_rng(0).choice(len(matrix), min(sample, len(matrix)), replace=False)].astype(np.float64)
    _, vectors = np.linalg.eigh(rows.T @ rows)
    return np.ascontiguousarray(vectors[:, ::-1][:, :HEAD], dtype=np.float32)


enrolled_gallery = EnrolledGallery()


def gallery_for(cohort: str) -> Gallery:
    """The faces an application's face is searched against: real ones, or its own synthetic cohort's."""
    return cohort_gallery(cohort) if cohort else enrolled_gallery.refreshed()
