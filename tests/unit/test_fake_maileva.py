"""The local Maileva twin (``infra/local/fake_maileva``) over HTTP, as the platform's adapter will use it:
the token, a paper registered letter from creation to its proofs, every console action, the webhooks
(HTTP Basic, retried after a 500), the electronic letter behind its sender's one-time code, the refusals,
and the state kept across a restart. The twin's clock is fixed; no timing assertion."""

from __future__ import annotations

import base64
import io
import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyotp
import pytest
import requests
from pypdf import PdfReader

from infra.local.fake_maileva import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_OTP_KEY,
    DEFAULT_PASSWORD,
    DEFAULT_SENDER_ID,
    DEFAULT_USERNAME,
    POSTAGE_PRICE,
    FakeMaileva,
    persistence,
    serve_fake_maileva,
)
from infra.local.fake_maileva.settings import PARIS

NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # a Monday afternoon
NEXT_DAY = date(2026, 3, 3)
HOSTILE = '<script>alert("x")</script>'


def pdf_bytes(text: str = "Mise en demeure") -> bytes:
    from infra.local.fake_maileva import pdf

    return pdf.one_page(text, ["Madame, Monsieur,"])


def paris_ten(day: date) -> str:
    """What the twin writes for an event of ``day`` (10:00 in Paris), in Maileva's UTC format."""
    return datetime.combine(day, time(10), tzinfo=PARIS).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@pytest.fixture
def twin() -> Iterator[FakeMaileva]:
    fake, server = serve_fake_maileva(clock=lambda: NOW, otp_clock=lambda: NOW, retry_delays=(0.05, 0.1))
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        fake.close()


def get_token(fake: FakeMaileva, **overrides: str) -> requests.Response:
    form = {
        "grant_type": "password",
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
        "username": DEFAULT_USERNAME,
        "password": DEFAULT_PASSWORD,
    } | overrides
    return requests.post(f"{fake.api_base}/auth/realms/services/protocol/openid-connect/token", data=form)


class Api:
    """Calls under one API of the twin with a bearer token, as the adapter does."""

    def __init__(self, fake: FakeMaileva, api: str, token: str | None = None) -> None:
        self.base = f"{fake.api_base}/{api}"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token or get_token(fake).json()['access_token']}"

    def __call__(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, self.base + path, **kwargs)


def upload(
    api: Api, sending_id: str, content: bytes, name: str = "lettre.pdf", **metadata: Any
) -> requests.Response:
    files = {
        "document": (name, content, "application/pdf"),
        "metadata": (None, json.dumps({"name": name, **metadata}), "application/json"),
    }
    return api("POST", f"/sendings/{sending_id}/documents", files=files)


ADDRESS = {
    "address_line_1": "SARL Débiteur",
    "address_line_2": "M. Jean Dupont",
    "address_line_4": "12 rue de la Paix",
    "address_line_6": "75002 Paris",
    "country_code": "FR",
    "custom_id": "claim-42",
}


def paper_letter(fake: FakeMaileva, *, submit: bool = True) -> tuple[Api, str, str]:
    """A paper registered letter with one document and one recipient (submitted unless told)."""
    api = Api(fake, "registered_mail/v4")
    sending = api("POST", "/sendings", json={"name": "Mise en demeure", "custom_id": "claim-42"}).json()
    assert upload(api, sending["id"], pdf_bytes(), priority=1).status_code == 201
    recipient = api("POST", f"/sendings/{sending['id']}/recipients", json=ADDRESS).json()
    if submit:
        assert api("POST", f"/sendings/{sending['id']}/submit").status_code == 200
    return api, sending["id"], recipient["id"]


def act(
    fake: FakeMaileva, product: str, sending_id: str, recipient_id: str, action: str, day: date | None = None
):
    return requests.post(
        f"{fake.api_base}/console/{product}/{sending_id}/{recipient_id}/{action}",
        data={"date": day.isoformat() if day else ""},
        headers={"Accept": "application/json"},
    )


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


# --- authentication --------------------------------------------------------------------------------------


