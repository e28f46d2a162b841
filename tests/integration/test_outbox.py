"""Every status change emails the creditor exactly once, through the outbox: the email is written in the
same transaction as the change, and drainers (any number, at once, again and again) send it once."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.adapters.claims_repository import ClaimRepository
from chalicelib.domain.accounts import Account, CreditorProfile, Role
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
from chalicelib.domain.errors import ConcurrentUpdate
from chalicelib.domain.notifications import Notification, OutboxStatus
from tests.integration.accounts_helpers import mailbox
from tests.integration.outbox_helpers import NOTICE_KEY, status_email, wait_for_mail

pytestmark = pytest.mark.integration

CREDITOR_EMAIL = "compta@atelier-numerique.fr"
OPERATOR_EMAIL = "operateur@demo.localhost"


def outbox(claim_id: str):
    from chalicelib.adapters.outbox_repository import OutboxRepository

    return OutboxRepository().for_claim(claim_id)


def drain(**kwargs):
    from chalicelib.services.outbox import deliver_pending

    return deliver_pending(**kwargs)


@pytest.fixture
def claims(aws) -> ClaimRepository:
    """A repository that leaves its emails in the outbox (no background sender): the tests drain it."""
    from chalicelib.adapters.accounts_repository import AccountRepository

    AccountRepository().create(
        Account(
            "creditor-1",
            CREDITOR_EMAIL,
            Role.CREDITOR,
            creditor=CreditorProfile(legal_name="Atelier Numérique SAS", category="commercant"),
        )
    )
    return ClaimRepository(wake_sender=None)


def new_claim(claims: ClaimRepository, claim_id: str = "clm-outbox", *, content: dict | None = None) -> str:
    now = datetime.now(UTC)
    claims.create(
        Claim(
            claim_id,
            "creditor-1",
            ClaimStatus.DRAFT,
            "Rhône Distribution SARL",
            100_000,
            now,
            now,
            reference="DOS-2025-001",
            content=content,
        ),
        actor="creditor-1",
    )
    return claim_id


def failing_once(monkeypatch) -> list[str]:
    """SES fails the first send (unreachable), then sends: the addresses tried, in order."""
    from chalicelib.adapters import mailer

    original, calls = mailer.send_rendered, []

    def flaky(to, email):
        calls.append(to)
        if len(calls) == 1:
            raise ConnectionError("SES injoignable")
        return original(to, email)

    monkeypatch.setattr(mailer, "send_rendered", flaky)
    return calls


def move(claims: ClaimRepository, claim_id: str, *statuses: ClaimStatus) -> None:
    for status in statuses:
        claims.transition(claim_id, status, actor="test", reason="préparation", notify=status_email(status))


def test_a_transition_writes_its_email_in_the_same_transaction(claims):
    claim_id = new_claim(claims)
    assert outbox(claim_id) == []  # a draft is the creditor's own work: no email
    stale = claims.get(claim_id)
    claims.transition(
        claim_id,
        ClaimStatus.AWAITING_PAYMENT,
        actor="creditor-1",
        reason="Soumise",
        notify=Notification("claim_submitted", {"amount_due": "29.00", "payment_url": "http://x.fr/p"}),
    )
    [item] = outbox(claim_id)
    assert item.outbox_id == f"{claim_id}#2#1" and item.sequence == 2
    assert (item.kind, item.recipient, item.status) == ("claim_submitted", "creditor", OutboxStatus.PENDING)
    assert item.context == {"amount_due": "29.00", "payment_url": "http://x.fr/p"} and item.attempts == 0

    # A writer who read the claim before that change loses: no status, no event, no email.
    original_get = claims.get
    claims.get = lambda _: stale  # type: ignore[method-assign]
    with pytest.raises(ConcurrentUpdate):
        claims.transition(claim_id, ClaimStatus.WITHDRAWN, actor="b", reason="trop tard")
    claims.get = original_get  # type: ignore[method-assign]
    assert claims.get(claim_id).status is ClaimStatus.AWAITING_PAYMENT
    assert [i.kind for i in outbox(claim_id)] == ["claim_submitted"]


def test_an_email_that_could_not_be_rendered_is_refused_before_anything_is_written(claims):
    claim_id = new_claim(claims)
    move(claims, claim_id, ClaimStatus.AWAITING_PAYMENT)
    with pytest.raises(ValueError, match=r"payment_received.*missing.*amount_paid.*paid_on"):
        claims.transition(claim_id, ClaimStatus.ASSESSING, actor="stripe", reason="Paiement reçu")
    with pytest.raises(ValueError, match="never int cents"):
        claims.transition(
            claim_id,
            ClaimStatus.ASSESSING,
            actor="stripe",
            reason="Paiement reçu",
            notify=Notification("payment_received", {"amount_paid": 2900, "paid_on": "2026-11-23"}),
        )
    assert claims.get(claim_id).status is ClaimStatus.AWAITING_PAYMENT
    assert len(claims.events(claim_id)) == 2 and len(outbox(claim_id)) == 1


def test_the_default_email_of_the_new_status_is_queued_when_the_writer_gives_none(claims):
    claim_id = new_claim(claims)
    move(claims, claim_id, ClaimStatus.AWAITING_PAYMENT)
    claims.transition(
        claim_id,
        ClaimStatus.WITHDRAWN,
        actor="creditor-1",
        reason="Retirée",
        notify=Notification("withdrawn", {}, to="debtor"),  # for the debtor only: the creditor's is added
    )
    claims.record(claim_id, kind=EventKind.NOTE, actor="test", reason="une note n'envoie rien")
    items = outbox(claim_id)
    assert [(i.outbox_id, i.kind, i.recipient) for i in items] == [
        (f"{claim_id}#2#1", "claim_submitted", "creditor"),
        (f"{claim_id}#3#1", "withdrawn", "debtor"),
        (f"{claim_id}#3#2", "withdrawn", "creditor"),
    ]
    # The debtor has no email address (no content): skipped; the creditor gets both emails.
    report = drain(claim_id=claim_id)
    assert (report.sent, report.skipped, report.failed) == (2, 1, 0)
    statuses = {(i.kind, i.recipient): i.status for i in outbox(claim_id)}
    assert statuses[("withdrawn", "debtor")] is OutboxStatus.SKIPPED
    assert statuses[("withdrawn", "creditor")] is OutboxStatus.SENT
    assert len(mailbox(CREDITOR_EMAIL)) == 2
    [withdrawn] = [m for m in mailbox(CREDITOR_EMAIL) if "retirée" in m["subject"]]
    assert "http://127.0.0.1:8765/#/creances/clm-outbox" in withdrawn["text"]
    assert 'href="http://127.0.0.1:8765/#/creances/clm-outbox"' in withdrawn["html"]


def test_a_debtor_email_goes_to_the_address_of_the_claim(claims):
    claim_id = new_claim(claims, content={"debtor": {"email": "compta@rhone-distribution.example.fr"}})
    move(claims, claim_id, ClaimStatus.AWAITING_PAYMENT)
    claims.transition(
        claim_id,
        ClaimStatus.WITHDRAWN,
        actor="creditor-1",
        reason="Retirée",
        notify=[Notification("withdrawn"), Notification("withdrawn", to="debtor")],
    )
    assert drain(claim_id=claim_id).sent == 3
    assert len(mailbox("compta@rhone-distribution.example.fr")) == 1


def test_every_status_change_is_emailed_once_even_with_concurrent_and_repeated_drainers(claims):
    from chalicelib.adapters import mailer

    path = (ClaimStatus.AWAITING_PAYMENT, ClaimStatus.ASSESSING, ClaimStatus.REJECTED, ClaimStatus.CLOSED)
    claim_ids = [new_claim(claims, f"clm-many-{n}") for n in range(3)]
    for claim_id in claim_ids:
        move(claims, claim_id, *path)
    expected = len(claim_ids) * len(path)

    def slow_send(to, email):  # long enough for the drainers to meet on the same items
        time.sleep(0.02)
        return mailer.send_rendered(to, email)

    barrier = threading.Barrier(4)
    reports = []

    def drainer() -> None:
        barrier.wait(timeout=10)
        reports.append(drain(send=slow_send))

    threads = [threading.Thread(target=drainer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(r.sent for r in reports) == expected
    assert sum(r.failed + r.retried + r.skipped for r in reports) == 0
    again = drain()
    assert again.as_dict() == {"sent": 0, "skipped": 0, "retried": 0, "failed": 0, "busy": 0}
    messages = mailbox(CREDITOR_EMAIL)
    assert len(messages) == expected
    for claim_id in claim_ids:
        items = outbox(claim_id)
        assert [i.kind for i in items] == [
            "claim_submitted",
            "payment_received",
            "claim_rejected",
            "claim_closed",
        ]
        assert all(i.status is OutboxStatus.SENT and i.message_id and i.attempts == 1 for i in items)
    assert sum("dossier clôturé" in m["subject"] for m in messages) == len(claim_ids)


def test_the_notice_email_carries_the_letter(claims):
    from chalicelib.adapters.document_store import DocumentStore

    letter = b"%PDF-1.7\n% mise en demeure\n%%EOF\n"
    DocumentStore().put(NOTICE_KEY, letter, "application/pdf")
    claim_id = new_claim(claims)
    move(claims, claim_id, ClaimStatus.AWAITING_PAYMENT, ClaimStatus.ASSESSING, ClaimStatus.NOTICE_SENT)
    assert drain(claim_id=claim_id).sent == 3
    [notice] = [m for m in mailbox(CREDITOR_EMAIL) if "mise en demeure" in m["subject"].lower()]
    assert [(a["filename"], a["content_type"], a["size"]) for a in notice["attachments"]] == [
        ("mise-en-demeure-test.pdf", "application/pdf", len(letter))
    ]


def test_a_failed_send_is_retried_on_a_later_run_and_sent_once(claims, monkeypatch):

    claim_id = new_claim(claims)
    move(claims, claim_id, ClaimStatus.AWAITING_PAYMENT)
    calls = failing_once(monkeypatch)
    now = datetime.now(UTC)
    assert drain(now=now).retried == 1
    [item] = outbox(claim_id)
    assert item.status is OutboxStatus.PENDING and item.attempts == 1
    assert "SES injoignable" in item.last_error and item.lease_until > now
    assert drain(now=now).as_dict()["sent"] == 0  # not before its retry time
    assert drain(now=now + timedelta(minutes=5)).sent == 1
    [item] = outbox(claim_id)
    assert item.status is OutboxStatus.SENT and item.attempts == 2
    assert len(mailbox(CREDITOR_EMAIL)) == 1 and len(calls) == 2


def test_an_email_that_keeps_failing_is_given_up_after_five_attempts(claims, caplog):
    claim_id = new_claim(claims)
    move(claims, claim_id, ClaimStatus.AWAITING_PAYMENT)

    def broken(to, email):
        raise ConnectionError("SES injoignable")

    now = datetime.now(UTC)
    reports = [drain(now=now + timedelta(hours=n), send=broken) for n in range(6)]
    assert [r.retried for r in reports] == [1, 1, 1, 1, 0, 0]
    assert [r.failed for r in reports] == [0, 0, 0, 0, 1, 0]
    [item] = outbox(claim_id)
    assert item.status is OutboxStatus.FAILED and item.attempts == 5
    assert any(record.levelname == "ERROR" and "given up" in record.getMessage() for record in caplog.records)


def test_needs_attention_tells_the_creditor_and_alerts_the_operator(claims):
    claim_id = new_claim(claims)
    move(claims, claim_id, ClaimStatus.AWAITING_PAYMENT, ClaimStatus.ASSESSING)
    claims.transition(
        claim_id,
        ClaimStatus.NEEDS_ATTENTION,
        actor="plateforme",
        reason="States.TaskFailed : le prestataire postal ne répond pas",
    )
    items = outbox(claim_id)
    assert [(i.kind, i.recipient) for i in items[-2:]] == [
        ("needs_attention", "creditor"),
        ("operator_alert", "operator"),
    ]
    assert items[-1].context == {
        "previous_status": "assessing",
        "error": "States.TaskFailed : le prestataire postal ne répond pas",
    }
    drain(claim_id=claim_id)
    [alert] = mailbox(OPERATOR_EMAIL)
    assert alert["subject"] == "Intervention requise : créance DOS-2025-001 (Rhône Distribution SARL)"
    assert "Statut avant l'incident : Analyse en cours" in alert["text"]
    assert "le prestataire postal ne répond pas" in alert["text"]
    assert "Créancier : Atelier Numérique SAS" in alert["text"]
    assert f"http://127.0.0.1:8765/#/creances/{claim_id}" in alert["text"]
    [told] = [m for m in mailbox(CREDITOR_EMAIL) if "examiné par notre équipe" in m["subject"]]
    assert "aucune information n'est perdue" in told["text"]


def test_a_claim_change_is_emailed_in_the_background_without_anyone_draining(claims):
    background = ClaimRepository()  # the default: starts send_notifications after the write
    claim_id = new_claim(claims)
    background.transition(
        claim_id,
        ClaimStatus.WITHDRAWN,
        actor="creditor-1",
        reason="Retirée",
        notify=Notification("withdrawn", {"withdrawn_on": "2026-11-25"}),
    )
    [email] = wait_for_mail(CREDITOR_EMAIL, lambda m: "créance retirée" in m["subject"])
    assert "25 novembre 2026" in email["text"]
    deadline = time.monotonic() + 5
    while outbox(claim_id)[0].status is not OutboxStatus.SENT:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_run_reads_each_claim_and_creditor_once_whatever_its_number_of_emails(claims):
    from chalicelib.adapters.accounts_repository import AccountRepository

    claim_id = new_claim(claims)
    move(claims, claim_id, ClaimStatus.AWAITING_PAYMENT, ClaimStatus.ASSESSING, ClaimStatus.WITHDRAWN)
    assert len([item for item in outbox(claim_id) if item.status is OutboxStatus.PENDING]) >= 3

    reads: list[str] = []

    class CountingClaims:
        def get(self, wanted: str) -> Claim:
            reads.append(wanted)
            return claims.get(wanted)

    class CountingAccounts:
        def find(self, user_id: str):  # type: ignore[no-untyped-def]
            reads.append(user_id)
            return AccountRepository().find(user_id)

    report = drain(claims=CountingClaims(), accounts=CountingAccounts())
    assert report.sent >= 3
    assert sorted(reads) == sorted(["creditor-1", claim_id])


def test_the_local_ses_keeps_one_message_per_outbox_item(aws):
    """An email sent again for the same outbox item (the platform died between SES's answer and the outbox's
    record) shows once in the local mailbox (infra/local/localaws.py); another item's email is another one."""
    from chalicelib.adapters.mailer import send_rendered
    from chalicelib.domain.email_kinds import RenderedEmail
    from chalicelib.settings import get_settings
    from infra.local import mailbox

    region = get_settings().region
    before = mailbox.count(region)
    email = RenderedEmail("claim_submitted", "Objet", "Texte", "<p>Texte</p>", idempotency_key="clm_x#3#1")
    first = send_rendered("claire@exemple.fr", email)
    again = send_rendered("claire@exemple.fr", email)
    assert first == again and mailbox.count(region) == before + 1
    other = send_rendered(
        "claire@exemple.fr",
        RenderedEmail("claim_submitted", "Objet", "T", "<p>T</p>", idempotency_key="clm_x#4#1"),
    )
    assert other != first and mailbox.count(region) == before + 2


