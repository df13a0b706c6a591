from django.urls import path

from synthetic import views

app_name = "synthetic"
urlpatterns = [
    path("mailbox/", views.mailbox, name="mailbox"),
    path("cleanup/", views.cleanup, name="cleanup"),
]
