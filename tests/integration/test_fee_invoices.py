"""The platform's fee invoices on in-process moto: numbered without gaps under concurrent payments, once
per Stripe payment however often its event comes, a credit note for a refund, the PDF made in the
background by the PDF function and emailed to the creditor (PDF attached, once, without writing the claim),
listed and downloaded by the creditor only (and the operators), in the data export."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tests.integration.accounts_helpers import PASSWORD, mailbox
from tests.integration.claims_helpers import cgv, create_claim, creditor, get, pdf_bytes, post, upload
from tests.integration.export_helpers import exported
from tests.integration.outbox_helpers import status_email, wait_for_mail

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
CREDITOR_EMAIL = "claire@atelier-numerique.fr"


# ---------------------------------------------------------------------------------------------------
# numbering, at the service level (20 payments confirmed at once)
# ---------------------------------------------------------------------------------------------------
class NoWorkflow:
    """The escalation is not what these tests look at: started executions are only counted."""

    def __init__(self) -> None:
        self.started: list[str] = []

    def execution_arn(self, name: str) -> str:
        return f"arn:aws:states:eu-west-3:123456789012:execution:test:{name}"

    def start_once(self, name: str, payload: dict) -> str:
        self.started.append(name)
        return self.execution_arn(name)

    def start(self, claim_id: str, payload: dict) -> str:
        return self.start_once(claim_id, payload)

    def is_running(self, execution_arn: str) -> bool:
        return False

    def send_task_success(self, task_token: str, output: dict) -> None:
        pass


def _invoicing(rendered: list[str] | None = None):
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.invoices_repository import InvoiceRepository
    from chalicelib.services.invoices import Invoicing, seller_party
    from chalicelib.settings import get_settings

    return Invoicing(
        invoices=InvoiceRepository(),
        accounts=AccountRepository(),
        seller=seller_party(get_settings().seller),
        vat_rate_percent=20,
        start_render=(rendered.append if rendered is not None else lambda source_id: None),
    )


def _awaiting_payment(claims, claim_id: str, creditor_id: str, n: int) -> dict:
    """A claim waiting for its notice payment, with its open Checkout; returns the paying event."""
    from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
    from chalicelib.domain.payments import Checkout, CheckoutStatus, PaymentStep

    claims.create(
        Claim(
            claim_id,
            creditor_id,
            ClaimStatus.DRAFT,
            f"Débiteur {n} SARL",
            100_000,
            NOW,
            NOW,
            reference=f"R-{n}",
        ),
        actor="test",
    )
    claims.transition(
        claim_id,
        ClaimStatus.AWAITING_PAYMENT,
        actor="test",
        reason="déposée",
        notify=status_email(ClaimStatus.AWAITING_PAYMENT),
        now=NOW,
    )
    checkout = Checkout(f"cs_{n}", PaymentStep.NOTICE, 2900, CheckoutStatus.OPEN, NOW, url="http://pay")
    claims.record(
        claim_id,
        kind=EventKind.PAYMENT,
        actor="test",
        reason="checkout",
        change=lambda c: c.with_checkout(checkout),
    )
    session = {
        "id": f"cs_{n}",
        "object": "checkout.session",
        "amount_total": 2900,
        "currency": "eur",
        "payment_status": "paid",
        "payment_intent": f"pi_{n}",
        "client_reference_id": claim_id,
        "metadata": {"claim_id": claim_id, "step": "notice"},
    }
    return {
        "id": f"evt_{n}",
        "object": "event",
        "type": "checkout.session.completed",
        "data": {"object": session},
    }


def _creditor_account(user_id: str = "creditor-1") -> str:
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.domain.accounts import Account, CreditorProfile, PostalAddress, Role

    profile = CreditorProfile(
        legal_name="Atelier Numérique SAS",
        category="commercant",
        legal_form="SAS",
        siren="732829320",
        address=PostalAddress(line1="12 rue du Sentier", postal_code="75002", city="Paris"),
    )
    AccountRepository().create(Account(user_id, "c@example.fr", Role.CREDITOR, creditor=profile))
    return user_id


def _all_at_once(calls) -> list:
    """Run every call in its own thread, released together; their results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int, call) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except Exception as error:  # reported by the test
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_twenty_payments_confirmed_at_once_get_numbers_1_to_20_each_once(aws):
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.dynamo import InvoiceCounterModel
    from chalicelib.adapters.invoices_repository import InvoiceRepository
    from chalicelib.services.payments import handle_event

    creditor_id = _creditor_account()
    claims = ClaimRepository(wake_sender=None)
    events = [_awaiting_payment(claims, f"clm-{n:02d}", creditor_id, n) for n in range(1, 21)]
    workflow = NoWorkflow()
    rendered: list[str] = []
    invoicing = _invoicing(rendered)

    def confirm(event: dict):
        return lambda: handle_event(
            event, claims=ClaimRepository(wake_sender=None), workflow=workflow, now=NOW, invoicing=invoicing
        )

    outcomes = _all_at_once([confirm(event) for event in events])
    assert [o.result for o in outcomes] == ["paid; escalation started"] * 20, outcomes

    repository = InvoiceRepository()
    invoices = [repository.by_source(f"payment:pi_{n}") for n in range(1, 21)]
    numbers = sorted(invoice.number for invoice in invoices if invoice is not None)
    assert numbers == [f"FA-2026-{n:06d}" for n in range(1, 21)]
    assert InvoiceCounterModel.get("2026").last == 20
    assert sorted(rendered) == sorted(f"payment:pi_{n}" for n in range(1, 21))  # each PDF started once
    # Each claim's invoice is its own payment's, for the buyer's company, amounts split exactly.
    for n, invoice in enumerate(invoices, start=1):
        assert (
            invoice is not None and invoice.claim_id == f"clm-{n:02d}" and invoice.creditor_id == creditor_id
        )
        assert invoice.buyer.name == "Atelier Numérique SAS" and invoice.buyer.siren == "732829320"
        assert (invoice.amounts.ht_cents, invoice.amounts.vat_cents, invoice.amounts.ttc_cents) == (
            2417,
            483,
            2900,
        )
        assert invoice.detail == f"Créance R-{n} sur Débiteur {n} SARL"

    # Stripe delivers every event again, all at once: nothing new, no number taken.
    again = _all_at_once([confirm(event) for event in events])
    assert [o.result for o in again] == ["already paid"] * 20, again
    assert InvoiceCounterModel.get("2026").last == 20
    assert len(workflow.started) == 20


