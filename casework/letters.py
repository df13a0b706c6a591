"""Decision letters: text from a versioned template, shown as a page and as a tagged PDF.

One HTML template (casework/letters/letter_content.html) lays the stored text out for
both: the letter page includes it, and WeasyPrint prints it to PDF/UA.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from applications.models import Application
from casework.constants import Condition, RefusalReason
from casework.models import DecisionLetter

# Importing WeasyPrint tells Pillow, for the whole process, to accept truncated images; uploads
# and face matching must refuse them. Letters draw no raster images, so this costs them nothing.
ImageFile.LOAD_TRUNCATED_IMAGES = False

# The template version each outcome's letters are written from now. Adding a
# version means adding a template file and pointing the outcome at it here;
# letters already written keep the text and version they were written with.
CURRENT_TEMPLATES = {
    "grant": "grant_v3",
    "refuse": "refuse_v3",
    "grant_automatically": "grant_automatic_v1",
}


def letter_render(*, application: Application, outcome: str, reason: str, status=None, reasons=()) -> tuple[str, str]:
    """(template version, letter text) for a decision made now."""
    template = CURRENT_TEMPLATES[outcome]
    context = {
        "application": application,
        "reason": reason,
        "decided_on": timezone.localdate(),
        "status": status,
        "work": dict(Condition.WORK).get(status.work_condition) if status else "",
        "study": dict(Condition.STUDY).get(status.study_condition) if status else "",
        "reasons": [RefusalReason.LABELS[code] for code in reasons],
    }
    body = render_to_string(f"casework/letters/{template}.txt", context)
    return template, body.strip() + "\n"


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "list" or "paragraph"
    lines: list[str]


def letter_blocks(body: str) -> list[Block]:
    """The stored text as headings, lists and paragraphs.

    Letters are kept as the plain text that was sent, so they are read back here with
    the two marks their templates use ("## " starts a heading, "- " a list item)
    rather than with a Markdown library, which would also read whatever a caseworker
    typed into the reasons as markup.
    """
    blocks = []
    for chunk in body.strip().split("\n\n"):
        lines = [line for line in chunk.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) == 1 and lines[0].startswith("## "):
            blocks.append(Block("heading", [lines[0][3:]]))
        elif all(line.startswith("- ") for line in lines):
            blocks.append(Block("list", [line[2:] for line in lines]))
        else:
            blocks.append(Block("paragraph", lines))
    return blocks


def letter_context(application: Application, letter: DecisionLetter) -> dict:
    return {"application": application, "letter": letter, "blocks": letter_blocks(letter.body)}


def letter_pdf(*, application: Application, letter: DecisionLetter) -> bytes:
    """The letter as a tagged PDF/UA-1 document, in GOV.UK typography, from the page's own template."""
    html = render_to_string(
        "casework/letters/letter_document.html",
        {**letter_context(application, letter), "fonts": Path(settings.GOVUK_FRONTEND_DIR, "assets", "fonts").as_uri()},
    )
    # Only local files (the fonts): nothing in a letter may make the server fetch a URL.
    fetcher = URLFetcher(allowed_protocols=["file"])
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1")
