from django.core.management.base import BaseCommand, CommandError

from audit.access_log import access_log_verify


class Command(BaseCommand):
    help = "Verify the access log's hash chain; exit status 1 naming the first broken row."

    def handle(self, *args, **options):
        result = access_log_verify()
        if not result.ok:
            raise CommandError(f"The access log's chain is broken at row {result.broken_at}: {result.problem}.", returncode=1)
        self.stdout.write(f"The access log is intact: {result.rows} rows verified. Head hash: {result.head_hash or '(empty log)'}")
