"""The offline Stripe of the local platform, driven by the real ``stripe`` SDK over HTTP (no AWS needed)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import stripe

from infra.local.fake_stripe import (
    DEFAULT_SECRET_KEY,
    DEFAULT_WEBHOOK_SECRET,
    FakeStripe,
    flatten_params,
    nest_params,
    serve_fake_stripe,
)

pytestmark = pytest.mark.integration

SUCCESS_URL = "http://127.0.0.1:9/claims/claim-1/paid?session_id={CHECKOUT_SESSION_ID}"
CANCEL_URL = "http://127.0.0.1:9/claims/claim-1"
RETRIES = (0.05, 0.05, 0.05)


def session_params(**overrides: Any) -> Any:
    """What the platform's adapter sends for the formal-notice step."""
    metadata = {"claim_id": "claim-1", "step": "notice"}
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": "eur",
                    "unit_amount": 2900,
                    "product_data": {
                        "name": "Mise en demeure",
                        "description": "Vérification de la créance et envoi de la mise en demeure",
                    },
                },
                "quantity": 1,
            }
        ],
        "client_reference_id": "claim-1",
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "customer_email": "creanciere@example.fr",
        "success_url": SUCCESS_URL,
        "cancel_url": CANCEL_URL,
        "invoice_creation": {"enabled": True},
        "locale": "fr",
    }
    return params | overrides


def sdk(fake: FakeStripe, key: str = DEFAULT_SECRET_KEY) -> stripe.StripeClient:
    return stripe.StripeClient(key, base_addresses={"api": fake.api_base}, max_network_retries=0)


def verified(payload: str, header: str, secret: str = DEFAULT_WEBHOOK_SECRET) -> Any:
    return stripe.Webhook.construct_event(payload, header, secret)


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    simulation, server = serve_fake_stripe(retry_delays=RETRIES)
    yield simulation
    server.shutdown()
    server.server_close()
    simulation.close()


@pytest.fixture
def client(fake: FakeStripe) -> stripe.StripeClient:
    return sdk(fake)


