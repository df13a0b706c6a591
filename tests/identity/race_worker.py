"""A Celery worker whose duplicate searches meet at a barrier, for tests/identity/test_duplicate_race.py.

Every check waits at the gallery lock until the other worker's check has reached
it too (a barrier of files in RACE_BARRIER_DIR), so both search at the same
moment; after searching, each holds the window open for half a second before
enrolling. Without the lock both would search before either enrolled.
"""

import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from identity import duplicates, gallery  # noqa: E402

_arrivals = 0


def _barrier() -> None:
    global _arrivals
    _arrivals += 1
    directory = Path(os.environ["RACE_BARRIER_DIR"])
    (directory / f"round-{_arrivals}-{os.getpid()}").touch()
    # On SQLite the other check cannot get here while this one's transaction holds
    # the database's write lock: after a while, carry on without it.
    deadline = time.monotonic() + 5
    while len(list(directory.glob(f"round-{_arrivals}-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)


_lock = duplicates.gallery_lock


def _lock_after_barrier(cohort: str = "") -> None:
    _barrier()
    _lock(cohort)


_search = gallery.EnrolledGallery.search


def _slow_search(self, *args, **kwargs):
    found = _search(self, *args, **kwargs)
    time.sleep(0.5)
    return found


duplicates.gallery_lock = _lock_after_barrier
gallery.EnrolledGallery.search = _slow_search

from config.celery import app  # noqa: E402

if __name__ == "__main__":
    app.worker_main(["worker", *sys.argv[1:]])
