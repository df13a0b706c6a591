from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_start, name="start"),
    path("<uuid:application_id>/", views.application_overview, name="overview"),
    path("<uuid:application_id>/questions/<slug:question_key>/", views.application_question, name="question"),
    path("<uuid:application_id>/photos/", views.application_photos, name="photos"),
    path("<uuid:application_id>/evidence/<slug:kind_key>/", views.application_evidence, name="evidence"),
    path("<uuid:application_id>/check-answers/", views.application_check_and_submit, name="check-answers"),
    path("<uuid:application_id>/pay/", views.application_pay, name="pay"),
    path("payments/<uuid:payment_id>/return/", views.application_payment_return, name="payment-return"),
    path("<uuid:application_id>/confirmation/", views.application_confirmation, name="confirmation"),
    path("<uuid:application_id>/withdraw/", views.application_withdraw_view, name="withdraw"),
    path("<uuid:application_id>/respond/", views.application_respond_view, name="respond"),
    path("documents/<uuid:document_id>/", views.document_file, name="document"),
]