def test_the_same_payment_issued_by_racing_deliveries_takes_one_number(aws):
    from chalicelib.adapters.dynamo import InvoiceCounterModel
    from chalicelib.adapters.invoices_repository import InvoiceRepository
    from chalicelib.domain.fee_invoices import Party, payment_invoice
    from chalicelib.domain.payments import PaymentStep

    draft = payment_invoice(
        claim_id="clm-race",
        creditor_id="creditor-1",
        reference="",
        debtor_name="Débiteur SARL",
        step=PaymentStep.NOTICE,
        ttc_cents=2900,
        vat_rate_percent=20,
        seller=Party("Vendeur SAS"),
        buyer=Party("Client SAS"),
        paid_at=NOW,
        paid_on=NOW.date(),
        payment_method="card",
        payment_intent="pi_race",
    )
    # Each delivery misses the others' invoice at first sight: the transaction's condition decides.
    repositories = [InvoiceRepository() for _ in range(10)]
    for repository in repositories:
        repository.by_source = _blind_once(repository.by_source)  # type: ignore[method-assign]
    results = _all_at_once([lambda r=repository: r.issue(draft) for repository in repositories])
    assert all(not isinstance(result, Exception) for result in results), results
    assert {invoice.number for invoice, _ in results} == {"FA-2026-000001"}
    assert sum(created for _, created in results) == 1
    assert InvoiceCounterModel.get("2026").last == 1
    # The next payment takes the next number: the losers' cancelled transactions burnt none.
    other, created = InvoiceRepository().issue(replace(draft, source_id="payment:pi_next"))
    assert created and other.number == "FA-2026-000002"


