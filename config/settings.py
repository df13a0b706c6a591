"""One settings module for every environment.

With no environment variables it runs a development service on embedded components:
SQLite and kombu's filesystem broker under var/. The variables listed in README.md
switch to PostgreSQL, Redis and production settings; the code path is the same.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_float, env_int, env_list, env_str, install_secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
# Development gets a fixed key so that `make run` needs no configuration; anything
# with DEBUG off must bring its own.
SECRET_KEY = env_str("SECRET_KEY", "development-only-key-never-used-with-debug-off" if DEBUG else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "axes",
    "outbox",
    "csp",
    "accounts",
    "applications",
    "identity",
    "casework",
    "payments",
    "automation",
    "synthetic",
    "django_prometheus",
    "audit",
    "management_information",
    "oauth2_provider",
    "api",
]

MIDDLEWARE = [
    # Times each request from here to PrometheusAfterMiddleware, labelled by view (/metrics).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Health checks are answered here, before host validation and the HTTPS redirect.
    "config.operations.OperationsMiddleware",
    # Then the security headers, so that every other response has them: static files,
    # error pages and the refusal of an oversized request included.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.headers.PermissionsPolicyMiddleware",
    "config.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sets request.synthetic_cohort: "" for everything but keyed synthetic journeys.
    "synthetic.access.SyntheticCohortMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes must come last: it turns a lockout raised during sign-in into its page.
    "axes.middleware.AxesMiddleware",
    # Finishes the log row of each status-API call; the API's error shape for 405.
    "api.middleware.ApiMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.session_timeout",
                "config.context_processors.feedback",
            ],
        },
    },
]

# Widgets render with the project's templates (the GOV.UK date input).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
# Production must name its database and broker: falling back to SQLite and the
# filesystem broker on a shared volume would look like it works and lose data.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}" if DEBUG else None),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write to one file: WAL lets readers carry on
    # during a write, IMMEDIATE takes the write lock when a transaction starts
    # (so a busy database waits rather than failing half-way), and the timeout
    # is how long to wait for it. Tests use a file too, so a worker thread sees it.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so that a locked-out account or address is refused before
    # the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-axes: repeated failed sign-ins lock out the account and, separately, the
# address they came from (accounts/lockout.py).
AXES_HANDLER = "accounts.lockout.AccountAndAddressHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Team leaders are emailed when a staff account is locked this many times within the
# window (accounts/lockout_alerts.py).
STAFF_LOCKOUT_ALERT_AFTER = env_int("STAFF_LOCKOUT_ALERT_AFTER", 3)
STAFF_LOCKOUT_ALERT_WINDOW = 24 * 60 * 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Axes would look for the model's USERNAME_FIELD ("email"); the sign-in form
# passes the address to authenticate() as "username".
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "config.middleware.client_ip"
# Axes prints a banner from every process that loads Django (web processes, worker, beat).
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

# GOV.UK Frontend's compiled CSS refers to its fonts and images under /assets/,
# so static files are served from there.
STATIC_URL = "/assets/"
STATIC_ROOT = BASE_DIR / "staticfiles"
GOVUK_FRONTEND_DIR = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
ACCESSIBLE_AUTOCOMPLETE_DIR = BASE_DIR / "node_modules" / "accessible-autocomplete" / "dist"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    # The admin's own CSS and JS: without them every admin page fails on the manifest.
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "config.staticfiles.NpmPackagesFinder",
]

# Uploads are private: there is no MEDIA_URL route, and files are only ever
# streamed by views that check who is asking.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "uploads")))
# Only the service's own user reads them: the web server and the workers must run as
# that one user (the Dockerfile's), since other users are given no access at all.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The address of this service as users reach it, for links in emails.
SERVICE_URL = env_str("SERVICE_URL", "http://127.0.0.1:8000" if DEBUG else None).rstrip("/")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "emails"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@immigration.localhost")
# Where the phase banner, the accessibility statement and the privacy notice send people.
FEEDBACK_EMAIL = env_str("FEEDBACK_EMAIL", "feedback@immigration.localhost")

# Production hardening: on whenever DEBUG is off, so `check --deploy` is clean.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
# Off unless asked for: under a shared parent domain, includeSubDomains would force
# HTTPS on every sibling service, and a preload listing is hard to undo. Their
# deployment-check warnings are silenced because leaving them off is the decision.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies stand in front of the service, each appending to
# X-Forwarded-For. The client address is that many entries from the right; with
# none, it is REMOTE_ADDR. Lockouts by address depend on it being right.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this
# service only; the one inline script (templates/base.html) carries the response's
# nonce. No page may be framed, post a form elsewhere or load plugins. The selfie
# preview is a blob: image.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # data: for the management information charts, SVG drawn on the server and embedded as images
        # (an SVG shown through <img> runs no script).
        "img-src": [SELF, "blob:", "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Sessions end after this many seconds without a request (each request renews
# it); pages warn before that happens (static/app.js).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_TIMEOUT_WARNING = 5 * 60
EMAIL_CONFIRMATION_MAX_AGE = 72 * 60 * 60
# Registrations and password reset requests per email address and per client
# address within the window (accounts/throttle.py). A client address can be a
# whole office behind one proxy, hence the higher limit.
THROTTLE_WINDOW = 60 * 60
REGISTRATIONS_PER_ADDRESS = env_int("REGISTRATIONS_PER_ADDRESS", 3)
REGISTRATIONS_PER_CLIENT = env_int("REGISTRATIONS_PER_CLIENT", 10)
PASSWORD_RESETS_PER_ADDRESS = env_int("PASSWORD_RESETS_PER_ADDRESS", 3)
PASSWORD_RESETS_PER_CLIENT = env_int("PASSWORD_RESETS_PER_CLIENT", 10)
PASSWORD_RESET_TIMEOUT = 60 * 60

# Celery: kombu's filesystem transport by default (works across processes on one
# machine, needs no server); Redis in CI and production via CELERY_BROKER_URL.
# The host part means nothing to the filesystem transport; without one, kombu warns on every connection.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://localhost/" if DEBUG else None)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _BROKER_DIR = VAR_DIR / "broker"
    _BROKER_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR),
        "data_folder_out": str(_BROKER_DIR),
        "control_folder": str(_BROKER_DIR / "control"),
        # The folder is polled; kombu's default of once a second would cap a
        # worker process at one task a second whatever the task costs.
        "polling_interval": 0.1,
    }
# Tasks record their outcome in the database; no result backend is needed.
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only when it has finished, and a worker that dies
# mid-task hands it back: every task claims its work first (and may reclaim work
# left running past the hard time limit), so a second delivery does no double work.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message a worker took and never acknowledged (the worker died) goes back
        # on the queue this long after it was taken: just above the longest a task
        # may run, so it is back within minutes, not kombu's default hour; and the
        # worker looks for such messages every 10 seconds.
        "visibility_timeout": CELERY_TASK_TIME_LIMIT + 30,
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
        # A publish to a broker that vanished without closing the connection fails instead of hanging.
        "socket_timeout": 10,
        "socket_connect_timeout": 5,
    }

# The outbox (outbox/): jobs and emails are rows written with the change that
# causes them, published by the relay (`manage.py outbox_relay`). It looks for due
# rows this often (seconds), and this often asks the broker whether it lost any.
OUTBOX_POLL_INTERVAL = env_float("OUTBOX_POLL_INTERVAL", 0.2)
OUTBOX_RECOVERY_INTERVAL = env_float("OUTBOX_RECOVERY_INTERVAL", 10)
# A published message is only called lost if the broker no longer has it and this
# long has passed (a worker may be between taking it and starting on it).
OUTBOX_REPUBLISH_GRACE = env_int("OUTBOX_REPUBLISH_GRACE", 30)
# A broker that cannot be asked (not Redis, not the filesystem) is trusted this long.
OUTBOX_UNINSPECTABLE_REPUBLISH_AFTER = env_int("OUTBOX_UNINSPECTABLE_REPUBLISH_AFTER", 3600)
# How long a consumer holds a message before another delivery may take it over.
OUTBOX_LEASE = CELERY_TASK_TIME_LIMIT + 10
# Failed runs are retried after 2, 4, 8 ... seconds, at most this many apart, until the give-up time.
OUTBOX_RETRY_FIRST_DELAY = 2
OUTBOX_RETRY_MAX_DELAY = env_int("OUTBOX_RETRY_MAX_DELAY", 60)
OUTBOX_GIVE_UP_AFTER = env_int("OUTBOX_GIVE_UP_AFTER", 60 * 60)
# Emails are retried for this long (a mail server down for hours) before being marked as not sent.
EMAIL_GIVE_UP_AFTER = env_int("EMAIL_GIVE_UP_AFTER", 12 * 60 * 60)
# A documented hook: a function (to, subject, body) -> bool that keeps an email
# instead of sending it. Synthetic journeys keep their accounts' email in their mailbox.
OUTBOX_EMAIL_DIVERT = "synthetic.mail.divert_to_mailbox"
# Without this, whatever a task prints (the console email backend's emails) is
# logged as a WARNING; printed as it is, an email reads as an email.
CELERY_WORKER_REDIRECT_STDOUTS = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Uploads
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# An image's pixel count is checked from its header before it is decoded, so a
# small file that would expand to gigabytes (a decompression bomb) is refused.
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000)
# A whole request may carry three files at the cap (a reply to a request for
# information) plus form fields. A larger one is refused from its Content-Length
# before its body is read (the CSRF check reads it).
REQUEST_MAX_BYTES = 3 * UPLOAD_MAX_BYTES + 1024 * 1024

# Face matching (identity/face_match.py). Encodings at most the pass threshold
# apart are the same person; more than the fail threshold apart are not; a person
# decides in between. 0.6 is face_recognition's own tolerance; on the test images
# same-person pairs measure 0.04 to 0.37 and different people 0.63 and up.
FACE_MATCH_PASS_THRESHOLD = env_float("FACE_MATCH_PASS_THRESHOLD", 0.5)
FACE_MATCH_FAIL_THRESHOLD = env_float("FACE_MATCH_FAIL_THRESHOLD", 0.6)
# A new selfie this close to another application's enrolled face is flagged as a
# potential duplicate identity.
DUPLICATE_MATCH_THRESHOLD = env_float("DUPLICATE_MATCH_THRESHOLD", 0.5)
# Images are scaled down to this long side before detection: detection cost grows
# with the pixel count, and a face in a passport photo or a selfie stays large enough.
FACE_IMAGE_MAX_SIDE = env_int("FACE_IMAGE_MAX_SIDE", 800)
# Image quality, per image. Eye distances are in the photo's own pixels: ISO/IEC
# 19794-5 asks 85 px for enrolment photos. A verification selfie is held to 45:
# on a held-out set of 88 real photos (336 genuine pairs), 16 genuine pairs with
# 46 to 51 px between the eyes matched at 0.37 to 0.51, and a limit of 60 failed
# them; on the package images (tests/images.selfie_at_eye_distance) the same
# person still matches at 0.06 to 0.17 down to 25 px, but no real photo below 46
# was measured. The portrait on a passport page, a small part of a larger photo,
# is held to 30 (package pages: 46 to 81 px, also when photographed whole on a desk).
# Brightness is the face's mean grey level (0-255); sharpness is the variance of
# the Laplacian relative to the face's contrast (sharp test faces 7.5 and up,
# blurred ones 1.1 and below; see face_match.sharpness).
IDENTITY_QUALITY = {
    "passport": {"min_side": 300, "min_eye_distance": 30, "min_brightness": 50, "max_brightness": 225, "min_sharpness": 2.5},
    "selfie": {"min_side": 300, "min_eye_distance": env_int("SELFIE_MIN_EYE_DISTANCE", 45),
               "min_brightness": 50, "max_brightness": 225, "min_sharpness": 2.5},
}
# Where the real faces' gallery snapshot is written and memory-mapped by every worker
# process on the machine (identity/gallery.py). Each database needs a directory of its own.
GALLERY_SNAPSHOT_DIR = Path(env_str("GALLERY_SNAPSHOT_DIR", str(VAR_DIR / "gallery")))
IDENTITY_MAX_ATTEMPTS = env_int("IDENTITY_MAX_ATTEMPTS", 3)
# A check whose runs were cut short this many times (the worker died each time:
# evidence of a photo that kills it, not of a busy queue) goes to a person.
IDENTITY_CHECK_MAX_INTERRUPTIONS = env_int("IDENTITY_CHECK_MAX_INTERRUPTIONS", 3)
# Casework: a case taken but left without any action for this long goes back to the queue.
CASE_CLAIM_TIMEOUT = env_int("CASE_CLAIM_TIMEOUT", 2 * 60 * 60)
# A case is "due soon" this many working days before its service-standard date.
DUE_SOON_WORKING_DAYS = 3
# An identity a check could not confirm is for a person to review within this many working
# days of the referral: the service standard's clock only starts once identity is confirmed.
IDENTITY_REVIEW_WORKING_DAYS = env_int("IDENTITY_REVIEW_WORKING_DAYS", 2)
# Share-code checks: per address within the window, and wrong dates of birth per code per day.
SHARE_CODE_CHECKS_PER_ADDRESS = env_int("SHARE_CODE_CHECKS_PER_ADDRESS", 10)
SHARE_CODE_CHECK_WINDOW = env_int("SHARE_CODE_CHECK_WINDOW", 600)
SHARE_CODE_WRONG_DOB_LIMIT = 5
# Share codes are stored as HMACs under this key: changing it stops every code.
SHARE_CODE_KEY = env_str("SHARE_CODE_KEY", SECRET_KEY)
# Working (not stopped, not expired) codes a holder may have at once.
SHARE_CODES_ACTIVE_LIMIT = env_int("SHARE_CODES_ACTIVE_LIMIT", 5)
# The status API's OAuth 2.0 server (django-oauth-toolkit): client credentials only, secrets
# and tokens hashed, scopes per purpose granted by each client's registration (api/auth.py).
# Every OAuth 2.0 Security BCP (RFC 9700) rule the library offers is on: the grants they
# concern are not used here, and `check --deploy` stays clean.
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "api.auth.ClientScopes",
    "OAUTH2_VALIDATOR_CLASS": "api.auth.ClientValidator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("API_ACCESS_TOKEN_SECONDS", 3600),
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    **{
        f"COMPLIANT_BCP_RFC9700_{rule}": True
        for rule in ("IMPLICIT_GRANT", "PASSWORD_GRANT", "PKCE_METHOD", "ACCESS_TOKEN_TRANSPORT", "AUTHZ_RESPONSE_ISS",
                     "TOKEN_STORAGE", "REFRESH_TOKEN", "REDIRECT_URI_SCHEME")
    },
}
# Named because api.ApiClient refers to the (swappable) application model in its migration.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
# Calls a minute a new API client may make, until a team leader changes it.
API_DEFAULT_REQUESTS_PER_MINUTE = env_int("API_DEFAULT_REQUESTS_PER_MINUTE", 60)
# Face images and encodings are deleted this many days after a decision or withdrawal.
BIOMETRIC_RETENTION_DAYS = env_int("BIOMETRIC_RETENTION_DAYS", 30)
# The access log keeps rows this long (a daily job prunes older ones, leaving an anchor
# that the hash chain continues from); two years by default.
ACCESS_LOG_RETENTION_DAYS = env_int("ACCESS_LOG_RETENTION_DAYS", 730)
# A subject access archive can be downloaded for this long after it is ready, then it is deleted.
SUBJECT_ACCESS_EXPORT_HOURS = env_int("SUBJECT_ACCESS_EXPORT_HOURS", 72)

# Fees (payments/providers.py): only the fake provider exists, which takes no money.
PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "fake")
if PAYMENT_PROVIDER not in {"fake"}:
    raise ImproperlyConfigured(f"PAYMENT_PROVIDER={PAYMENT_PROVIDER!r}: the only provider is 'fake'")
# Automated decisions (automation/): the share of automatic grants a person checks
# afterwards, and how close a name must be to a watch-list name (0 to 1) to count as a match.
AUTOMATED_GRANT_SAMPLE_RATE = env_float("AUTOMATED_GRANT_SAMPLE_RATE", 0.02)
if not 0 <= AUTOMATED_GRANT_SAMPLE_RATE <= 1:
    raise ImproperlyConfigured(f"AUTOMATED_GRANT_SAMPLE_RATE must be from 0 to 1, not {AUTOMATED_GRANT_SAMPLE_RATE}.")
WATCH_LIST_MATCH_THRESHOLD = env_float("WATCH_LIST_MATCH_THRESHOLD", 0.88)

# Synthetic journeys (synthetic/access.py, `manage.py run_journeys`) present this
# key to tag their accounts as synthetic. Empty turns the feature off; production
# sets it only where testers run journeys against it. In development each install
# makes its own under var/: a published default would let anyone who can reach a
# development server bound beyond loopback delete its synthetic records.
SYNTHETIC_JOURNEYS_KEY = env_str("SYNTHETIC_JOURNEYS_KEY", "") or (
    install_secret(VAR_DIR / "synthetic-journeys-key") if DEBUG else ""
)

# Management information is rebuilt from the transition log this often (management_information/refresh.py).
MI_REFRESH_MINUTES = env_int("MI_REFRESH_MINUTES", 15)

CELERY_BEAT_SCHEDULE = {
    "purge-biometrics": {"task": "applications.purge_biometrics", "schedule": 3600.0},
    "gallery-snapshot": {"task": "identity.write_gallery_snapshot", "schedule": 600.0},
    "release-stale-cases": {"task": "casework.release_stale_cases", "schedule": 300.0},
    "prune-access-log": {"task": "audit.prune_access_log", "schedule": 24 * 3600.0},
    "expire-subject-access-exports": {"task": "audit.expire_subject_access_exports", "schedule": 3600.0},
    "refresh-management-information": {"task": "management_information.refresh_figures", "schedule": MI_REFRESH_MINUTES * 60.0},
}

# /metrics (config/metrics.py): open while DEBUG is on; otherwise only to a
# request carrying "Authorization: Bearer <METRICS_TOKEN>", and refused when no token is set.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"operations": {"()": "config.log_filters.SkipOperationsEndpoints"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"filters": ["operations"]},
        # WeasyPrint and fontTools log every step of every letter PDF at INFO.
        **{name: {"level": "WARNING"} for name in ["weasyprint", "fontTools"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
