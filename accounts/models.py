from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone


class EmailUserManager(UserManager):
    """Users sign in with their email address; there is no separate username."""

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField("email address", unique=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Set only for the accounts of synthetic journeys (synthetic/access.py): the
    # journey's cohort, which keeps its records apart from real ones.
    synthetic_cohort = models.CharField(max_length=64, blank=True, default="", db_index=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    def __str__(self) -> str:
        return self.email


class Attempt(models.Model):
    """One throttled action (a registration, a password reset request, a lockout) by one subject.

    The subject (an email address or a client address) is kept as a keyed hash:
    enough to count, not to read back (accounts.throttle).
    """

    action = models.CharField(max_length=32)
    subject_hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["action", "subject_hash", "at"])]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M:%S}"
