"""What became of the registered letter: the provider's events move the claim (issue 23).

:func:`refresh_delivery` asks the provider (a webhook said something changed, or the poll runs) and writes
every new event into the claim with its legal effect (:mod:`chalicelib.domain.registered_mail`): the first
presentation sets the payment deadline, as ``POST …/notice/presentation`` does; refused or not claimed
leave the notice standing (the creditor is told); an undeliverable letter puts the claim in
``needs_attention`` and asks the creditor for the right address (:func:`correct_address` sends the letter
again, at no charge). Each proof (dispatch, avis de réception, refusal, returned letter) is stored with its
SHA-256 in the timeline and becomes an exhibit of the dossier.

The provider's word is read from its API, never from the webhook's body: a forged call can at most make
the platform ask again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.documents.formatting import date_long
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.actors import POSTAL_ACTOR
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
from chalicelib.domain.claim_content import ClaimContent
from chalicelib.domain.errors import Forbidden, InvalidInput
from chalicelib.domain.notice_record import NoticeRecord
from chalicelib.domain.notifications import Notification
from chalicelib.domain.registered_mail import FINAL_KINDS, Channel, delivery_effect
from chalicelib.services.notice.deadlines import deadline_timestamp, payment_deadline
from chalicelib.services.ports import ClaimStore

LOG = logging.getLogger("claims.notice")
ACTOR = POSTAL_ACTOR
MAX_PROOF_BYTES = 10 * 1024 * 1024
PROOF_TITLES: Mapping[str, str] = {
    "deposit": "Preuve de dépôt de la mise en demeure",
    "receipt": "Avis de réception de la mise en demeure",
    "refusal": "Preuve de refus de la mise en demeure",
    "not_claimed": "Preuve de non-réclamation de la mise en demeure",
    "undelivered": "Pli de la mise en demeure retourné à l'expéditeur",
}
OUTCOME_WORDS: Mapping[str, str] = {
    "first_presented": "présentée au débiteur",
    "delivered": "reçue par le débiteur",
    "refused": "refusée par le débiteur",
    "not_claimed": "non réclamée par le débiteur",
    "undeliverable": "non distribuable",
}


def delivery_of(notice: NoticeRecord) -> dict[str, Any]:
    return dict(notice.delivery)


def provider_ref_of(claim: Claim) -> str:
    notice = claim.notice or NoticeRecord()
    return str(delivery_of(notice).get("provider_ref") or "")


@dataclass(frozen=True)
class DeliveryUpdate:
    claim_id: str
    new_events: tuple[str, ...]
    new_proofs: tuple[str, ...]
    outcome: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim_id,
            "new_events": list(self.new_events),
            "new_proofs": list(self.new_proofs),
            "outcome": self.outcome,
        }


def proof_key(claim_id: str, kind: str, ref: str) -> str:
    return f"claims/{claim_id}/postal/proofs/{ref.replace(':', '-')}-{kind}.pdf"


def refresh_delivery(
    claim_id: str, *, claims: ClaimStore, store: Any, postal: Any, now: dt.datetime
) -> DeliveryUpdate:
    """Read the provider's state of the claim's letter and record what is new (idempotent)."""
    claim = claims.get(claim_id)
    notice = claim.notice or NoticeRecord()
    delivery = delivery_of(notice)
    ref = str(delivery.get("provider_ref") or "")
    if not ref or not notice.is_sent or not hasattr(postal, "tracking"):
        return DeliveryUpdate(claim_id, (), (), str(delivery.get("outcome") or ""))
    tracking = postal.tracking(ref)
    if tracking is None:
        return DeliveryUpdate(claim_id, (), (), str(delivery.get("outcome") or ""))
    seen = {(e.get("kind"), e.get("at")) for e in delivery.get("events") or []}
    fresh = [e for e in tracking.events if (e.kind, e.at) not in seen]
    stored = _store_proofs(claim_id, ref, tracking, delivery, store=store, postal=postal, now=now)
    if not fresh and not stored and tracking.price_cents == delivery.get("price_cents"):
        return DeliveryUpdate(claim_id, (), (), str(delivery.get("outcome") or ""))
    channel: Channel = "lre" if notice.channel == "lre" else "lrar"
    reasons: list[str] = []
    notifications: list[Notification] = []
    changes: dict[str, Any] = {}
    outcome = str(delivery.get("outcome") or "")
    presented = notice.first_presented_on
    for event in fresh:
        effect = delivery_effect(event.kind, channel, event.on, presented_on=presented)
        if effect.presented_on is not None and notice.letter_date is not None:
            presented = effect.presented_on
            deadline = payment_deadline(
                letter_date=notice.letter_date, first_presented_on=presented, period_days=notice.payment_days
            )
            changes.update(
                first_presented_on=presented,
                presentation_source="provider",
                presentation_recorded_at=now.isoformat(),
                presentation_recorded_by=ACTOR,
                deadline=deadline,
                deadline_at=deadline_timestamp(deadline),
                deadline_basis="first_presentation",
            )
        if event.kind in FINAL_KINDS:
            outcome = event.kind
        if event.kind != "dispatched":
            text = f"Mise en demeure {OUTCOME_WORDS.get(event.kind, event.kind)} le {date_long(event.on)}"
            if effect.presented_on is not None and "deadline" in changes:
                text += f" ; date limite de paiement : {date_long(changes['deadline'])}"
            reasons.append(f"{text}. {effect.reason.message} ({effect.reason.article})")
        if effect.tell_creditor:
            notifications.append(
                Notification(
                    "notice_delivery",
                    {
                        "outcome": OUTCOME_WORDS.get(event.kind, event.kind),
                        "event_on": event.on.isoformat(),
                        "explanation": effect.reason.message,
                        "article": effect.reason.article,
                        "correct_address": not effect.notice_stands,
                        **({"deadline": changes["deadline"].isoformat()} if "deadline" in changes else {}),
                    },
                )
            )
    for proof in stored:
        reasons.append(f"{proof['title']} reçue du prestataire (SHA-256 {proof['sha256'][:16]}…)")
    events = [
        *(delivery.get("events") or []),
        *(
            {"kind": e.kind, "on": e.on.isoformat(), "at": e.at, "code": e.code, "label": e.label}
            for e in fresh
        ),
    ]
    new_delivery = {
        **delivery,
        "events": events,
        "proofs": [*(delivery.get("proofs") or []), *stored],
        "outcome": outcome,
        "registered_number": tracking.registered_number or delivery.get("registered_number") or "",
        "price_cents": tracking.price_cents
        if tracking.price_cents is not None
        else delivery.get("price_cents"),
    }
    undeliverable = outcome == "undeliverable" and any(e.kind == "undeliverable" for e in fresh)

    def change(current: Claim) -> Claim:
        record = current.notice or NoticeRecord()
        fields = dict(changes)
        if tracking.registered_number and not record.tracking_number:
            fields["tracking_number"] = tracking.registered_number
        return replace(
            current, notice=record.with_fields(**fields, extra={**record.extra, "delivery": new_delivery})
        )

    reason = " ; ".join(reasons) or "Suivi de l'envoi recommandé mis à jour"
    hashes = {f"preuve_{p['kind']}": p["sha256"] for p in stored} or None
    if undeliverable and claim.status is ClaimStatus.NOTICE_SENT:
        # The letter never reached the debtor: the creditor must give the right address (needs_attention).
        claims.transition(  # type: ignore[attr-defined]
            claim_id,
            ClaimStatus.NEEDS_ATTENTION,
            actor=ACTOR,
            reason=reason,
            change=change,
            document_hashes=hashes,
            now=now,
            notify=notifications,
            current=claim,
        )
    else:
        claims.record(
            claim_id,
            kind=EventKind.DOCUMENT_ADDED if stored else EventKind.NOTE,
            actor=ACTOR,
            reason=reason,
            change=change,
            document_hashes=hashes,
            now=now,
            notify=notifications,
            current=claim,
        )
    return DeliveryUpdate(claim_id, tuple(e.kind for e in fresh), tuple(p["kind"] for p in stored), outcome)


def _store_proofs(
    claim_id: str,
    ref: str,
    tracking: Any,
    delivery: Mapping[str, Any],
    *,
    store: Any,
    postal: Any,
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """The proofs the provider has now and the claim has not: downloaded, stored, hashed."""
    have_proofs = {p.get("kind") for p in delivery.get("proofs") or []}
    stored: list[dict[str, Any]] = []
    for proof in tracking.proofs:
        if proof.kind in have_proofs:
            continue
        try:
            content = postal.download(ref, proof)
        except Exception as error:  # not yet archived at the provider: the next refresh takes it
            LOG.info("proof %s of %s not available yet: %s", proof.kind, claim_id, error)
            continue
        key = proof_key(claim_id, proof.kind, ref)
        store.put(key, content, "application/pdf")
        stored.append(
            {
                "kind": proof.kind,
                "key": key,
                "sha256": hashlib.sha256(content).hexdigest(),
                "size": len(content),
                "title": PROOF_TITLES.get(proof.kind, "Preuve de l'envoi recommandé"),
                "stored_at": now.isoformat(),
            }
        )
    return stored


def pending_deliveries(claims: Any, statuses: Sequence[ClaimStatus]) -> list[str]:
    """The claims whose letter a provider still has something to say about (the poll's list)."""
    found: list[str] = []
    for claim in claims.in_statuses(statuses):
        notice = claim.notice or NoticeRecord()
        delivery = delivery_of(notice)
        if not delivery.get("provider_ref"):
            continue
        kinds = {p.get("kind") for p in delivery.get("proofs") or []}
        final = delivery.get("outcome") in FINAL_KINDS
        if not final or not (kinds - {"deposit"}):
            found.append(claim.claim_id)
    return found


def correct_address(
    claim_id: str,
    *,
    address: Mapping[str, str],
    claims: ClaimStore,
    identity: Identity,
    now: dt.datetime,
) -> Claim:
    """The creditor's corrected address for a letter returned undeliverable: the address is written into
    the claim and the notice made ready to go again (the caller starts the sending). No new payment."""
    if identity.role not in (Role.CREDITOR, Role.OPERATOR):
        raise Forbidden("Seul le créancier peut corriger l'adresse du débiteur.")
    claim = claims.get_for(identity, claim_id)
    notice = claim.notice or NoticeRecord()
    if (
        claim.status is not ClaimStatus.NEEDS_ATTENTION
        or delivery_of(notice).get("outcome") != "undeliverable"
    ):
        raise InvalidInput(
            "L'adresse ne peut être corrigée ici que lorsque la mise en demeure est revenue non "
            "distribuable.",
            code="not_undeliverable",
            field="address",
        )
    street = (address.get("line1") or "").strip()
    postal_code = (address.get("postal_code") or "").strip()
    city = (address.get("city") or "").strip()
    if (
        not street
        or not city
        or not (postal_code.isascii() and postal_code.isdigit() and len(postal_code) == 5)
    ):
        raise InvalidInput(
            "Indiquez l'adresse complète du débiteur : voie, code postal à 5 chiffres et commune.",
            field="address",
        )

    def change(current: Claim) -> Claim:
        content = ClaimContent.model_validate(current.content).as_json()
        debtor = dict(content.get("debtor") or {})
        debtor_address = dict(debtor.get("address") or {})
        debtor_address.update(
            {
                "line1": street,
                "line2": (address.get("line2") or "").strip(),
                "postal_code": postal_code,
                "city": city,
            }
        )
        debtor["address"] = debtor_address
        content["debtor"] = debtor
        record = current.notice or NoticeRecord()
        returned = [
            *(record.extra.get("returned") or []),
            {**record.to_json(), "returned_at": now.isoformat()},
        ]
        fresh = NoticeRecord(extra={"returned": returned})
        return replace(current, content=ClaimContent.model_validate(content).as_json(), notice=fresh)

    return claims.record(
        claim_id,
        kind=EventKind.CONTENT_UPDATED,
        actor=identity.user_id,
        reason=(
            f"Adresse du débiteur corrigée ({street}, {postal_code} {city}) après le retour de la mise en "
            "demeure non distribuable : la lettre repart, sans nouveau paiement"
        ),
        change=change,
        now=now,
    )