class Receiver:
    """A webhook endpoint: answers the statuses of ``script`` in turn (then 200), records every POST."""

    def __init__(self, script: list[int] | None = None) -> None:
        self.script = list(script or [])
        self.received: list[tuple[dict[str, str], str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.script.pop(0) if receiver.script else 200
                answer = json.dumps({"received": status < 300}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/webhooks/stripe"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    endpoint = Receiver()
    yield endpoint
    endpoint.close()


@pytest.fixture
def delivering(receiver: Receiver) -> Iterator[FakeStripe]:
    simulation, server = serve_fake_stripe(webhook_url=receiver.url, retry_delays=RETRIES)
    yield simulation
    server.shutdown()
    server.server_close()
    simulation.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def browser(fake: FakeStripe, method: str, path: str, form: str = "") -> tuple[int, dict[str, str], str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect())
    data = form.encode() if method == "POST" else None
    request = urllib.request.Request(fake.public_url + path, data=data, method=method)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


# --- the REST API through the SDK ---------------------------------------------------------------------


def test_the_sdk_creates_retrieves_and_expires_a_checkout_session(fake, client):
    before = int(time.time())
    session = client.v1.checkout.sessions.create(params=session_params())

    assert session.id.startswith("cs_test_")
    assert session.object == "checkout.session"
    assert (session.status, session.payment_status, session.mode) == ("open", "unpaid", "payment")
    assert (session.amount_total, session.amount_subtotal, session.currency) == (2900, 2900, "eur")
    assert session.client_reference_id == "claim-1"
    assert session.customer_email == "creanciere@example.fr"
    assert session.metadata.to_dict() == {"claim_id": "claim-1", "step": "notice"}
    assert session.payment_intent is None and session.invoice is None
    assert session.url == f"{fake.public_url}/_local/checkout/{session.id}"
    assert session.success_url == SUCCESS_URL and session.cancel_url == CANCEL_URL
    assert session.livemode is False
    assert before + 24 * 3600 <= session.expires_at <= int(time.time()) + 24 * 3600

    again = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["line_items"]})
    assert again.id == session.id and again.status == "open"
    [item] = again.line_items.data
    assert (item.description, item.quantity, item.amount_total) == ("Mise en demeure", 1, 2900)

    expired = client.v1.checkout.sessions.expire(session.id)
    assert (expired.status, expired.url) == ("expired", None)
    assert [event["type"] for event in fake.events()] == ["checkout.session.expired"]
    with pytest.raises(stripe.InvalidRequestError, match="can be expired"):
        client.v1.checkout.sessions.expire(session.id)


def test_the_sdk_form_encoding_is_read_back_into_the_same_params(fake, client):
    bodies: list[str] = []
    handle = fake.handle

    def spy(method: str, path: str, query: str, headers: Any, body: bytes) -> Any:
        bodies.append(body.decode())
        return handle(method, path, query, headers, body)

    fake.handle = spy
    client.v1.checkout.sessions.create(params=session_params(expires_at=int(time.time()) + 3600))

    sent = dict(pair.split("=", 1) for pair in bodies[0].split("&"))
    assert sent["line_items[0][price_data][unit_amount]"] == "2900"
    assert sent["line_items[0][price_data][product_data][name]"] == "Mise+en+demeure"
    assert sent["payment_intent_data[metadata][claim_id]"] == "claim-1"
    assert sent["invoice_creation[enabled]"] == "true"
    assert sent["success_url"].endswith("session_id%3D%7BCHECKOUT_SESSION_ID%7D")
    # What the SDK puts on the wire and what the simulation reads back are the same structure.
    assert nest_params(flatten_params(session_params())) == nest_params(
        flatten_params(nest_params(flatten_params(session_params())))
    )


def test_a_wrong_api_key_is_refused_as_stripe_does(fake):
    with pytest.raises(stripe.AuthenticationError) as refused:
        sdk(fake, "sk_test_not_the_right_one").v1.checkout.sessions.create(params=session_params())
    assert refused.value.http_status == 401
    assert refused.value.error is not None and refused.value.error.type == "invalid_request_error"


def test_an_unknown_session_is_a_404_invalid_request_error(client):
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.checkout.sessions.retrieve("cs_test_unknown")
    assert missing.value.http_status == 404
    assert missing.value.code == "resource_missing"


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"line_items": None}, "line_items"),
        ({"mode": None}, "mode"),
        ({"colour": "blue"}, "colour"),
        ({"expires_at": int(time.time()) + 60}, "expires_at"),
    ],
)
def test_missing_or_unknown_params_are_a_400(client, change, param):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.checkout.sessions.create(params=session_params(**change))
    assert refused.value.http_status == 400
    assert refused.value.param == param


def test_an_idempotency_key_replays_the_first_session_and_refuses_other_params(client):
    options = {"idempotency_key": "claim-1-notice"}
    first = client.v1.checkout.sessions.create(params=session_params(), options=options)
    again = client.v1.checkout.sessions.create(params=session_params(), options=options)
    assert again.id == first.id
    with pytest.raises(stripe.IdempotencyError):
        client.v1.checkout.sessions.create(params=session_params(client_reference_id="x"), options=options)


# --- payments and events -------------------------------------------------------------------------------


def test_a_card_payment_completes_the_session_and_sends_a_signed_event(fake, client):
    session = client.v1.checkout.sessions.create(params=session_params())

    event = fake.pay(session.id)

    assert event["id"].startswith("evt_") and event["object"] == "event"
    assert event["type"] == "checkout.session.completed"
    assert event["api_version"] == stripe.api_version
    assert (event["livemode"], event["pending_webhooks"], event["request"]["id"]) == (False, 1, None)
    paid = event["data"]["object"]
    assert (paid["id"], paid["status"], paid["payment_status"]) == (session.id, "complete", "paid")
    assert paid["payment_intent"].startswith("pi_") and paid["invoice"].startswith("in_")
    assert paid["customer_details"]["email"] == "creanciere@example.fr"
    assert paid["metadata"] == {"claim_id": "claim-1", "step": "notice"}

    payload, header = fake.signed(event)
    assert header.startswith("t=") and ",v1=" in header
    assert verified(payload, header).id == event["id"]
    with pytest.raises(stripe.SignatureVerificationError):
        verified(payload, header, "whsec_someone_else")
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"


