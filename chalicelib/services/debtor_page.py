"""The debtor's page (issue 22): reached from the link and the QR code printed on the relance and the mise en
demeure, without an account. It shows only what the letter already shows — the creditor, the invoices, the
sums due as of today, the deadline — and how to pay by bank transfer in one scan (EPC QR code).

The link (chalicelib/domain/debtor_link.py) is valid until the claim ends and the creditor may revoke it; a
letter gets the claim's active link, made on first need (:func:`link_for_letter`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from chalicelib.domain.accounts import Identity
from chalicelib.domain.claim import Claim, ClaimStatus
from chalicelib.domain.claim_content import ClaimContent
from chalicelib.domain.debtor_link import DebtorLink
from chalicelib.domain.debtor_payment import Transfer, rf_reference
from chalicelib.domain.errors import Gone, NotFound
from chalicelib.services.ports import AccountFinder

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.debtor_links import DebtorLinks

UNKNOWN_LINK = (
    "Ce lien n'est pas valable. Vérifiez qu'il est recopié en entier depuis le courrier reçu, ou contactez "
    "le créancier."
)
REVOKED_LINK = "Ce lien a été désactivé par le créancier. Contactez-le directement pour régler ce dossier."
ENDED = (
    "Ce dossier est clos : il n'y a plus rien à régler en ligne. Pour toute question, contactez le créancier."
)
# The claim's page is served while the claim may still be paid (before: no letter yet; after: ended).
SERVED = frozenset(
    {
        ClaimStatus.ASSESSING,
        ClaimStatus.LAWYER_REVIEW,
        ClaimStatus.NOTICE_SENT,
        ClaimStatus.DISPUTED,
        ClaimStatus.ESCALATION_OFFERED,
        ClaimStatus.DOSSIER_READY,
        ClaimStatus.WITH_LAWYER,
        ClaimStatus.FILED,
        ClaimStatus.ORDER_GRANTED,
        ClaimStatus.SERVED,
        ClaimStatus.OPPOSED,
        ClaimStatus.ENFORCEMENT,
        ClaimStatus.NEEDS_ATTENTION,
    }
)


def transfer_of(claim: Claim, iban: str, beneficiary: str, amount: Decimal) -> Transfer:
    return Transfer(beneficiary, iban.replace(" ", "").upper(), "", amount, rf_reference(claim.claim_id))


def link_for_letter(links: DebtorLinks, claim_id: str, now: dt.datetime) -> DebtorLink:
    """The claim's active link, printed on a letter (made when the claim has none)."""
    return links.ensure(claim_id, now)


def letter_extras(
    claim: Claim,
    iban: str,
    beneficiary: str,
    total: Decimal,
    *,
    now: dt.datetime,
    public_url: str,
    links: DebtorLinks | None = None,
) -> dict[str, str]:
    """What the relance and the mise en demeure print besides the creditor's account: the RF reference, the
    EPC QR code of the exact amount, and the debtor's page (its link and QR code)."""
    from chalicelib.documents.qr import epc_qr_svg, link_qr_svg

    if links is None:
        from chalicelib.adapters.debtor_links import DebtorLinks as Links

        links = Links()
    transfer = transfer_of(claim, iban, beneficiary, total)
    url = link_for_letter(links, claim.claim_id, now).url(public_url)
    return {
        "rf_reference": transfer.reference,
        "epc_qr": epc_qr_svg(transfer) if transfer.payable else "",
        "debtor_link": url,
        "debtor_link_qr": link_qr_svg(url),
    }


@dataclass(frozen=True)
class DebtorPage:
    claim: Claim
    content: ClaimContent
    creditor: dict[str, str]
    amounts: dict[str, Any]
    deadline: dt.date | None
    transfer: Transfer
    as_of: dt.date
    plan: dict[str, Any] | None = None  # the latest payment plan asked for, and the creditor's answer

    def as_dict(self) -> dict[str, Any]:
        from chalicelib.documents.qr import epc_qr_svg

        return {
            "creditor": self.creditor,
            "debtor_name": self.content.debtor.display_name,
            "reference": self.content.reference or self.claim.reference or None,
            "invoices": [
                {
                    "number": invoice.number,
                    "issue_date": invoice.issue_date.isoformat(),
                    "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
                    "amount": f"{invoice.amount_ttc:.2f}",
                }
                for invoice in self.content.invoices
            ],
            "as_of": self.as_of.isoformat(),
            "amounts": self.amounts,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "plan": self.plan,
            "transfer": {
                "beneficiary": self.transfer.beneficiary,
                "iban": self.transfer.iban_spaced,
                "bic": self.transfer.bic or None,
                "amount": f"{self.transfer.amount:.2f}",
                "reference": self.transfer.reference,
                "qr_svg": epc_qr_svg(self.transfer, scale=4) if self.transfer.payable else None,
            },
        }


