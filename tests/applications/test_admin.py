from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import submitted


def test_admin_finds_applications_by_the_applicants_name_reference_or_email(applicant, second_applicant):
    application = submitted(applicant)
    other = submitted(second_applicant)
    admin = Client()
    admin.force_login(User.objects.create_superuser(email="root@example.com", password="x"))
    url = reverse("admin:applications_application_changelist")

    for query in ["Collins", "eileen marie", application.reference, applicant.email]:
        response = admin.get(url, {"q": query})
        assert response.status_code == 200
        found = {row.id for row in response.context["cl"].result_list}
        assert application.id in found
        if query == application.reference or query == applicant.email:
            assert other.id not in found
