"""One small handler per state-machine Task: dict in, dict out. No logic here, only wiring."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from chalicelib import bootstrap
from chalicelib.clock import business_now
from chalicelib.domain.claim import Claim, ClaimStatus
from chalicelib.domain.imports import ImportJob
from chalicelib.services import escalation
from chalicelib.services.bulk_import import run_import
from chalicelib.services.claims import checked_assessment
from chalicelib.services.outbox import deliver_pending
from chalicelib.services.payments import reject_and_refund
from chalicelib.services.review import unreviewed
from chalicelib.settings import get_settings
from chalicelib.workflow.inputs import ImportInput, NotificationsInput, TaskInput, parse

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository


def check_claim(event: dict[str, Any]) -> dict[str, object]:
    claim_id = parse(TaskInput, event).claim_id
    claims = bootstrap.claims()
    fresh: dict[str, Any] = {}
    result = escalation.check_claim(
        claim_id,
        claims=claims,
        reminder_wait_days=get_settings().reminder_wait_days,
        reassess=lambda claim: _reject_if_blocked(claims, claim, fresh),
        needs_review=lambda claim: unreviewed(
            replace(claim, assessment=fresh.get("assessment", claim.assessment))
        ),
    )
    return result.as_task_output()


def _reject_if_blocked(claims: ClaimRepository, claim: Claim, fresh: dict[str, Any]) -> str | None:
    """The pre-check again, on the day the paid claim is processed; a blocked claim is rejected and
    refunded (the creditor is told why). The day's assessment is kept in ``fresh`` (does a lawyer have to
    review it?)."""
    account = bootstrap.accounts().find(claim.creditor_id)
    if account is None or account.creditor is None:
        return None  # nothing to assess against: the operator will look at it
    # The debtor checked against the BODACC on the day: a judgment published since the payment blocks it.
    precheck = checked_assessment(claims, claim, account.creditor, get_settings().today(), now=business_now())
    fresh["assessment"] = precheck.assessment
    if precheck.can_submit:
        return None
    reject_and_refund(
        claims,
        bootstrap.stripe(),
        claim.claim_id,
        reasons=[blocker.as_dict() for blocker in precheck.blockers],
        actor="plateforme",
        now=business_now(),
    )
    return precheck.blockers[0].message


def recheck_debtors() -> dict[str, object]:
    """The daily look at the debtors (the ``recheck_debtors`` schedule): the BODACC for the claims waiting in
    the escalation, and the accepted payment plans (an instalment missed is said to the creditor)."""
    from chalicelib.services import debtor_check, debtor_declarations

    settings = get_settings()
    report = debtor_check.recheck_waiting(
        bootstrap.claims(), debtor_check.bodacc_source(), today=settings.today(), now=business_now()
    ).as_dict()
    report["plans_missed"] = debtor_declarations.check_plans(
        bootstrap.claims(),
        bootstrap.debtor_declarations(),
        today=settings.today(),
        now=business_now(),
        base_url=settings.public_url,
        remind=debtor_declarations.instalment_reminder(
            bootstrap.claims(),
            bootstrap.accounts(),
            bootstrap.debtor_links(),
            bootstrap.send_email,
            settings.public_url,
        ),
    )
    return report


def poll_registered_mail() -> dict[str, object]:
    """The ``poll_registered_mail`` schedule: every letter a provider still has news of is asked about."""
    from chalicelib.services.debtor_check import WAITING
    from chalicelib.services.notice.delivery import pending_deliveries, refresh_delivery

    claims = bootstrap.claims()
    postal = bootstrap.postal()
    if not hasattr(postal, "tracking"):
        return {"checked": 0, "updated": []}
    statuses = (*WAITING, ClaimStatus.NEEDS_ATTENTION)
    updated: list[str] = []
    checked = 0
    for claim_id in pending_deliveries(claims, statuses):
        checked += 1
        try:
            result = refresh_delivery(
                claim_id, claims=claims, store=bootstrap.documents(), postal=postal, now=business_now()
            )
        except Exception as error:  # one letter's failure never stops the others'
            import logging

            logging.getLogger("claims.postal").warning("delivery poll failed for %s: %s", claim_id, error)
            continue
        if result.new_events or result.new_proofs:
            updated.append(claim_id)
    return {"checked": checked, "updated": updated}


def prepare_declaration(event: dict[str, Any]) -> dict[str, object]:
    """The déclaration de créance's PDF, started by ``POST /v1/claims/{id}/declaration``."""
    from chalicelib.services import declaration

    claim_id = parse(TaskInput, event).claim_id
    prepared = declaration.prepare(
        claim_id,
        claims=bootstrap.claims(),
        accounts=bootstrap.accounts(),
        store=bootstrap.documents(),
        today=get_settings().today(),
        now=business_now(),
    )
    return {"claim_id": claim_id, **prepared.as_dict()}


def import_claims(event: dict[str, Any]) -> dict[str, object]:
    """The bulk import's worker, started by ``POST /v1/imports`` (asynchronous invocation)."""
    import_id = parse(ImportInput, event).import_id
    job = run_import(
        import_id,
        imports=bootstrap.imports(),
        files=bootstrap.documents(),
        claims=bootstrap.claims(),
        now=business_now,
        notify=_email_import_report,
    )
    return {"import_id": job.import_id, "status": job.status.value, "drafts_created": job.drafts_created}


def _email_import_report(job: ImportJob) -> None:
    """Queue the creditor's import report email in the outbox, once per import
    (``compte:<id>#import-<import id>#1``): sent by the outbox, and again after a failed attempt."""
    from chalicelib.clock import real_now
    from chalicelib.domain.notifications import Notification, account_subject

    if job.status.value != "done":
        return
    base_url = get_settings().public_url.rstrip("/")
    report = Notification(
        "import_finished",
        {
            "base_url": base_url,
            "drafts_created": job.drafts_created,
            "lines_rejected": job.lines_rejected,
            "report_url": f"{base_url}/#/imports/{job.import_id}",
            "file_name": job.filename,
        },
    )
    bootstrap.outbox().queue_once(
        account_subject(job.creditor_id), f"import-{job.import_id}", report, now=real_now()
    )


# --- claim emails (outbox) ---------------------------------------------------------------------------


def send_notifications(event: dict[str, Any]) -> dict[str, object]:
    """Started (asynchronously) right after a claim write queued emails: send that claim's pending ones."""
    claim_id = parse(NotificationsInput, event).claim_id
    report = deliver_pending(claim_id=claim_id or None)
    return report.as_dict()


def sweep_outbox() -> dict[str, object]:
    """Every minute: whatever is still pending (a start that failed, a retry after a send failure)."""
    return deliver_pending().as_dict()
