from django.urls import path

from casework import views

app_name = "casework"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/<uuid:application_id>/", views.case_detail, name="case"),
    path("cases/<uuid:application_id>/decision/", views.case_decision, name="decision"),
    path("cases/<uuid:application_id>/information-request/", views.case_information_request, name="information-request"),
    path("cases/<uuid:application_id>/identity/", views.case_identity, name="identity"),
    path("cases/<uuid:application_id>/duplicates/<int:candidate_id>/", views.case_duplicate, name="duplicate"),
]
