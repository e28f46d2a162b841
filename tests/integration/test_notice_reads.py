"""Issue 26: the SendNotice task reads the claim once and its creditor once; each of its writes starts from
the claim as the previous one left it. A claim written by someone else in between is read again, and the
outcome is the same as with a read before every write (the version condition refuses the stale claim,
nothing is written)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from chalicelib.domain.claim import ClaimStatus, EventKind, verify_chain
from tests.integration.accounts_helpers import mailbox
from tests.integration.test_notice import B2B_DEBTOR_EMAIL, _repository, paid_claim, send
from tests.integration.test_notice import platform as notice_platform  # noqa: F401 (fixture)

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("notice_platform")]


class _Reads:
    """Counts, in this thread only (the emails the task queues are sent by other threads), the claim reads,
    the creditor reads and the queries of the debtor's page link."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from chalicelib.adapters.accounts_repository import AccountRepository
        from chalicelib.adapters.claims_repository import ClaimRepository
        from chalicelib.adapters.debtor_links import DebtorLinks

        self.claims: list[str] = []
        self.accounts: list[str] = []
        self.links: list[str] = []
        thread = threading.get_ident()
        for cls, name, seen in (
            (ClaimRepository, "get", self.claims),
            (AccountRepository, "find", self.accounts),
            (DebtorLinks, "current", self.links),
        ):
            original = getattr(cls, name)

            def counting(repository, key, *args, _original=original, _seen=seen, **kwargs):  # type: ignore[no-untyped-def]
                if threading.get_ident() == thread:
                    _seen.append(key)
                return _original(repository, key, *args, **kwargs)

            monkeypatch.setattr(cls, name, counting)


def test_the_notice_task_reads_the_claim_and_its_creditor_once(monkeypatch):
    from chalicelib.adapters.debtor_links import DebtorLinks
    from chalicelib.settings import get_settings
    from chalicelib.workflow import steps

    claim_id = paid_claim("clm-reads-once")
    reads = _Reads(monkeypatch)
    result = steps.send_notice({"claim_id": claim_id})

    assert reads.claims == [claim_id]
    assert len(reads.accounts) == 1
    assert reads.links == [claim_id]  # made for the letter; its email reuses it
    claim = _repository().get(claim_id)
    assert claim.status is ClaimStatus.NOTICE_SENT
    assert claim.notice is not None and claim.notice.emailed_to == B2B_DEBTOR_EMAIL
    assert result["deadline"] == claim.notice.deadline.isoformat()  # type: ignore[union-attr]
    events = _repository().events(claim_id)
    assert [e.kind for e in events[-4:]] == [
        EventKind.DOCUMENT_ADDED,  # prepared
        EventKind.NOTE,  # sent
        EventKind.NOTE,  # emailed to the debtor
        EventKind.STATUS_CHANGED,  # notice_sent
    ]
    assert verify_chain(events, last_hash=claim.last_event_hash).valid
    [message] = mailbox(B2B_DEBTOR_EMAIL)
    link = DebtorLinks().current(claim_id)
    # the debtor's page as the letter prints it
    assert link is not None and link.url(get_settings().public_url) in message["text"]


def test_a_claim_written_meanwhile_is_read_again_before_the_debtors_copy_is_recorded():
    """Someone writes the claim while the copy is being emailed: the note goes on the claim read afresh."""
    from chalicelib.adapters.mailer import send_rendered

    claim_id = paid_claim("clm-reads-copy")

    def send_email_while_someone_writes(to, email):  # type: ignore[no-untyped-def]
        _repository().record(claim_id, kind=EventKind.NOTE, actor="opérateur", reason="Appel du débiteur")
        return send_rendered(to, email)

    outcome = send(claim_id, send_email=send_email_while_someone_writes)

    claim = _repository().get(claim_id)
    assert claim.notice is not None and claim.notice.emailed_to == B2B_DEBTOR_EMAIL
    reasons = [e.reason for e in _repository().events(claim_id)]
    assert reasons[-2] == "Appel du débiteur" and reasons[-1].startswith("Copie de la mise en demeure")
    assert outcome.claim is not None and outcome.claim.version == claim.version
    assert verify_chain(_repository().events(claim_id), last_hash=claim.last_event_hash).valid


def test_a_claim_written_since_the_notice_is_read_again_before_it_moves_to_notice_sent(monkeypatch):
    from chalicelib.services.escalation import mark_notice_sent

    claim_id = paid_claim("clm-reads-moved")
    outcome = send(claim_id)
    _repository().record(claim_id, kind=EventKind.NOTE, actor="opérateur", reason="Appel du débiteur")
    reads = _Reads(monkeypatch)

    now = datetime.now(UTC)
    moved = mark_notice_sent(
        _repository(), claim_id, notification=outcome.notification, now=now, current=outcome.claim
    )

    assert moved.status is ClaimStatus.NOTICE_SENT
    assert reads.claims == [claim_id]  # the stale claim was refused, then read once
    events = _repository().events(claim_id)
    assert [e.reason for e in events[-2:]] == ["Appel du débiteur", "Mise en demeure envoyée au débiteur"]
    assert verify_chain(events, last_hash=moved.last_event_hash).valid


def test_a_claim_already_moved_on_is_checked_on_a_fresh_read(monkeypatch):
    from chalicelib.services.escalation import mark_notice_sent

    claim_id = paid_claim("clm-reads-retried")
    outcome = send(claim_id)
    now = datetime.now(UTC)
    moved = mark_notice_sent(_repository(), claim_id, notification=outcome.notification, now=now)
    events = len(_repository().events(claim_id))
    reads = _Reads(monkeypatch)

    again = mark_notice_sent(
        _repository(), claim_id, notification=outcome.notification, now=now, current=moved
    )

    assert again.status is ClaimStatus.NOTICE_SENT and reads.claims == [claim_id]
    assert len(_repository().events(claim_id)) == events  # a retried task writes nothing
