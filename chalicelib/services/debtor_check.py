"""The debtor checked against the BODACC when it matters: at the pre-check and the submission, in the
escalation's CheckClaim, and before the dossier is assembled (RULEBOOK 2.9: « check BODACC by SIREN before
every escalation step »).

A collective-proceedings judgment the BODACC publishes for the debtor's SIREN goes into the claim's content
(``debtor.collective_proceedings``, source ``bodacc``, with the court, the mandataire or liquidateur and the
announcement) with an event in the timeline naming the source and its date; the legal engine, which stays
pure, then routes the claim to the déclaration de créance. The check never removes what the creditor
declared. When the BODACC does not answer, the claim goes on with what the creditor declared and a finding
says the check could not be made (never a 5xx, never a silent pass).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
from chalicelib.domain.claim_content import ClaimContent
from chalicelib.domain.notifications import Notification
from chalicelib.domain.proceedings import READING, ProceedingsState, court_name, proceedings_state
from chalicelib.legal.exigibility import french_date

if TYPE_CHECKING:
    from chalicelib.adapters.bodacc import Bodacc
    from chalicelib.adapters.claims_repository import ClaimRepository

LOG = logging.getLogger("claims.debtor_check")
ARTICLE = "C. com. L622-21, R622-24 (RULEBOOK 2.9)"
KIND_FR = {
    "sauvegarde": "procédure de sauvegarde",
    "redressement": "redressement judiciaire",
    "liquidation": "liquidation judiciaire",
}
Outcome = Literal["in_proceedings", "none", "closed", "unavailable", "not_checked"]


@dataclass(frozen=True)
class DebtorCheck:
    outcome: Outcome
    message: str
    state: ProceedingsState | None = None
    simulated: bool = False

    def finding(self) -> dict[str, str]:
        """The check as one of the assessment's findings (``part`` debtor)."""
        level = "warning" if self.outcome == "unavailable" else "info"
        return {
            "code": f"bodacc_{self.outcome}",
            "part": "debtor",
            "level": level,
            "article": ARTICLE,
            "message": self.message,
        }


def debtor_siren(content: ClaimContent) -> str:
    """The SIREN the BODACC is asked about: a debtor in France with one (a consumer has none)."""
    debtor = content.debtor
    if debtor.address.country != "FR" or debtor.category == "consumer":
        return ""
    return debtor.siren


def check(content: ClaimContent, source: Bodacc | None, today: dt.date) -> DebtorCheck:
    """What the BODACC says of the debtor on ``today``, the business day: announcements published later are
    not known yet on that day (never raises for the BODACC's sake)."""
    from chalicelib.adapters.company_registry import RegistryUnavailable

    siren = debtor_siren(content)
    if source is None:
        return DebtorCheck("not_checked", "Vérification au BODACC désactivée (BODACC=off).")
    if not siren:
        return DebtorCheck(
            "not_checked",
            "Pas de vérification au BODACC : le débiteur n'a pas de SIREN (particulier, étranger).",
        )
    try:
        state = proceedings_state([j for j in source.judgments(siren) if j.published_on <= today])
    except RegistryUnavailable as error:
        LOG.warning("BODACC unavailable for a claim check: %s", error)
        return DebtorCheck(
            "unavailable",
            f"Le BODACC n'a pas pu être consulté ({error}) : la créance continue avec ce que vous avez "
            "déclaré ; la vérification sera refaite avant chaque étape.",
        )
    simulated = source.simulated
    if state.in_proceedings and state.opening is not None:
        opening = state.opening
        return DebtorCheck(
            "in_proceedings",
            f"Le BODACC publie le {french_date(opening.published_on)} un jugement du "
            f"{french_date(opening.judgment_date)} ({court_name(opening.court)}) : "
            f"{KIND_FR.get(state.kind or '', state.kind or '')} du débiteur. {READING}",
            state,
            simulated,
        )
    if state.closed_on is not None:
        return DebtorCheck(
            "closed",
            f"Le BODACC publie la clôture d'une procédure collective du débiteur le "
            f"{french_date(state.closed_on)} ; aucune procédure en cours.",
            state,
            simulated,
        )
    return DebtorCheck(
        "none", "Aucune procédure collective publiée au BODACC pour ce SIREN.", state, simulated
    )


def proceedings_content(state: ProceedingsState) -> dict[str, Any] | None:
    """``debtor.collective_proceedings`` as the BODACC gives it (None: not in proceedings)."""
    engine = state.engine_input()
    if engine is None or state.opening is None:
        return None
    return {
        **engine,
        "source": "bodacc",
        "court": court_name(state.opening.court),
        "mandataire": state.mandataire,
        "announcement": state.opening.announcement,
    }


def _differs(current: Mapping[str, Any] | None, found: Mapping[str, Any]) -> bool:
    if current is None:
        return True
    keys = ("kind", "opened_on", "published_on", "mandataire", "announcement")
    return any(str(current.get(k) or "") != str(found.get(k) or "") for k in keys)


