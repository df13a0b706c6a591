from django.urls import path

from automation import views

app_name = "automation"
urlpatterns = [
    path("watch-list/", views.watch_list, name="watch-list"),
    path("watch-list/<int:entry_id>/remove/", views.watch_list_remove_view, name="watch-list-remove"),
    path("quality/", views.quality_queue, name="quality"),
    path("quality/<int:check_id>/", views.quality_check_view, name="quality-check"),
    path("review/<uuid:application_id>/", views.request_review, name="request-review"),
]
