from django.contrib import admin
from django.urls import include, path

from applications.views import home
from casework.public_views import status_check

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("applications/", include("applications.urls")),
    path("applications/", include("casework.holder_urls")),
    path("casework/", include("casework.urls")),
    path("records/", include("audit.urls")),
    path("check-status/", status_check, name="status-check"),
    path("synthetic/", include("synthetic.urls")),
    path("admin/", admin.site.urls),
]