def served_claim(token: str, links: DebtorLinks, claims: ClaimRepository, now: dt.datetime) -> Claim:
    """The claim of ``token`` while its page is served (404 unknown link, 410 revoked or claim ended)."""
    link = links.resolve(token, now)
    if link is None:
        raise NotFound(UNKNOWN_LINK, code="unknown_link")
    if not link.active:
        raise Gone(REVOKED_LINK, code="revoked_link")
    claim = claims.get(link.claim_id)
    if claim.status not in SERVED or claim.content is None:
        raise Gone(ENDED, code="claim_ended")
    return claim


def page(
    token: str,
    *,
    links: DebtorLinks,
    claims: ClaimRepository,
    accounts: AccountFinder,
    today: dt.date,
    now: dt.datetime,
    declarations: Any = None,
) -> DebtorPage:
    """The page of ``token`` (404 unknown, 410 revoked or ended), its visit recorded on the link."""
    from chalicelib.services.claims import assess_claim

    claim = served_claim(token, links, claims, now)
    account = accounts.find(claim.creditor_id)
    if account is None or account.creditor is None:
        raise Gone(ENDED, code="claim_ended")
    profile = account.creditor
    content = ClaimContent.model_validate(claim.content)
    assessment = assess_claim(claim, profile, today).assessment
    amounts = dict(assessment.get("amounts") or {})
    total = Decimal(str(amounts.get("total") or amounts.get("principal_outstanding") or "0"))
    address = profile.address
    creditor = {
        "name": profile.legal_name,
        "address": ", ".join(
            part for part in (address.line1, address.line2, f"{address.postal_code} {address.city}") if part
        )
        if address
        else "",
        "email": account.email,
        "phone": profile.phone,
    }
    shown = {
        key: amounts.get(key)
        for key in ("principal_outstanding", "interest", "indemnity", "total", "interest_until", "a_parfaire")
    }
    notice = claim.notice
    plan = None
    if declarations is not None:
        plans = [d for d in declarations.of_claim(claim.claim_id) if d.kind == "plan"]
        if plans:
            latest = plans[-1].as_dict()
            plan = {key: latest[key] for key in ("status", "status_label", "declared_at")} | {
                "schedule": latest["details"].get("schedule", []),
                "total": latest["details"].get("total"),
            }
    return DebtorPage(
        claim,
        content,
        creditor,
        shown,
        notice.deadline if notice is not None else None,
        transfer_of(claim, profile.iban, profile.legal_name, total),
        today,
        plan,
    )


@dataclass(frozen=True)
class LinkView:
    """What the creditor sees of the debtor's link: the link itself, whether it works, the visits."""

    link: DebtorLink | None
    public_url: str

    def as_dict(self) -> dict[str, Any]:
        link = self.link
        if link is None:
            return {"status": "none", "url": None, "first_seen_at": None, "last_seen_at": None}
        return {
            "status": "active" if link.active else "revoked",
            "url": link.url(self.public_url) if link.active else None,
            "created_at": link.created_at.isoformat(),
            "revoked_at": link.revoked_at.isoformat() if link.revoked_at else None,
            "first_seen_at": link.first_seen_at.isoformat() if link.first_seen_at else None,
            "last_seen_at": link.last_seen_at.isoformat() if link.last_seen_at else None,
        }


def creditor_view(
    links: DebtorLinks, claims: ClaimRepository, identity: Identity, claim_id: str, public_url: str
) -> LinkView:
    claims.get_for(identity, claim_id)  # the caller's claim, else 404
    return LinkView(links.current(claim_id), public_url)


def revoke(
    links: DebtorLinks,
    claims: ClaimRepository,
    identity: Identity,
    claim_id: str,
    public_url: str,
    now: dt.datetime,
) -> LinkView:
    """The creditor turns the link off (the next letter gets a new one)."""
    from chalicelib.domain.claim import EventKind

    claims.get_for(identity, claim_id)
    link = links.revoke(claim_id, now)
    if link is not None:
        claims.record(
            claim_id,
            kind=EventKind.NOTE,
            actor=identity.user_id,
            reason="Lien de la page du débiteur désactivé par le créancier",
            now=now,
        )
    return LinkView(link, public_url)
