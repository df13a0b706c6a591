from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from casework.constants import Role

DEMO_PASSWORD = "demo-password-2026"
DEMO_USERS = [
    ("applicant@example.com", "Applicant", None),
    ("caseworker@example.com", "Caseworker", Role.CASEWORKER),
    ("senior@example.com", "Senior caseworker", Role.SENIOR_CASEWORKER),
    ("teamleader@example.com", "Team leader", Role.TEAM_LEADER),
    ("auditor@example.com", "Auditor", Role.AUDITOR),
]


class Command(BaseCommand):
    help = "Create (or reset) the demo accounts and print their credentials. Development only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts have a published password: they are only created with DEBUG on.")
        for email, role_label, group_name in DEMO_USERS:
            user, _ = User.objects.get_or_create(email=email)
            user.set_password(DEMO_PASSWORD)
            user.email_confirmed_at = user.email_confirmed_at or timezone.now()
            user.save()
            if group_name:
                user.groups.set([Group.objects.get(name=group_name)])
            self.stdout.write(f"  {role_label:<18} {email:<24} password: {DEMO_PASSWORD}")