def test_a_token_for_the_right_credentials_only(twin):
    answer = get_token(twin)
    assert answer.status_code == 200
    token = answer.json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert token["access_token"] and token["refresh_token"]

    for wrong in ({"password": "nope"}, {"client_secret": "nope"}, {"username": "someone"}):
        refused = get_token(twin, **wrong)
        assert refused.status_code == 401
        assert refused.json() == {"error": "invalid_grant", "error_description": "Invalid user credentials"}

    sendings = f"{twin.api_base}/registered_mail/v4/sendings"
    assert (
        requests.get(sendings, headers={"Authorization": f"Bearer {token['access_token']}"}).status_code
        == 200
    )
    for headers in ({}, {"Authorization": "Bearer forged"}):
        unauthorized = requests.get(sendings, headers=headers)
        assert unauthorized.status_code == 401
        assert unauthorized.json()["code"] == "UNAUTHORIZED"


# --- the paper registered letter -------------------------------------------------------------------------


def test_a_paper_letter_is_created_filled_submitted_and_its_deposit_proof_downloaded(twin):
    api = Api(twin, "registered_mail/v4")
    created = api(
        "POST", "/sendings", json={"name": "Mise en demeure", "sender_address_line_1": "Créancier SAS"}
    )
    assert created.status_code == 201
    sending = created.json()
    assert created.headers["Location"] == f"{twin.api_base}/registered_mail/v4/sendings/{sending['id']}"
    assert sending["status"] == "DRAFT" and sending["creation_date"] == "2026-03-02T14:00:00.000Z"
    assert sending["acknowledgement_of_receipt"] is True and sending["postage_type"] == "FAST"
    assert sending["sender_address_line_1"] == "Créancier SAS"

    document = upload(api, sending["id"], pdf_bytes(), priority=1)
    assert document.status_code == 201
    assert document.json() | {"id": "…"} == {
        "id": "…",
        "name": "lettre.pdf",
        "priority": 1,
        "type": "application/pdf",
        "size": len(pdf_bytes()),
        "status": "PROCESSED",
        "pages_count": 1,
    }
    recipient = api("POST", f"/sendings/{sending['id']}/recipients", json=ADDRESS)
    assert recipient.status_code == 201 and recipient.json()["status"] == "DRAFT"
    rid = recipient.json()["id"]

    submitted = api("POST", f"/sendings/{sending['id']}/submit")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "PROCESSED"
    assert (
        submitted.json()["submission_date"]
        == submitted.json()["processed_date"]
        == "2026-03-02T14:00:00.000Z"
    )

    produced = api("GET", f"/sendings/{sending['id']}/recipients/{rid}").json()
    assert produced["status"] == "PROCESSED"
    assert produced["registered_number"].startswith("1A") and len(produced["registered_number"]) == 13
    assert produced["postage_class"] == "REGISTERED_MAIL_J3_AR" and produced["postage_price"] == POSTAGE_PRICE
    assert (
        produced["deposit_proof_url"] == f"/sendings/{sending['id']}/recipients/{rid}/download_deposit_proof"
    )
    assert [s["code"] for s in produced["delivery_statuses"]] == ["LP01", "LP05"]
    assert all(s["source"] == "LA_POSTE" for s in produced["delivery_statuses"])
    assert produced["last_main_delivery_status"]["category"] == "DELIVERING"

    proof = api("GET", produced["deposit_proof_url"])
    assert proof.status_code == 200 and proof.headers["Content-Type"] == "application/pdf"
    text = pdf_text(proof.content)
    assert "Preuve de dépôt" in text and produced["registered_number"] in text and "75002 Paris" in text
    assert (
        api(
            "GET", f"/sendings/{sending['id']}/recipients/{rid}/download_acknowledgement_of_receipt"
        ).status_code
        == 404
    )

    listed = api("GET", "/sendings", params={"start_index": 1, "count": 50}).json()
    assert [s["id"] for s in listed["sendings"]] == [sending["id"]]
    assert listed["paging"]["total_results"] == 1
    recipients = api("GET", f"/sendings/{sending['id']}/recipients").json()
    assert [r["id"] for r in recipients["recipients"]] == [rid]