@pytest.mark.parametrize(
    ("succeeded", "event_type", "payment_status"),
    [
        (True, "checkout.session.async_payment_succeeded", "paid"),
        (False, "checkout.session.async_payment_failed", "unpaid"),
    ],
)
def test_a_bank_transfer_completes_unpaid_then_arrives_or_fails(
    fake, client, succeeded, event_type, payment_status
):
    session = client.v1.checkout.sessions.create(params=session_params())

    completed = fake.pay_deferred(session.id)["data"]["object"]
    assert (completed["status"], completed["payment_status"]) == ("complete", "unpaid")
    assert completed["invoice"] is None

    settled = fake.settle_deferred(session.id, succeeded)
    assert settled["type"] == event_type
    assert settled["data"]["object"]["payment_status"] == payment_status
    assert (settled["data"]["object"]["invoice"] is not None) is succeeded
    assert [event["type"] for event in fake.events()] == ["checkout.session.completed", event_type]
    with pytest.raises(Exception, match="no pending deferred payment"):
        fake.settle_deferred(session.id, succeeded)


def test_a_refund_sends_charge_refunded_with_the_payment_intent_metadata(fake, client):
    session = client.v1.checkout.sessions.create(params=session_params())
    intent = fake.pay(session.id)["data"]["object"]["payment_intent"]

    refund = client.v1.refunds.create(
        params={
            "payment_intent": intent,
            "amount": 1000,
            "reason": "requested_by_customer",
            "metadata[claim_id]": "claim-1",
        }
    )
    assert refund.id.startswith("re_") and refund.object == "refund"
    assert (refund.amount, refund.status, refund.payment_intent) == (1000, "succeeded", intent)
    assert refund.charge.startswith("ch_") and refund.metadata.to_dict() == {"claim_id": "claim-1"}

    [event] = fake.events("charge.refunded")
    charge = event["data"]["object"]
    assert (charge["object"], charge["id"], charge["payment_intent"]) == ("charge", refund.charge, intent)
    assert (charge["amount"], charge["amount_refunded"], charge["refunded"]) == (2900, 1000, False)
    assert charge["metadata"] == {"claim_id": "claim-1", "step": "notice"}
    assert [item["id"] for item in charge["refunds"]["data"]] == [refund.id]

    fake.refund(intent)  # the rest, as from Stripe's dashboard
    last = fake.events("charge.refunded")[-1]["data"]["object"]
    assert (last["amount_refunded"], last["refunded"], len(last["refunds"]["data"])) == (2900, True, 2)
    with pytest.raises(stripe.InvalidRequestError, match="already been refunded"):
        client.v1.refunds.create(params={"payment_intent": intent})


def test_refunds_of_unknown_or_unpaid_payments_and_too_large_amounts_are_refused(fake, client):
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        client.v1.refunds.create(params={"payment_intent": "pi_unknown"})
    assert unknown.value.http_status == 404
    session = client.v1.checkout.sessions.create(params=session_params())
    pending = fake.pay_deferred(session.id)["data"]["object"]["payment_intent"]
    with pytest.raises(stripe.InvalidRequestError, match="does not have a successful charge"):
        client.v1.refunds.create(params={"payment_intent": pending})
    fake.settle_deferred(session.id, True)
    with pytest.raises(stripe.InvalidRequestError, match="greater than unrefunded"):
        client.v1.refunds.create(params={"payment_intent": pending, "amount": 3000})
    with pytest.raises(stripe.InvalidRequestError, match="payment_intent or charge"):
        client.v1.refunds.create(params={"amount": 100})


def test_a_session_past_its_expiry_expires_by_itself():
    now = [time.time()]
    fake, server = serve_fake_stripe(clock=lambda: now[0])
    try:
        session = sdk(fake).v1.checkout.sessions.create(params=session_params(expires_at=int(now[0]) + 1800))
        now[0] += 1801
        assert sdk(fake).v1.checkout.sessions.retrieve(session.id).status == "expired"
        assert [event["type"] for event in fake.events()] == ["checkout.session.expired"]
    finally:
        server.shutdown()
        server.server_close()


# --- webhook delivery ----------------------------------------------------------------------------------


