"""Issue 23 on the in-process platform: the mise en demeure sent through Maileva's API (its local twin,
served on a port, answering as Maileva does): LRE for a professional debtor with an email, paper LRAR for a
consumer; each provider event moves the claim; the proofs go into the timeline and the dossier; a retried
sending sends nothing twice; a forged webhook is refused."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import zipfile
from datetime import UTC, datetime

import pytest

from chalicelib.domain.claim import ClaimStatus
from tests.integration.test_notice import TODAY, b2c_content, paid_claim, send
from tests.integration.test_notice import platform as notice_platform  # noqa: F401

pytestmark = pytest.mark.integration

WEBHOOK_AUTH = "Basic " + base64.b64encode(b"claims-webhook:local-webhook-secret").decode()


@pytest.fixture
def maileva(notice_platform, monkeypatch):  # noqa: F811
    """The twin on a free port, its clock on the business date (the letters are sent on 31 March 2025)."""
    from chalicelib.adapters.maileva import shared_client
    from chalicelib.settings import LOCAL_MAILEVA, get_settings
    from infra.local.fake_maileva import serve_fake_maileva

    moment = {"now": datetime(2025, 3, 31, 14, 0, tzinfo=UTC)}
    fake, server = serve_fake_maileva(clock=lambda: moment["now"], retry_delays=(0.05,))
    monkeypatch.setenv("POSTAL_PROVIDER", "maileva")
    monkeypatch.setenv("MAILEVA_API_BASE", fake.api_base)
    monkeypatch.setenv("MAILEVA_AUTH_URL", f"{fake.api_base}/auth/realms/services/protocol/openid-connect")
    for name, value in LOCAL_MAILEVA.items():
        monkeypatch.setenv(f"MAILEVA_{name.upper()}", value)
    get_settings.cache_clear()
    shared_client.cache_clear()
    fake.moment = moment
    yield fake
    server.shutdown()
    server.server_close()
    fake.close()
    shared_client.cache_clear()
    get_settings.cache_clear()


def _claim(claim_id: str):
    from chalicelib.adapters.claims_repository import ClaimRepository

    return ClaimRepository().get(claim_id)


def _refresh(claim_id: str):
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.adapters.postal import postal_sender
    from chalicelib.services.notice.delivery import refresh_delivery
    from tests.integration.test_notice import _repository

    return refresh_delivery(
        claim_id, claims=_repository(), store=DocumentStore(), postal=postal_sender(), now=datetime.now(UTC)
    )


def _ref(claim_id: str) -> tuple[str, str, str]:
    product, sending, recipient = _claim(claim_id).notice.extra["delivery"]["provider_ref"].split(":")
    return product, sending, recipient


def _act(fake, claim_id: str, action: str, day: dt.date) -> None:
    product, sending, recipient = _ref(claim_id)
    fake.act(product, sending, recipient, action, day)


def _lre_content(consent: bool = False) -> dict:
    content = b2c_content()
    content["debtor"]["lre_consent"] = consent
    return content


def test_a_professional_debtor_with_an_email_gets_a_qualified_lre(maileva):
    claim_id = paid_claim("clm-lre-b2b")
    outcome = send(claim_id)
    claim = _claim(claim_id)
    delivery = claim.notice.extra["delivery"]
    assert outcome.channel == "lre" and claim.notice.provider == "maileva"
    assert delivery["provider_ref"].startswith("lre:")
    assert delivery["choice"]["reasons"][0]["code"] == "qualified_lre"
    # The LRE is available to the debtor from its notification: that day is the first presentation.
    assert claim.notice.first_presented_on == TODAY
    # Never before the day the letter prints (letter date + 3 days + 8): RULEBOOK 4.2 item 5.
    assert claim.notice.deadline == TODAY + dt.timedelta(days=3 + 8)
    [sending] = maileva.all_sendings()
    assert sending["product"] == "lre" and sending["status"] == "PROCESSED"
    recipient = sending["recipients"][0]
    assert recipient["legal_status"] == "PROFESSIONAL" and recipient["email"]
    # The letter itself says how it travels (RULEBOOK 4.2 item 1).
    from tests.integration.test_notice import stored
    from tests.unit.documents.helpers import pdf_text

    assert "ENVOI RECOMMANDÉ ÉLECTRONIQUE" in pdf_text(stored(claim.notice.pdf_key)).upper()


@pytest.mark.parametrize(("consent", "channel"), [(False, "lrar"), (True, "lre")])
def test_a_consumer_goes_on_paper_unless_they_consented(maileva, consent, channel):
    claim_id = paid_claim(f"clm-b2c-{channel}", _lre_content(consent))
    assert send(claim_id).channel == channel
    [sending] = maileva.all_sendings()
    assert sending["product"] == ("lre" if consent else "registered_mail")
    if channel == "lrar":
        recipient = sending["recipients"][0]
        assert recipient["address_line_6"] == "44100 Nantes" and recipient["registered_number"].startswith(
            "1A"
        )
        reasons = _claim(claim_id).notice.extra["delivery"]["choice"]["reasons"]
        assert reasons[0]["code"] == "consumer_without_consent"


def test_each_paper_event_moves_the_claim_and_its_proofs_are_hashed_in_the_timeline(maileva):
    from chalicelib.adapters.claims_repository import ClaimRepository

    claim_id = paid_claim("clm-lrar-events", _lre_content())
    send(claim_id)
    _refresh(claim_id)  # the proof of deposit
    _act(maileva, claim_id, "presented", dt.date(2025, 4, 2))
    update = _refresh(claim_id)
    assert "first_presented" in update.new_events
    claim = _claim(claim_id)
    assert claim.notice.first_presented_on == dt.date(2025, 4, 2)
    # Consumer: 15 days from the first presentation, never before the printed date (31/03 + 3 + 15).
    assert claim.notice.deadline == dt.date(2025, 4, 18)
    assert claim.notice.presentation_source == "provider"
    _act(maileva, claim_id, "delivered", dt.date(2025, 4, 4))
    assert _refresh(claim_id).outcome == "delivered"
    claim = _claim(claim_id)
    assert claim.notice.first_presented_on == dt.date(2025, 4, 2)  # the first presentation still counts
    proofs = {p["kind"]: p for p in claim.notice.extra["delivery"]["proofs"]}
    assert set(proofs) == {"deposit", "receipt"}
    events = ClaimRepository().events(claim_id)
    hashes = {k: v for e in events for k, v in (e.document_hashes or {}).items()}
    assert hashes["preuve_deposit"] == proofs["deposit"]["sha256"]
    assert hashes["preuve_receipt"] == proofs["receipt"]["sha256"]
    assert _refresh(claim_id).new_events == ()  # nothing new: nothing written


@pytest.mark.parametrize("action", ["refused", "not_claimed"])
def test_a_refused_or_unclaimed_letter_keeps_the_notice_and_tells_the_creditor(maileva, action):
    from chalicelib.adapters.outbox_repository import OutboxRepository

    claim_id = paid_claim(f"clm-lrar-{action}", _lre_content())
    send(claim_id)
    _act(maileva, claim_id, action, dt.date(2025, 4, 3))
    assert _refresh(claim_id).outcome == action
    claim = _claim(claim_id)
    assert claim.status is ClaimStatus.NOTICE_SENT or claim.status is ClaimStatus.ASSESSING
    assert claim.notice.first_presented_on == dt.date(2025, 4, 3)
    assert claim.notice.deadline == dt.date(2025, 4, 18)
    assert "notice_delivery" in {item.kind for item in OutboxRepository().for_claim(claim_id)}
    assert {p["kind"] for p in claim.notice.extra["delivery"]["proofs"]} >= {"deposit", "undelivered"}


def test_an_undeliverable_letter_asks_for_the_address_and_goes_again_without_paying(maileva):
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.domain.accounts import Identity, Role
    from chalicelib.services.escalation import mark_notice_sent
    from chalicelib.services.notice.delivery import correct_address
    from tests.integration.test_notice import CREDITOR_EMAIL, CREDITOR_ID

    repository = ClaimRepository()
    claim_id = paid_claim("clm-lrar-address", _lre_content())
    outcome = send(claim_id)
    mark_notice_sent(repository, claim_id, notification=outcome.notification, now=datetime.now(UTC))
    _act(maileva, claim_id, "unknown_address", dt.date(2025, 4, 3))
    _refresh(claim_id)
    claim = _claim(claim_id)
    assert claim.status is ClaimStatus.NEEDS_ATTENTION
    assert claim.notice.extra["delivery"]["outcome"] == "undeliverable"
    assert claim.notice.first_presented_on is None  # never presented: no deadline runs from it

    creditor = Identity(CREDITOR_ID, CREDITOR_EMAIL, Role.CREDITOR)
    address = {"line1": "3 rue Neuve", "line2": "", "postal_code": "44000", "city": "Nantes"}
    correct_address(claim_id, address=address, claims=repository, identity=creditor, now=datetime.now(UTC))
    resent = send(claim_id)
    mark_notice_sent(repository, claim_id, notification=resent.notification, now=datetime.now(UTC))
    claim = _claim(claim_id)
    assert claim.status is ClaimStatus.NOTICE_SENT
    assert claim.content["debtor"]["address"]["line1"] == "3 rue Neuve"
    assert len(claim.notice.extra["returned"]) == 1
    sendings = maileva.all_sendings()
    assert len(sendings) == 2 and sendings[0]["recipients"][0]["address_line_4"] == "3 rue Neuve"
    # Nothing paid twice: the claim never went back to awaiting a payment.
    moves = [e.to_status for e in repository.events(claim_id) if getattr(e, "to_status", None)]
    assert moves.count(ClaimStatus.AWAITING_PAYMENT) == 1


def test_a_retried_sending_sends_one_letter_even_after_a_crash_mid_way(maileva):
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.adapters.postal import postal_sender

    claim_id = paid_claim("clm-lrar-retry", _lre_content())

    class CrashAfterSubmit:
        """The task dies once Maileva has the letter, before the claim records it."""

        lre_enabled = True

        def __init__(self) -> None:
            self.inner = postal_sender()

        def send_registered(self, pdf, **kwargs):
            self.inner.send_registered(pdf, **kwargs)
            raise TimeoutError("Lambda timed out")

    with pytest.raises(TimeoutError):
        send(claim_id, CrashAfterSubmit())
    # Worse: the bucket lost the progress record too. Maileva is asked by the letter's custom_id.
    store = DocumentStore()
    progress = [k for k in _keys(claim_id) if "/postal/maileva-" in k]
    assert progress
    for key in progress:
        store.delete(key)
    send(claim_id)
    send(claim_id)  # and a plain retry once recorded
    sendings = maileva.all_sendings()
    assert len(sendings) == 1 and sendings[0]["status"] == "PROCESSED"
    assert _claim(claim_id).notice.is_sent


def _keys(claim_id: str) -> list[str]:
    from chalicelib.adapters.aws import client
    from chalicelib.settings import get_settings

    listed = client("s3").list_objects_v2(
        Bucket=get_settings().documents_bucket, Prefix=f"claims/{claim_id}/"
    )
    return [item["Key"] for item in listed.get("Contents", [])]


@pytest.fixture
def api(maileva):
    from chalice.test import Client

    import app

    with Client(app.app, stage_name="local") as client:
        yield client


def _post_webhook(api, body: dict, authorization: str | None):
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    return api.http.post("/v1/webhooks/maileva", headers=headers, body=json.dumps(body))


def test_the_webhook_moves_the_claim_and_a_forged_one_is_refused(api, maileva):
    claim_id = paid_claim("clm-webhook", _lre_content())
    send(claim_id)
    product, sending, recipient = _ref(claim_id)
    maileva.act(product, sending, recipient, "presented", dt.date(2025, 4, 2))
    body = {
        "source": "api.maileva.com",
        "event_type": "ON_MAIN_DELIVERY_STATUS_FIRST_PRESENTATION",
        "resource_type": "registered_mail/v4/recipients",
        "resource_id": recipient,
        "resource_custom_id": claim_id,
        "resource_custom_data": claim_id,
    }
    for forged in (None, "Basic " + base64.b64encode(b"claims-webhook:guess").decode(), "Bearer x"):
        refused = _post_webhook(api, body, forged)
        assert refused.status_code == 401, refused.json_body
    assert _claim(claim_id).notice.first_presented_on is None
    # Right credentials but another letter's id: ignored, nothing moves.
    other = _post_webhook(api, {**body, "resource_id": "not-ours"}, WEBHOOK_AUTH)
    assert other.status_code == 201 and other.json_body["ignored"]
    assert _claim(claim_id).notice.first_presented_on is None
    accepted = _post_webhook(api, body, WEBHOOK_AUTH)
    assert accepted.status_code == 201, accepted.json_body
    assert _claim(claim_id).notice.first_presented_on == dt.date(2025, 4, 2)


def test_the_twins_own_webhooks_reach_the_platform(maileva):
    """The adapter subscribes; the twin posts with the subscription's Basic credentials."""
    from chalicelib.adapters.postal import postal_sender

    created = postal_sender().subscribe("http://127.0.0.1:9/v1/webhooks/maileva")
    assert "ON_MAIN_DELIVERY_STATUS_DELIVERED" in created
    assert postal_sender().subscribe("http://127.0.0.1:9/v1/webhooks/maileva") == []  # once


