from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command


def test_the_workflow_diagram_in_the_docs_is_the_state_machine_in_the_code():
    output = StringIO()
    call_command("workflow_diagram", stdout=output)

    documented = (Path(settings.BASE_DIR) / "docs" / "WORKFLOW.md").read_text()

    assert f"```mermaid\n{output.getvalue()}```" in documented, "run: python manage.py workflow_diagram, and paste it into docs/WORKFLOW.md"
