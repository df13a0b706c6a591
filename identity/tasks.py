from celery import shared_task

from identity import retention, services
from identity.errors import TRANSIENT_ERRORS


@shared_task(
    bind=True,
    name="identity.run_identity_check",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=4,
)
def run_identity_check(self, check_id: int) -> None:
    # A check still unfinished after the last retry is picked up by the sweeper.
    services.identity_check_run(check_id=check_id, task_id=self.request.id or "", worker=self.request.hostname or "")


@shared_task(name="identity.sweep_stuck_checks")
def sweep_stuck_checks() -> dict[str, int]:
    return services.identity_checks_sweep()


@shared_task(name="identity.purge_biometrics")
def purge_biometrics() -> int:
    return retention.biometrics_purge_due()
