from django.urls import path

from casework import search_views, views

app_name = "casework"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("next/", views.assign_next, name="next"),
    path("assign/", views.bulk_assign, name="bulk-assign"),
    path("team/", views.team, name="team"),
    path("audit/", views.audit, name="audit"),
    path("search/", search_views.case_search_view, name="search"),
    path("cases/<uuid:application_id>/", views.case_detail, name="case"),
    path("cases/<uuid:application_id>/checks/<int:check_id>/<slug:side>.jpg", views.case_face, name="face"),
    path("cases/<uuid:application_id>/take/", views.case_take_view, name="take"),
    path("cases/<uuid:application_id>/release/", views.case_release_view, name="release"),
    path("cases/<uuid:application_id>/reassign/", views.case_reassign_view, name="reassign"),
    path("cases/<uuid:application_id>/decision/", views.case_decision, name="decision"),
    path("cases/<uuid:application_id>/refusal-review/", views.case_refusal_review, name="refusal-review"),
    path("cases/<uuid:application_id>/information-request/", views.case_information_request, name="information-request"),
    path("cases/<uuid:application_id>/identity/", views.case_identity, name="identity"),
    path("cases/<uuid:application_id>/duplicates/<int:candidate_id>/", views.case_duplicate, name="duplicate"),
    path("cases/<uuid:application_id>/notes/", views.case_note, name="note"),
]
