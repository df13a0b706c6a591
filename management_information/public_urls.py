from django.urls import path

from management_information import views

app_name = "statistics"
urlpatterns = [
    path("", views.statistics_page, name="page"),
    path("statistics.csv", views.statistics_csv, name="csv"),
    path("statistics.json", views.statistics_json, name="json"),
]
