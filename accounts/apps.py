from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from axes.signals import user_locked_out

        # django-axes reports lockouts only through this signal.
        user_locked_out.connect(_locked_out, dispatch_uid="accounts.staff_lockout")


def _locked_out(sender, request, username, ip_address, **kwargs):
    from accounts.lockout_alerts import staff_lockout_record

    if username:
        staff_lockout_record(email=username)
