"""The service's URLs and one that fails, to see the error page as a user would."""

from django.urls import path

from config.urls import urlpatterns as service_urlpatterns


def bug(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [*service_urlpatterns, path("bug/", bug)]