def test_bad_input_is_refused_with_maileva_errors(twin):
    api = Api(twin, "registered_mail/v4")
    missing = api("POST", "/sendings", json={"custom_id": "x"})
    assert missing.status_code == 400 and missing.json()["errors"][0]["code"] == "EMPTY_NAME"
    too_long = api(
        "POST", "/sendings", json={"name": "n", "sender_address_line_1": "x" * 39, "custom_id": "y" * 39}
    )
    assert too_long.status_code == 400
    assert {e["code"] for e in too_long.json()["errors"]} == {
        "SENDER_ADDRESS_LINE_1_TOO_LONG",
        "CUSTOM_ID_TOO_LONG",
    }

    draft = api("POST", "/sendings", json={"name": "Brouillon"}).json()["id"]
    not_pdf = upload(api, draft, b"Bonjour, ceci n'est pas un PDF", name="lettre.txt", priority=1)
    assert not_pdf.status_code == 400 and not_pdf.json()["errors"][0]["code"] == "DOCUMENT_TYPE_NOT_ACCEPTED"
    no_document = api("POST", f"/sendings/{draft}/submit")
    assert no_document.status_code == 400
    bad_address = api("POST", f"/sendings/{draft}/recipients", json={**ADDRESS, "address_line_4": "z" * 39})
    assert bad_address.json()["errors"][0]["code"] == "ADDRESS_LINE_4_TOO_LONG"
    no_town = api("POST", f"/sendings/{draft}/recipients", json={"address_line_1": "A", "country_code": "FR"})
    assert no_town.status_code == 400 and no_town.json()["errors"][0]["code"] == "EMPTY_ADDRESS_LINE_6"
    assert api("GET", "/sendings/unknown").json()["code"] == "SENDING_NOT_FOUND"

    _, submitted, _ = paper_letter(twin)
    late = upload(api, submitted, pdf_bytes(), name="annexe.pdf", priority=2)
    assert late.status_code == 400 and late.json()["errors"][0]["code"] == "SENDING_STATUS_IS_NOT_DRAFT"
    assert api("DELETE", f"/sendings/{submitted}").status_code == 400
    assert api("DELETE", f"/sendings/{draft}").status_code == 204
    assert api("GET", f"/sendings/{draft}").status_code == 404


@pytest.mark.parametrize(
    ("action", "codes", "categories", "reason", "download"),
    [
        ("presented", ["LP09"], ["FIRST_PRESENTATION"], None, None),
        ("delivered", ["LP15", "LP18"], ["DELIVERED"], None, "acknowledgement_of_receipt"),
        ("refused", ["LP09", "LP22"], ["FIRST_PRESENTATION", "UNDELIVERED"], "N05", "undelivered_mail"),
        ("not_claimed", ["LP09", "LP19"], ["FIRST_PRESENTATION", "UNDELIVERED"], "N03", "undelivered_mail"),
        ("unknown_address", ["LP21"], ["UNDELIVERED"], "N02", "undelivered_mail"),
    ],
)
def test_each_console_action_moves_the_paper_letter(twin, action, codes, categories, reason, download):
    api, sid, rid = paper_letter(twin)
    answer = act(twin, "registered_mail", sid, rid, action, NEXT_DAY)
    assert answer.status_code == 200
    recipient = answer.json()["recipient"]
    assert recipient == api("GET", f"/sendings/{sid}/recipients/{rid}").json()
    assert [s["code"] for s in recipient["delivery_statuses"]] == ["LP01", "LP05", *codes]
    assert [m["category"] for m in recipient["main_delivery_statuses"]] == ["DELIVERING", *categories]
    last = recipient["last_main_delivery_status"]
    assert last["category"] == categories[-1] and last["date"] == paris_ten(NEXT_DAY)
    assert recipient["last_delivery_status"] == codes[-1]
    assert recipient["last_delivery_status_date"] == paris_ten(NEXT_DAY)
    assert recipient.get("undelivered_mail_reason") == reason
    if download:
        assert recipient[f"{download}_date"] == paris_ten(NEXT_DAY)
        proof = api("GET", recipient[f"{download}_url"])
        assert proof.status_code == 200
        title = "Avis de réception" if action == "delivered" else "Pli non distribué"
        assert title in pdf_text(proof.content)
    if categories[-1] != "FIRST_PRESENTATION":  # a final status: nothing more can happen
        again = act(twin, "registered_mail", sid, rid, "delivered", NEXT_DAY)
        assert again.status_code == 409 and again.json()["errors"][0]["code"] == "ACTION_NOT_ALLOWED"