def test_webhooks_are_retried_after_a_server_error_and_each_attempt_is_signed(delivering, receiver):
    receiver.script = [500]
    metadata = {"claim_id": "claim-1", "step": "notice", "debtor": "Rhône Distribution"}
    session = sdk(delivering).v1.checkout.sessions.create(params=session_params(metadata=metadata))

    event = delivering.pay(session.id)
    deliveries = delivering.wait_for_deliveries(event["id"])

    assert [(d.attempt, d.status) for d in deliveries] == [(1, 500), (2, 200)]
    assert deliveries[1].response == '{"received": true}'
    assert len(receiver.received) == 2
    for headers, body in receiver.received:
        assert headers["content-type"] == "application/json; charset=utf-8"
        assert verified(body, headers["stripe-signature"]).id == event["id"]
    assert "Rhône" in receiver.received[0][1]  # UTF-8, accents as they are


def test_a_webhook_that_keeps_failing_is_given_up_after_the_retries(delivering, receiver):
    receiver.script = [500] * 10
    session = sdk(delivering).v1.checkout.sessions.create(params=session_params())
    event = delivering.expire(session.id)
    deliveries = delivering.wait_for_deliveries(event["id"])
    assert [d.status for d in deliveries] == [500] * (1 + len(RETRIES))


def test_an_unreachable_webhook_is_recorded_as_a_connection_error(receiver):
    receiver.close()  # nobody listens there any more
    fake, server = serve_fake_stripe(webhook_url=receiver.url, retry_delays=())
    try:
        session = sdk(fake).v1.checkout.sessions.create(params=session_params())
        [delivery] = fake.wait_for_deliveries(fake.pay(session.id)["id"])
        assert delivery.status is None and not delivery.ok and delivery.response
    finally:
        server.shutdown()
        server.server_close()


def test_redelivery_sends_the_same_event_again_with_a_fresh_signature(delivering, receiver):
    session = sdk(delivering).v1.checkout.sessions.create(params=session_params())
    event = delivering.pay(session.id)
    delivering.wait_for_deliveries(event["id"])

    job = delivering.redeliver(event["id"])
    assert job is not None and [d.status for d in job.wait(5)] == [200]

    first, second = (json.loads(body) for _, body in receiver.received)
    assert first == second and second["id"] == event["id"]
    assert [d.redelivery for d in delivering.deliveries(event["id"])] == [False, True]


# --- pages ---------------------------------------------------------------------------------------------


def test_the_checkout_page_is_in_french_marked_as_a_simulation_and_escaped(fake, client):
    params = session_params()
    params["line_items"][0]["price_data"]["product_data"]["name"] = "Mise en demeure <b>urgente</b>"
    session = client.v1.checkout.sessions.create(params=params)

    status, headers, page = browser(fake, "GET", f"/_local/checkout/{session.id}")

    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="fr">' in page
    assert "Paiement simulé — aucun débit réel, aucune donnée bancaire demandée" in page
    assert "29,00 €" in page and "creanciere@example.fr" in page
    assert "Mise en demeure &lt;b&gt;urgente&lt;/b&gt;" in page
    for button in ("Payer par carte", "Payer par virement (paiement différé)", "Annuler"):
        assert button in page
    assert "Laisser expirer la session" in page
    assert "http://" not in page.split("<body>")[0]  # no external resources


def test_paying_on_the_checkout_page_redirects_to_the_success_url_with_the_session_id(fake, client):
    session = client.v1.checkout.sessions.create(params=session_params())
    base = f"/_local/checkout/{session.id}"

    assert browser(fake, "GET", f"{base}/pay")[0] == 405
    status, headers, _ = browser(fake, "POST", f"{base}/cancel")
    assert (status, headers["Location"]) == (303, CANCEL_URL)
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"

    status, headers, _ = browser(fake, "POST", f"{base}/pay")

    assert status == 303
    assert headers["Location"] == SUCCESS_URL.replace("{CHECKOUT_SESSION_ID}", session.id)
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"
    page = browser(fake, "GET", base)[2]
    assert "Paiement reçu par carte" in page and "Payer par carte" not in page


