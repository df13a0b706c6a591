"""Permissions-Policy: no page may use a browser feature unless its view says so.

Hand-written rather than django-permissions-policy, which sets one policy for the
whole site: here the selfie page alone may use the camera.
"""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse

HEADER = "Permissions-Policy"
# Every feature a page could ask for; each is denied unless a view allows it.
FEATURES = (
    "accelerometer", "ambient-light-sensor", "autoplay", "bluetooth", "camera", "display-capture",
    "encrypted-media", "fullscreen", "geolocation", "gyroscope", "hid", "idle-detection",
    "magnetometer", "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "web-share", "xr-spatial-tracking",
)


def policy(allowed: frozenset[str] = frozenset()) -> str:
    return ", ".join(f"{feature}=(self)" if feature in allowed else f"{feature}=()" for feature in FEATURES)


def allow_features(*features: str) -> Callable:
    """Let this view's pages use `features` (from this origin only, never in a frame of another)."""
    unknown = set(features) - set(FEATURES)
    if unknown:
        raise ValueError(f"Unknown browser features: {sorted(unknown)}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            response[HEADER] = policy(frozenset(features))
            return response

        return wrapped

    return decorator


class PermissionsPolicyMiddleware:
    """Deny every feature on every response whose view did not set its own policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = policy()
        return response