# ---------------------------------------------------------------------------------------------------
# the invoice's email, queued by the PDF function (no claim write)
# ---------------------------------------------------------------------------------------------------
class CrashOnce:
    """An invoice store whose first ``record_pdf`` fails: the PDF function dies after queueing the email."""

    def __init__(self, invoices) -> None:
        self.invoices = invoices
        self.crashed = False

    def __getattr__(self, name: str):
        return getattr(self.invoices, name)

    def record_pdf(self, source_id: str, **kwargs):
        if not self.crashed:
            self.crashed = True
            raise RuntimeError("the PDF function died before recording the PDF")
        return self.invoices.record_pdf(source_id, **kwargs)


def _render(source_id: str, invoices=None):
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.adapters.invoices_repository import InvoiceRepository
    from chalicelib.adapters.outbox_repository import OutboxRepository
    from chalicelib.services.invoices import render_pdf

    return render_pdf(
        source_id,
        invoices=invoices or InvoiceRepository(),
        store=DocumentStore(),
        outbox=OutboxRepository(wake_sender=None),
        now=NOW,
    )


def _invoice_emails(claim_id: str) -> list:
    from chalicelib.adapters.outbox_repository import OutboxRepository

    return [item for item in OutboxRepository().for_claim(claim_id) if item.kind == "invoice_issued"]


def test_the_invoice_is_emailed_once_with_its_pdf_however_often_it_is_rendered(aws):
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.adapters.invoices_repository import InvoiceRepository
    from chalicelib.services.outbox import deliver_pending
    from chalicelib.services.payments import handle_event

    creditor_id = _creditor_account()
    claims = ClaimRepository(wake_sender=None)
    paid = _awaiting_payment(claims, "clm-mail", creditor_id, 1)
    assert handle_event(
        paid, claims=claims, workflow=NoWorkflow(), now=NOW, invoicing=_invoicing()
    ).result == ("paid; escalation started")
    # The first run dies between queueing the email and recording the PDF; it is run again, then twice more.
    with pytest.raises(RuntimeError, match="died"):
        _render("payment:pi_1", CrashOnce(InvoiceRepository()))
    assert InvoiceRepository().by_source("payment:pi_1").pdf_sha256 == ""
    rendered = _render("payment:pi_1")
    assert _render("payment:pi_1") == _render("payment:pi_1") == rendered and rendered.pdf_sha256
    [queued] = _invoice_emails("clm-mail")
    assert (queued.outbox_id, queued.sequence, queued.recipient) == (
        "clm-mail#invoice-FA-2026-000001#1",
        0,
        "creditor",
    )
    assert queued.attachments == ("invoices/2026/FA-2026-000001.pdf",)

    # The sender attaches the PDF, read outside the claim's folder, to the creditor's email.
    sent: list = []
    report = deliver_pending(claim_id="clm-mail", send=lambda to, email: sent.append((to, email)) or "m-1")
    [(to, email)] = [(to, email) for to, email in sent if email.kind == "invoice_issued"]
    assert report.failed == 0 and to == "c@example.fr"
    assert email.subject == "Votre facture FA-2026-000001 — créance R-1 (Débiteur 1 SARL)"
    [pdf] = email.attachments
    assert (pdf.filename, pdf.media_type) == ("FA-2026-000001.pdf", "application/pdf")
    assert pdf.content == DocumentStore().get("invoices/2026/FA-2026-000001.pdf", 5_000_000)
    assert email.idempotency_key == "clm-mail#invoice-FA-2026-000001#1"
    # Rendered again later (a download that found no PDF): nothing more to send.
    _render("payment:pi_1")
    assert deliver_pending(claim_id="clm-mail", send=lambda to, email: "m-2").sent == 0