def test_console_actions_need_a_produced_letter_and_a_date_after_its_deposit(twin):
    _, draft, draft_rid = paper_letter(twin, submit=False)
    assert act(twin, "registered_mail", draft, draft_rid, "presented").status_code == 409
    _, sid, rid = paper_letter(twin)
    assert (
        act(twin, "registered_mail", sid, rid, "presented", NOW.date() - timedelta(days=1)).status_code == 400
    )
    assert act(twin, "registered_mail", sid, rid, "teleported").status_code == 404
    # Today (the default) at 10:00 would precede the deposit at 14:00 UTC: stamped just after it.
    same_day = act(twin, "registered_mail", sid, rid, "presented").json()["recipient"]
    assert same_day["last_main_delivery_status"]["date"] == "2026-03-02T14:01:00.000Z"
    # A browser's form: 303 back to the console, which shows the letter.
    form = requests.post(
        f"{twin.api_base}/console/registered_mail/{sid}/{rid}/delivered",
        data={"date": ""},
        allow_redirects=False,
    )
    assert form.status_code == 303 and form.headers["Location"].startswith("/_local/maileva")
    page = requests.get(twin.api_base)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Lettre recommandée papier" in page.text and "Distribué" in page.text


def test_the_console_escapes_what_the_platform_sent(twin):
    api = Api(twin, "registered_mail/v4")
    sending = api("POST", "/sendings", json={"name": HOSTILE}).json()["id"]
    api("POST", f"/sendings/{sending}/recipients", json={**ADDRESS, "address_line_1": HOSTILE[:38]})
    page = requests.get(twin.api_base).text
    assert "<script" not in page and "&lt;script&gt;" in page
    assert len(requests.get(f"{twin.api_base}/api/sendings").json()["sendings"]) == 1


# --- webhooks --------------------------------------------------------------------------------------------


class Callbacks:
    """A tiny platform that answers 500 to the first notification, then 201."""

    def __init__(self) -> None:
        self.received: list[tuple[str | None, dict[str, Any]]] = []
        received = self.received
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    received.append((self.headers.get("Authorization"), body))
                    status = 500 if len(received) == 1 else 201
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/webhooks/maileva"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_webhooks_go_to_each_subscription_with_basic_auth_and_are_retried(twin):
    callbacks = Callbacks()
    try:
        center = Api(twin, "notification_center/v2")
        subscribed = []
        for event_type, resource_type in [
            ("ON_DEPOSIT_PROOF_RECEIVED", "registered_mail/v4/recipients"),
            ("ON_MAIN_DELIVERY_STATUS_DELIVERED", "registered_mail/v4/recipients"),
        ]:
            body = {
                "event_type": event_type,
                "resource_type": resource_type,
                "callback_url": callbacks.url,
                "authentication": {"basic": {"login": "maileva", "password": "s3cret"}},
            }
            created = center("POST", "/subscriptions", json=body)
            assert created.status_code == 201
            subscribed.append(created.json()["id"])
        assert len(center("GET", "/subscriptions").json()["subscriptions"]) == 2

        _, sid, rid = paper_letter(twin)
        assert twin.wait_for_deliveries(10)
        act(twin, "registered_mail", sid, rid, "delivered", NEXT_DAY)
        assert twin.wait_for_deliveries(10)

        expected_auth = "Basic " + base64.b64encode(b"maileva:s3cret").decode()
        assert all(auth == expected_auth for auth, _ in callbacks.received)
        events = [body["event_type"] for _, body in callbacks.received]
        assert events == [
            "ON_DEPOSIT_PROOF_RECEIVED",
            "ON_DEPOSIT_PROOF_RECEIVED",
            "ON_MAIN_DELIVERY_STATUS_DELIVERED",
        ]
        notification = callbacks.received[-1][1]
        assert notification | {"source": "…", "user_id": "…"} == {
            "source": "…",
            "user_id": "…",
            "client_id": DEFAULT_CLIENT_ID,
            "event_type": "ON_MAIN_DELIVERY_STATUS_DELIVERED",
            "resource_type": "registered_mail/v4/recipients",
            "event_date": paris_ten(NEXT_DAY),
            "event_location": "FR",
            "resource_id": rid,
            "resource_location": f"{twin.api_base}/registered_mail/v4/sendings/{sid}/recipients/{rid}",
            "resource_custom_id": "claim-42",
        }
        deliveries = requests.get(f"{twin.api_base}/api/deliveries").json()["deliveries"]
        assert [(d["event_type"], d["status"], d["attempt"]) for d in deliveries] == [
            ("ON_DEPOSIT_PROOF_RECEIVED", 500, 1),
            ("ON_DEPOSIT_PROOF_RECEIVED", 201, 2),
            ("ON_MAIN_DELIVERY_STATUS_DELIVERED", 201, 1),
        ]
        assert all(d["url"] == callbacks.url for d in deliveries)

        for subscription_id in subscribed:
            assert center("DELETE", f"/subscriptions/{subscription_id}").status_code == 204
        assert center("GET", "/subscriptions").json()["subscriptions"] == []
    finally:
        callbacks.close()


