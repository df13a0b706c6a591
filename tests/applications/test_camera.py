"""Taking the selfie with the camera in a real browser (Chromium's fake camera plays a video of a face)."""

import pytest
from django.urls import reverse

from applications.models import Application
from tests import images
from tests.browser import launch, new_context, require_browser, session_cookie
from tests.factories import draft_application

pytestmark = pytest.mark.browser


def test_a_selfie_taken_with_the_camera_is_uploaded_like_a_file(live_service, applicant, tmp_path):
    require_browser()
    application = draft_application(applicant, photos=False)
    video = tmp_path / "face.y4m"
    video.write_bytes(images.y4m_video(images.astronaut_selfie()))
    passport = tmp_path / "passport.jpg"
    passport.write_bytes(images.astronaut_passport())
    cookie = session_cookie(applicant)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(
            playwright, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"
        )
        page = new_context(browser, live_service.url, cookie, permissions=["camera"]).new_page()
        refused = []
        page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
        page.goto(live_service.url + reverse("applications:overview", args=[application.id]))
        # Every other page is denied the camera by its Permissions-Policy, even with the browser's permission.
        assert page.evaluate("document.featurePolicy.allowsFeature('camera')") is False
        page.goto(live_service.url + reverse("applications:photos", args=[application.id]))
        assert page.evaluate("document.featurePolicy.allowsFeature('camera')") is True
        # The inline script ran under the Content-Security-Policy: it carries the page's nonce.
        assert "js-enabled" in page.evaluate("document.body.className")
        page.set_input_files("#id_passport_photo", str(passport))
        preview = page.get_by_role("img", name="The photo you took")
        # No photo yet: no preview at all, not an empty, broken image.
        assert not preview.is_visible()
        page.get_by_role("button", name="Take a photo with your camera").click()
        page.get_by_role("button", name="Take photo").click()
        page.wait_for_function("document.querySelector('#id_selfie').files.length === 1")
        preview.wait_for(state="visible")
        assert page.evaluate("document.querySelector('[data-preview]').naturalWidth") == 600
        page.get_by_role("button", name="Upload and continue").click()
        page.wait_for_url(f"**{reverse('applications:overview', args=[application.id])}")
        browser.close()

    assert refused == []

    selfie = Application.objects.get(id=application.id).documents.get(kind="selfie")
    assert selfie.original_name == "camera.jpg"
    assert (selfie.width, selfie.height) == (600, 620)


def test_without_javascript_the_selfie_is_a_plain_upload_that_opens_the_front_camera_on_phones(client, applicant):
    client.force_login(applicant)
    application = draft_application(applicant, photos=False)

    page = client.get(reverse("applications:photos", args=[application.id])).content.decode()

    assert 'type="file" accept="image/jpeg,image/png" capture="user" data-camera="selfie"' in page
