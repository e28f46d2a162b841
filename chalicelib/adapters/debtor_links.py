"""The debtors' links in DynamoDB (``DebtorLinkModel``): one item per link, found by the SHA-256 of its
token; the claim's links by generation through the ``by_claim`` index. The token is an HMAC
(chalicelib/domain/debtor_link.py) under ``CLAIMS_DEBTOR_LINK_KEY`` — by default derived from the Stripe
webhook secret, like the lists' cursors — so changing the key changes every link (the letters already sent
then lead nowhere: set it once)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import os

from pynamodb.exceptions import DoesNotExist, PutError, QueryError, UpdateError

from chalicelib.adapters.errors import TransientError
from chalicelib.domain.debtor_link import DebtorLink, token_for, token_hash, well_formed


def _key() -> bytes:
    explicit = os.environ.get("CLAIMS_DEBTOR_LINK_KEY", "").strip()
    if explicit:
        return explicit.encode()
    from chalicelib.settings import get_settings

    secret = get_settings().stripe_webhook_secret.encode()
    return hmac.new(secret, b"claims/debtor-link/v1", hashlib.sha256).digest()


class DebtorLinks:
    def __init__(self, key: bytes | None = None) -> None:
        self._key = key

    @property
    def key(self) -> bytes:
        return self._key if self._key is not None else _key()

    def _link(self, item: object) -> DebtorLink:
        from chalicelib.adapters.dynamo import DebtorLinkModel

        assert isinstance(item, DebtorLinkModel)
        return DebtorLink(
            claim_id=item.claim_id,
            generation=int(item.generation),
            token=token_for(self.key, item.claim_id, int(item.generation)),
            created_at=item.created_at,
            revoked_at=item.revoked_at,
            first_seen_at=item.first_seen_at,
            last_seen_at=item.last_seen_at,
        )

    def current(self, claim_id: str) -> DebtorLink | None:
        """The claim's latest link (active or revoked), None when it never had one."""
        from chalicelib.adapters.dynamo import DebtorLinkModel

        try:
            for item in DebtorLinkModel.by_claim.query(claim_id, scan_index_forward=False, limit=1):
                return self._link(item)
        except QueryError as error:
            raise TransientError(f"debtor links unavailable: {error}") from error
        return None

    def ensure(self, claim_id: str, now: dt.datetime) -> DebtorLink:
        """The claim's active link, created when it has none (or only a revoked one)."""
        from chalicelib.adapters.dynamo import DebtorLinkModel

        latest = self.current(claim_id)
        if latest is not None and latest.active:
            return latest
        generation = 1 if latest is None else latest.generation + 1
        token = token_for(self.key, claim_id, generation)
        item = DebtorLinkModel(token_hash(token), claim_id=claim_id, generation=generation, created_at=now)
        try:
            item.save(condition=DebtorLinkModel.token_hash.does_not_exist())
        except PutError as error:
            if "ConditionalCheckFailed" in str(error):  # made at the same moment by another call
                return self.ensure(claim_id, now)
            raise TransientError(f"debtor link not saved: {error}") from error
        return self._link(item)

    def revoke(self, claim_id: str, now: dt.datetime) -> DebtorLink | None:
        from chalicelib.adapters.dynamo import DebtorLinkModel

        latest = self.current(claim_id)
        if latest is None or not latest.active:
            return latest
        item = DebtorLinkModel.get(token_hash(latest.token))
        item.update(actions=[DebtorLinkModel.revoked_at.set(now)])
        return self._link(item)

    def resolve(self, token: str, now: dt.datetime) -> DebtorLink | None:
        """The link of ``token`` (None: unknown or malformed), its visit recorded."""
        from chalicelib.adapters.dynamo import DebtorLinkModel

        if not well_formed(token):
            return None
        try:
            item = DebtorLinkModel.get(token_hash(token))
        except DoesNotExist:
            return None
        if item.revoked_at is None:
            actions = [DebtorLinkModel.last_seen_at.set(now)]
            if item.first_seen_at is None:
                actions.append(DebtorLinkModel.first_seen_at.set(now))
            with contextlib.suppress(UpdateError):  # a visit not recorded is no reason to refuse the page
                item.update(actions=actions)
        return self._link(item)
