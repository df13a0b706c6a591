from django.conf import settings


def session_timeout(request) -> dict:
    return {
        "SESSION_SECONDS": settings.SESSION_COOKIE_AGE,
        "SESSION_MINUTES": settings.SESSION_COOKIE_AGE // 60,
        "SESSION_WARNING_SECONDS": settings.SESSION_TIMEOUT_WARNING,
        "SESSION_WARNING_MINUTES": settings.SESSION_TIMEOUT_WARNING // 60,
    }


def feedback(request) -> dict:
    return {"FEEDBACK_EMAIL": settings.FEEDBACK_EMAIL}
