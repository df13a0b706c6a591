import logging
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications.models import Application, State
from applications.workflow import WorkflowError, application_transition
from automation.models import AutomatedDecision, QualityCheck, RuleResult, WatchListEntry
from automation.rules import RULES
from casework.services import case_grant

logger = logging.getLogger(__name__)
# Sampling is not a secret draw, but it must not be predictable from the application either.
_sampler = random.SystemRandom()


def automated_decision_make(*, application_id: str) -> AutomatedDecision | None:
    """Run the rules on an application waiting for them; grant if every rule passed, refer to a caseworker if not.

    The job of pass_identity_for_automated_decision (applications/transitions.py). Safe
    to run twice (a message delivered again): only an application still waiting for its
    decision is decided, under a lock on its row.
    """
    with transaction.atomic():
        application = Application.objects.select_for_update().filter(id=application_id, state=State.AUTOMATED_CHECKS).first()
        if application is None:
            logger.info("Application %s is not waiting for an automated decision; nothing to do", application_id)
            return None
        today = timezone.localdate()
        results = [(rule, rule.check(application, today)) for rule in RULES]
        failed = [rule for rule, outcome in results if not outcome.passed]
        now = timezone.now()
        decision = AutomatedDecision.objects.create(
            application=application,
            outcome=AutomatedDecision.Outcome.REFERRED if failed else AutomatedDecision.Outcome.GRANTED,
            decided_at=now,
            seconds_from_submission=(now - application.submitted_at).total_seconds(),
        )
        RuleResult.objects.bulk_create(
            RuleResult(decision=decision, position=position, rule=rule.code, label=rule.label, passed=outcome.passed,
                       detail=outcome.detail, score=outcome.score)
            for position, (rule, outcome) in enumerate(results)
        )
        if failed:
            application_transition(
                application, "refer_to_caseworker", actor=None,
                reason="Referred by the automated checks, which did not pass: " + "; ".join(rule.label.lower() for rule in failed) + ".",
            )
        else:
            _grant(application, decision, today)
    return decision


def automated_decision_give_up(*, application_id: str, error: BaseException) -> None:
    """The decision could not be made (its job failed for good): a caseworker decides instead."""
    with transaction.atomic():
        application = Application.objects.select_for_update().filter(id=application_id, state=State.AUTOMATED_CHECKS).first()
        if application is not None:
            application_transition(
                application, "refer_to_caseworker", actor=None,
                reason=f"The automated checks could not be completed ({type(error).__name__}); a caseworker decides.",
            )


def _grant(application: Application, decision: AutomatedDecision, today) -> None:
    grant = application.route_details.automatic_grant
    case_grant(
        application=application, actor=None, transition="grant_automatically",
        reason="Granted by the automated checks, all of which passed: " + "; ".join(rule.label.lower() for rule in RULES) + ".",
        valid_until=grant.valid_until(application.answers, today),
        work_condition=grant.work_condition, study_condition=grant.study_condition,
    )
    if _sampler.random() < settings.AUTOMATED_GRANT_SAMPLE_RATE:
        decision.sampled = True
        decision.save(update_fields=["sampled"])
        QualityCheck.objects.create(decision=decision, reason=QualityCheck.Reason.SAMPLED)


def quality_check_record(*, check: QualityCheck, actor: User, outcome: str, notes: str) -> None:
    """A person's verdict on an automatic grant, once."""
    if not actor.has_perm("automation.check_automated_decisions"):
        raise WorkflowError("You cannot check automated decisions.")
    if outcome not in QualityCheck.Outcome.values:
        raise WorkflowError("Choose whether the grant was right.")
    if not QualityCheck.objects.filter(id=check.id, checked_at__isnull=True).update(
        outcome=outcome, notes=notes, checked_by=actor, checked_at=timezone.now()
    ):
        raise WorkflowError("This decision has already been checked.")


def quality_check_request(*, application: Application, actor: User) -> QualityCheck:
    """The applicant asks for a person to look at their automatic grant. Asking twice changes nothing."""
    decision = getattr(application, "automated_decision", None)
    if application.applicant_id != actor.id or decision is None or decision.outcome != AutomatedDecision.Outcome.GRANTED:
        raise WorkflowError("Only an application decided automatically can be looked at again by a person.")
    check, _ = QualityCheck.objects.get_or_create(decision=decision, reason=QualityCheck.Reason.REQUESTED)
    return check


def watch_list_add(*, actor: User, full_name: str, date_of_birth, reason: str) -> WatchListEntry:
    if not actor.has_perm("automation.manage_watch_list"):
        raise WorkflowError("Only a team leader can change the watch list.")
    return WatchListEntry.objects.create(full_name=full_name, date_of_birth=date_of_birth, reason=reason, added_by=actor)


def watch_list_remove(*, actor: User, entry: WatchListEntry) -> None:
    if not actor.has_perm("automation.manage_watch_list"):
        raise WorkflowError("Only a team leader can change the watch list.")
    entry.delete()
