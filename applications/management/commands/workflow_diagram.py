from django.core.management.base import BaseCommand

from applications.models import Application, State
from applications.workflow_diagram import mermaid


class Command(BaseCommand):
    help = "Print the application workflow, from the state machine in applications/models.py, as a Mermaid diagram."

    def handle(self, *args, **options):
        self.stdout.write(mermaid(Application, State))
