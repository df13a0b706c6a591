from django.db import InterfaceError, OperationalError


class StorageUnavailable(Exception):
    """The photos could not be read for a reason that may pass (the volume, not the file)."""


# Errors worth trying again later: the database or the storage was unavailable.
# Bad images are never among them: they are outcomes of the check.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, StorageUnavailable)