def test_the_invoice_email_is_queued_once_by_runs_at_the_same_time(aws):
    from chalicelib.adapters.outbox_repository import OutboxRepository
    from chalicelib.domain.notifications import Notification

    woken: list[str] = []
    email = Notification(
        "invoice_issued",
        {
            "invoice_number": "FA-2026-000007",
            "credit_note": False,
            "issued_on": "2026-11-22",
            "amount_ttc": "29.00",
        },
        attachments=("invoices/2026/FA-2026-000007.pdf",),
    )
    outbox = [OutboxRepository(wake_sender=woken.append) for _ in range(10)]
    queued = _all_at_once(
        [lambda o=o: o.queue_once("clm-x", "invoice-FA-2026-000007", email, now=NOW) for o in outbox]
    )
    assert sorted(queued) == [False] * 9 + [True] and woken == ["clm-x"]
    assert len(_invoice_emails("clm-x")) == 1
    # An email its template could not render is refused when queued, not when sent.
    with pytest.raises(ValueError, match="attach"):
        outbox[0].queue_once(
            "clm-x", "invoice-FA-2026-000008", Notification("invoice_issued", email.context), now=NOW
        )


def test_the_pdf_rendered_during_the_webhook_leaves_its_claim_write_alone(aws):
    """The race that made the first attempt fail: the webhook reads the claim, issues the invoice (which
    starts the PDF), then writes the claim if its version has not moved. The PDF function, run right there,
    must not write the claim: it queues its email on its own."""
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.services.invoices import Invoicing
    from chalicelib.services.payments import STRIPE_ACTOR, handle_event

    creditor_id = _creditor_account()
    claims = ClaimRepository(wake_sender=None)
    paid = _awaiting_payment(claims, "clm-race", creditor_id, 1)
    before = claims.get("clm-race")
    seen: list[tuple[int | None, int]] = []

    def render_now(source_id: str) -> None:  # between the webhook's read and its write
        _render(source_id)
        claim = claims.get("clm-race")
        seen.append((claim.version, claim.event_count))

    invoicing = replace(_invoicing(), start_render=render_now)
    assert isinstance(invoicing, Invoicing)
    outcome = handle_event(paid, claims=claims, workflow=NoWorkflow(), now=NOW, invoicing=invoicing)
    assert outcome.result == "paid; escalation started"
    assert seen == [(before.version, before.event_count)]  # the render wrote nothing on the claim
    assert claims.get("clm-race").checkouts[0].settled
    # Every event since is the webhook's own (the payment, the start of the processing).
    assert {e.actor for e in claims.events("clm-race")[before.event_count :]} == {STRIPE_ACTOR}
    assert len(_invoice_emails("clm-race")) == 1

    # The refund's credit note, rendered in its webhook too: the refund is recorded, the note emailed.
    charge = {
        "id": "ch_1",
        "object": "charge",
        "amount": 2900,
        "amount_refunded": 2900,
        "currency": "eur",
        "payment_intent": "pi_1",
        "metadata": {"claim_id": "clm-race"},
        "refunds": {"data": [{"id": "re_1", "amount": 2900, "status": "succeeded"}]},
    }
    refund = {"id": "evt_r", "object": "event", "type": "charge.refunded", "data": {"object": charge}}
    outcome = handle_event(refund, claims=claims, workflow=NoWorkflow(), now=NOW, invoicing=invoicing)
    assert outcome.result == "refund recorded"
    emails = sorted(item.outbox_id for item in _invoice_emails("clm-race"))
    assert emails == ["clm-race#invoice-FA-2026-000001#1", "clm-race#invoice-FA-2026-000002#1"]
    [note] = [item for item in _invoice_emails("clm-race") if item.context["credit_note"]]
    assert note.context == {
        "invoice_number": "FA-2026-000002",
        "credit_note": True,
        "issued_on": "2026-11-22",
        "amount_ttc": "29.00",
        "credited_number": "FA-2026-000001",
    }


def _blind_once(lookup):
    calls = {"n": 0}

    def blind(source_id: str):
        calls["n"] += 1
        return None if calls["n"] == 1 else lookup(source_id)

    return blind