def test_the_checkout_page_of_a_bank_transfer_offers_to_settle_it(fake, client):
    session = client.v1.checkout.sessions.create(params=session_params())
    base = f"/_local/checkout/{session.id}"
    assert browser(fake, "POST", f"{base}/pay-deferred")[0] == 303

    page = browser(fake, "GET", base)[2]
    assert "Simuler la réception du virement" in page and "Simuler l'échec du virement" in page

    status, headers, _ = browser(fake, "POST", f"{base}/settle-succeeded")
    assert (status, headers["Location"]) == (303, base)
    assert fake.events()[-1]["type"] == "checkout.session.async_payment_succeeded"


def test_an_expired_or_unknown_session_page_says_so(fake, client):
    session = client.v1.checkout.sessions.create(params=session_params())
    status, headers, _ = browser(fake, "POST", f"/_local/checkout/{session.id}/expire")
    assert (status, headers["Location"]) == (303, CANCEL_URL)
    page = browser(fake, "GET", f"/_local/checkout/{session.id}")[2]
    assert "a expiré" in page and "Payer par carte" not in page
    assert browser(fake, "GET", "/_local/checkout/cs_test_unknown")[0] == 404


def test_the_console_lists_sessions_and_events_and_redelivers(delivering, receiver):
    session = sdk(delivering).v1.checkout.sessions.create(params=session_params())
    event = delivering.pay(session.id)
    delivering.wait_for_deliveries(event["id"])

    status, _, page = browser(delivering, "GET", "/_local/stripe")
    assert status == 200 and session.id in page and "checkout.session.completed" in page
    assert "Renvoyer" in page and "Payée par carte" in page

    listing = json.loads(browser(delivering, "GET", "/_local/stripe/api/events")[2])
    assert [e["id"] for e in listing["events"]] == [event["id"]]
    assert listing["deliveries"][0]["status"] == 200

    status, headers, _ = browser(delivering, "POST", f"/_local/stripe/events/{event['id']}/redeliver")
    assert (status, headers["Location"]) == (303, "/_local/stripe")
    assert len(delivering.wait_for_deliveries(event["id"])) == 2


# --- mounted in the local platform's web server ----------------------------------------------------------


@pytest.fixture
def platform_server() -> Iterator[tuple[FakeStripe, str]]:
    """The local platform's web server with a stand-in Chalice app and the simulation mounted."""
    from chalice import Chalice
    from chalice.config import Config

    from infra.local.webserver import create_server

    app = Chalice(app_name="stand-in")

    @app.route("/ping", methods=["POST"])
    def ping() -> dict[str, str]:
        return {"answered_by": "chalice"}

    probe = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = probe.server_address[1]
    probe.server_close()
    url = f"http://127.0.0.1:{port}"
    simulation = FakeStripe(public_url=url, webhook_url=f"{url}/ping", retry_delays=())
    server = create_server(
        app, Config.create(chalice_stage="local"), "127.0.0.1", port, fake_stripe=simulation
    )
    threading.Thread(target=server.server.serve_forever, args=(0.05,), daemon=True).start()
    yield simulation, url
    server.server.shutdown()
    server.server.server_close()
    simulation.close()


def test_the_platform_server_routes_the_simulation_and_leaves_other_posts_to_chalice(platform_server):
    fake, url = platform_server
    client = sdk(fake)
    assert fake.api_base == f"{url}/_local/stripe"
    session = client.v1.checkout.sessions.create(params=session_params())

    status, headers, _ = browser(fake, "POST", f"/_local/checkout/{session.id}/pay")

    assert (status, headers["Location"]) == (303, SUCCESS_URL.replace("{CHECKOUT_SESSION_ID}", session.id))
    [delivery] = fake.deliveries()  # the webhook went to the stand-in app, through the same server
    assert (delivery.status, json.loads(delivery.response)) == (200, {"answered_by": "chalice"})
    assert browser(fake, "GET", "/_local/stripe")[0] == 200
    assert browser(fake, "HEAD", f"/_local/checkout/{session.id}")[0] == 200
    request = urllib.request.Request(
        f"{url}/ping", data=b"{}", method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read()) == {"answered_by": "chalice"}
    assert browser(fake, "GET", "/_local/stripe-not-this")[0] == 404
