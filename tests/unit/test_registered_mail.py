"""The registered-mail rules (RULEBOOK 4.3) and the reading of Maileva's answers, without any I/O."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.adapters.maileva import idempotency_key, lrar_tracking, lre_tracking
from chalicelib.domain.registered_mail import choose_channel, delivery_effect

DAY = dt.date(2025, 4, 3)


@pytest.mark.parametrize(
    ("business", "email", "consent", "enabled", "channel", "code"),
    [
        (True, "compta@debiteur.fr", False, True, "lre", "qualified_lre"),
        (True, "", False, True, "lrar", "no_email"),
        (False, "jean@example.fr", False, True, "lrar", "consumer_without_consent"),
        (False, "jean@example.fr", True, True, "lre", "qualified_lre"),
        (True, "compta@debiteur.fr", False, False, "lrar", "lre_not_configured"),
    ],
)
def test_the_channel_follows_the_rulebook(business, email, consent, enabled, channel, code):
    choice = choose_channel(
        debtor_is_business=business, debtor_email=email, lre_consent=consent, lre_enabled=enabled
    )
    assert choice.channel == channel
    assert [r.code for r in choice.reasons] == [code]
    assert all(r.article and r.message for r in choice.reasons)


def test_a_consumer_never_gets_an_lre_without_consent_whatever_the_email():
    for email in ("a@b.fr", "  x@y.com "):
        choice = choose_channel(
            debtor_is_business=False, debtor_email=email, lre_consent=False, lre_enabled=True
        )
        assert choice.channel == "lrar"
        assert "L100" in choice.reasons[0].article


def test_first_presentation_starts_the_deadline_once():
    first = delivery_effect("first_presented", "lrar", DAY, presented_on=None)
    assert first.presented_on == DAY and first.notice_stands and not first.tell_creditor
    again = delivery_effect("first_presented", "lrar", DAY + dt.timedelta(days=2), presented_on=DAY)
    assert again.presented_on is None  # the first one counts


@pytest.mark.parametrize("kind", ["refused", "not_claimed"])
def test_refused_or_not_claimed_leaves_the_notice_standing_from_the_first_presentation(kind):
    effect = delivery_effect(kind, "lrar", DAY + dt.timedelta(days=15), presented_on=DAY)
    assert effect.notice_stands and effect.tell_creditor
    assert effect.presented_on is None  # the deadline already runs from DAY
    if kind == "not_claimed":
        assert "19-20.680" in effect.reason.article
    # Without a presentation reported, the event's own day stands for it.
    alone = delivery_effect(kind, "lrar", DAY, presented_on=None)
    assert alone.presented_on == DAY


def test_an_undeliverable_letter_does_not_stand_and_asks_for_the_address():
    effect = delivery_effect("undeliverable", "lrar", DAY, presented_on=None)
    assert not effect.notice_stands and effect.tell_creditor and effect.presented_on is None
    assert "adresse" in effect.reason.message.lower()


def test_the_lre_outcomes_cite_the_cpce():
    for kind in ("refused", "not_claimed"):
        assert "L100" in delivery_effect(kind, "lre", DAY, presented_on=DAY).reason.article


def test_the_idempotency_key_fits_maileva_and_names_the_letter():
    key = idempotency_key("clm_0123456789abcdef0123", b"%PDF-1.7 one")
    assert len(key) <= 38
    assert key == idempotency_key("clm_0123456789abcdef0123", b"%PDF-1.7 one")
    assert key != idempotency_key("clm_0123456789abcdef0123", b"%PDF-1.7 two")


def test_maileva_registered_mail_answers_become_events_and_proofs():
    state = {
        "registered_number": "1A12345678901",
        "postage_price": 5.36,
        "deposit_proof_date": "2025-03-31T16:00:00Z",
        "deposit_proof_url": "/sendings/s/recipients/r/download_deposit_proof",
        "main_delivery_statuses": [
            {"category": "DELIVERING", "date": "2025-04-01T08:00:00Z", "code": "LP03"},
            {"category": "FIRST_PRESENTATION", "date": "2025-04-02T08:30:00Z", "code": "LP09"},
            {"category": "UNDELIVERED", "date": "2025-04-18T09:00:00Z", "code": "LP19"},
        ],
        "undelivered_mail_reason": "N03",
        "undelivered_mail_url": "/sendings/s/recipients/r/download_undelivered_mail",
    }
    tracking = lrar_tracking(state)
    assert [e.kind for e in tracking.events] == ["dispatched", "first_presented", "not_claimed"]
    assert tracking.events[1].on == dt.date(2025, 4, 2)
    assert [p.kind for p in tracking.proofs] == ["deposit", "undelivered"]
    assert tracking.price_cents == 536


@pytest.mark.parametrize(
    ("code", "reason", "kind"),
    [("LP22", "N05", "refused"), ("LP21", "N02", "undeliverable"), ("LP00", "N07", "undeliverable")],
)
def test_the_return_reason_names_the_outcome(code, reason, kind):
    state = {
        "main_delivery_statuses": [{"category": "UNDELIVERED", "date": "2025-04-10T09:00:00Z", "code": code}],
        "undelivered_mail_reason": reason,
    }
    assert lrar_tracking(state).events[-1].kind == kind


def test_a_late_evening_event_in_utc_is_dated_in_paris():
    state = {
        "main_delivery_statuses": [{"category": "DELIVERED", "date": "2025-04-02T22:30:00Z", "code": "LP15"}]
    }
    assert lrar_tracking(state).events[0].on == dt.date(2025, 4, 3)


def test_maileva_lre_answers_become_events_and_proofs():
    state = {
        "status": "REFUSED",
        "status_date": "2025-04-05T10:00:00Z",
        "deposit_proof": {"type": "DEPOSIT_PROOF", "creation_date": "2025-03-31T15:00:00Z"},
        "delivery_proof": {"type": "REFUSAL_PROOF", "creation_date": "2025-04-05T10:00:00Z"},
    }
    tracking = lre_tracking(state, "s1", "r1")
    assert [e.kind for e in tracking.events] == ["dispatched", "first_presented", "refused"]
    assert tracking.events[1].on == dt.date(2025, 3, 31)
    assert [p.kind for p in tracking.proofs] == ["deposit", "refusal"]
    assert tracking.proofs[1].path == "/sendings/s1/recipients/r1/download_delivery_proof"


def test_the_claim_page_and_the_operator_file_read_the_same_delivery_labels():
    import datetime as dt

    from chalicelib.api.claim_schemas import DeliveryView
    from chalicelib.domain.registered_mail import DELIVERY_KINDS, DELIVERY_LABELS_FR, outcome_label

    assert set(DELIVERY_LABELS_FR) == set(DELIVERY_KINDS)  # every event the providers report has its words
    assert outcome_label("") == "En cours d'acheminement"
    view = DeliveryView.of(
        {
            "outcome": "not_claimed",
            "events": [
                {"kind": "first_presented", "on": dt.date(2025, 4, 2), "label": "Avisé"},
                {"kind": "not_claimed", "on": dt.date(2025, 4, 18)},
                {"kind": "dispatched"},  # no date: not shown
            ],
        }
    )
    assert view.outcome_label == "Non réclamée par le débiteur"
    assert [(e.kind_label, e.label) for e in view.events] == [
        ("Présentée au débiteur", "Avisé"),
        ("Non réclamée par le débiteur", ""),
    ]