# ---------------------------------------------------------------------------------------------------
# through the API: webhook, PDF, routes, emails, refund, export
# ---------------------------------------------------------------------------------------------------
def deliver(api, event, fake):
    payload, header = fake.signed(event)
    return api.http.post(
        "/v1/webhooks/stripe",
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
        body=payload,
    )


def _signed_in(api, email: str, role) -> str:
    from chalicelib.bootstrap import identity_provider
    from tests.integration.accounts_helpers import post as raw_post

    identity_provider().create_user(email, PASSWORD, role)
    return raw_post(api, "/v1/auth/signin", {"email": email, "password": PASSWORD}).json_body["id_token"]


def _ready(api, token, claim_id: str, number: str) -> dict:
    """The download link once the background PDF function has made the PDF (409 until then)."""
    deadline = time.monotonic() + 60
    while True:
        response = get(api, f"/v1/claims/{claim_id}/invoices/{number}", token)
        if response.status_code == 200:
            return response.json_body
        assert response.status_code == 409 and response.json_body["error"]["code"] == "invoice_not_ready"
        assert time.monotonic() < deadline, "the invoice's PDF was never made"
        time.sleep(0.1)


def _pdf_text(invoice_number: str) -> str:
    from chalicelib.adapters.document_store import DocumentStore
    from tests.unit.documents.helpers import pdf_text

    return pdf_text(DocumentStore().get(f"invoices/2025/{invoice_number}.pdf", 5_000_000))


@pytest.fixture
def no_escalation():
    """The payment starts no escalation: the claim stays paid and not yet under way, where the operator may
    still refuse it (a running escalation could send the notice first on a busy machine: then 409)."""
    from chalicelib.bootstrap import override

    with override("engine", NoWorkflow):
        yield


