"""The debtor's side (issue 22, first step): the mise en demeure prints the debtor's page (its link and QR
code) and an EPC QR code whose payload decodes to the creditor's IBAN, the exact amount and an ISO 11649
reference; the page serves what the letter shows, never indexed nor cached; a link of another claim, a revoked
link, an ended claim and guessing are refused in French."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import artefacts
from tests.helpers.qr import qr_codes_in_pdf
from tests.integration.accounts_helpers import get, mailbox, post
from tests.integration.claims_helpers import PROFILE
from tests.integration.outbox_helpers import status_email, wait_for_mail
from tests.integration.test_notice import _token, paid_claim, send, stored
from tests.integration.test_notice import platform as notice_platform  # noqa: F401 (fixture)

pytestmark = pytest.mark.integration


@pytest.fixture
def debtor_api(notice_platform):  # noqa: F811 (the notice tests' platform fixture)
    from chalice.test import Client

    import app

    with Client(app.app, stage_name="local") as client:
        yield client


def _sent(api, email: str, claim_id: str) -> tuple[str, str, list[str]]:
    from chalicelib.services.notice.common import notice_key

    token, user_id = _token(api, email)
    paid_claim(claim_id, creditor_id=user_id)
    send(claim_id)
    # What the escalation's next step does: the claim moves to « mise en demeure envoyée ».
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.domain.claim import ClaimStatus

    ClaimRepository().transition(
        claim_id,
        ClaimStatus.NOTICE_SENT,
        actor="test",
        reason="préparation",
        notify=status_email(ClaimStatus.NOTICE_SENT),
    )
    return token, user_id, qr_codes_in_pdf(stored(notice_key(claim_id)))


def test_the_notice_prints_the_epc_qr_code_and_the_debtors_page_which_shows_what_the_letter_shows(debtor_api):
    from stdnum import iso11649

    from chalicelib.domain.debtor_payment import rf_reference

    token, _, codes = _sent(debtor_api, "claire@debiteur-page.fr", "clm_debtorpage01")
    from chalicelib.services.notice.common import notice_key

    (artefacts.folder("documents") / "mise-en-demeure-qr.pdf").write_bytes(
        stored(notice_key("clm_debtorpage01"))
    )
    [epc] = [code for code in codes if code.startswith("BCD\n")]
    lines = epc.split("\n")
    # EPC069-12 v002: service tag, version, character set, identification, BIC, name, IBAN, amount, purpose,
    # structured reference (the unstructured text then stays empty).
    assert lines[:4] == ["BCD", "002", lines[2], "SCT"] and lines[2] in {"1", "2"}
    assert lines[5] == PROFILE["legal_name"] and lines[6] == PROFILE["iban"]
    assert lines[7] == "EUR1061.26"  # shared case 01 on 31 March 2025: 1 000 € + 21,26 € + 40 €
    assert lines[9] == rf_reference("clm_debtorpage01") and iso11649.is_valid(lines[9])
    [link] = [code for code in codes if "/#/d/" in code]
    assert link.startswith("http://127.0.0.1:8765/#/d/")
    debtor_token = link.rsplit("/", 1)[1]
    # The debtor's emailed copy of the letter gives the same page.
    [copy] = [m for m in mailbox("compta@rhone-distribution.example.fr") if link in m["body"]]
    assert "sans compte" in copy["body"]

    response = debtor_api.http.get(f"/v1/debtor/{debtor_token}")
    assert response.status_code == 200, response.body
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    page = response.json_body
    assert page["creditor"]["name"] == PROFILE["legal_name"]
    assert page["amounts"]["total"] == "1061.26"
    assert page["transfer"]["reference"] == lines[9] and page["transfer"]["amount"] == "1061.26"
    assert page["transfer"]["iban"].replace(" ", "") == PROFILE["iban"]
    assert page["transfer"]["qr_svg"].startswith("data:image/svg+xml;base64,")
    assert page["invoices"][0]["number"] == "F-2025-0012" and page["deadline"]
    # Nothing the letter does not print: no claim id, no creditor account id, no lawyer, no fees.
    text = response.body.decode() if isinstance(response.body, bytes) else str(response.body)
    for secret in ("clm_debtorpage01", "creditor_id", "checkout", "lawyer", "assessment"):
        assert secret not in text

    # The creditor sees the link and the debtor's visit.
    link_view = get(debtor_api, "/v1/claims/clm_debtorpage01/debtor-link", token).json_body
    assert link_view["status"] == "active" and link_view["url"] == link
    assert link_view["first_seen_at"] and link_view["last_seen_at"]


def test_unknown_revoked_ended_links_and_guessing_are_refused_in_french(debtor_api, monkeypatch):
    from chalicelib.bootstrap import debtor_links
    from chalicelib.settings import get_settings

    token, _, codes = _sent(debtor_api, "claire@debiteur-refus.fr", "clm_debtorpage02")
    [link] = [code for code in codes if "/#/d/" in code]
    debtor_token = link.rsplit("/", 1)[1]

    unknown = debtor_api.http.get("/v1/debtor/" + "A" * len(debtor_token))
    assert unknown.status_code == 404 and "pas valable" in unknown.json_body["error"]["message"]
    assert debtor_api.http.get("/v1/debtor/x").status_code == 404

    # Revoked by the creditor: 410; the next letter gets a new link.
    revoked = post(debtor_api, "/v1/claims/clm_debtorpage02/debtor-link/revoke", {}, token).json_body
    assert revoked["status"] == "revoked" and revoked["url"] is None
    gone = debtor_api.http.get(f"/v1/debtor/{debtor_token}")
    assert gone.status_code == 410 and "désactivé" in gone.json_body["error"]["message"]
    from datetime import UTC, datetime

    fresh = debtor_links().ensure("clm_debtorpage02", datetime.now(UTC))
    assert fresh.token != debtor_token and fresh.generation == 2
    assert debtor_api.http.get(f"/v1/debtor/{fresh.token}").status_code == 200

    # The claim ends (withdrawn): its page is gone.
    assert (
        post(debtor_api, "/v1/claims/clm_debtorpage02/withdraw", {"reason": "réglé"}, token).status_code
        == 200
    )
    ended = debtor_api.http.get(f"/v1/debtor/{fresh.token}")
    assert ended.status_code == 410 and "clos" in ended.json_body["error"]["message"]

    # Guessing from one address: past the limit, no link is looked up, even a good one.
    monkeypatch.setenv("CLAIMS_LIMIT_DEBTOR_LINK_GUESS_IP", "5/3600")  # two wrong links were tried above
    get_settings.cache_clear()
    answers = [debtor_api.http.get("/v1/debtor/" + str(i) * len(debtor_token)).status_code for i in range(5)]
    assert answers == [404, 404, 404, 429, 429]
    assert debtor_api.http.get(f"/v1/debtor/{fresh.token}").status_code == 429


def test_the_debtor_declares_a_partial_payment_the_creditor_confirms_it_and_the_amounts_follow(debtor_api):
    token, _, codes = _sent(debtor_api, "claire@debiteur-paye.fr", "clm_debtorpage03")
    [link] = [code for code in codes if "/#/d/" in code]
    debtor_token = link.rsplit("/", 1)[1]
    answer = debtor_api.http.post(
        f"/v1/debtor/{debtor_token}/payment",
        headers={"Content-Type": "application/json"},
        body='{"date": "2025-03-30", "amount": "300,00"}',
    )
    assert answer.status_code == 201, answer.body
    assert "créancier est informé" in answer.json_body["message"]
    [mail] = wait_for_mail("claire@debiteur-paye.fr", lambda m: "indique avoir payé" in m["subject"])
    assert "300,00\xa0€" in mail["body"] and "/#/creances/clm_debtorpage03" in mail["body"]
    # Refused inputs, in French.
    future = debtor_api.http.post(
        f"/v1/debtor/{debtor_token}/payment",
        headers={"Content-Type": "application/json"},
        body='{"date": "2025-04-30", "amount": "10"}',
    )
    assert future.status_code == 400 and "futur" in future.json_body["error"]["message"]

    declared = get(debtor_api, "/v1/claims/clm_debtorpage03/debtor-declarations", token).json_body
    [payment] = declared["declarations"]
    assert payment["status"] == "pending" and payment["details"]["amount"] == "300.00"
    path = f"/v1/claims/clm_debtorpage03/debtor-declarations/{payment['declaration_id']}"
    confirmed = post(debtor_api, f"{path}/confirm", {}, token)
    assert confirmed.status_code == 200 and confirmed.json_body["status"] == "confirmed"
    assert post(debtor_api, f"{path}/confirm", {}, token).status_code == 409  # once only
    page = debtor_api.http.get(f"/v1/debtor/{debtor_token}").json_body
    assert page["amounts"]["principal_outstanding"] != "1000.00"  # recomputed on the balance
    events = get(debtor_api, "/v1/claims/clm_debtorpage03/timeline", token).json_body["events"]
    reasons = " ".join(e["reason"] for e in events).replace("\xa0", " ").replace("\u202f", " ")
    assert "Le débiteur indique avoir payé 300,00 €" in reasons and "Paiement partiel du débiteur" in reasons


def test_the_debtors_dispute_pauses_the_escalation_and_tells_the_creditor(debtor_api):
    token, _, codes = _sent(debtor_api, "claire@debiteur-conteste.fr", "clm_debtorpage04")
    [link] = [code for code in codes if "/#/d/" in code]
    debtor_token = link.rsplit("/", 1)[1]
    unknown_reason = debtor_api.http.post(
        f"/v1/debtor/{debtor_token}/dispute",
        headers={"Content-Type": "application/json"},
        body='{"reason": "because", "text": ""}',
    )
    assert unknown_reason.status_code == 400 and "motif" in unknown_reason.json_body["error"]["message"]
    answer = debtor_api.http.post(
        f"/v1/debtor/{debtor_token}/dispute",
        headers={"Content-Type": "application/json"},
        body='{"reason": "not_conform", "text": "Le site livré ne fonctionne pas sur mobile."}',
    )
    assert answer.status_code == 201, answer.body
    claim = get(debtor_api, "/v1/claims/clm_debtorpage04", token).json_body
    assert claim["status"] == "disputed"
    events = get(debtor_api, "/v1/claims/clm_debtorpage04/timeline", token).json_body["events"]
    assert "ne fonctionne pas sur mobile" in events[-1]["reason"]
    assert events[-1]["actor"].startswith("débiteur")
    wait_for_mail("claire@debiteur-conteste.fr", lambda m: "conteste" in m["body"])


def test_the_debtors_files_go_through_the_upload_checks_before_anything_is_stored(debtor_api):
    import base64
    import json

    from tests.integration.claims_helpers import pdf_bytes
    from tests.security.test_uploads_hostile import pdf_that_is_also_a_zip, pdf_with_document_javascript

    token, _, codes = _sent(debtor_api, "claire@debiteur-fichiers.fr", "clm_debtorpage05")
    [link] = [code for code in codes if "/#/d/" in code]
    debtor_token = link.rsplit("/", 1)[1]
    headers = {"Content-Type": "application/json"}
    declared = debtor_api.http.post(
        f"/v1/debtor/{debtor_token}/payment", headers=headers, body='{"date": "2025-03-30", "amount": "100"}'
    ).json_body["declaration"]
    files = f"/v1/debtor/{debtor_token}/declarations/{declared['declaration_id']}/files"

    def send(content: bytes, name: str = "virement.pdf"):
        body = json.dumps({"filename": name, "content_base64": base64.b64encode(content).decode()})
        return debtor_api.http.post(files, headers=headers, body=body)

    accepted = send(pdf_bytes(), "../../avis de virement.pdf")
    assert accepted.status_code == 201, accepted.body
    [stored_file] = accepted.json_body["declaration"]["details"]["files"]
    assert stored_file["filename"].endswith(".pdf") and "/" not in stored_file["filename"]
    assert "storage_key" not in stored_file and len(stored_file["sha256"]) == 64
    for hostile in (pdf_with_document_javascript(), pdf_that_is_also_a_zip()):
        refused = send(hostile)
        assert refused.status_code == 422, refused.body
        assert refused.json_body["error"]["field"] == "file"
    not_base64 = debtor_api.http.post(
        files, headers=headers, body='{"filename": "x.pdf", "content_base64": "%%%"}'
    )
    assert not_base64.status_code == 400 and "reçu correctement" in not_base64.json_body["error"]["message"]
    elsewhere = debtor_api.http.post(
        f"/v1/debtor/{debtor_token}/declarations/dcl_not_this_claims/files",
        headers=headers,
        body=json.dumps({"filename": "x.pdf", "content_base64": base64.b64encode(pdf_bytes()).decode()}),
    )
    assert elsewhere.status_code == 400
    # Only the accepted file is kept; the creditor sees it, and its hash is in the timeline.
    listed = get(debtor_api, "/v1/claims/clm_debtorpage05/debtor-declarations", token).json_body
    assert [f["file_id"] for f in listed["declarations"][0]["details"]["files"]] == [stored_file["file_id"]]
    events = get(debtor_api, "/v1/claims/clm_debtorpage05/timeline", token).json_body["events"]
    assert any("Pièce jointe par le débiteur" in e["reason"] for e in events)
    import requests

    path = (
        f"/v1/claims/clm_debtorpage05/debtor-declarations/{declared['declaration_id']}"
        f"/files/{stored_file['file_id']}"
    )
    url = get(debtor_api, path, token).json_body["url"]
    assert requests.get(url, timeout=10).content == pdf_bytes()
    stranger, _ = _token(debtor_api, "autre@creancier.fr")
    assert get(debtor_api, path, stranger).status_code == 404


def test_the_debtor_asks_for_time_it_acknowledges_the_debt_and_the_creditor_accepts_the_plan(debtor_api):
    token, _, codes = _sent(debtor_api, "claire@debiteur-delai.fr", "clm_debtorpage06")
    [link] = [code for code in codes if "/#/d/" in code]
    debtor_token = link.rsplit("/", 1)[1]
    headers = {"Content-Type": "application/json"}
    too_late = debtor_api.http.post(
        f"/v1/debtor/{debtor_token}/plan",
        headers=headers,
        body='{"instalments": 3, "first_date": "2025-09-01"}',
    )
    assert too_late.status_code == 400 and "60 jours" in too_late.json_body["error"]["message"]
    asked = debtor_api.http.post(
        f"/v1/debtor/{debtor_token}/plan",
        headers=headers,
        body='{"instalments": 3, "first_date": "2025-04-15"}',
    )
    assert asked.status_code == 201, asked.body
    plan = asked.json_body["declaration"]["details"]
    # 1 061,26 € in three: two of 353,75 € and the remaining cents on the last, one month apart.
    assert plan["schedule"] == [
        {"due_on": "2025-04-15", "amount": "353.75"},
        {"due_on": "2025-05-15", "amount": "353.75"},
        {"due_on": "2025-06-15", "amount": "353.76"},
    ]
    claim = get(debtor_api, "/v1/claims/clm_debtorpage06", token).json_body
    assert {"date": "2025-03-31"} in [{"date": a["date"]} for a in claim["content"]["acknowledgements"]]
    wait_for_mail("claire@debiteur-delai.fr", lambda m: "demande un délai" in m["subject"])

    declaration_id = asked.json_body["declaration"]["declaration_id"]
    path = f"/v1/claims/clm_debtorpage06/debtor-declarations/{declaration_id}"
    accepted = post(debtor_api, f"{path}/confirm", {}, token)
    assert accepted.status_code == 200 and accepted.json_body["status"] == "accepted"
    page = debtor_api.http.get(f"/v1/debtor/{debtor_token}").json_body
    assert page["plan"]["status"] == "accepted" and len(page["plan"]["schedule"]) == 3
    assert post(debtor_api, f"{path}/refuse", {}, token).status_code == 409  # answered once


def _follow_up(claim_id: str, today: dt.date) -> dict:
    """The escalation's FollowUp task after the notice's deadline, on ``today`` (wired as in steps.py)."""
    from datetime import UTC, datetime

    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.debtor_declarations import DebtorDeclarations
    from chalicelib.services import debtor_declarations, escalation

    claims = ClaimRepository()
    deadline = claims.get(claim_id).notice.deadline.isoformat()
    return escalation.follow_up(
        claims,
        claim_id,
        now=datetime.combine(today, dt.time(10), tzinfo=UTC),
        today=today,
        real_now=datetime.now(UTC),
        waited_for=deadline,
        plan_until=lambda claim, day: debtor_declarations.plan_wait_until(
            DebtorDeclarations(), claims, claim, day
        ),
    )


def test_a_missed_instalment_of_an_accepted_plan_is_said_once_to_the_creditor(debtor_api, monkeypatch):
    from chalicelib.settings import get_settings
    from chalicelib.workflow import handlers

    token, _, codes = _sent(debtor_api, "claire@debiteur-echeance.fr", "clm_debtorpage07")
    [link] = [code for code in codes if "/#/d/" in code]
    debtor_token = link.rsplit("/", 1)[1]
    asked = debtor_api.http.post(
        f"/v1/debtor/{debtor_token}/plan",
        headers={"Content-Type": "application/json"},
        body='{"instalments": 2, "first_date": "2025-04-15"}',
    ).json_body["declaration"]
    path = f"/v1/claims/clm_debtorpage07/debtor-declarations/{asked['declaration_id']}"
    assert post(debtor_api, f"{path}/confirm", {}, token).status_code == 200
    assert "clm_debtorpage07" not in handlers.recheck_debtors()["plans_missed"]  # nothing due yet

    # Two days before the first instalment: the debtor is reminded, once.
    monkeypatch.setenv("CLAIMS_TODAY", "2025-04-13")
    get_settings.cache_clear()
    handlers.recheck_debtors()
    handlers.recheck_debtors()
    reminders = [
        m for m in mailbox("compta@rhone-distribution.example.fr") if "Échéance du 15 avril" in m["subject"]
    ]
    assert len(reminders) == 1 and "530,63" in reminders[0]["body"].replace("\xa0", " ")

    # After the notice's deadline, the escalation waits for the plan's next instalment instead of offering
    # the injonction (the day after it), as long as the plan is kept.
    followed = _follow_up("clm_debtorpage07", dt.date(2025, 4, 13))
    assert followed["deadline_passed"] is False and followed["deadline"] == "2025-04-16"

    monkeypatch.setenv("CLAIMS_TODAY", "2025-04-20")  # the first instalment's day has passed, unpaid
    get_settings.cache_clear()
    assert _follow_up("clm_debtorpage07", dt.date(2025, 4, 20))["deadline_passed"] is True  # offer it
    assert "clm_debtorpage07" in handlers.recheck_debtors()["plans_missed"]
    assert "clm_debtorpage07" not in handlers.recheck_debtors()["plans_missed"]  # said once
    [mail] = wait_for_mail("claire@debiteur-echeance.fr", lambda m: "non réglée" in m["subject"])
    assert "reprendre les démarches" in mail["body"]
    events = get(debtor_api, "/v1/claims/clm_debtorpage07/timeline", token).json_body["events"]
    assert "Échéance du 15/04/2025" in events[-1]["reason"]


def test_when_the_creditor_goes_on_the_disputes_files_are_exhibits_and_the_lawyers_note_says_it(debtor_api):
    import base64
    import io
    import json
    from datetime import UTC, datetime

    from pypdf import PdfReader

    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.domain.claim import ClaimStatus
    from chalicelib.services.dossier import assemble_claim_dossier
    from tests.integration.claims_helpers import pdf_bytes

    _, _, codes = _sent(debtor_api, "claire@debiteur-dossier.fr", "clm_debtorpage08")
    [link] = [code for code in codes if "/#/d/" in code]
    debtor_token = link.rsplit("/", 1)[1]
    headers = {"Content-Type": "application/json"}
    disputed = debtor_api.http.post(
        f"/v1/debtor/{debtor_token}/dispute",
        headers=headers,
        body='{"reason": "not_received", "text": "Jamais livré à Lyon."}',
    ).json_body["declaration"]
    body = json.dumps({"filename": "courrier.pdf", "content_base64": base64.b64encode(pdf_bytes(2)).decode()})
    attached = debtor_api.http.post(
        f"/v1/debtor/{debtor_token}/declarations/{disputed['declaration_id']}/files",
        headers=headers,
        body=body,
    )
    assert attached.status_code == 201, attached.body
    # The creditor goes on anyway (the offer accepted and paid): the dossier is assembled.
    claims = ClaimRepository()
    claims.transition(
        "clm_debtorpage08",
        ClaimStatus.ESCALATION_OFFERED,
        actor="test",
        reason="reprise par le créancier",
        notify=status_email(ClaimStatus.ESCALATION_OFFERED),
    )
    result = assemble_claim_dossier(
        claims,
        "clm_debtorpage08",
        accounts=AccountRepository(),
        store=DocumentStore(),
        today=dt.date(2025, 4, 20),
        now=datetime(2025, 4, 20, 9, tzinfo=UTC),
    )
    merged = stored(result.pdf_key)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(merged)).pages).split())
    assert "contestation du débiteur" in text.casefold() and "Jamais livré à Lyon." in text
    assert "Pièce jointe par le débiteur à sa contestation du" in text
