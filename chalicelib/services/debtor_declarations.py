"""The debtor answers from their page (issue 22): « J'ai payé » and « Je conteste ».

A declared payment waits for the creditor, who is emailed and confirms it in one click (it is then recorded
as a debtor payment, with the usual effects: settled if it covers the balance, the amounts recomputed
otherwise) or says it was not received. Until then the escalation keeps its course; the claim's page warns
the creditor before any paid step.

A dispute pauses the automatic escalation as the creditor's own report of a dispute does (after the notice:
the claim becomes « contestée »), with the debtor's reason and words in the timeline, and the creditor is
emailed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib.domain.accounts import Identity
from chalicelib.domain.actors import DEBTOR_PAGE_ACTOR
from chalicelib.domain.claim import ClaimStatus, EventKind
from chalicelib.domain.debtor_declaration import DISPUTE_REASONS, Declaration
from chalicelib.domain.errors import InvalidInput, InvalidTransition
from chalicelib.domain.notifications import Notification

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.debtor_declarations import DebtorDeclarations
    from chalicelib.adapters.debtor_links import DebtorLinks

DEBTOR = DEBTOR_PAGE_ACTOR
MAX_TEXT = 2000


def _claim_of(token: str, links: DebtorLinks, claims: ClaimRepository, now: dt.datetime) -> Any:
    from chalicelib.services.debtor_page import served_claim

    return served_claim(token, links, claims, now)


def _euros(amount: Any) -> str:
    from chalicelib.documents.formatting import euros

    return euros(amount)


def declare_payment(
    token: str,
    *,
    paid_on: dt.date,
    amount: str,
    links: DebtorLinks,
    claims: ClaimRepository,
    declarations: DebtorDeclarations,
    today: dt.date,
    now: dt.datetime,
    base_url: str,
) -> Declaration:
    from chalicelib.services.escalation.reports import checked_payment

    claim = _claim_of(token, links, claims, now)
    value = checked_payment(amount, paid_on, today)
    declared = declarations.add(
        claim.claim_id, "payment", {"paid_on": paid_on.isoformat(), "amount": f"{value:.2f}"}, now
    )
    claims.record(
        claim.claim_id,
        kind=EventKind.NOTE,
        actor=DEBTOR,
        reason=(
            f"Le débiteur indique avoir payé {_euros(value)} le {paid_on.strftime('%d/%m/%Y')} : "
            "paiement à confirmer par le créancier"
        ),
        now=now,
        notify=Notification(
            "debtor_declared_payment",
            {
                "paid_on": paid_on.isoformat(),
                "amount_paid": f"{value:.2f}",
                "confirm_url": f"{base_url.rstrip('/')}/#/creances/{claim.claim_id}",
            },
        ),
    )
    return declared


def declare_dispute(
    token: str,
    *,
    reason: str,
    text: str,
    links: DebtorLinks,
    claims: ClaimRepository,
    declarations: DebtorDeclarations,
    now: dt.datetime,
) -> Declaration:
    from chalicelib.services.escalation import report_dispute

    claim = _claim_of(token, links, claims, now)
    if reason not in DISPUTE_REASONS:
        raise InvalidInput("Choisissez le motif de la contestation dans la liste.", field="reason")
    words = " ".join(text.split())[:MAX_TEXT]
    if reason == "other" and not words:
        raise InvalidInput("Expliquez en quelques mots pourquoi vous contestez.", field="text")
    declared = declarations.add(claim.claim_id, "dispute", {"reason": reason, "text": words}, now)
    summary = DISPUTE_REASONS[reason] + (f" — « {words} »" if words else "")
    if claim.status is ClaimStatus.NOTICE_SENT:
        report_dispute(claims, claim.claim_id, actor=DEBTOR, summary=summary, now=now)
    else:
        claims.record(
            claim.claim_id,
            kind=EventKind.NOTE,
            actor=DEBTOR,
            reason=f"Le débiteur conteste la créance : {summary}",
            now=now,
            notify=Notification(
                "disputed", {"disputed_on": now.date().isoformat(), "dispute_summary": summary}
            ),
        )
    return declared


# --- the creditor's side ---------------------------------------------------------------------------------
def of_claim(
    claims: ClaimRepository, declarations: DebtorDeclarations, identity: Identity, claim_id: str
) -> list[Declaration]:
    claims.get_for(identity, claim_id)
    return declarations.of_claim(claim_id)


def confirm_payment(
    claims: ClaimRepository,
    declarations: DebtorDeclarations,
    identity: Identity,
    claim_id: str,
    declaration_id: str,
    *,
    resume: Callable[[str, dict[str, Any]], None],
    now: dt.datetime,
) -> Declaration:
    """The creditor received it: recorded as a debtor payment (settled when it covers the balance). For a
    requested payment plan: the creditor accepts it."""
    from chalicelib.services.escalation import record_debtor_payment

    claims.get_for(identity, claim_id)
    found = declarations.get(claim_id, declaration_id)
    if found is not None and found.kind == "plan":
        return answer_plan(claims, declarations, identity, claim_id, declaration_id, accept=True, now=now)
    pending = _pending_payment(found)
    record_debtor_payment(
        claims,
        claim_id,
        actor=identity.user_id,
        paid_on=dt.date.fromisoformat(str(pending.details["paid_on"])),
        amount=str(pending.details["amount"]),
        resume=resume,
        now=now,
    )
    return declarations.decide(claim_id, declaration_id, "confirmed", identity.user_id, now)


def refuse_payment(
    claims: ClaimRepository,
    declarations: DebtorDeclarations,
    identity: Identity,
    claim_id: str,
    declaration_id: str,
    *,
    now: dt.datetime,
) -> Declaration:
    claims.get_for(identity, claim_id)
    found = declarations.get(claim_id, declaration_id)
    if found is not None and found.kind == "plan":
        return answer_plan(claims, declarations, identity, claim_id, declaration_id, accept=False, now=now)
    pending = _pending_payment(found)
    decided = declarations.decide(claim_id, declaration_id, "refused", identity.user_id, now)
    claims.record(
        claim_id,
        kind=EventKind.NOTE,
        actor=identity.user_id,
        reason=(
            f"Paiement déclaré par le débiteur ({_euros(pending.details['amount'])} le "
            f"{dt.date.fromisoformat(str(pending.details['paid_on'])).strftime('%d/%m/%Y')}) : "
            "non reçu selon le créancier"
        ),
        now=now,
    )
    return decided


def _pending_payment(found: Declaration | None) -> Declaration:
    if found is None or found.kind != "payment":
        raise InvalidInput("Ce paiement déclaré n'existe pas.", field="declaration_id")
    if found.status != "pending":
        raise InvalidTransition("Ce paiement déclaré a déjà été traité.", code="already_decided")
    return found


# --- the debtor's files (a proof of payment, the dispute's documents) ------------------------------------
MAX_DEBTOR_FILE_BYTES = 5 * 1024 * 1024  # sent in the API's JSON body (base64): API Gateway takes 10 MB
MAX_FILES_PER_DECLARATION = 5


def attach_file(
    token: str,
    declaration_id: str,
    *,
    filename: str,
    content: bytes,
    links: DebtorLinks,
    claims: ClaimRepository,
    declarations: DebtorDeclarations,
    store: Any,
    now: dt.datetime,
) -> Declaration:
    """A file for one of the debtor's declarations, through the same checks as the creditor's uploads (real
    type, size, no active or hidden content): refused with the reason in French before anything is stored;
    accepted, it is stored under the claim with its SHA-256 in the timeline."""
    import hashlib
    import uuid

    from chalicelib.documents.inspection import download_name, inspect_upload, safe_filename

    claim = _claim_of(token, links, claims, now)
    found = declarations.get(claim.claim_id, declaration_id)
    if found is None:
        raise InvalidInput("Cette déclaration est introuvable.", field="declaration_id")
    files = list(found.details.get("files") or [])
    if len(files) >= MAX_FILES_PER_DECLARATION:
        raise InvalidInput(f"{MAX_FILES_PER_DECLARATION} fichiers au plus par déclaration.", field="file")
    if len(content) > MAX_DEBTOR_FILE_BYTES:
        raise InvalidInput("Le fichier dépasse 5 Mo : envoyez une version plus légère.", field="file")
    name = safe_filename(filename)
    inspected = inspect_upload(content, filename=name)  # UploadRejected (422) before anything is stored
    file_id = f"dfl_{uuid.uuid4().hex[:16]}"
    key = f"claims/{claim.claim_id}/debtor/{declaration_id}/{file_id}"
    store.put(key, content, inspected.media_type)
    entry = {
        "file_id": file_id,
        "filename": download_name(name, inspected.media_type),
        "media_type": inspected.media_type,
        "size": inspected.size,
        "sha256": hashlib.sha256(content).hexdigest(),
        "storage_key": key,
    }
    updated = declarations.add_file(claim.claim_id, declaration_id, entry)
    claims.record(
        claim.claim_id,
        kind=EventKind.DOCUMENT_ADDED,
        actor=DEBTOR,
        reason=f"Pièce jointe par le débiteur à sa déclaration : « {entry['filename']} »",
        document_hashes={file_id: str(entry["sha256"])},
        now=now,
    )
    return updated


def file_link(
    claims: ClaimRepository,
    declarations: DebtorDeclarations,
    store: Any,
    identity: Identity,
    claim_id: str,
    declaration_id: str,
    file_id: str,
) -> str:
    """A short download link to one of the debtor's files, for the claim's creditor."""
    from chalicelib.domain.errors import NotFound

    claims.get_for(identity, claim_id)
    found = declarations.get(claim_id, declaration_id)
    entry = (
        next((f for f in (found.details.get("files") or []) if f.get("file_id") == file_id), None)
        if found
        else None
    )
    if entry is None:
        raise NotFound("Ce fichier est introuvable.")
    return str(store.presigned_get(str(entry["storage_key"]), str(entry["filename"])))


# --- « Je demande un délai » -----------------------------------------------------------------------------
def request_plan(
    token: str,
    *,
    instalments: int,
    first_on: dt.date,
    links: DebtorLinks,
    claims: ClaimRepository,
    accounts: Any,
    declarations: DebtorDeclarations,
    today: dt.date,
    now: dt.datetime,
    base_url: str,
) -> Declaration:
    """The debtor proposes to pay the sum due today in ``instalments`` monthly payments from ``first_on``.
    The request itself acknowledges the debt (C. civ. 2240, RULEBOOK 1.4: « a request for payment delay »):
    it joins the claim's acknowledgements, so prescription runs again from today. The creditor accepts or
    refuses it on the claim page."""
    from decimal import Decimal

    from chalicelib.domain.claim_content import ClaimContent
    from chalicelib.domain.debtor_declaration import MAX_FIRST_INSTALMENT_DAYS, MAX_INSTALMENTS, schedule
    from chalicelib.services.claims import assess_claim

    claim = _claim_of(token, links, claims, now)
    if not 2 <= instalments <= MAX_INSTALMENTS:
        raise InvalidInput(f"Choisissez de 2 à {MAX_INSTALMENTS} mensualités.", field="instalments")
    if not today <= first_on <= today + dt.timedelta(days=MAX_FIRST_INSTALMENT_DAYS):
        raise InvalidInput(
            f"La première mensualité doit tomber dans les {MAX_FIRST_INSTALMENT_DAYS} jours qui viennent.",
            field="first_date",
        )
    account = accounts.find(claim.creditor_id)
    if account is None or account.creditor is None:
        raise InvalidTransition("Ce dossier ne peut pas recevoir de demande de délai.")
    amounts = assess_claim(claim, account.creditor, today).assessment.get("amounts") or {}
    total = Decimal(str(amounts.get("total") or amounts.get("principal_outstanding") or "0"))
    cents = int(total * 100)
    if cents < instalments * 100:
        raise InvalidInput(
            "La somme due est trop faible pour être payée en plusieurs fois.", field="instalments"
        )
    plan = schedule(cents, instalments, first_on)
    declared = declarations.add(
        claim.claim_id,
        "plan",
        {
            "instalments": instalments,
            "first_date": first_on.isoformat(),
            "total": f"{total:.2f}",
            "schedule": plan,
        },
        now,
    )

    def acknowledged(c: Any) -> Any:
        from dataclasses import replace

        content = ClaimContent.model_validate(c.content)
        data = content.as_json()
        data["acknowledgements"] = [
            *data.get("acknowledgements", []),
            {
                "date": today.isoformat(),
                "description": "Demande de délai de paiement par le débiteur (en ligne)",
            },
        ]
        return replace(c, content=ClaimContent.model_validate(data).as_json())

    claims.record(
        claim.claim_id,
        kind=EventKind.NOTE,
        actor=DEBTOR,
        reason=(
            f"Le débiteur demande un délai : {instalments} mensualités à partir du "
            f"{first_on.strftime('%d/%m/%Y')} ({_euros(total)}). La demande vaut reconnaissance de la dette "
            "(C. civ. 2240) : la prescription court à nouveau"
        ),
        change=acknowledged,
        now=now,
        notify=Notification(
            "debtor_plan_requested",
            {
                "instalments": instalments,
                "first_date": first_on.isoformat(),
                "amount_claimed": f"{total:.2f}",
                "answer_url": f"{base_url.rstrip('/')}/#/creances/{claim.claim_id}",
            },
        ),
    )
    return declared


def answer_plan(
    claims: ClaimRepository,
    declarations: DebtorDeclarations,
    identity: Identity,
    claim_id: str,
    declaration_id: str,
    *,
    accept: bool,
    now: dt.datetime,
) -> Declaration:
    claims.get_for(identity, claim_id)
    found = declarations.get(claim_id, declaration_id)
    if found is None or found.kind != "plan":
        raise InvalidInput("Cette demande de délai n'existe pas.", field="declaration_id")
    if found.status != "pending":
        raise InvalidTransition("Cette demande de délai a déjà reçu une réponse.", code="already_decided")
    decided = declarations.decide(
        claim_id, declaration_id, "accepted" if accept else "refused", identity.user_id, now
    )
    claims.record(
        claim_id,
        kind=EventKind.NOTE,
        actor=identity.user_id,
        reason=(
            f"Échéancier de {found.details['instalments']} mensualités "
            f"{'accepté' if accept else 'refusé'} par le créancier"
        ),
        now=now,
    )
    return decided


# --- an accepted plan followed day by day ----------------------------------------------------------------
def paid_since(plan: Declaration, claim: Any) -> Any:
    """What the claim's recorded payments since the plan was asked for add up to (a Decimal)."""
    from decimal import Decimal

    from chalicelib.domain.claim_content import ClaimContent

    since = plan.declared_at.date()
    payments = ClaimContent.model_validate(claim.content).payments
    return sum((p.amount for p in payments if p.date >= since), Decimal("0"))