def refresh(
    claims: ClaimRepository,
    claim: Claim,
    source: Bodacc | None,
    *,
    today: dt.date,
    now: dt.datetime,
    actor: str = "plateforme",
    notify: bool = False,
) -> tuple[Claim, DebtorCheck]:
    """Check the debtor and, when the BODACC publishes proceedings the claim does not carry yet, write them
    into its content with an event (the timeline says the source and the publication date). ``notify``:
    queue the creditor's email in the same write (the checks after the notice; before it, the pre-check's
    page or the rejection's email says it)."""
    if claim.content is None:
        return claim, DebtorCheck("not_checked", "Créance vide : rien à vérifier.")
    content = ClaimContent.model_validate(claim.content)
    result = check(content, source, today)
    if result.outcome != "in_proceedings" or result.state is None:
        return claim, result
    found = proceedings_content(result.state)
    current = claim.content.get("debtor", {}).get("collective_proceedings")
    if found is None or not _differs(current, found):
        return claim, result
    opening = result.state.opening
    assert opening is not None
    reason = (
        f"Procédure collective publiée au BODACC le {french_date(opening.published_on)} "
        f"(annonce {opening.announcement}{', données de démonstration' if result.simulated else ''}) : "
        f"{opening.nature}, jugement du {french_date(opening.judgment_date)}, {court_name(opening.court)}."
    )

    def change(c: Claim) -> Claim:
        data = dict(c.content or {})
        data["debtor"] = {**data.get("debtor", {}), "collective_proceedings": found}
        return replace(c, content=ClaimContent.model_validate(data).as_json(), assessment=None)

    email = _email(found, opening.published_on) if notify else ()
    updated = claims.record(
        claim.claim_id,
        kind=EventKind.NOTE,
        actor=actor,
        reason=reason,
        change=change,
        now=now,
        current=claim,
        notify=email,
    )
    return updated, result


def _email(found: Mapping[str, Any], published_on: dt.date) -> Notification:
    """The creditor's email. The exact deadline (which depends on where the creditor resides, R622-24) is
    the one the claim's page computes; the email gives the rule."""
    return Notification(
        "debtor_proceedings",
        {
            "proceedings_kind": KIND_FR.get(str(found["kind"]), str(found["kind"])),
            "published_on": published_on.isoformat(),
            "mandataire": str(found.get("mandataire") or "") or None,
            "court_name": str(found.get("court") or "") or None,
        },
    )


# Where the escalation waits (for the deadline, the creditor's answer, the lawyer): checked daily.
WAITING = (
    ClaimStatus.NOTICE_SENT,
    ClaimStatus.DISPUTED,
    ClaimStatus.ESCALATION_OFFERED,
    ClaimStatus.DOSSIER_READY,
)


@dataclass(frozen=True)
class Recheck:
    checked: int
    found: tuple[str, ...]  # claims a new judgment was written into
    unavailable: int

    def as_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "found": list(self.found), "unavailable": self.unavailable}


def recheck_waiting(
    claims: ClaimRepository, source: Bodacc | None, *, today: dt.date, now: dt.datetime
) -> Recheck:
    """The daily check of the claims waiting for their deadline (or for the creditor or a lawyer): a
    judgment published since is written into the claim and the creditor told. The offer of the injonction
    and the dossier's assembly check again and stop (chalicelib/workflow/handlers.py)."""
    found: list[str] = []
    checked = unavailable = 0
    if source is None:
        return Recheck(0, (), 0)
    for claim in claims.in_statuses(WAITING):
        before = claim.event_count
        try:
            updated, result = refresh(claims, claim, source, today=today, now=now, notify=True)
        except Exception as error:  # one claim's failure never stops the others'
            LOG.warning("debtor recheck failed for %s: %s", claim.claim_id, error)
            continue
        checked += 1
        unavailable += result.outcome == "unavailable"
        if updated.event_count != before:
            found.append(claim.claim_id)
    return Recheck(checked, tuple(found), unavailable)


def blocked_by_proceedings(assessment: Mapping[str, Any]) -> str | None:
    """The engine's reason when collective proceedings block the injonction (None otherwise)."""
    for finding in assessment.get("findings") or []:
        if finding.get("code") == "collective_proceedings_block":
            return str(finding.get("message") or "Le débiteur est en procédure collective.")
    return None


def bodacc_source() -> Bodacc | None:
    from chalicelib.adapters.bodacc import bodacc

    return bodacc()


def stop_for_proceedings(
    claims: ClaimRepository,
    accounts: Any,
    claim_id: str,
    source: Bodacc | None,
    *,
    today: dt.date,
    now: dt.datetime,
) -> str | None:
    """Before the injonction is offered or its dossier assembled: the debtor checked again (a new judgment
    written into the claim, the creditor told) and the engine's reason when proceedings now block it."""
    from chalicelib.services.claims import assess_claim

    claim, _ = refresh(claims, claims.get(claim_id), source, today=today, now=now, notify=True)
    account = accounts.find(claim.creditor_id)
    if account is None or account.creditor is None or claim.content is None:
        return None
    content = ClaimContent.model_validate(claim.content)
    if content.debtor.collective_proceedings is None:
        return None
    return blocked_by_proceedings(assess_claim(claim, account.creditor, today).assessment)