def test_a_paid_claim_has_its_invoice_a_refund_its_credit_note_for_its_creditor_only(
    api, stripe, no_escalation
):
    from chalicelib.domain.accounts import Role

    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    assert upload(api, token, claim_id, pdf_bytes())[0].status_code == 200
    submitted = post(api, f"/v1/claims/{claim_id}/submit", cgv(), token)
    assert submitted.status_code == 200, submitted.json_body
    paid = stripe.pay(submitted.json_body["checkout"]["session_id"])
    assert deliver(api, paid, stripe).status_code == 200

    [invoice] = get(api, f"/v1/claims/{claim_id}/invoices", token).json_body["invoices"]
    assert invoice["number"] == "FA-2025-000001" and invoice["kind"] == "invoice"
    assert (invoice["amount_ht"], invoice["amount_vat"], invoice["amount_ttc"]) == ("24.17", "4.83", "29.00")
    assert invoice["issued_on"] == "2025-03-31" and invoice["step"] == "notice"
    assert invoice["download_path"] == f"/v1/claims/{claim_id}/invoices/FA-2025-000001"
    link = _ready(api, token, claim_id, "FA-2025-000001")
    assert link["filename"] == "facture-FA-2025-000001.pdf" and len(link["sha256"]) == 64
    text = _pdf_text("FA-2025-000001")
    assert (
        "FACTURE N° FA-2025-000001" in text
        and "Atelier Numérique SAS" in text
        and "SIREN 732 829 320" in text
    )
    assert "Recouvrement Démo SAS" in text and "N° TVA intracommunautaire : FR68900000001" in text
    assert "Facture acquittée : payée le 31 mars 2025 par carte bancaire (Stripe)." in text
    assert "Créance DOS-2025-001 sur Rhône Distribution SARL" in text
    # The receipt names the invoice and where to download it.
    [receipt] = wait_for_mail(
        CREDITOR_EMAIL, lambda m: "FA-2025-000001" in m["body"] and "paiement reçu" in m["subject"]
    )
    assert "rubrique « Factures »" in receipt["body"]
    # The invoice itself follows, its PDF attached, once rendered (issue 24: « emailed with the receipt »).
    sent = _invoice_email("Votre facture FA-2025-000001 — créance DOS-2025-001 (Rhône Distribution SARL)")
    assert _attached(sent) == ("FA-2025-000001.pdf", "application/pdf", link["sha256"])
    assert "Montant TTC : 29,00 €" in _said(sent) and "Date : 31 mars 2025" in _said(sent)
    # Delivered again: still one invoice.
    assert deliver(api, paid, stripe).status_code == 200
    assert len(get(api, f"/v1/claims/{claim_id}/invoices", token).json_body["invoices"]) == 1

    # Someone else's claim: 404 as for an unknown claim; a lawyer never sees the fees: 403.
    other = creditor(api, "autre@exemple.fr")
    for path in (f"/v1/claims/{claim_id}/invoices", f"/v1/claims/{claim_id}/invoices/FA-2025-000001"):
        refused = get(api, path, other)
        assert (
            refused.status_code == 404
            and refused.json_body["error"]["message"] == "Cette créance est introuvable."
        )
    lawyer = _signed_in(api, "me.avocat@barreau.fr", Role.LAWYER)
    assert get(api, f"/v1/claims/{claim_id}/invoices", lawyer).status_code == 403
    assert get(api, f"/v1/claims/{claim_id}/invoices/FA-2025-000001", lawyer).status_code == 403
    assert get(api, "/v1/me/invoices", lawyer).status_code == 403
    assert get(api, "/v1/me/invoices", other).json_body["invoices"] == []
    assert get(api, f"/v1/claims/{claim_id}/invoices/FA-2025-999999", token).status_code == 404

    # The operator refuses the claim: Stripe refunds, its event makes the credit note.
    operator = _signed_in(api, "ops@plateforme.fr", Role.OPERATOR)
    reason = "Le débiteur est en liquidation judiciaire."
    assert (
        post(api, f"/v1/operator/claims/{claim_id}/reject", {"reasons": [reason]}, operator).status_code
        == 200
    )
    [refunded] = [e for e in stripe.events() if e["type"] == "charge.refunded"]
    assert deliver(api, refunded, stripe).status_code == 200
    assert deliver(api, refunded, stripe).status_code == 200
    listed = get(api, f"/v1/claims/{claim_id}/invoices", operator).json_body["invoices"]
    assert [(i["number"], i["kind"], i["amount_ttc"]) for i in listed] == [
        ("FA-2025-000001", "invoice", "29.00"),
        ("FA-2025-000002", "credit_note", "-29.00"),
    ]
    assert listed[1]["credited_number"] == "FA-2025-000001" and listed[1]["kind_label"] == "Facture d'avoir"
    note_link = _ready(api, token, claim_id, "FA-2025-000002")
    text = _pdf_text("FA-2025-000002")
    assert "FACTURE D'AVOIR N° FA-2025-000002" in text and "Facture d'origine : n° FA-2025-000001" in text
    assert "Total TTC de l'avoir -29,00 €" in text
    [refund_email] = wait_for_mail(
        CREDITOR_EMAIL, lambda m: "FA-2025-000002" in m["body"] and "remboursement" in m["subject"]
    )
    assert "facture d'avoir" in refund_email["body"].lower()
    sent_note = _invoice_email("Votre avoir FA-2025-000002 — créance DOS-2025-001")
    assert _attached(sent_note) == ("FA-2025-000002.pdf", "application/pdf", note_link["sha256"])
    assert "Montant TTC de l'avoir : 29,00 €" in _said(sent_note)
    assert "Facture d'origine : n° FA-2025-000001" in _said(sent_note)

    # The creditor's own list, a page at a time, newest first.
    first = get(api, "/v1/me/invoices?limit=1", token).json_body
    assert [i["number"] for i in first["invoices"]] == ["FA-2025-000002"] and first["next_cursor"]
    second = get(api, f"/v1/me/invoices?limit=1&cursor={first['next_cursor']}", token).json_body
    assert [i["number"] for i in second["invoices"]] == ["FA-2025-000001"]

    # The data export holds them, as issued, with a link to each PDF.
    export = exported(api, token)
    rows = {row["number"]: row for row in export["invoices"]}
    assert set(rows) == {"FA-2025-000001", "FA-2025-000002"}
    assert rows["FA-2025-000001"]["amounts"] == {
        "ht_cents": 2417,
        "vat_cents": 483,
        "ttc_cents": 2900,
        "vat_rate": "20",
    }
    assert rows["FA-2025-000002"]["credited_number"] == "FA-2025-000001"
    assert rows["FA-2025-000001"]["pdf_url"].startswith("http") and rows["FA-2025-000001"]["pdf_sha256"]
    assert exported(api, other)["invoices"] == []
    json.dumps(export)
    assert len(mailbox(CREDITOR_EMAIL)) >= 2
    # Each PDF was emailed once, however often the events came and the PDFs were asked for.
    subjects = [
        m["subject"]
        for m in mailbox(CREDITOR_EMAIL)
        if m["subject"].startswith(("Votre facture ", "Votre avoir "))
    ]
    assert sorted(subjects) == [
        "Votre avoir FA-2025-000002 — créance DOS-2025-001 (Rhône Distribution SARL)",
        "Votre facture FA-2025-000001 — créance DOS-2025-001 (Rhône Distribution SARL)",
    ]


