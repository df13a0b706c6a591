from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_start, name="start"),
    path("<uuid:application_id>/", views.application_overview, name="overview"),
    path("<uuid:application_id>/details/", views.application_details, name="details"),
    path("<uuid:application_id>/photos/", views.application_photos, name="photos"),
    path("<uuid:application_id>/check-answers/", views.application_check_and_submit, name="check-answers"),
    path("<uuid:application_id>/confirmation/", views.application_confirmation, name="confirmation"),
    path("documents/<uuid:document_id>/", views.document_file, name="document"),
]
