from django.urls import path

from casework import holder_views

app_name = "holder"
urlpatterns = [
    path("<uuid:application_id>/letter/", holder_views.letter_page, name="letter"),
    path("<uuid:application_id>/letter.pdf", holder_views.letter_pdf_download, name="letter-pdf"),
    path("<uuid:application_id>/share/", holder_views.share_page, name="share"),
]
