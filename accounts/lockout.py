from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Lock out an account after AXES_FAILURE_LIMIT failures, and an address after
    AXES_ADDRESS_FAILURE_LIMIT (one address may be a whole office or a mobile network).

    Axes compares one failure count with one limit. The count is the larger of the
    account's failures and the address's failures scaled so that they reach the
    limit exactly when the address reaches its own.
    """

    def get_failures(self, request, credentials=None) -> int:
        # One queryset per AXES_LOCKOUT_PARAMETERS entry: ["username", "ip_address"].
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return max(by_account, by_address * settings.AXES_FAILURE_LIMIT // settings.AXES_ADDRESS_FAILURE_LIMIT)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """On a successful sign-in, forget the account's failures, not the address's:
        otherwise someone guessing other accounts could clear their count by signing in to their own.
        """
        deleted, _ = AccessAttempt.objects.filter(username=get_client_username(request, credentials)).delete()
        return deleted