def test_an_account_email_goes_to_the_account_once_and_is_retried_after_a_failure(claims, monkeypatch):
    # An import's report or an export « prête » concerns the account, not a claim (compte:<id>).
    from chalicelib.adapters.outbox_repository import OutboxRepository
    from chalicelib.domain.notifications import account_subject

    repository = OutboxRepository(wake_sender=None)
    ready = Notification(
        "data_export_ready",
        {"base_url": "https://x.fr", "profile_url": "https://x.fr/#/profil", "available_days": 7},
    )
    now = datetime.now(UTC)
    assert repository.queue_once(account_subject("creditor-1"), "export-exp_1", ready, now=now)
    assert not repository.queue_once(account_subject("creditor-1"), "export-exp_1", ready, now=now)
    repository.queue_once(account_subject("nobody"), "export-exp_2", ready, now=now)
    calls = failing_once(monkeypatch)
    first = drain(now=now)
    assert (first.retried, first.skipped) == (1, 1)  # the unknown account's is skipped, not retried
    assert drain(now=now + timedelta(minutes=5)).sent == 1
    [email] = mailbox(CREDITOR_EMAIL)
    assert "/#/profil" in email["body"] and calls == [CREDITOR_EMAIL, CREDITOR_EMAIL]
    [item] = outbox(account_subject("creditor-1"))
    assert item.outbox_id == "compte:creditor-1#export-exp_1#1" and item.status is OutboxStatus.SENT


def test_an_account_email_is_never_sent_to_anyone_but_its_account():
    from chalicelib.domain.notifications import account_of, account_subject

    assert account_of(account_subject("creditor-1")) == "creditor-1"
    assert account_of("clm-1") is None and account_of("plateforme:taux") is None
    with pytest.raises(ValueError):
        account_subject("a#b")  # would break the outbox id's « <subject>#<key>#1 »