# --- the qualified electronic registered letter ----------------------------------------------------------


def test_the_electronic_letter_needs_the_senders_one_time_code_then_follows_the_recipient(twin):
    lre = Api(twin, "electronic_qualified_registered_mail/v1")
    emitter = Api(twin, "electronic_mail_emitter/v1", token=lre.session.headers["Authorization"].split()[1])
    new = {"sender_id": DEFAULT_SENDER_ID, "name": "Mise en demeure", "custom_id": "claim-42"}
    refused = lre("POST", "/sendings", json=new)
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "otp_required"

    otp = f"/senders/{DEFAULT_SENDER_ID}/authenticate_by_otp"
    assert emitter("POST", otp, params={"otp_code": "000000"}).status_code == 400
    code = pyotp.TOTP(DEFAULT_OTP_KEY).at(NOW)
    validated = emitter("POST", otp, params={"otp_code": code})
    assert validated.status_code == 200 and validated.json() == {
        "expiration_date": "2026-03-02T15:00:00.000Z"
    }

    created = lre("POST", "/sendings", json=new)
    assert created.status_code == 201 and created.json()["status"] == "DRAFT"
    sid = created.json()["id"]
    assert upload(lre, sid, pdf_bytes()).status_code == 201
    recipients = []
    for email in ("jean.dupont@example.fr", "marie.durand@example.fr"):
        person = {"legal_status": "INDIVIDUAL", "first_name": "Jean", "last_name": "Dupont", "email": email}
        answer = lre("POST", f"/sendings/{sid}/recipients", json=person)
        assert answer.status_code == 201 and answer.json()["status"] == "DRAFT"
        recipients.append(answer.json()["id"])
    bad_email = {"legal_status": "INDIVIDUAL", "first_name": "A", "last_name": "B", "email": "nope"}
    assert lre("POST", f"/sendings/{sid}/recipients", json=bad_email).status_code == 400

    submitted = lre("POST", f"/sendings/{sid}/submit")
    assert submitted.status_code == 202
    assert lre("GET", f"/sendings/{sid}").json()["status"] == "PROCESSED"
    accepted, erroneous = recipients
    pending = lre("GET", f"/sendings/{sid}/recipients/{accepted}").json()
    assert pending["status"] == "PENDING" and pending["status_date"] == "2026-03-02T14:00:00.000Z"
    assert pending["deposit_proof"]["type"] == "DEPOSIT_PROOF"
    assert "Preuve de dépôt" in pdf_text(lre("GET", pending["deposit_proof"]["href"]).content)
    assert lre("GET", f"/sendings/{sid}/recipients/{accepted}/download_delivery_proof").status_code == 404

    assert act(twin, "lre", sid, accepted, "presented").status_code == 404  # no such step for an e-mail
    done = act(twin, "lre", sid, accepted, "delivered", NEXT_DAY).json()["recipient"]
    assert done["status"] == "ACCEPTED" and done["status_date"] == paris_ten(NEXT_DAY)
    assert done["delivery_proof"]["type"] == "ACKNOWLEDGMENT_OF_RECEIPT"
    assert "Accusé de réception" in pdf_text(lre("GET", done["delivery_proof"]["href"]).content)
    error = act(twin, "lre", sid, erroneous, "unknown_address", NEXT_DAY).json()["recipient"]
    assert error["status"] == "ERROR" and error["status_detail"] == "Adresse e-mail du destinataire en erreur"
    assert "delivery_proof" not in error
    assert act(twin, "lre", sid, accepted, "refused", NEXT_DAY).status_code == 409


