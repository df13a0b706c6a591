"""Removing synthetic journeys' records."""

from django.db import transaction

from accounts.models import User
from applications.models import Application, Document
from casework.models import ImmigrationStatus
from identity.models import IdentityCheck
from outbox.models import Email
from payments.models import FakeProviderPayment, Payment
from synthetic.models import SyntheticEmail


def synthetic_records_delete() -> dict[str, int]:
    """Delete every synthetic account with its applications, their records and files, and its kept email.

    Only rows tagged with a synthetic cohort are touched. Returns how many of each were deleted.
    """
    with transaction.atomic():
        users = User.objects.exclude(synthetic_cohort="")
        applications = Application.objects.filter(applicant__in=users)
        files = [name for name in Document.objects.filter(application__in=applications).values_list("file", flat=True) if name]
        counts = {
            "statuses": _delete(ImmigrationStatus.objects.filter(application__in=applications)),
            # Payments are kept with their applications (PROTECT); the fake provider's side goes with them.
            "fake_payments": _delete(FakeProviderPayment.objects.filter(
                id__in=Payment.objects.filter(application__in=applications).values("provider_id"))),
            "payments": _delete(Payment.objects.filter(application__in=applications)),
            # Checks hold their photos (PROTECT), so they go before the applications' documents.
            "identity_checks": _delete(IdentityCheck.objects.filter(application__in=applications)),
            "applications": _delete(applications),
            "emails": _delete(SyntheticEmail.objects.filter(to__in=users.values("email"))),
            "outbox_emails": _delete(Email.objects.filter(to__in=users.values("email"))),
            "accounts": _delete(users),
            "files": len(files),
        }
        storage = Document._meta.get_field("file").storage
        # The rows say the files are gone only once that is committed; then they go.
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    return counts


def _delete(queryset) -> int:
    """Delete; how many rows of the queryset's own model went (not those removed with them)."""
    return queryset.delete()[1].get(queryset.model._meta.label, 0)
