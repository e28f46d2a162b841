"""The claims repository in memory: :class:`InMemoryClaimRepository`, the twin of
:class:`chalicelib.adapters.claims_repository.ClaimRepository` for fast service tests.

It keeps the three tables a claim change writes to (claims, their audit events, the outbox) as DynamoDB
items in dictionaries, and writes them the way the real repository's transactions do: every condition of
a write is checked before anything is stored (all or nothing), under one lock so that threads racing on a
claim behave as concurrent writers on DynamoDB do (the first wins, the others get ``ConcurrentUpdate``).
Everything that is not storage (the lifecycle check, the sealed audit event, the emails a change owes and
their validation, the visibility rule) is the real repository's own code, inherited or imported.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from chalicelib.adapters.claims_repository import (
    _CONCURRENT,
    ClaimRepository,
    Notify,
    _check_sizes,
    _event_from_item,
    _event_item,
    _to_domain,
    _to_item,
    genesis,
    lawyer_due,
    sealed_change,
    search_text,
)
from chalicelib.adapters.dynamo import ClaimEventModel, ClaimModel, OutboxModel
from chalicelib.adapters.outbox_repository import _to_domain as _outbox_to_domain
from chalicelib.domain.access import may_see
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.claim import AuditEvent, Claim, ClaimStatus, EventKind
from chalicelib.domain.errors import ConcurrentUpdate, NotFound
from chalicelib.domain.notifications import OutboxItem
from chalicelib.domain.totals import Row, contribution, difference

# One DynamoDB item: attribute name -> {type: value}, as PynamoDB serialises it.
Item = dict[str, dict[str, Any]]


@dataclass
class ClaimTables:
    """The claims, claim events and outbox tables, as serialised items. Repositories built on the same
    tables see the same data (as every ``ClaimRepository()`` sees the same DynamoDB tables)."""

    claims: dict[str, Item] = field(default_factory=dict)
    events: dict[tuple[str, int], Item] = field(default_factory=dict)
    outbox: dict[str, Item] = field(default_factory=dict)
    # The creditors' dashboard rows (chalicelib/domain/totals.py): (creditor, row) -> (claims, cents).
    totals: dict[tuple[str, str], Row] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def clear(self) -> None:
        with self.lock:
            self.claims.clear()
            self.events.clear()
            self.outbox.clear()
            self.totals.clear()


def _version(item: Item | None) -> int | None:
    """The stored ``version`` attribute (None when the item or the attribute does not exist)."""
    if item is None or "version" not in item:
        return None
    return int(item["version"]["N"])


def _hash(item: Item | None) -> str | None:
    if item is None or "hash" not in item:
        return None
    return str(item["hash"]["S"])


def _claim(item: Item) -> Claim:
    return _to_domain(ClaimModel.from_raw_data(item))


class InMemoryClaimRepository(ClaimRepository):
    """A :class:`ClaimRepository` on :class:`ClaimTables` instead of DynamoDB. Never raises
    ``TransientError`` (nothing here is ever unavailable)."""

    def __init__(
        self, tables: ClaimTables | None = None, *, wake_sender: Callable[[str], None] | None = None
    ) -> None:
        """``wake_sender(claim_id)`` runs after a write that queued emails, as for the real repository;
        none by default (the real default starts a Lambda)."""
        self.tables = tables if tables is not None else ClaimTables()
        self._wake_sender = wake_sender

    # --- reads ---------------------------------------------------------------------------------------------
    def get(self, claim_id: str) -> Claim:
        with self.tables.lock:
            item = self.tables.claims.get(claim_id)
        if item is None:
            raise NotFound("Cette créance est introuvable.")
        return _claim(item)

    def _stored_claims(self) -> list[Claim]:
        with self.tables.lock:
            items = list(self.tables.claims.values())
        return [_claim(item) for item in items]

    def list_for(self, identity: Identity) -> list[Claim]:
        """As the real one: the creditor's own, the lawyer's assigned ones, all for an operator; newest
        first; the visibility rule applied again on what the "index" selected."""
        every = self._stored_claims()
        if identity.role is Role.CREDITOR and identity.creditor_id:
            selected = [claim for claim in every if claim.creditor_id == identity.creditor_id]
        elif identity.role is Role.LAWYER and identity.lawyer_id:
            selected = [claim for claim in every if claim.assigned_lawyer_id == identity.lawyer_id]
        elif identity.role is Role.OPERATOR:
            selected = every
        else:
            return []
        visible = [claim for claim in selected if may_see(identity, claim)]
        return sorted(visible, key=lambda claim: claim.created_at, reverse=True)

    def page_for(
        self,
        identity: Identity,
        *,
        limit: int,
        after: Mapping[str, Any] | None = None,
        statuses: Sequence[ClaimStatus] = (),
        text: str = "",
        creditor_id: str = "",
    ) -> tuple[list[Claim], dict[str, Any] | None]:
        """As the real one, on the same order: the page after the claim ``after`` names."""
        every = self.list_for(identity)
        if identity.role is Role.LAWYER:  # the sparse by_lawyer_due index, ascending
            with self.tables.lock:
                due = {
                    claim_id: item["lawyer_due"]["S"]
                    for claim_id, item in self.tables.claims.items()
                    if "lawyer_due" in item
                }
            every = sorted((c for c in every if c.claim_id in due), key=lambda claim: due[claim.claim_id])
        if identity.role is Role.OPERATOR and creditor_id:
            every = [claim for claim in every if claim.creditor_id == creditor_id]
        if identity.role is Role.OPERATOR and len(statuses) == 1:
            every = sorted(every, key=lambda claim: claim.updated_at, reverse=True)
        wanted = {status for status in statuses}
        needle = search_text(text)
        selected = [
            claim
            for claim in every
            if (not wanted or claim.status in wanted)
            and (not needle or needle in search_text(claim.debtor_name, claim.reference))
        ]
        start = 0
        if after:
            ids = [claim.claim_id for claim in selected]
            start = ids.index(after["claim_id"]["S"]) + 1 if after["claim_id"]["S"] in ids else len(ids)
        page = selected[start : start + limit]
        more = start + limit < len(selected)
        return page, ({"claim_id": {"S": page[-1].claim_id}} if page and more else None)

    def assigned_to(self, lawyer_id: str) -> list[Claim]:
        """Oldest first, as the by_assigned_lawyer index answers."""
        assigned = [claim for claim in self._stored_claims() if claim.assigned_lawyer_id == lawyer_id]
        return sorted(assigned, key=lambda claim: claim.created_at)

    def in_statuses(self, statuses: Sequence[ClaimStatus]) -> list[Claim]:
        wanted = set(statuses)
        return [claim for claim in self._stored_claims() if claim.status in wanted]

    def backfill_lawyer_due(self) -> int:
        """As the real one (under the lock, nothing writes meanwhile)."""
        written = 0
        with self.tables.lock:
            for item in self.tables.claims.values():
                stored = ClaimModel.from_raw_data(item)
                wanted = lawyer_due(_to_domain(stored))
                if wanted is not None and stored.lawyer_due != wanted:
                    item["lawyer_due"] = {"S": wanted}
                    written += 1
        return written

    def events_after(self, claim_id: str, sequence: int, *, limit: int) -> list[AuditEvent]:
        return [event for event in self.events(claim_id) if event.sequence > sequence][:limit]

    def events(self, claim_id: str) -> list[AuditEvent]:
        with self.tables.lock:
            rows = sorted((seq, item) for (cid, seq), item in self.tables.events.items() if cid == claim_id)
        return [_event_from_item(ClaimEventModel.from_raw_data(item)) for _, item in rows]

    def totals(self, creditor_id: str) -> dict[str, Row]:
        with self.tables.lock:
            kept = list(self.tables.totals.items())
        return {row: value for (creditor, row), value in kept if creditor == creditor_id}

    def rebuild_totals(self) -> int:
        with self.tables.lock:
            expected: dict[tuple[str, str], Row] = {}
            for claim in self._stored_claims():
                for row, (count, cents) in contribution(claim).items():
                    kept_count, kept_cents = expected.get((claim.creditor_id, row), (0, 0))
                    expected[(claim.creditor_id, row)] = (kept_count + count, kept_cents + cents)
            corrected = sum(
                1
                for key in expected.keys() | self.tables.totals.keys()
                if expected.get(key, (0, 0)) != self.tables.totals.get(key, (0, 0))
            )
            self.tables.totals = expected
        return corrected

    def emails_of(self, claim_ids: Sequence[str]) -> list[OutboxItem]:
        wanted = set(claim_ids)
        with self.tables.lock:
            items = [item for item in self.tables.outbox.values() if item["claim_id"]["S"] in wanted]
        found = [_outbox_to_domain(OutboxModel.from_raw_data(item)) for item in items]
        return sorted(found, key=lambda item: (item.claim_id, item.sequence, item.outbox_id))

    # --- writes: all conditions checked, then everything stored ---------------------------------------------
    def create(
        self, claim: Claim, *, actor: str, reason: str = "Créance créée", notify: Notify = ()
    ) -> Claim:
        event, item, queued = genesis(claim, actor=actor, reason=reason, notify=notify)
        try:
            self._commit(item, new_claim=True, events=[_event_item(event)], outbox=queued)
        except ConcurrentUpdate:
            raise ConcurrentUpdate("Cette créance existe déjà.") from None
        self._queued(claim.claim_id, queued)
        return _to_domain(item)

    def _create_batch(self, batch: Sequence[tuple[AuditEvent, ClaimModel]]) -> None:
        """All or nothing, as the real transaction: refused if any of the claims exists."""
        with self.tables.lock:
            if any(str(item.claim_id) in self.tables.claims for _, item in batch):
                raise ConcurrentUpdate("Une de ces créances existe déjà.")
            for event, item in batch:
                self._commit(item, new_claim=True, events=[_event_item(event)], outbox=[])

    def _append(
        self,
        current: Claim,
        updated: Claim,
        *,
        kind: EventKind,
        actor: str,
        reason: str,
        at: datetime,
        document_hashes: Mapping[str, str] | None,
        expected_version: int | None,
        notify: Notify,
    ) -> Claim:
        event, item, queued = sealed_change(
            current,
            updated,
            kind=kind,
            actor=actor,
            reason=reason,
            at=at,
            document_hashes=document_hashes,
            expected_version=expected_version,
            notify=notify,
        )
        self._commit(item, new_claim=False, events=[_event_item(event)], outbox=queued)
        self._queued(current.claim_id, queued)
        return _to_domain(item)

    def rewrite_history(
        self,
        updated: Claim,
        events: Sequence[AuditEvent],
        *,
        original_hashes: Mapping[int, str],
        closing: AuditEvent,
    ) -> Claim:
        if len(events) > self.HISTORY_REWRITE_LIMIT:
            raise ValueError(f"{len(events)} events: more than one transaction can rewrite")
        final = replace(updated, event_count=closing.sequence, last_event_hash=closing.hash)
        item = _to_item(final)
        _check_sizes(item, closing, ())
        expected = {event.sequence: original_hashes[event.sequence] for event in events}
        rewritten = [_event_item(event) for event in events]
        self._commit(
            item, new_claim=False, events=[_event_item(closing)], outbox=[], rewrites=(rewritten, expected)
        )
        return _to_domain(item)

    def delete_emails(self, outbox_ids: Sequence[str]) -> None:
        with self.tables.lock:
            for outbox_id in outbox_ids:
                self.tables.outbox.pop(outbox_id, None)

    def _commit(
        self,
        item: ClaimModel,
        *,
        new_claim: bool,
        events: Sequence[ClaimEventModel],
        outbox: Sequence[OutboxModel],
        rewrites: tuple[Sequence[ClaimEventModel], Mapping[int, str]] = ((), {}),
    ) -> None:
        """One transaction: the claim guarded by its version (and by its absence when new), new events and
        outbox items guarded by their absence, rewritten events by their stored hash. Serialising first
        refuses what DynamoDB would refuse before anything is stored."""
        claim_item = item.serialize(null_check=True)
        new_events = [(int(event.sequence), event.serialize(null_check=True)) for event in events]
        outbox_items = [(str(row.outbox_id), row.serialize(null_check=True)) for row in outbox]
        rewritten, expected_hashes = rewrites
        rewritten_items = [(int(event.sequence), event.serialize(null_check=True)) for event in rewritten]
        claim_id = str(item.claim_id)
        tables = self.tables
        with tables.lock:
            stored = tables.claims.get(claim_id)
            conflict = (new_claim and stored is not None) or _version(stored) != item.version
            conflict = conflict or any((claim_id, seq) in tables.events for seq, _ in new_events)
            conflict = conflict or any(outbox_id in tables.outbox for outbox_id, _ in outbox_items)
            conflict = conflict or any(
                _hash(tables.events.get((claim_id, seq))) != expected_hashes[seq]
                for seq, _ in rewritten_items
            )
            if conflict:
                raise ConcurrentUpdate(_CONCURRENT)
            version = (item.version or 0) + 1  # what PynamoDB's VersionAttribute writes
            claim_item["version"] = {"N": str(version)}
            before = _claim(stored) if stored is not None else None
            after = _claim(claim_item)
            for row, (count, cents) in difference(before, after).items():
                kept_count, kept_cents = tables.totals.get((after.creditor_id, row), (0, 0))
                tables.totals[(after.creditor_id, row)] = (kept_count + count, kept_cents + cents)
            tables.claims[claim_id] = claim_item
            for seq, event_item in [*rewritten_items, *new_events]:
                tables.events[(claim_id, seq)] = event_item
            for outbox_id, outbox_item in outbox_items:
                tables.outbox[outbox_id] = outbox_item
            item.version = version