def _invoice_email(subject_start: str) -> dict:
    """The invoice's own email, which the PDF function queues once the PDF is stored (in the background)."""
    [sent] = wait_for_mail(CREDITOR_EMAIL, lambda m: m["subject"].startswith(subject_start), timeout=60)
    return sent


def _said(message: dict) -> str:
    """A message's text, its spaces (narrow no-break ones in amounts) made plain."""
    from tests.unit.documents.helpers import normalise

    return normalise(message["body"])


def _attached(message: dict) -> tuple[str, str, str]:
    """(filename, type, SHA-256) of a message's one attachment, read back from the local SES."""
    import hashlib

    from chalicelib.settings import get_settings
    from infra.local.mailbox import attachment

    [only] = message["attachments"]
    found = attachment(get_settings().region, message["id"], only["index"])
    assert found is not None
    filename, content_type, content = found
    return filename, content_type, hashlib.sha256(content).hexdigest()


def test_a_refund_of_a_payment_invoiced_before_invoices_existed_invoices_it_first(aws):
    """A payment recorded before this feature has no invoice: its refund issues it, then the credit note."""
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.invoices_repository import InvoiceRepository
    from chalicelib.services.payments import handle_event

    creditor_id = _creditor_account()
    claims = ClaimRepository(wake_sender=None)
    paid = _awaiting_payment(claims, "clm-old", creditor_id, 1)
    handle_event(paid, claims=claims, workflow=NoWorkflow(), now=NOW)  # no invoicing yet
    assert InvoiceRepository().for_claim("clm-old") == []
    charge = {
        "id": "ch_1",
        "object": "charge",
        "amount": 2900,
        "amount_refunded": 1000,
        "currency": "eur",
        "payment_intent": "pi_1",
        "metadata": {"claim_id": "clm-old"},
    }
    refund = {"id": "evt_r", "object": "event", "type": "charge.refunded", "data": {"object": charge}}
    outcome = handle_event(refund, claims=claims, workflow=NoWorkflow(), now=NOW, invoicing=_invoicing())
    assert outcome.result == "refund recorded"
    invoice, note = InvoiceRepository().for_claim("clm-old")
    assert (invoice.number, invoice.amounts.ttc_cents) == ("FA-2026-000001", 2900)
    assert (note.number, note.amounts.ttc_cents, note.credited_number) == (
        "FA-2026-000002",
        -1000,
        invoice.number,
    )
    assert note.source_id == "refund:ch_1-1000"  # the charge did not list its refunds
    # The rest refunded later: a second credit note for what is left, never more.
    charge2 = charge | {"amount_refunded": 2900}
    handle_event(
        {"id": "evt_r2", "object": "event", "type": "charge.refunded", "data": {"object": charge2}},
        claims=claims,
        workflow=NoWorkflow(),
        now=NOW,
        invoicing=_invoicing(),
    )
    notes = [i for i in InvoiceRepository().for_claim("clm-old") if i.is_credit_note]
    assert [n.amounts.ttc_cents for n in notes] == [-1000, -1900]