def missed_instalment(plan: Declaration, paid_since: Any, today: dt.date) -> dict[str, str] | None:
    """The first instalment past its due date that the payments recorded since the plan do not cover
    (cumulatively), or None. Pure."""
    from decimal import Decimal

    due = Decimal("0")
    for item in plan.details.get("schedule") or []:
        due += Decimal(str(item["amount"]))
        if dt.date.fromisoformat(str(item["due_on"])) < today and paid_since < due:
            return {"due_on": str(item["due_on"]), "amount": str(item["amount"])}
    return None


def check_plans(
    claims: ClaimRepository,
    declarations: DebtorDeclarations,
    *,
    today: dt.date,
    now: dt.datetime,
    base_url: str,
    remind: Callable[[Declaration, Any, dict[str, str]], bool] | None = None,
) -> list[str]:
    """The daily look at the accepted plans: an instalment missed is said once to the creditor (timeline and
    email), who may then resume the steps; ``remind`` emails the debtor once before each instalment (the
    ``REMIND_DAYS`` before its day). Returns the claims whose creditor was told today."""

    told = []
    for plan in declarations.accepted_plans():
        if remind is not None:
            _remind_next(plan, declarations, today, remind)
        try:
            claim = claims.get(plan.claim_id)
        except Exception:  # the claim was erased (retention): nothing to follow
            continue
        if claim.content is None:
            continue
        missed = missed_instalment(plan, paid_since(plan, claim), today)
        if missed is None or missed["due_on"] in (plan.details.get("missed") or []):
            continue
        details = dict(plan.details)
        details["missed"] = [*details.get("missed", []), missed["due_on"]]
        declarations.set_details(plan.claim_id, plan.declaration_id, details)
        claims.record(
            plan.claim_id,
            kind=EventKind.NOTE,
            actor="plateforme",
            reason=(
                f"Échéance du {dt.date.fromisoformat(missed['due_on']).strftime('%d/%m/%Y')} "
                f"({_euros(missed['amount'])}) de l'échéancier non réglée"
            ),
            now=now,
            notify=Notification(
                "debtor_plan_missed",
                {
                    "due_on": missed["due_on"],
                    "amount_due": missed["amount"],
                    "claim_url_resume": f"{base_url.rstrip('/')}/#/creances/{plan.claim_id}",
                },
            ),
        )
        told.append(plan.claim_id)
    return told


