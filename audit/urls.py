from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("your-data/", views.your_data, name="your-data"),
    path("exports/<uuid:export_id>/download/", views.export_download, name="export-download"),
    path("subject-access/", views.staff_exports, name="staff-exports"),
    path("subject-access/cases/<uuid:application_id>/", views.staff_request, name="staff-request"),
    path("access-report/", views.access_report, name="access-report"),
]
