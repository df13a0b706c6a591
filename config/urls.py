from django.contrib import admin
from django.urls import include, path, re_path

from applications.views import accessibility_statement, cookies, home, privacy
from api.main import api
from api.docs import api_docs
from api.middleware import api_not_found
from casework.public_views import status_check
from oauth2_provider.views import TokenView

urlpatterns = [
    path("", home, name="home"),
    path("cookies/", cookies, name="cookies"),
    path("accessibility-statement/", accessibility_statement, name="accessibility-statement"),
    path("privacy/", privacy, name="privacy"),
    path("accounts/", include("accounts.urls")),
    path("applications/", include("applications.urls")),
    path("applications/", include("casework.holder_urls")),
    path("automated-decisions/", include("automation.urls")),
    path("casework/", include("casework.urls")),
    path("records/", include("audit.urls")),
    path("payments/", include("payments.urls")),
    path("check-status/", status_check, name="status-check"),
    path("api/v1/oauth/token/", TokenView.as_view(), name="api-token"),
    path("api/v1/docs/", api_docs, name="api-docs"),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<path>.*)$", api_not_found),
    path("api-clients/", include("api.urls")),
    path("synthetic/", include("synthetic.urls")),
    path("management-information/", include("management_information.urls")),
    path("statistics/", include("management_information.public_urls")),
    path("admin/", admin.site.urls),
]
