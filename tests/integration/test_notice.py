"""The notice step on the in-process local platform: the mise en demeure rendered, stored, hashed into the
timeline, sent by (simulated or manual) registered mail and emailed to the debtor — once."""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import json
import time
from datetime import UTC, datetime

import pytest

from chalicelib.domain.accounts import Account, CreditorProfile, Identity, PostalAddress, Role
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind, verify_chain
from chalicelib.domain.claim_content import ClaimContent
from chalicelib.domain.errors import InvalidInput, InvalidTransition, NotFound
from chalicelib.domain.notifications import Notification
from tests.helpers.notice import notice_json
from tests.integration.accounts_helpers import mailbox
from tests.integration.claims_helpers import PROFILE, b2b_content
from tests.unit.documents.helpers import pdf_text

pytestmark = pytest.mark.integration

TODAY = dt.date(2025, 3, 31)  # shared case 01 is assessed on this day (inside the rate tables)
NOW = datetime(2025, 3, 31, 7, 30, tzinfo=UTC)
CREDITOR_ID = "creditor-atelier"
CREDITOR_EMAIL = "claire@atelier-numerique.fr"
B2B_DEBTOR_EMAIL = "compta@rhone-distribution.example.fr"
B2C_DEBTOR_EMAIL = "jean.dupont@example.fr"
CREDITOR = Identity(CREDITOR_ID, CREDITOR_EMAIL, Role.CREDITOR)


def b2c_content() -> dict:
    """A consumer's unpaid invoice of January 2025 (not time-barred: two years, C. conso. L218-2)."""
    return {
        "reference": "DOS-2025-002",
        "debtor": {
            "category": "consumer",
            "legal_name": "Jean Dupont",
            "title": "M.",
            "address": {"line1": "14 rue des Olivettes", "postal_code": "44100", "city": "Nantes"},
            "email": B2C_DEBTOR_EMAIL,
        },
        "invoices": [
            {
                "number": "F-2025-0031",
                "issue_date": "2025-01-10",
                "due_date": "2025-01-31",
                "amount_ttc": "850.00",
                "description": "Réfection d'une salle de bains",
            }
        ],
    }


@pytest.fixture
def platform(aws, monkeypatch):
    """Claims assessed on 31 March 2025, the local postal simulation, a creditor with a complete profile."""
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CLAIMS_TODAY", TODAY.isoformat())
    monkeypatch.delenv("POSTAL_PROVIDER", raising=False)
    get_settings.cache_clear()
    address = PROFILE["address"]
    profile = CreditorProfile(
        legal_name=PROFILE["legal_name"],
        category=PROFILE["category"],
        legal_form=PROFILE["legal_form"],
        siren=PROFILE["siren"],
        address=PostalAddress(address["line1"], address["postal_code"], address["city"]),
        phone="01 42 00 00 00",
        iban=PROFILE["iban"],
        signatory_name=PROFILE["signatory_name"],
        signatory_title=PROFILE["signatory_title"],
    )
    AccountRepository().create(Account(CREDITOR_ID, CREDITOR_EMAIL, Role.CREDITOR, creditor=profile))
    yield aws
    get_settings.cache_clear()


def _repository():
    from chalicelib.adapters.claims_repository import ClaimRepository

    if "wake_sender" in inspect.signature(ClaimRepository).parameters:
        return ClaimRepository(wake_sender=None)  # queued creditor emails stay in the outbox
    return ClaimRepository()


def paid_claim(claim_id: str, content: dict | None = None, creditor_id: str = CREDITOR_ID) -> str:
    """A claim as the escalation finds it: submitted, paid, being processed (``assessing``)."""
    repository = _repository()
    parsed = ClaimContent.model_validate(content or b2b_content())
    repository.create(
        Claim(
            claim_id,
            creditor_id,
            ClaimStatus.DRAFT,
            parsed.debtor.display_name,
            int(parsed.principal * 100),
            NOW,
            NOW,
            content=parsed.as_json(),
            reference=parsed.reference,
        ),
        actor=creditor_id,
    )
    emails = {
        ClaimStatus.AWAITING_PAYMENT: Notification(
            "claim_submitted", {"amount_due": "29.00", "payment_url": "http://127.0.0.1:8765/#/creances"}
        ),
        ClaimStatus.ASSESSING: Notification(
            "payment_received", {"amount_paid": "29.00", "paid_on": "2025-03-31"}
        ),
    }
    takes_notify = "notify" in inspect.signature(repository.transition).parameters
    for status, email in emails.items():
        extra = {"notify": email} if takes_notify else {}
        repository.transition(claim_id, status, actor="test", reason="préparation du test", **extra)
    return claim_id


