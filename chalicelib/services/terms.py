"""The creditor accepts the conditions générales de vente (CGV) in force before any payment is asked for.

A request that leads to a checkout (submitting a claim, reopening its payment, accepting the injonction de
payer's dossier) carries the version the creditor ticked (``cgv_version``), or nothing when the account
already accepted the version in force. Accepted, the version and the time are kept on the account and the
claim's timeline says so; otherwise :class:`~chalicelib.domain.errors.TermsNotAccepted` (409) and nothing
is charged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.domain.accounts import Identity
from chalicelib.domain.claim import Claim, EventKind
from chalicelib.domain.terms import acceptance_reason, needs_acceptance, not_accepted
from chalicelib.services.ports import AccountFinder, TermsLedger

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository


@dataclass(frozen=True)
class CgvConsent:
    """The CGV version in force, and the version the creditor accepted in this request (None: none)."""

    in_force: str
    offered: str | None = None


def version_to_record(accounts: AccountFinder, identity: Identity, consent: CgvConsent) -> str | None:
    """None when the account already accepted the version in force; the version in force when this request
    accepts it (to be recorded with :func:`record_acceptance`); else :class:`TermsNotAccepted`."""
    account = accounts.find(identity.user_id)
    if not needs_acceptance(account.cgv_version if account is not None else None, consent.in_force):
        return None
    if consent.offered != consent.in_force:
        raise not_accepted(consent.in_force, consent.offered)
    return consent.in_force


def record_acceptance(
    accounts: TermsLedger,
    claims: ClaimRepository,
    identity: Identity,
    claim_id: str,
    version: str,
    *,
    now: dt.datetime,
) -> Claim:
    """Keep the acceptance on the account (version and time) and say it in the claim's timeline."""
    accounts.accept_terms(identity.user_id, version, now)
    return claims.record(
        claim_id,
        kind=EventKind.NOTE,
        actor=identity.user_id,
        reason=acceptance_reason(version, now),
        now=now,
    )


def require_acceptance(
    accounts: TermsLedger,
    claims: ClaimRepository,
    identity: Identity,
    claim_id: str,
    consent: CgvConsent,
    *,
    now: dt.datetime,
) -> Claim | None:
    """Before a checkout: refuse unless the version in force is (or is now) accepted; the claim as updated
    when this request accepted it, else None."""
    version = version_to_record(accounts, identity, consent)
    if version is None:
        return None
    return record_acceptance(accounts, claims, identity, claim_id, version, now=now)
