"""The fake Stripe's pages (Jinja2 templates, autoescaped) escape every value they show: a line item, an
e-mail, a reference, a URL, a webhook answer or a message carrying ``<script>`` is shown as text, never run.
Each page state is rendered; no network (no webhook URL, the console's deliveries are given directly)."""

from __future__ import annotations

from typing import Any

import pytest

from infra.local.fake_stripe import FakeStripe, pages
from infra.local.fake_stripe.records import ConsoleSnapshot
from infra.local.fake_stripe.webhooks import Delivery

HOSTILE = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
NOW = 1_790_000_000


def assert_escaped(page: str) -> None:
    assert "<script" not in page.lower()
    assert ESCAPED in page


def session_params(**overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": "eur",
                    "unit_amount": 2900,
                    "product_data": {"name": f"Mise en demeure {HOSTILE}", "description": HOSTILE},
                },
                "quantity": 1,
            }
        ],
        "client_reference_id": HOSTILE,
        "success_url": f"http://127.0.0.1:9/paid/{HOSTILE}?session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": f"http://127.0.0.1:9/back/{HOSTILE}",
    }
    return params | overrides


@pytest.fixture
def fake() -> FakeStripe:
    return FakeStripe(public_url="http://127.0.0.1:9", webhook_url=None, clock=lambda: NOW)


def get(fake: FakeStripe, path: str) -> str:
    status, content_type, body, _ = fake.handle("GET", path, "", {}, b"")
    assert (status, content_type) == (200, "text/html; charset=utf-8")
    return body.decode()


def checkout(fake: FakeStripe, session_id: str) -> str:
    return get(fake, f"/_local/checkout/{session_id}")


def new_session(fake: FakeStripe, **overrides: Any) -> str:
    return str(fake.create_checkout_session(session_params(**overrides))["id"])


def test_the_open_checkout_page_escapes_the_line_items_and_the_email(fake):
    anonymous = checkout(fake, new_session(fake))
    assert_escaped(anonymous)
    assert "Payer par carte" in anonymous and 'name="email"' in anonymous

    with_email = checkout(fake, new_session(fake, customer_email=f"{HOSTILE}@example.fr"))
    assert_escaped(with_email)
    assert f"{ESCAPED}@example.fr" in with_email and 'name="email"' not in with_email


@pytest.mark.parametrize(
    ("steps", "shown"),
    [
        (["pay"], "Paiement reçu par carte"),
        (["pay", "refund"], "Remboursé : 29,00 €"),
        (["pay_deferred"], "Simuler la réception du virement"),
        (["pay_deferred", "settle_succeeded"], "Paiement reçu par virement"),
        (["pay_deferred", "settle_failed"], "Le virement a échoué"),
        (["expire"], "Cette session de paiement a expiré"),
    ],
)
def test_every_state_of_the_checkout_page_escapes_what_it_shows(fake, steps, shown):
    session_id = new_session(fake)
    for step in steps:
        match step:
            case "pay":
                fake.pay(session_id, email=HOSTILE)
            case "pay_deferred":
                fake.pay_deferred(session_id)
            case "settle_succeeded" | "settle_failed":
                fake.settle_deferred(session_id, step == "settle_succeeded")
            case "refund":
                fake.refund(str(fake.retrieve_checkout_session(session_id)["payment_intent"]))
            case "expire":
                fake.expire(session_id)

    page = checkout(fake, session_id)

    assert_escaped(page)
    assert shown in page
    # The way back (success URL once paid, cancel URL once expired) is escaped inside its href too.
    assert '/back/&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"' in page or "/paid/&lt;script&gt;" in page


def test_the_checkout_page_of_a_free_order_escapes_it_too(fake):
    free = session_params()
    free["line_items"][0]["price_data"]["unit_amount"] = 0
    session_id = str(fake.create_checkout_session(free)["id"])
    fake.pay(session_id)

    page = checkout(fake, session_id)

    assert_escaped(page)
    assert "aucun paiement n'était dû" in page


def test_the_console_escapes_references_webhook_url_and_webhook_answers(fake):
    session_id = new_session(fake)
    event = fake.pay(session_id)
    page = get(fake, "/_local/stripe")
    assert_escaped(page)
    assert "Payée par carte" in page and "Rembourser" in page

    snapshot = fake.console_snapshot()
    answer = Delivery(event["id"], event["type"], 2, 500, f"erreur {HOSTILE}", NOW, redelivery=True)
    with_deliveries = ConsoleSnapshot(
        snapshot.sessions, snapshot.refundable, snapshot.events, {event["id"]: [answer]}
    )
    page = pages.console_page(
        with_deliveries, api_base=f"http://127.0.0.1:9/{HOSTILE}", webhook_url=f"http://127.0.0.1:9/{HOSTILE}"
    )
    assert "<script" not in page.lower()
    assert page.count(ESCAPED) == 4  # the reference, the API base, the webhook URL, the webhook's answer
    assert "500 · " in page and " · renvoi · essai 2" in page and "Renvoyer" in page


def test_the_message_and_redirect_pages_escape_their_text(fake):
    assert_escaped(pages.message_page(f"Titre {HOSTILE}", f"Texte {HOSTILE}"))

    session_id = new_session(fake)
    status, _, body, headers = fake.handle("POST", f"/_local/checkout/{session_id}/pay", "", {}, b"")

    assert status == 303 and headers["Location"].startswith("http://127.0.0.1:9/paid/<script>")
    assert_escaped(body.decode())
