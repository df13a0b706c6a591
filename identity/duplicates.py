"""The 1:N duplicate search and enrolment, serialised so that two applicants with one face are always flagged.

Without a lock, two checks finishing at the same moment each search the
enrolments committed so far, then each insert their own: under READ COMMITTED
neither sees the other, and both pass unflagged. Here the search and the insert
of one gallery (the real faces, or one synthetic cohort) happen under one lock
held to the end of the transaction, so whichever check comes second searches
after the first has committed its enrolment, and finds it.

PostgreSQL: a transaction-level advisory lock, released at commit or rollback.
SQLite has one writer at a time, and this project's transactions take the write
lock when they start (IMMEDIATE, config/settings.py): nobody else can enrol
until the check's transaction commits.
"""

import zlib

import numpy as np
from django.db import connection, transaction

from identity import gallery
from identity.models import DuplicateCandidate, FaceEnrolment, FaceEnrolmentRemoval, IdentityCheck

# First half of the advisory lock's key: this module's locks, whatever else takes advisory locks.
_LOCK_NAMESPACE = 1_300_013


def gallery_lock(cohort: str = "") -> None:
    """Hold the gallery's lock until the surrounding transaction ends."""
    if not connection.in_atomic_block:
        raise RuntimeError("The gallery lock is held to the end of a transaction: take it inside one.")
    if connection.vendor == "postgresql":
        key = zlib.crc32(cohort.encode()) - 2**31  # a signed 32-bit integer, the same in every process
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, key])


def duplicates_search_and_enrol(*, check: IdentityCheck, encoding: np.ndarray, cohort: str, enrol: bool) -> list[DuplicateCandidate]:
    """Flag every application whose enrolled face is this close to the selfie, on both sides; enrol it if asked.

    Each potential duplicate is recorded on both applications (each with the check
    that enrolled its face), so both cases show it and neither can be granted
    until a caseworker has resolved it.
    """
    from django.conf import settings

    encoding = np.asarray(encoding, dtype=np.float32)
    with transaction.atomic():
        gallery_lock(cohort)
        source = gallery.cohort_gallery(cohort) if cohort else gallery.enrolled_gallery.refreshed()
        found = source.search(encoding, threshold=settings.DUPLICATE_MATCH_THRESHOLD, exclude=str(check.application_id))
        # A process's copy can still hold a row whose application has been deleted
        # since (a cascade writes no removal): only enrolments that exist are flagged.
        enrolled = {
            str(application_id): check_id
            for application_id, check_id in FaceEnrolment.objects.filter(
                application_id__in=[candidate.key for candidate in found]
            ).values_list("application_id", "identity_check_id")
        }
        rows = []
        for candidate in found:
            if candidate.key in enrolled:
                rows.append(DuplicateCandidate(
                    identity_check=check, application_id=check.application_id, candidate_id=candidate.key, distance=candidate.distance,
                ))
                rows.append(DuplicateCandidate(
                    identity_check_id=enrolled[candidate.key], application_id=candidate.key,
                    candidate_id=check.application_id, distance=candidate.distance,
                ))
        DuplicateCandidate.objects.bulk_create(rows, ignore_conflicts=True)
        if enrol:
            # Replaced, not updated: the old row's removal is logged, so every process's copy drops it.
            gallery_remove(FaceEnrolment.objects.filter(application_id=check.application_id), locked=True)
            FaceEnrolment.objects.create(
                application_id=check.application_id, identity_check=check, encoding=encoding.tobytes(), cohort=cohort
            )
    return [row for row in rows if row.identity_check_id == check.id]


def gallery_remove(enrolments, *, locked: bool = False) -> int:
    """Delete enrolments and log their removal, so that processes' copies of the gallery skip them without a reload."""
    with transaction.atomic():
        rows = list(enrolments.values_list("id", "cohort"))
        real = [enrolment_id for enrolment_id, cohort in rows if not cohort]
        if real and not locked:
            gallery_lock()
        # Only the real gallery is copied into processes; a cohort's is read afresh each time.
        FaceEnrolmentRemoval.objects.bulk_create([FaceEnrolmentRemoval(enrolment_id=enrolment_id) for enrolment_id in real])
        FaceEnrolment.objects.filter(id__in=[enrolment_id for enrolment_id, _ in rows]).delete()
    return len(rows)
