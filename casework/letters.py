"""Decision letters: text from a versioned template, and a PDF of that text."""

import io

from django.template.loader import render_to_string
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from xml.sax.saxutils import escape

from applications.models import Application
from casework.constants import Condition, RefusalReason

# The template version each outcome's letters are written from now. Adding a
# version means adding a template file and pointing the outcome at it here;
# letters already written keep the text and version they were written with.
CURRENT_TEMPLATES = {
    "grant": "grant_v2",
    "refuse": "refuse_v2",
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


def letter_pdf(*, title: str, body: str) -> bytes:
    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=25 * mm, rightMargin=25 * mm)
    story = [Paragraph(escape(title), styles["Title"]), Spacer(1, 6 * mm)]
    for paragraph in body.split("\n\n"):
        story.append(Paragraph(escape(paragraph).replace("\n", "<br/>"), styles["BodyText"]))
        story.append(Spacer(1, 3 * mm))
    document.build(story)
    return buffer.getvalue()