class CountingPostal:
    """The configured sender, counting the letters handed to it."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.letters: list[bytes] = []

    def send_registered(self, pdf: bytes, **kwargs):
        self.letters.append(pdf)
        return self.inner.send_registered(pdf, **kwargs)


def send(claim_id: str, postal=None, *, today: dt.date = TODAY, send_email=None):
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.adapters.mailer import send_rendered
    from chalicelib.adapters.postal import postal_sender
    from chalicelib.services.notice import send_notice

    return send_notice(
        claim_id,
        claims=_repository(),
        accounts=AccountRepository(),
        store=DocumentStore(),
        postal=postal or postal_sender(),
        send_email=send_email or send_rendered,
        today=today,
        now=datetime.now(UTC),
    )


def stored(key: str) -> bytes:
    from chalicelib.adapters.document_store import DocumentStore

    return DocumentStore().get(key, 20 * 1024 * 1024)


def postal_records(claim_id: str) -> list[str]:
    from chalicelib.adapters.aws import client
    from chalicelib.settings import get_settings

    listed = client("s3").list_objects_v2(
        Bucket=get_settings().documents_bucket, Prefix=f"claims/{claim_id}/postal/"
    )
    return sorted(item["Key"] for item in listed.get("Contents", []))


# --- the letter: stored, hashed, with the amounts of shared case 01 -----------------------------------------


def test_the_notice_is_stored_hashed_in_the_timeline_and_prints_case_01_amounts(platform):
    claim_id = paid_claim("clm-notice-b2b")
    outcome = send(claim_id)

    pdf = stored(outcome.pdf_key)
    assert outcome.pdf_key == f"claims/{claim_id}/notices/mise-en-demeure.pdf"
    assert hashlib.sha256(pdf).hexdigest() == outcome.sha256
    assert pdf.startswith(b"%PDF")

    claim = _repository().get(claim_id)
    assert claim.status is ClaimStatus.ASSESSING  # the escalation's handler moves it, not the service
    assert claim.notice is not None and claim.notice.sha256 == outcome.sha256
    assert claim.notice.status == "sent"
    events = _repository().events(claim_id)
    added = [e for e in events if e.kind is EventKind.DOCUMENT_ADDED]
    assert [e.document_hashes for e in added] == [{"mise_en_demeure": outcome.sha256}]
    assert "Mise en demeure préparée" in added[0].reason
    assert any("n° " + outcome.tracking_number in e.reason for e in events if e.kind is EventKind.NOTE)
    assert verify_chain(events, last_hash=claim.last_event_hash).valid

    text = pdf_text(pdf)
    assert "MISE EN DEMEURE" in text
    assert "Principal TTC facturé 1 000,00 €" in text
    assert "21,26 €" in text and "40,00 €" in text
    assert "Total à payer 1 061,26 €" in text
    assert "mille soixante et un euros et vingt-six centimes" in text
    # the letter's own deadline: 3 days assumed for the first presentation, then 8 days (B2B)
    assert "huit (8) jours" in text and "au plus tard le 11 avril 2025" in text
    assert "Atelier Numérique SAS" in text and "SIREN 732 829 320" in text
    assert "Rhône Distribution SARL" in text and "3 quai Saint-Antoine" in text
    assert "FR76 3000 6000 0112 3456 7890 189" in text  # the creditor's own bank details
    assert "Claire Morel, Présidente" in text
    assert "service d'envoi" in text  # the platform only as the sending service
    assert outcome.amount_claimed == "1061.26"


def test_the_local_registered_letter_is_recorded_with_a_simulated_first_presentation(platform):
    claim_id = paid_claim("clm-notice-local")
    outcome = send(claim_id)

    assert outcome.channel == "lrar"
    assert len(outcome.tracking_number) == 13 and outcome.tracking_number.startswith("1A")
    assert outcome.tracking_number[2:].isdigit()
    assert outcome.sent_on == TODAY
    # simulated on the day the letter itself assumes (3 days later): one date in the letter, the claim
    # page and the emails
    assert outcome.first_presented_on == dt.date(2025, 4, 3)
    record = json.loads(stored(f"claims/{claim_id}/postal/{outcome.tracking_number}.json"))
    assert record["simulated"] is True and record["provider"] == "local"
    assert record["pdf_sha256"] == outcome.sha256
    assert record["recipient_lines"] == [
        "Rhône Distribution SARL",
        "3 quai Saint-Antoine",
        "69002 Lyon",
    ]
    assert record["sender_lines"] == ["Atelier Numérique SAS", "12 rue du Sentier", "75002 Paris"]
    assert stored(record["pdf_key"]) == stored(outcome.pdf_key)
    notice = notice_json(_repository().get(claim_id))
    assert notice["presentation_source"] == "simulated"
    assert notice["proof_key"] == f"claims/{claim_id}/postal/{outcome.tracking_number}.json"


def test_the_debtor_gets_the_pdf_by_email_in_the_creditors_name(platform):
    claim_id = paid_claim("clm-notice-mail")
    outcome = send(claim_id)

    [message] = mailbox(B2B_DEBTOR_EMAIL)
    assert "Atelier Numérique SAS" in message["subject"] and "DOS-2025-001" in message["subject"]
    [attachment] = message["attachments"]
    assert attachment["filename"] == "mise-en-demeure-DOS-2025-001.pdf"
    assert attachment["content_type"] == "application/pdf"
    assert attachment["size"] == len(stored(outcome.pdf_key))
    body = " ".join(message["text"].split())
    assert "Atelier Numérique SAS vous met en demeure de lui payer la somme de 1 061,26 €" in body.replace(
        "\u202f", " "
    ).replace("\u00a0", " ")
    assert "8 jours à compter de la première présentation" in body
    assert "claire@atelier-numerique.fr" in body
    assert "ce service ne donne pas de conseil juridique" in body
    notice = notice_json(_repository().get(claim_id))
    assert notice["emailed_to"] == B2B_DEBTOR_EMAIL
    assert mailbox(CREDITOR_EMAIL) == []  # the creditor's own email rides the status change (outbox)


def test_the_notification_for_the_creditor_renders_as_notice_sent(platform):
    from chalicelib.documents.emails import Attachment, render_email

    outcome = send(paid_claim("clm-notice-notif"))
    notification = outcome.notification
    assert notification.kind == "notice_sent" and notification.to == "creditor"
    assert notification.attachments == (outcome.pdf_key,)
    assert notification.context == {
        "sent_on": "2025-03-31",
        "payment_deadline": "2025-04-11",
        "amount_claimed": "1061.26",
        "channel": "lrar",
        "tracking_number": outcome.tracking_number,
    }
    claim_keys = {"base_url": "http://127.0.0.1:8765", "claim_id": "clm-notice-notif", "debtor_name": "X"}
    email = render_email(
        "notice_sent", claim_keys | dict(notification.context), attachments=(Attachment("m.pdf", b"%PDF"),)
    )
    assert "11 avril 2025" in email.text


# --- once only ----------------------------------------------------------------------------------------------


def test_sending_twice_sends_once(platform):
    from chalicelib.adapters.postal import postal_sender

    claim_id = paid_claim("clm-notice-twice")
    postal = CountingPostal(postal_sender())
    first = send(claim_id, postal)
    events_after_first = len(_repository().events(claim_id))
    second = send(claim_id, postal)

    assert len(postal.letters) == 1
    assert second.already_sent and not first.already_sent
    assert (second.sha256, second.tracking_number, second.deadline_at) == (
        first.sha256,
        first.tracking_number,
        first.deadline_at,
    )
    assert second.notification == first.notification
    assert len(mailbox(B2B_DEBTOR_EMAIL)) == 1
    assert len(_repository().events(claim_id)) == events_after_first
    assert postal_records(claim_id) == sorted(
        [
            f"claims/{claim_id}/postal/{first.tracking_number}.json",
            f"claims/{claim_id}/postal/{first.tracking_number}.pdf",
        ]
    )


def test_a_letter_prepared_but_not_sent_is_sent_as_prepared(platform):
    """A task that stopped after recording the prepared letter: the retry sends the very same PDF."""
    from chalicelib.adapters.postal import postal_sender

    claim_id = paid_claim("clm-notice-retry")

    class Crashing:
        def send_registered(self, pdf, **kwargs):
            raise RuntimeError("postal provider down")

    with pytest.raises(RuntimeError):
        send(claim_id, Crashing())
    prepared = notice_json(_repository().get(claim_id))
    assert prepared["status"] == "prepared"

    postal = CountingPostal(postal_sender())
    outcome = send(claim_id, postal)
    assert [hashlib.sha256(pdf).hexdigest() for pdf in postal.letters] == [prepared["sha256"]]
    assert outcome.sha256 == prepared["sha256"]
    added = [e for e in _repository().events(claim_id) if e.kind is EventKind.DOCUMENT_ADDED]
    assert len(added) == 1


def test_an_email_outage_is_retried_without_a_second_letter_and_a_refusal_is_recorded(platform):
    from chalicelib.adapters.errors import TransientError
    from chalicelib.adapters.postal import postal_sender

    def outage(to, email):
        raise TransientError("SES throttling")

    claim_id = paid_claim("clm-notice-ses")
    postal = CountingPostal(postal_sender())
    with pytest.raises(TransientError):  # the task fails: Step Functions retries it
        send(claim_id, postal, send_email=outage)
    assert (notice_json(_repository().get(claim_id)))["status"] == "sent"
    retried = send(claim_id, postal)
    assert retried.already_sent and len(postal.letters) == 1
    assert len(mailbox(B2B_DEBTOR_EMAIL)) == 1
    assert (notice_json(_repository().get(claim_id)))["emailed_to"] == B2B_DEBTOR_EMAIL

    def refused(to, email):
        raise ValueError("Email address is not verified")

    other = paid_claim("clm-notice-refused")
    outcome = send(other, send_email=refused)  # the letter went: the step succeeds
    notice = notice_json(_repository().get(other))
    assert notice["status"] == "sent" and "not verified" in notice["email_error"]
    assert send(other).already_sent and len(mailbox(B2B_DEBTOR_EMAIL)) == 1
    assert outcome.deadline == dt.date(2025, 4, 11)


def test_a_claim_that_ended_gets_no_letter(platform):
    claim_id = paid_claim("clm-notice-withdrawn")
    _repository().transition(claim_id, ClaimStatus.WITHDRAWN, actor="test", reason="retirée")
    with pytest.raises(InvalidTransition):
        send(claim_id)
    assert postal_records(claim_id) == []
    assert mailbox(B2B_DEBTOR_EMAIL) == []


# --- the deadline -------------------------------------------------------------------------------------------


def test_b2b_deadline_is_8_days_and_b2c_15_days_after_the_first_presentation(platform):
    b2b = send(paid_claim("clm-deadline-b2b"))
    b2c = send(paid_claim("clm-deadline-b2c", b2c_content()))

    for outcome in (b2b, b2c):
        assert outcome.first_presented_on == dt.date(2025, 4, 3)
    # The letter prints "presented 3 days after the letter date" (the simulation presents it then): the
    # deadline is the one the letter itself gives (31 March + 3 + 8 / + 15).
    assert b2b.deadline == dt.date(2025, 4, 11)
    assert b2c.deadline == dt.date(2025, 4, 18)
    # the end of that day in Paris (CEST, UTC+2), as Step Functions' Wait reads it
    assert b2b.deadline_at == "2025-04-11T22:00:00Z"
    assert b2c.deadline_at == "2025-04-18T22:00:00Z"
    text = pdf_text(stored(b2c.pdf_key))
    assert "M. Jean Dupont" in text and "14 rue des Olivettes" in text
    assert "quinze (15) jours" in text
    assert "fait courir les intérêts au taux légal" in text
    assert "Monsieur," in " ".join(mailbox(B2C_DEBTOR_EMAIL)[0]["text"].split())


def test_manual_postal_mode_uses_the_presentation_allowance(platform, monkeypatch):
    from chalicelib.adapters.postal import ManualPostalSender, postal_sender
    from chalicelib.settings import get_settings

    monkeypatch.setenv("POSTAL_PROVIDER", "manual")
    get_settings.cache_clear()
    assert isinstance(postal_sender(), ManualPostalSender)
    claim_id = paid_claim("clm-notice-manual")
    outcome = send(claim_id)

    assert outcome.tracking_number == "" and outcome.first_presented_on is None
    # 31 March + 3 days assumed for the first presentation + 8 days: what the letter itself prints
    assert outcome.deadline == dt.date(2025, 4, 11)
    assert outcome.deadline_at == "2025-04-11T22:00:00Z"
    assert "au plus tard le 11 avril 2025" in pdf_text(stored(outcome.pdf_key))
    assert "tracking_number" not in outcome.notification.context
    notice = notice_json(_repository().get(claim_id))
    assert notice["provider"] == "manual" and notice["deadline_basis"] == "allowance"
    [queued] = postal_records(claim_id)
    request = json.loads(stored(queued))
    assert request["status"] == "to_print" and request["pdf_sha256"] == outcome.sha256


# --- the creditor records the first presentation ------------------------------------------------------------


def record(claim_id: str, tracking: str, presented: dt.date, identity: Identity = CREDITOR):
    from chalicelib.services.notice import record_presentation

    return record_presentation(
        claim_id,
        tracking_number=tracking,
        first_presented_on=presented,
        claims=_repository(),
        identity=identity,
        now=datetime.now(UTC),
        today=dt.date(2025, 4, 7),
    )


def test_recording_the_presentation_recomputes_the_deadline(platform, monkeypatch):
    from chalicelib.settings import get_settings

    monkeypatch.setenv("POSTAL_PROVIDER", "manual")
    get_settings.cache_clear()
    claim_id = paid_claim("clm-presentation")
    send(claim_id)

    notice = record(claim_id, "1a 234 567 8901 2", dt.date(2025, 4, 4))
    assert notice.tracking_number == "1A23456789012"
    assert notice.first_presented_on == dt.date(2025, 4, 4)
    assert notice.deadline == dt.date(2025, 4, 12)
    assert notice.deadline_at == "2025-04-12T22:00:00Z"
    assert notice.presentation_source == "creditor"
    assert notice.sha256 and notice.pdf_key  # the rest of the notice is kept
    stored_notice = notice_json(_repository().get(claim_id))
    assert stored_notice["deadline_at"] == "2025-04-12T22:00:00Z"
    last = max(_repository().events(claim_id), key=lambda e: e.sequence)
    assert last.kind is EventKind.NOTE and last.actor == CREDITOR_ID
    assert "le 4 avril 2025 ; date limite de paiement : 12 avril 2025" in last.reason


@pytest.mark.parametrize(
    ("presented", "message"),
    [
        (dt.date(2025, 4, 8), "ne peut pas être dans le futur"),
        (dt.date(2025, 3, 30), "ne peut pas précéder la date d'envoi"),
    ],
)
def test_a_presentation_date_in_the_future_or_before_sending_is_refused(platform, presented, message):
    claim_id = paid_claim("clm-presentation-bad")
    before = send(claim_id)
    with pytest.raises(InvalidInput, match=message) as refused:
        record(claim_id, "1A23456789012", presented)
    assert refused.value.field == "first_presented_on"
    assert (notice_json(_repository().get(claim_id)))["deadline"] == before.deadline.isoformat()


def test_a_presentation_before_the_notice_is_sent_or_by_another_creditor_is_refused(platform):
    claim_id = paid_claim("clm-presentation-early")
    with pytest.raises(InvalidInput, match="pas encore été envoyée"):
        record(claim_id, "1A23456789012", dt.date(2025, 4, 2))
    send(claim_id)
    stranger = Identity("creditor-other", "autre@example.fr", Role.CREDITOR)
    with pytest.raises(NotFound):
        record(claim_id, "1A23456789012", dt.date(2025, 4, 2), identity=stranger)
    with pytest.raises(InvalidInput) as bad_number:
        record(claim_id, "12", dt.date(2025, 4, 2))
    assert bad_number.value.field == "tracking_number"


# --- the relance amiable ------------------------------------------------------------------------------------


def remind(claim_id: str):
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.adapters.mailer import send_rendered
    from chalicelib.services.notice import send_reminder

    return send_reminder(
        claim_id,
        claims=_repository(),
        accounts=AccountRepository(),
        store=DocumentStore(),
        send_email=send_rendered,
        today=TODAY,
        now=datetime.now(UTC),
    )


def test_the_reminder_is_emailed_once_with_its_pdf(platform):
    claim_id = paid_claim("clm-reminder", b2c_content())
    first = remind(claim_id)
    second = remind(claim_id)

    assert first.sent and not first.already_sent and second.already_sent
    assert second.sha256 == first.sha256
    [message] = mailbox(B2C_DEBTOR_EMAIL)
    assert message["attachments"][0]["filename"] == "relance-DOS-2025-002.pdf"
    text = pdf_text(stored(first.pdf_key))
    assert "Relance" in text or "Rappel" in text
    assert "850,00 €" in text
    added = [e for e in _repository().events(claim_id) if e.kind is EventKind.DOCUMENT_ADDED]
    assert [e.document_hashes for e in added] == [{"relance": first.sha256}]
    assert (_repository().get(claim_id).notice or None) is None  # the notice record stays the notice's


def test_no_reminder_without_the_debtors_email(platform):
    content = b2c_content()
    content["debtor"] = {key: value for key, value in content["debtor"].items() if key != "email"}
    outcome = remind(paid_claim("clm-reminder-no-email", content))
    assert not outcome.sent and "e-mail" in outcome.reason


# --- the API ------------------------------------------------------------------------------------------------

_PATHS = ("/v1/claims/{claim_id}/notice/presentation", "/v1/claims/{claim_id}/notice/pdf")
_SAVED: dict[str, dict] = {}


@pytest.fixture
def notice_api(platform):
    """The Chalice test client with the notice routes (registered here until app.py registers them: a
    blueprint registers once per process, so its routes are kept and put back for each test)."""
    from chalice.test import Client

    import app
    from chalicelib.api.notices import notice_routes

    added = not all(path in app.app.routes for path in _PATHS)
    if added:
        if not _SAVED:
            handlers = set(app.app.handler_map)
            app.app.register_blueprint(notice_routes, url_prefix="/v1")
            _SAVED["routes"] = {path: dict(app.app.routes[path]) for path in _PATHS}
            _SAVED["handlers"] = {n: app.app.handler_map[n] for n in set(app.app.handler_map) - handlers}
        else:
            app.app.routes.update({path: dict(methods) for path, methods in _SAVED["routes"].items()})
            app.app.handler_map.update(_SAVED["handlers"])
    try:
        with Client(app.app, stage_name="local") as client:
            yield client
    finally:
        if added:
            for path in _PATHS:
                app.app.routes.pop(path, None)
            for name in _SAVED["handlers"]:
                app.app.handler_map.pop(name, None)


def _token(api, email: str) -> tuple[str, str]:
    """A signed-up creditor with the complete profile of the claims tests: (id token, user id)."""
    from tests.integration.claims_helpers import creditor

    token = creditor(api, email)
    me = api.http.get("/v1/me", headers={"Authorization": f"Bearer {token}"}).json_body
    return token, me["user_id"]


def test_the_api_records_the_presentation_and_links_to_the_pdf(notice_api, monkeypatch):
    import requests

    from chalicelib.settings import get_settings
    from tests.integration.accounts_helpers import get, post

    monkeypatch.setenv("POSTAL_PROVIDER", "manual")
    get_settings.cache_clear()
    token, user_id = _token(notice_api, "claire@atelier-api.fr")
    claim_id = paid_claim("clm-api-notice", creditor_id=user_id)
    outcome = send(claim_id)
    monkeypatch.setenv("CLAIMS_TODAY", "2025-04-05")  # a few days after the letter, on the business clock
    get_settings.cache_clear()

    path = f"/v1/claims/{claim_id}/notice/presentation"
    response = post(
        notice_api, path, {"tracking_number": "1A23456789012", "first_presented_on": "2025-04-03"}, token
    )
    assert response.status_code == 200, response.json_body
    assert response.json_body["deadline"] == "2025-04-11"
    assert response.json_body["first_presented_on"] == "2025-04-03"
    assert "pdf_key" not in response.json_body and "proof_key" not in response.json_body

    future = "2025-04-06"  # the business clock's tomorrow (one clock: CLAIMS_TODAY, not the real date)
    refused = post(
        notice_api, path, {"tracking_number": "1A23456789012", "first_presented_on": future}, token
    )
    assert refused.status_code == 400
    assert refused.json_body["error"]["field"] == "first_presented_on"
    missing = post(notice_api, path, {"tracking_number": "1A23456789012"}, token)
    assert missing.status_code == 400 and missing.json_body["error"]["field"] == "first_presented_on"

    link = get(notice_api, f"/v1/claims/{claim_id}/notice/pdf", token)
    assert link.status_code == 200, link.json_body
    assert link.json_body["sha256"] == outcome.sha256
    downloaded = requests.get(link.json_body["url"], timeout=30)
    assert downloaded.status_code == 200
    assert hashlib.sha256(downloaded.content).hexdigest() == outcome.sha256

    other, _ = _token(notice_api, "autre@atelier-api.fr")
    assert get(notice_api, f"/v1/claims/{claim_id}/notice/pdf", other).status_code == 404
    assert post(
        notice_api, path, {"tracking_number": "1A2", "first_presented_on": "2025-04-03"}, other
    ).status_code in (
        400,
        404,
    )


# --- how long it takes --------------------------------------------------------------------------------------


def test_send_notice_timings(platform, capsys):
    """Not a limit: the numbers reported (a cold start pays WeasyPrint's import and fonts)."""
    started = time.perf_counter()
    send(paid_claim("clm-timing-1"))
    first = time.perf_counter() - started
    started = time.perf_counter()
    send(paid_claim("clm-timing-2"))
    second = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nsend_notice: first in this process {first:.2f} s, next {second:.2f} s")
    assert second < 30


# --- an invoice not yet due gets no letter and no dossier, whatever path it took (rulebook 2.1) -------------


def _not_yet_due_content() -> dict:
    content = b2c_content()
    content["invoices"] = [
        {
            "number": "F-2025-0040",
            "issue_date": "2025-03-20",
            "due_date": "2025-04-19",
            "amount_ttc": "500.00",
        }
    ]
    return content


def test_an_invoice_not_yet_due_gets_no_notice_no_reminder_and_no_dossier(platform):
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.domain.errors import NotSubmittable
    from chalicelib.services.dossier import assemble_claim_dossier
    from tests.integration.outbox_helpers import status_email

    claim_id = paid_claim("clm-not-yet-due", _not_yet_due_content())
    with pytest.raises(NotSubmittable) as notice:
        send(claim_id)
    assert "n'est exigible que le 19 avril 2025" in notice.value.message
    with pytest.raises(NotSubmittable):
        remind(claim_id)
    assert postal_records(claim_id) == [] and mailbox(B2C_DEBTOR_EMAIL) == []

    repository = _repository()
    for status in (ClaimStatus.NOTICE_SENT, ClaimStatus.ESCALATION_OFFERED):
        repository.transition(
            claim_id, status, actor="test", reason="préparation du test", notify=status_email(status)
        )
    with pytest.raises(NotSubmittable) as dossier:
        assemble_claim_dossier(
            repository,
            claim_id,
            accounts=AccountRepository(),
            store=DocumentStore(),
            today=TODAY,
            now=NOW,
        )
    assert "Aucun dossier" in dossier.value.message and "19 avril 2025" in dossier.value.message
    assert repository.get(claim_id).status is ClaimStatus.ESCALATION_OFFERED