REMIND_DAYS = 3  # POLICY: the debtor is reminded of an instalment this many days before it


def _remind_next(
    plan: Declaration,
    declarations: DebtorDeclarations,
    today: dt.date,
    remind: Callable[[Declaration, Any, dict[str, str]], bool],
) -> None:
    reminded = list(plan.details.get("reminded") or [])
    for item in plan.details.get("schedule") or []:
        due_on = dt.date.fromisoformat(str(item["due_on"]))
        if today <= due_on <= today + dt.timedelta(days=REMIND_DAYS) and item["due_on"] not in reminded:
            if remind(plan, due_on, item):
                details = dict(plan.details)
                details["reminded"] = [*reminded, item["due_on"]]
                declarations.set_details(plan.claim_id, plan.declaration_id, details)
            return


def instalment_reminder(
    claims: ClaimRepository,
    accounts: Any,
    links: DebtorLinks,
    send_email: Callable[[str, Any], Any],
    public_url: str,
) -> Callable[[Declaration, Any, dict[str, str]], bool]:
    """The debtor's reminder of one instalment, in the creditor's name (False when there is no email)."""
    from chalicelib.documents.emails import render_email
    from chalicelib.domain.claim_content import ClaimContent
    from chalicelib.domain.debtor_payment import rf_reference

    def remind(plan: Declaration, due_on: dt.date, item: dict[str, str]) -> bool:
        claim = claims.get(plan.claim_id)
        if claim.content is None:
            return False
        content = ClaimContent.model_validate(claim.content)
        account = accounts.find(claim.creditor_id)
        if not content.debtor.email or account is None or account.creditor is None:
            return False
        link = links.current(claim.claim_id)
        context = {
            "creditor_name": account.creditor.legal_name,
            "debtor_name": content.debtor.display_name,
            "claim_reference": content.reference or claim.reference or claim.claim_id,
            "amount_due": str(item["amount"]),
            "due_on": due_on.isoformat(),
            "rf_reference": rf_reference(claim.claim_id),
            "debtor_page_url": link.url(public_url) if link is not None and link.active else None,
            "creditor_email": account.email or None,
        }
        send_email(content.debtor.email, render_email("debtor_instalment_reminder", context))
        return True

    return remind


def plan_wait_until(
    declarations: DebtorDeclarations, claims: ClaimRepository, claim_id: str, today: dt.date
) -> dt.date | None:
    """While the debtor keeps an accepted payment plan, the day after its next instalment (the escalation
    waits until then); None when there is no accepted plan, an instalment was missed, or the plan is over."""

    plans = [d for d in declarations.of_claim(claim_id) if d.kind == "plan" and d.status == "accepted"]
    if not plans:
        return None
    plan = plans[-1]
    claim = claims.get(claim_id)
    if claim.content is None:
        return None
    if missed_instalment(plan, paid_since(plan, claim), today) is not None:
        return None
    for item in plan.details.get("schedule") or []:
        due_on = dt.date.fromisoformat(str(item["due_on"]))
        if due_on >= today:
            return due_on + dt.timedelta(days=1)
    return None