@pytest.mark.parametrize(
    ("action", "status", "proof"),
    [("refused", "REFUSED", "REFUSAL_PROOF"), ("not_claimed", "NOT_CLAIMED", "NOT_CLAIMED_PROOF")],
)
def test_an_electronic_letter_refused_or_neglected_has_its_proof(twin, action, status, proof):
    twin.authenticate_by_otp(DEFAULT_SENDER_ID, twin.current_otp())
    sending = twin.create_sending("lre", {"sender_id": DEFAULT_SENDER_ID, "name": "Relance"})
    sid = sending["id"]
    lre = Api(twin, "electronic_qualified_registered_mail/v1")
    upload(lre, sid, b"any file type is accepted here", name="relance.txt")
    person = {
        "legal_status": "PROFESSIONAL",
        "first_name": "Ana",
        "last_name": "Lys",
        "email": "a@example.fr",
    }
    rid = twin.add_recipient("lre", sid, person | {"company": "Lys SARL"})["id"]
    twin.submit("lre", sid)
    recipient = act(twin, "lre", sid, rid, action, NEXT_DAY).json()["recipient"]
    assert recipient["status"] == status and recipient["delivery_proof"]["type"] == proof


# --- persistence -----------------------------------------------------------------------------------------


def test_the_sendings_come_back_after_a_restart(twin, tmp_path: Path):
    path = tmp_path / "maileva.json"
    persistence.attach(twin, path)
    api, sid, rid = paper_letter(twin)
    act(twin, "registered_mail", sid, rid, "presented", NEXT_DAY)
    token = api.session.headers["Authorization"]
    assert path.exists()  # written by each change, before it was answered

    after = FakeMaileva(public_url=twin.public_url, clock=lambda: NOW)
    try:
        assert persistence.restore(after, path) == 1
        assert after.all_sendings() == twin.all_sendings()
        assert after.recipient("registered_mail", sid, rid)["last_main_delivery_status"]["code"] == "LP09"
        assert after._sendings[sid].documents[0].content == pdf_bytes()
        after.check_token({"authorization": token})  # the adapter stays signed in
        # And it goes on from there.
        assert after.act("registered_mail", sid, rid, "delivered", NEXT_DAY)["status"] == "PROCESSED"
    finally:
        after.close()


def test_no_state_is_no_sending(tmp_path: Path):
    fake = FakeMaileva(public_url="http://127.0.0.1:9")
    assert persistence.restore(fake, tmp_path / "absent.json") == 0
    assert fake.all_sendings() == []


# --- mounted in the local platform's web server ----------------------------------------------------------


def test_the_platform_server_routes_the_twin_and_leaves_the_rest_to_chalice():
    from chalice import Chalice
    from chalice.config import Config

    from infra.local.webserver import create_server

    app = Chalice(app_name="stand-in")

    @app.route("/ping", methods=["POST", "DELETE"])
    def ping() -> dict[str, str]:
        return {"answered_by": "chalice"}

    probe = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = probe.server_address[1]
    probe.server_close()
    url = f"http://127.0.0.1:{port}"
    fake = FakeMaileva(public_url=url, clock=lambda: NOW)
    server = create_server(app, Config.create(chalice_stage="local"), "127.0.0.1", port, fake_maileva=fake)
    threading.Thread(target=server.server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        assert fake.api_base == f"{url}/_local/maileva"
        assert requests.get(f"{url}/_local/maileva").status_code == 200
        center = Api(fake, "notification_center/v2")  # the token: a POST to the twin
        body = {
            "event_type": "ON_STATUS_PROCESSED",
            "resource_type": "registered_mail/v4/sendings",
            "callback_url": f"{url}/ping",
        }
        subscription = center("POST", "/subscriptions", json=body).json()["id"]
        assert center("DELETE", f"/subscriptions/{subscription}").status_code == 204
        assert requests.head(f"{url}/_local/maileva/api/sendings").status_code == 200
        for method in ("POST", "DELETE"):
            assert requests.request(method, f"{url}/ping").json() == {"answered_by": "chalice"}
        assert requests.get(f"{url}/_local/maileva-not-this").status_code == 404
    finally:
        server.server.shutdown()
        server.server.server_close()
        fake.close()
