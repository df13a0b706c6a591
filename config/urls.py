from django.contrib import admin
from django.urls import include, path

from applications.views import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("applications/", include("applications.urls")),
    path("casework/", include("casework.urls")),
    path("admin/", admin.site.urls),
]
