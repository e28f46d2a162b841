"""The déclaration de créance (RULEBOOK 2.9): when the debtor is in collective proceedings, the injonction is
blocked and the creditor must declare the claim to the mandataire judiciaire or the liquidateur within two
months of the BODACC publication (C. com. L622-24, R622-24). The platform prepares the pre-filled letter
(``templates/documents/declaration_creance.html``): the mandataire named in the announcement, the amounts
the engine computed (interest stopped at the opening judgment, L622-28), the deadline; the creditor
checks it, signs it and sends it.

Rendering needs WeasyPrint, which the API does not load: the API starts ``prepare_declaration`` (a PDF
function) in the background and the page asks until the letter is there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from chalicelib.domain.accounts import Identity
from chalicelib.domain.actors import PLATFORM_ACTOR
from chalicelib.domain.claim import Claim, EventKind
from chalicelib.domain.claim_content import ClaimContent
from chalicelib.domain.errors import InvalidTransition
from chalicelib.legal.exigibility import french_date
from chalicelib.services.ports import AccountFinder, DocumentStore

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository

HASH_KEY = "declaration_creance"
UNKNOWN_DEADLINE = "(deux mois après la publication au BODACC, date à vérifier)"
ACTOR = PLATFORM_ACTOR
KIND_LABELS = {
    "sauvegarde": "procédure de sauvegarde",
    "redressement": "procédure de redressement judiciaire",
    "liquidation": "procédure de liquidation judiciaire",
}


def declaration_key(claim_id: str) -> str:
    return f"claims/{claim_id}/declaration/declaration-creance.pdf"


@dataclass(frozen=True)
class Declaration:
    status: str  # absent | ready
    sha256: str = ""
    prepared_at: dt.datetime | None = None
    url: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "sha256": self.sha256 or None,
            "prepared_at": self.prepared_at.isoformat() if self.prepared_at else None,
            "url": self.url or None,
        }


def _proceedings_of(claim: Claim) -> ClaimContent:
    if claim.content is None:
        raise InvalidTransition("La créance est vide.", code="declaration_not_applicable")
    content = ClaimContent.model_validate(claim.content)
    if content.debtor.collective_proceedings is None:
        raise InvalidTransition(
            "Le débiteur n'est pas en procédure collective : il n'y a pas de créance à déclarer.",
            code="declaration_not_applicable",
        )
    return content


def check_requestable(claims: ClaimRepository, identity: Identity, claim_id: str) -> Claim:
    """The claim is the caller's and its debtor is in collective proceedings (else 404 or 409)."""
    claim = claims.get_for(identity, claim_id)
    _proceedings_of(claim)
    return claim


def prepare(
    claim_id: str,
    *,
    claims: ClaimRepository,
    accounts: AccountFinder,
    store: DocumentStore,
    today: dt.date,
    now: dt.datetime,
) -> Declaration:
    """Render the pre-filled declaration of the claim as it stands today, store it and record its hash in
    the timeline. Prepared again on every request (the amounts and the letter date are the day's)."""
    from chalicelib.documents.letters import document_pdf
    from chalicelib.services.claims import assess_claim
    from chalicelib.services.notice.context import build_notice_context
    from chalicelib.services.notice.sending import _creditor

    claim = claims.get(claim_id)
    content = _proceedings_of(claim)
    proceedings = content.debtor.collective_proceedings
    assert proceedings is not None
    profile, creditor_email = _creditor(accounts, claim)
    assessment = assess_claim(claim, profile, today).assessment
    route = assessment.get("route") or {}
    ctx = build_notice_context(claim, profile, assessment, today=today, creditor_email=creditor_email)
    deadline = route.get("declaration_deadline")
    role = "liquidateur" if proceedings.kind == "liquidation" else "mandataire judiciaire"
    ctx = replace(
        ctx,
        extra={
            "kind_label": KIND_LABELS[proceedings.kind],
            "mandataire": proceedings.mandataire,
            "mandataire_role": role,
            "court": proceedings.court,
            "opened_on": french_date(proceedings.opened_on),
            "published_on": french_date(proceedings.published_on) if proceedings.published_on else "",
            "announcement": proceedings.announcement,
            "deadline": french_date(dt.date.fromisoformat(deadline))
            if deadline
            else "(date de publication à vérifier)",
        },
    )
    pdf = document_pdf("declaration_creance", ctx)
    sha256 = hashlib.sha256(pdf).hexdigest()
    key = declaration_key(claim_id)
    store.put(key, pdf, "application/pdf")
    claims.record(
        claim_id,
        kind=EventKind.DOCUMENT_ADDED,
        actor=ACTOR,
        reason="Déclaration de créance préparée (à signer et à adresser au mandataire désigné)",
        document_hashes={HASH_KEY: sha256},
        now=now,
    )
    return Declaration("ready", sha256, now)


def current(claims: ClaimRepository, store: DocumentStore, identity: Identity, claim_id: str) -> Declaration:
    """The last declaration prepared for the caller's claim, with a short download link."""
    claim = check_requestable(claims, identity, claim_id)
    last = next((e for e in reversed(claims.events(claim_id)) if HASH_KEY in (e.document_hashes or {})), None)
    if last is None:
        return Declaration("absent")
    filename = f"declaration-creance-{claim.reference or claim_id}.pdf".replace("/", "-")
    url = store.presigned_get(declaration_key(claim_id), filename)
    return Declaration("ready", last.document_hashes[HASH_KEY], last.at, url)
