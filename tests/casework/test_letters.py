import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from casework.letters import letter_blocks
from tests.conftest import signed_in
from tests.factories import granted, refused


def _pdf(user, application) -> PdfReader:
    response = signed_in(user).get(reverse("holder:letter-pdf", args=[application.id]))
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.content))


def _text(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _structure_tags(node, found: set[str]) -> set[str]:
    node = node.get_object()
    if "/S" in node:
        found.add(node["/S"])
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
            _structure_tags(kid, found)
    return found


@pytest.mark.parametrize("outcome", ["grant", "refuse"])
def test_the_letter_pdf_is_tagged_with_its_language_title_and_headings(applicant, caseworker, senior_caseworker, outcome):
    application = granted(applicant, caseworker) if outcome == "grant" else refused(applicant, caseworker, senior_caseworker)

    reader = _pdf(applicant, application)
    catalog = reader.trailer["/Root"]

    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en-GB"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == f"Decision on application {application.reference}"
    tags = _structure_tags(catalog["/StructTreeRoot"], set())
    assert {"/H1", "/H2", "/P", "/L", "/LI"} <= tags
    # The fonts are embedded, so the letter looks the same on every reader.
    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    assert fonts and all("/FontFile2" in f["/DescendantFonts"][0].get_object()["/FontDescriptor"] or "/FontFile3" in f["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts)


def test_a_refusal_letter_says_how_to_ask_for_an_administrative_review(applicant, caseworker, senior_caseworker):
    application = refused(applicant, caseworker, senior_caseworker)

    text = _text(_pdf(applicant, application))
    page = signed_in(applicant).get(reverse("holder:letter", args=[application.id])).content.decode()

    for words in ["How to ask for an administrative review", "Ask within 14 days of receiving this letter", f"Give your reference, {application.reference}", "Not enough funds shown."]:
        assert words in text
        assert words in page
    assert application.reference in text and "Your application has been refused" in text


def test_a_grant_letter_gives_its_conditions_dates_and_the_right_to_a_review(applicant, caseworker):
    application = granted(applicant, caseworker)
    status = application.immigration_status

    text = _text(_pdf(applicant, application))

    assert f"Your permission starts on {status.valid_from:%-d %B %Y}" in text
    assert "Work: " in text and "Study: " in text
    assert "you can ask for an administrative review within 14 days" in text


def test_stored_text_is_read_as_headings_lists_and_paragraphs():
    blocks = letter_blocks("Dear A,\n\n## Why\n\n- One\n- Two\n\nLine one\nLine two\n")

    assert [(block.kind, block.lines) for block in blocks] == [
        ("paragraph", ["Dear A,"]),
        ("heading", ["Why"]),
        ("list", ["One", "Two"]),
        ("paragraph", ["Line one", "Line two"]),
    ]
