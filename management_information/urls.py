from django.urls import path

from management_information import views
from management_information.selectors import PAGES

app_name = "management_information"
urlpatterns = [
    *(path("" if page == "overview" else f"{page}/", views.figures_page, {"page": page}, name=page) for page in PAGES),
    path("threshold-replay/", views.replay_page, name="threshold-replay"),
]