def test_the_proofs_are_exhibits_of_the_dossier(maileva):
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.services.dossier import assemble_claim_dossier
    from chalicelib.services.escalation import mark_notice_sent
    from tests.integration.test_notice import stored
    from tests.unit.documents.helpers import pdf_text

    repository = ClaimRepository()
    claim_id = paid_claim("clm-lrar-dossier", _lre_content())
    outcome = send(claim_id)
    mark_notice_sent(repository, claim_id, notification=outcome.notification, now=datetime.now(UTC))
    _act(maileva, claim_id, "delivered", dt.date(2025, 4, 3))
    _refresh(claim_id)
    from tests.integration.outbox_helpers import status_email

    repository.transition(
        claim_id,
        ClaimStatus.ESCALATION_OFFERED,
        actor="test",
        reason="délai expiré",
        now=datetime.now(UTC),
        notify=status_email(ClaimStatus.ESCALATION_OFFERED),
    )
    later = dt.date(2025, 5, 2)
    result = assemble_claim_dossier(
        repository,
        claim_id,
        accounts=AccountRepository(),
        store=DocumentStore(),
        today=later,
        now=datetime(2025, 5, 2, 9, tzinfo=UTC),
    )
    names = zipfile.ZipFile(io.BytesIO(stored(result.zip_key))).namelist()
    assert any("preuve-de-depot" in n for n in names), names
    assert any("avis-de-reception" in n for n in names), names
    text = pdf_text(stored(result.pdf_key))
    assert "Avis de réception de la mise en demeure" in text
    assert "Preuve de dépôt de la mise en demeure" in text
