import pytest
from django.urls import reverse


@pytest.mark.parametrize(("name", "heading"), [
    ("cookies", "Cookies"),
    ("accessibility-statement", "Accessibility statement for Apply for a UK visa"),
    ("privacy", "Privacy notice"),
])
def test_the_service_pages_are_open_to_everyone_and_linked_from_every_footer(client, name, heading):
    page = client.get(reverse(name)).content.decode()

    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
    for linked in ["cookies", "accessibility-statement", "privacy"]:
        assert f'class="govuk-footer__link" href="{reverse(linked)}"' in page
    assert 'href="mailto:feedback@immigration.localhost?subject=' in page


def test_the_privacy_notice_says_when_biometrics_are_deleted(client, settings):
    settings.BIOMETRIC_RETENTION_DAYS = 45

    page = client.get(reverse("privacy")).content.decode()

    assert "deleted 45 days after your application is decided or withdrawn" in page
    for topic in ["What we collect", "Why we collect it", "How long we keep it", "Who can see it"]:
        assert topic in page


def test_the_cookies_page_names_the_cookies_the_service_sets(client, settings):
    page = client.get(reverse("cookies")).content.decode()

    assert f">{settings.SESSION_COOKIE_NAME}<" in page and f">{settings.CSRF_COOKIE_NAME}<" in page
