"""Emails to a claim's creditor, best effort: the state change they report is already saved, so a mail
that cannot be sent is logged, never allowed to undo or fail the operation."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from chalicelib.domain.accounts import Account
from chalicelib.domain.claim import Claim

logger = logging.getLogger("claims.notifications")


class AccountFinder(Protocol):
    def find(self, user_id: str) -> Account | None: ...


Notify = Callable[[str, Claim, Mapping[str, Any]], None]


def claim_context(claim: Claim, base_url: str) -> dict[str, Any]:
    context: dict[str, Any] = {
        "base_url": base_url.rstrip("/"),
        "claim_id": claim.claim_id,
        "debtor_name": claim.debtor_name,
    }
    if claim.reference:
        context["claim_reference"] = claim.reference
    return context


def creditor_notifier(accounts: AccountFinder, base_url: str, send: Callable[[str, Any], object]) -> Notify:
    """``notify(kind, claim, extra)``: render the ``kind`` email for the claim's creditor and send it."""

    def notify(kind: str, claim: Claim, extra: Mapping[str, Any]) -> None:
        from chalicelib.documents.emails import render_email

        try:
            account = accounts.find(claim.creditor_id)
            if account is None:
                logger.warning("claim %s: no account %s to notify", claim.claim_id, claim.creditor_id)
                return
            context = claim_context(claim, base_url) | dict(extra)
            if account.creditor is not None and account.creditor.legal_name:
                context.setdefault("creditor_name", account.creditor.legal_name)
            send(account.email, render_email(kind, context))
        except Exception:
            logger.exception("claim %s: the %s email could not be sent", claim.claim_id, kind)

    return notify


def default_notifier() -> Notify:
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.mailer import send_rendered
    from chalicelib.settings import get_settings

    return creditor_notifier(AccountRepository(), get_settings().public_url, send_rendered)
