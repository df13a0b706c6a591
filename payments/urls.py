from django.urls import path

from payments import views

app_name = "payments"
urlpatterns = [
    path("fake-provider/<str:payment_id>/", views.fake_provider, name="fake-provider"),
]
