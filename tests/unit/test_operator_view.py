"""The operator's claim file (chalicelib/services/operator_view.py): each refund is one line from its request
to Stripe's confirmation and its credit note, the timeline's actors are said in words, and only operators
get the file."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chalicelib.domain.accounts import Account, Identity, Role
from chalicelib.domain.claim import AuditEvent, Claim, ClaimStatus, EventKind
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.fee_invoices import Party, credit_note, payment_invoice
from chalicelib.domain.payments import Checkout, CheckoutStatus, PaymentStep
from chalicelib.services.operator_view import SYSTEM_ACTORS, RefundLine, claim_file, people_of, refund_lines

AT = datetime(2025, 3, 31, 9, 0, tzinfo=UTC)
OPERATOR = Identity("ops-1", "ops@plateforme.fr", Role.OPERATOR)


def _claim() -> Claim:
    checkouts = tuple(
        Checkout(
            f"cs_{step.value}", step, cents, CheckoutStatus.REFUNDED, AT, payment_intent=f"pi_{step.value}"
        )
        for step, cents in ((PaymentStep.NOTICE, 2900), (PaymentStep.DOSSIER, 8900))
    )
    return Claim(
        "clm_1", "cred-1", ClaimStatus.REJECTED, "Débiteur SAS", 100_000, AT, AT, checkouts=checkouts
    )


def _refund(sequence: int, reason: str, actor: str = "ops-1") -> AuditEvent:
    return AuditEvent(
        "clm_1",
        sequence,
        AT,
        actor,
        ClaimStatus.REJECTED,
        ClaimStatus.REJECTED,
        reason,
        kind=EventKind.REFUND,
    )


def _credit_note(refund_id: str, cents: int = 2900, step: PaymentStep = PaymentStep.NOTICE):
    invoice = payment_invoice(
        claim_id="clm_1",
        creditor_id="cred-1",
        reference="DOS-1",
        debtor_name="Débiteur SAS",
        step=step,
        ttc_cents=cents,
        vat_rate_percent=20,
        seller=Party("Plateforme SAS"),
        buyer=Party("Créancier SARL"),
        paid_at=AT,
        paid_on=AT.date(),
        payment_method="card",
        payment_intent=f"pi_{step.value}",
    ).numbered(1)
    return credit_note(
        invoice, refund_id=refund_id, refunded_cents=cents, refunded_at=AT, refunded_on=date(2025, 4, 1)
    ).numbered(2)


def test_a_refund_asked_then_confirmed_by_stripe_is_one_line_with_its_credit_note():
    events = [
        _refund(5, "Remboursement demandé : 29,00 € (Mise en demeure, re_ABC123)"),
        _refund(6, "Remboursement effectué : 29,00 € (Mise en demeure)", actor="stripe"),
    ]
    [line] = refund_lines(events, [_credit_note("re_ABC123")], _claim())
    assert line == RefundLine(
        stripe_ref="re_ABC123",
        step=PaymentStep.NOTICE,
        amount_cents=2900,
        requested_at=AT,
        requested_by="ops-1",
        confirmed_on=date(2025, 3, 31),  # Stripe's confirmation, on the Paris day of its event
        credit_note="FA-2025-000002",
        payment_intent="pi_notice",
    )


def test_a_refund_not_yet_confirmed_waits_and_each_step_keeps_its_own_line():
    events = [
        _refund(5, "Remboursement demandé : 29,00 € (Mise en demeure, re_A)"),
        _refund(6, "Remboursement demandé : 89,00 € (Dossier d'injonction de payer, re_B)"),
        _refund(7, "Remboursement effectué : 89,00 € (Dossier d'injonction de payer)", actor="stripe"),
    ]
    notice, dossier = refund_lines(events, [], _claim())
    assert (notice.stripe_ref, notice.amount_cents, notice.confirmed_on) == ("re_A", 2900, None)
    assert (dossier.stripe_ref, dossier.step, dossier.confirmed_on) == (
        "re_B",
        PaymentStep.DOSSIER,
        AT.date(),
    )
    assert dossier.payment_intent == "pi_dossier"


def test_a_confirmation_or_a_credit_note_without_a_request_is_a_line_of_its_own():
    # An older claim: Stripe's confirmation without the request's id, then its credit note.
    events = [_refund(4, "Remboursement effectué : 29,00 € (Mise en demeure)", actor="stripe")]
    [line] = refund_lines(events, [_credit_note("re_OLD")], _claim())
    assert (line.stripe_ref, line.credit_note, line.requested_at) == ("re_OLD", "FA-2025-000002", None)
    assert line.confirmed_on == AT.date() and line.amount_cents == 2900
    # A refund made in Stripe's dashboard: only its credit note.
    [alone] = refund_lines([], [_credit_note("re_DASH", 1000)], _claim())
    assert (alone.stripe_ref, alone.amount_cents, alone.confirmed_on) == ("re_DASH", 1000, date(2025, 4, 1))


def test_actors_are_said_in_words_and_an_unknown_one_stays_as_written():
    accounts = {
        "cred-1": Account("cred-1", "claire@atelier.fr", Role.CREDITOR),
        "law-1": Account("law-1", "me.martin@barreau.fr", Role.LAWYER),
    }
    labels = people_of(
        ["cred-1", "stripe", "plateforme", "platform:postal", "ops-1", "law-1", "ops-2", "test"],
        OPERATOR,
        accounts.get,
    )
    assert labels == {
        "cred-1": "claire@atelier.fr (créancier)",
        "stripe": "Stripe (paiements)",
        "plateforme": "Plateforme (traitement automatique)",
        "platform:postal": "Plateforme (suivi de l'envoi recommandé)",
        "ops-1": "ops@plateforme.fr (opérateur de la plateforme, vous)",
        "law-1": "me.martin@barreau.fr (avocat partenaire)",
        "ops-2": "ops-2",
        "test": "test",
    }


def test_the_platform_actors_named_are_the_ones_the_services_write():
    from chalicelib.domain.retention import RETENTION_ACTOR
    from chalicelib.services.debtor_declarations import DEBTOR
    from chalicelib.services.escalation.common import WORKFLOW_ACTOR
    from chalicelib.services.notice.delivery import ACTOR as POSTAL_ACTOR
    from chalicelib.services.payments import STRIPE_ACTOR

    assert {STRIPE_ACTOR, WORKFLOW_ACTOR, POSTAL_ACTOR, RETENTION_ACTOR, DEBTOR} <= set(SYSTEM_ACTORS)


@pytest.mark.parametrize("role", [Role.CREDITOR, Role.LAWYER])
def test_only_an_operator_gets_the_file(role):
    class Nothing:
        def __getattr__(self, name):
            raise AssertionError(f"nothing is read for a {role.value}: {name}")

    with pytest.raises(Forbidden):
        claim_file(
            Identity("u-1", "x@y.fr", role), "clm_1", claims=Nothing(), accounts=Nothing(), invoices=Nothing()
        )
