from django.urls import path

from api import views

app_name = "api-clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_new, name="new"),
    path("review/", views.review, name="review"),
    path("review/<uuid:client_id>/approve/", views.review_decide, {"approve": True}, name="approve"),
    path("review/<uuid:client_id>/refuse/", views.review_decide, {"approve": False}, name="refuse"),
    path("review/<uuid:client_id>/revoke/", views.review_revoke, name="revoke"),
    path("<uuid:client_id>/", views.client_detail, name="detail"),
    path("<uuid:client_id>/new-secret/", views.client_new_secret, name="new-secret"),
    path("<uuid:client_id>/stop/", views.client_stop, name="stop"),
]
