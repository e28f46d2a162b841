"""Every notification renders from a sample context: subject, plain text and HTML, in French."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from chalicelib.documents.emails import EMAIL_KINDS, Attachment, render_email
from tests.unit.documents.helpers import normalise

ROOT = Path(__file__).resolve().parents[3]
BASE = "https://recouvrement.example.fr"
DEBTOR = "Dupont & <Fils>"
CLAIM = {
    "base_url": BASE,
    "claim_id": "CLM-2026-0042",
    "debtor_name": DEBTOR,
    "claim_reference": "F-2025-0010",
}
NOTICE_PDF = Attachment("mise-en-demeure-F-2025-0010.pdf", b"%PDF-1.7\n%test\n")

# One realistic context per kind: what the claim services and identity.py pass.
SAMPLES: dict[str, dict[str, Any]] = {
    "signup_code": {"code": "482913", "expires_in_minutes": 1440},
    "password_reset_code": {"code": "305517", "expires_in_minutes": 60},
    "account_exists": {"sign_in_url": f"{BASE}/#/connexion", "reset_url": f"{BASE}/#/mot-de-passe-oublie"},
    "lawyer_invitation": {
        "email": "me.martin@barreau-lyon.fr",
        "temporary_password": "Xk3mPq9rTz2w7",
        "sign_in_url": f"{BASE}/",
    },
    "rate_proposal": {
        "base_url": BASE,
        "semester": "2026-S2",
        "ecb_mro": "2,15",
        "particuliers": "6,50",
        "autres_cas": "2,50",
        "source": "BCE, série FM.D.U2.EUR.4F.KR.MRR_FR.LEV ; Banque de France Webstat (valeurs de test)",
        "review_url": f"{BASE}/#/operateur",
        "simulated": True,
    },
    "operator_invitation": {
        "email": "ops@plateforme.fr",
        "temporary_password": "Rt5nBv8cXz1q7",
        "sign_in_url": f"{BASE}/",
    },
    "claim_submitted": CLAIM
    | {
        "amount_due": Decimal("49.00"),
        "payment_url": "https://checkout.example.fr/pay/cs_test_1",
        "amount_claimed": "1234.56",
    },
    "payment_received": CLAIM | {"amount_paid": "49.00", "paid_on": dt.date(2026, 11, 22)},
    "claim_rejected": CLAIM
    | {
        "reasons": [
            {
                "code": "ip_refused_time_barred",
                "article": "C. com. L110-4 ; CPC 1405",
                "message": "Créance prescrite : aucune injonction de payer ni aucune lettre de relance ne "
                "doit être envoyée.",
            },
            "Débiteur domicilié hors de l'Union européenne.",
        ],
        "refund_amount": "49.00",
    },
    "notice_sent": CLAIM
    | {
        "sent_on": "2026-11-22",
        "payment_deadline": "2026-12-03",
        "amount_claimed": Decimal("1234.56"),
        "channel": "lrar",
    },
    "settled": CLAIM | {"settled_on": "2026-12-01", "amount_paid": "1234.56"},
    "debtor_declared_payment": CLAIM
    | {"paid_on": "2026-12-01", "amount_paid": "250.00", "confirm_url": f"{BASE}/#/creances/CLM-2026-0042"},
    "debtor_plan_requested": CLAIM
    | {
        "instalments": 3,
        "first_date": "2026-12-15",
        "amount_claimed": "1061.26",
        "answer_url": f"{BASE}/#/creances/CLM-2026-0042",
    },
    "debtor_plan_missed": CLAIM
    | {
        "due_on": "2026-12-15",
        "amount_due": "353.75",
        "claim_url_resume": f"{BASE}/#/creances/CLM-2026-0042",
    },
    "debtor_proceedings": CLAIM
    | {
        "proceedings_kind": "liquidation judiciaire",
        "published_on": "2026-11-20",
        "declaration_deadline": "2027-01-20",
        "mandataire": "Me Hélène Rivière, 12 allée Jean Jaurès 31000 Toulouse",
        "court_name": "Tribunal de commerce de Toulouse",
    },
    "disputed": CLAIM | {"disputed_on": "2026-11-30", "dispute_summary": "Travaux non terminés"},
    "invoice_issued": CLAIM
    | {
        "invoice_number": "FA-2026-000001",
        "credit_note": False,
        "issued_on": "2026-11-25",
        "amount_ttc": "29.00",
    },
    "notice_delivery": CLAIM
    | {
        "outcome": "non distribuable",
        "event_on": "2026-11-25",
        "explanation": "Pli non distribuable (adresse inconnue ou incomplète).",
        "article": "RULEBOOK 4.3",
        "correct_address": True,
    },
    "escalation_offered": CLAIM
    | {
        "deadline": "2026-12-03",
        "escalation_price": "89.00",
        "accept_url": f"{BASE}/#/creances/CLM-2026-0042/injonction",
        "offer_expires_on": "2027-01-03",
    },
    "dossier_ready": CLAIM | {"court_name": "Tribunal judiciaire de Nantes"},
    "lawyer_assigned": CLAIM
    | {"lawyer_name": "Maître Jeanne Martin", "lawyer_bar": "Lyon", "lawyer_firm": "Martin Avocats"},
    "filed": CLAIM | {"filed_on": "2027-01-15", "court_name": "Tribunal judiciaire de Nantes"},
    "refund_issued": CLAIM
    | {"refund_amount": "49.00", "reason": "Créance refusée après vérification", "refunded_on": "2026-11-23"},
    "withdrawn": CLAIM | {"withdrawn_on": "2026-11-25"},
    "claim_closed": CLAIM | {"closed_on": "2027-01-04"},
    "needs_attention": CLAIM,
    "operator_alert": CLAIM
    | {
        "creditor_name": "Plomberie Martin SARL",
        "previous_status": "notice_sent",
        "error": "States.TaskFailed : le prestataire postal ne répond pas",
    },
    "import_finished": {
        "base_url": BASE,
        "drafts_created": 12,
        "lines_rejected": 1,
        "report_url": f"{BASE}/#/imports/IMP-7",
        "file_name": "balance-agee-novembre.csv",
    },
    "data_export_ready": {
        "base_url": BASE,
        "profile_url": f"{BASE}/#/profil",
        "available_days": 7,
        "claims_count": 2000,
    },
    "reminder_escalation_pending": CLAIM
    | {
        "offered_on": "2026-12-04",
        "escalation_price": "89.00",
        "accept_url": f"{BASE}/#/creances/CLM-2026-0042/injonction",
    },
    "claim_resumed": CLAIM | {"status_label": "Mise en demeure envoyée"},
    "order_granted": CLAIM
    | {
        "ordered_on": "2027-01-12",
        "outcome_label": "requête accueillie partiellement",
        "partly": True,
        "service_deadline": "2027-07-12",
        "court_name": "Tribunal de commerce de Nantes",
    },
    "order_rejected": CLAIM | {"ordered_on": "2027-01-12", "court_name": "Tribunal de commerce de Nantes"},
    "served": CLAIM
    | {
        "served_on": "2027-02-03",
        "opposition_deadline": "2027-03-03",
        "to_check": "Signification non faite à personne : date à vérifier par l'avocat.",
    },
    "opposed": CLAIM | {"opposed_on": "2027-02-20"},
    "enforcement_started": CLAIM | {"started_on": "2027-03-10", "enforcement_note": "Saisie-attribution"},
    "deadline_reminder": CLAIM
    | {
        "deadline_label": "Signification de l'ordonnance (sinon non avenue)",
        "last_day": "2027-07-12",
        "article": "CPC art. 1411",
        "days_left": 30,
    },
    "lawyer_deadline_reminder": {
        "claim_id": "CLM-2026-0042",
        "claim_reference": "F-2025-0010",
        "creditor_name": "Plomberie Martin SARL",
        "debtor_name": DEBTOR,
        "deadline_label": "Signification de l'ordonnance (sinon non avenue)",
        "last_day": "2027-07-12",
        "article": "CPC art. 1411",
        "days_left": 7,
        "portal_url": f"{BASE}/#/avocat/dossiers/CLM-2026-0042",
    },
    "claim_in_review": CLAIM
    | {
        "reasons": [
            {
                "code": "lawyer_review_prescription_at_risk",
                "article": "Rulebook 1.2",
                "message": "Prescription à risque : pas de mise en demeure ni d'injonction automatique ; un "
                "avocat décide.",
            }
        ],
        "lawyer_name": "Maître Jeanne Martin",
    },
    "review_approved": CLAIM
    | {"lawyer_name": "Maître Jeanne Martin", "note": "Reconnaissance de dette du 3 mars."},
    "review_requested": {
        "claim_id": "CLM-2026-0042",
        "claim_reference": "F-2025-0010",
        "creditor_name": "Plomberie Martin SARL",
        "debtor_name": DEBTOR,
        "amount_claimed": "1234.56",
        "reasons": ["Prescription à risque : un avocat décide."],
        "prescription_end": "2027-03-01",
        "portal_url": f"{BASE}/#/avocat/dossiers/CLM-2026-0042",
    },
    "dossier_assigned": {
        "claim_id": "CLM-2026-0042",
        "claim_reference": "F-2025-0010",
        "creditor_name": "Plomberie Martin SARL",
        "debtor_name": DEBTOR,
        "court_name": "Tribunal judiciaire de Nantes",
        "amount_claimed": "1234.56",
        "urgent": True,
        "prescription_end": "2027-03-01",
        "portal_url": f"{BASE}/#/avocat/dossiers/CLM-2026-0042",
    },
    "debtor_notice": {
        "creditor_name": "Plomberie Martin SARL",
        "debtor_name": DEBTOR,
        "claim_reference": "F-2025-0010",
        "amount_claimed": "1234.56",
        "letter_date": "2026-11-22",
        "payment_days": 8,
        "presentation_date": "2026-11-25",
        "payment_deadline": "2026-12-03",
        "channel": "lrar",
        "tracking_number": "1A00123456789",
        "creditor_email": "contact@plomberie-martin.example.fr",
        "debtor_page_url": f"{BASE}/#/d/Xk3mPq9rTz2w7Yb5Nc8Ld1Vf4H",
    },
    "debtor_instalment_reminder": {
        "creditor_name": "Plomberie Martin SARL",
        "debtor_name": DEBTOR,
        "claim_reference": "F-2025-0010",
        "amount_due": "353.75",
        "due_on": "2026-12-15",
        "rf_reference": "RF183C21AFDD34AA48388EB2",
        "debtor_page_url": f"{BASE}/#/d/Xk3mPq9rTz2w7Yb5Nc8Ld1Vf4H",
    },
    "debtor_reminder": {
        "creditor_name": "Plomberie Martin SARL",
        "debtor_name": DEBTOR,
        "claim_reference": "F-2025-0010",
        "amount_due": "1234.56",
        "letter_date": "2026-11-15",
    },
}
CLAIM_KINDS = [
    name for name, kind in EMAIL_KINDS.items() if kind.audience == "creditor" and "claim_id" in kind.required
]
ENGLISH = re.compile(
    r"\b(the|your|you|please|click|here|payment|claim|debtor|creditor|dear|regards|none|true|false|"
    r"null|undefined)\b",
    re.IGNORECASE,
)
HTML_TAG = re.compile(r"</?(html|body|p|a|div|table|tr|td|br|strong|ul|ol|li|span)\b[^>]*>", re.IGNORECASE)
FOOTER = "Message automatique du service d'envoi « Recouvrement de créances en ligne »"


def _render(kind: str, **overrides: Any):
    attachments = (NOTICE_PDF,) if EMAIL_KINDS[kind].needs_attachment else ()
    return render_email(kind, SAMPLES[kind] | overrides, attachments=attachments)


def _visible(html: str) -> str:
    """The HTML's text as a reader sees it (tags dropped, entities decoded, spaces normalised)."""
    import html as html_lib

    return normalise(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_every_kind_has_a_sample_and_its_templates() -> None:
    assert set(SAMPLES) == set(EMAIL_KINDS)
    templates = ROOT / "templates" / "emails"
    for kind in EMAIL_KINDS:
        for suffix in ("subject.txt", "txt", "html"):
            assert (templates / f"{kind}.{suffix}").is_file(), (kind, suffix)


@pytest.mark.parametrize("kind", sorted(EMAIL_KINDS))
def test_each_kind_renders_a_one_line_subject_a_text_and_an_html_body(kind: str) -> None:
    email = _render(kind)
    assert email.kind == kind
    assert email.subject and "\n" not in email.subject and "\r" not in email.subject
    assert len(email.subject) < 130
    assert not HTML_TAG.search(email.text), email.text
    assert "{{" not in email.text and "{%" not in email.html
    assert email.html.lstrip().startswith("<!doctype html>")
    assert f"<title>{escape(email.subject)}</title>" in email.html
    assert 'style="max-width:600px' in email.html
    assert "<style" not in email.html and "<img" not in email.html and "<script" not in email.html
    # the footer: an automatic message from the sending service, how to reach support, no legal advice
    for body in (normalise(email.text), _visible(email.html)):
        assert FOOTER in body
        assert "Pour joindre le support : support@claims.localhost" in body
        assert "ce service ne donne pas de conseil juridique" in body


@pytest.mark.parametrize("kind", sorted(EMAIL_KINDS))
def test_no_english_word_leaks_into_what_the_reader_sees(kind: str) -> None:
    email = _render(kind)
    for body in (email.subject, email.text, _visible(email.html)):
        without_links = re.sub(r"\S+@\S+|https?://\S+", "", body)
        assert not ENGLISH.search(without_links), ENGLISH.search(without_links)


@pytest.mark.parametrize("kind", CLAIM_KINDS)
def test_claim_emails_name_the_claim_and_link_to_its_page(kind: str) -> None:
    email = _render(kind)
    link = f"{BASE}/#/creances/CLM-2026-0042"
    assert "F-2025-0010" in email.subject and DEBTOR in email.subject  # a header: not HTML-escaped
    assert DEBTOR in email.text and "F-2025-0010" in email.text
    assert link in email.text
    assert f'href="{link}"' in email.html


@pytest.mark.parametrize(
    "kind", [*CLAIM_KINDS, "dossier_assigned", "lawyer_deadline_reminder", "review_requested"]
)
def test_the_html_escapes_the_debtor_name(kind: str) -> None:
    html = _render(kind).html
    assert "Dupont &amp; &lt;Fils&gt;" in html
    assert "<Fils>" not in html


def test_the_claim_reference_defaults_to_the_claim_id() -> None:
    context = {key: value for key, value in SAMPLES["settled"].items() if key != "claim_reference"}
    email = render_email("settled", context)
    assert email.subject.startswith("Créance CLM-2026-0042 (")


def test_amounts_and_dates_are_written_the_french_way() -> None:
    text = normalise(_render("notice_sent").text)
    assert "Somme réclamée : 1 234,56 €" in text
    assert "envoyée le 22 novembre 2026" in text
    assert "Date limite de paiement indiquée : 3 décembre 2026" in text
    assert "par lettre recommandée avec accusé de réception" in text
    html = _visible(_render("notice_sent").html)
    assert "Somme réclamée 1 234,56 €" in html
    assert "1er janvier 2027" in normalise(render_email("settled", CLAIM | {"settled_on": "2027-01-01"}).text)
    submitted = normalise(_render("claim_submitted").text)
    assert "Montant à régler : 49,00 €" in submitted
    assert "Payer en ligne : https://checkout.example.fr/pay/cs_test_1" in submitted


def test_account_codes_are_easy_to_find_with_their_lifetime() -> None:
    signup = _render("signup_code")
    assert "Votre code de vérification est : 482913" in signup.text
    assert re.search(r"\b(\d{6})\b", signup.text).group(1) == "482913"  # what the e2e test reads
    assert "Il est valable 24 heures." in signup.text
    assert signup.subject == "Votre code de vérification"
    reset = _render("password_reset_code")
    assert "Votre code de réinitialisation est : 305517" in reset.text
    assert "Il est valable une heure." in reset.text
    assert render_email("signup_code", {"code": "1", "expires_in_minutes": 15}).text.count("15 minutes") == 1


def test_invitations_give_the_sign_in_address_and_the_temporary_password() -> None:
    lawyer = _render("lawyer_invitation")
    assert lawyer.subject == "Invitation à la plateforme de recouvrement"
    assert "en tant qu'avocat partenaire" in lawyer.text
    assert re.search(r"Mot de passe provisoire : (\S+)", lawyer.text).group(1) == "Xk3mPq9rTz2w7"
    assert f"Adresse de connexion : {BASE}/" in lawyer.text and f'href="{BASE}/"' in lawyer.html
    operator = _render("operator_invitation")
    assert "opérateur de la plateforme" in operator.text


def test_the_rejection_lists_the_legal_findings_and_announces_the_refund() -> None:
    email = _render("claim_rejected")
    text = normalise(email.text)
    assert "pour les raisons suivantes :" in text
    assert (
        "- Créance prescrite : aucune injonction de payer" in text and "(C. com. L110-4 ; CPC 1405)" in text
    )
    assert "- Débiteur domicilié hors de l'Union européenne." in text
    assert "Le montant que vous avez réglé, 49,00 €, vous est remboursé" in text
    assert "ne constituent pas un conseil juridique" in text
    assert email.html.count("<li ") == 2
    single = render_email("claim_rejected", SAMPLES["claim_rejected"] | {"reasons": ["Rien n'est dû."]})
    assert "pour la raison suivante :" in single.text


def test_a_refusal_after_a_lawyers_review_gives_the_lawyers_reason_not_the_engines() -> None:
    email = render_email(
        "claim_rejected",
        SAMPLES["claim_rejected"]
        | {
            "reasons": ["La reconnaissance de dette n'est pas signée."],
            "reviewed_by": "Maître Jeanne Martin",
        },
    )
    text = normalise(email.text)
    assert "Maître Jeanne Martin, avocat partenaire, estime" in text
    assert "- La reconnaissance de dette n'est pas signée." in text
    assert "vérification automatique" not in text and "vérification automatique" not in email.html
    assert "vous est remboursé" in text


def test_the_review_emails_say_why_and_that_nothing_leaves_before_the_decision() -> None:
    creditor = normalise(_render("claim_in_review").text)
    assert "Prescription à risque" in creditor and "(Rulebook 1.2)" in creditor
    assert "confié à Maître Jeanne Martin" in creditor
    assert "Aucun courrier n'est envoyé au débiteur avant sa décision" in creditor
    lawyer = _render("review_requested")
    assert "Bonjour Maître" in lawyer.text and "/#/avocat/dossiers/CLM-2026-0042" in lawyer.html
    assert "1er mars 2027" in normalise(lawyer.text) or "1 mars 2027" in normalise(lawyer.text)
    approved = normalise(_render("review_approved").text)
    assert "donné son accord" in approved and "Reconnaissance de dette du 3 mars." in approved


def test_the_notice_email_announces_its_attachment_and_carries_it() -> None:
    email = _render("notice_sent")
    assert email.attachments == (NOTICE_PDF,)
    assert "La copie de la mise en demeure est jointe à ce message au format PDF" in email.text
    assert "mise-en-demeure-F-2025-0010.pdf" in email.text and "mise-en-demeure-F-2025-0010.pdf" in email.html
    with pytest.raises(ValueError, match="attachment"):
        render_email("notice_sent", SAMPLES["notice_sent"])


INVOICE_PDF = Attachment("FA-2026-000001.pdf", b"%PDF-1.7\n%facture\n")


def test_the_invoice_email_carries_its_pdf_with_its_number_date_and_amount() -> None:
    email = render_email("invoice_issued", SAMPLES["invoice_issued"], attachments=(INVOICE_PDF,))
    assert email.subject == "Votre facture FA-2026-000001 — créance F-2025-0010 (Dupont & <Fils>)"
    assert email.attachments == (INVOICE_PDF,)
    text = normalise(email.text)
    assert "Vous trouverez ci-joint, au format PDF, la facture n° FA-2026-000001" in text
    for line in ("Date : 25 novembre 2026", "Montant TTC : 29,00 €", "Pièce jointe : FA-2026-000001.pdf"):
        assert line in text, line
    assert "acquittée : il n'y a rien à régler" in text and "Facture d'origine" not in text
    html = _visible(email.html)
    assert "Montant TTC 29,00 €" in html and "Pièce jointe FA-2026-000001.pdf" in html
    with pytest.raises(ValueError, match="attach"):
        render_email("invoice_issued", SAMPLES["invoice_issued"])


def test_the_credit_note_email_says_avoir_and_names_the_invoice_it_credits() -> None:
    context = SAMPLES["invoice_issued"] | {
        "invoice_number": "FA-2026-000002",
        "credit_note": True,
        "credited_number": "FA-2026-000001",
    }
    email = render_email("invoice_issued", context, attachments=(INVOICE_PDF,))
    assert email.subject.startswith("Votre avoir FA-2026-000002 — créance F-2025-0010")
    text = normalise(email.text)
    assert "la facture d'avoir n° FA-2026-000002" in text
    assert "Montant TTC de l'avoir : 29,00 €" in text and "Facture d'origine : n° FA-2026-000001" in text
    assert "remboursement" in text and "acquittée" not in text
    assert "Facture d'origine n° FA-2026-000001" in _visible(email.html)


def test_the_invoice_service_queues_what_the_template_renders() -> None:
    """``services/invoices.invoice_email`` passes the queue's check, with the PDF's key as attachment."""
    from datetime import UTC, datetime

    from chalicelib.documents.emails import check_queued
    from chalicelib.domain.fee_invoices import Party, credit_note, payment_invoice
    from chalicelib.domain.payments import PaymentStep
    from chalicelib.services.invoices import invoice_email, invoice_email_key

    paid_at = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    invoice = payment_invoice(
        claim_id="CLM-2026-0042",
        creditor_id="creditor-1",
        reference="F-2025-0010",
        debtor_name=DEBTOR,
        step=PaymentStep.NOTICE,
        ttc_cents=2900,
        vat_rate_percent=20,
        seller=Party("Recouvrement Démo SAS"),
        buyer=Party("Atelier Numérique SAS"),
        paid_at=paid_at,
        paid_on=paid_at.date(),
        payment_method="card",
        payment_intent="pi_1",
    ).numbered(1)
    note = credit_note(
        invoice, refund_id="re_1", refunded_cents=2900, refunded_at=paid_at, refunded_on=paid_at.date()
    ).numbered(2)
    for document, subject in (
        (invoice, "Votre facture FA-2026-000001"),
        (note, "Votre avoir FA-2026-000002"),
    ):
        queued = invoice_email(document)
        assert queued.to == "creditor" and queued.attachments == (f"invoices/2026/{document.number}.pdf",)
        assert queued.json_context()["amount_ttc"] == "29.00"  # a credit note's amount is shown positive
        check_queued(queued.kind, queued.json_context(), attachments=len(queued.attachments))
        email = render_email(queued.kind, CLAIM | queued.json_context(), attachments=(INVOICE_PDF,))
        assert email.subject.startswith(subject)
    assert invoice_email(note).json_context()["credited_number"] == "FA-2026-000001"
    assert invoice_email_key(invoice) == "invoice-FA-2026-000001"


def test_the_escalation_offer_gives_the_price_and_the_link_to_accept() -> None:
    email = _render("escalation_offered")
    text = normalise(email.text)
    assert "a expiré le 3 décembre 2026" in text
    assert "Prix du dossier : 89,00 €" in text
    assert f"Accepter la proposition : {BASE}/#/creances/CLM-2026-0042/injonction" in text
    assert "Proposition valable jusqu'au : 3 janvier 2027" in text
    reminder = normalise(_render("reminder_escalation_pending").text)
    assert "Le 4 décembre 2026, la plateforme vous a proposé" in reminder
    assert "n'a pas encore été reçue" in reminder


def test_the_lawyer_sees_court_amount_urgency_and_the_portal_link() -> None:
    email = _render("dossier_assigned")
    text = normalise(email.text)
    assert email.subject.startswith("URGENT — Nouveau dossier d'injonction de payer : F-2025-0010")
    assert "Juridiction : Tribunal judiciaire de Nantes" in text
    assert "Montant réclamé : 1 234,56 €" in text
    assert "dernier jour pour agir le 1er mars 2027" in text
    assert f'href="{BASE}/#/avocat/dossiers/CLM-2026-0042"' in email.html
    calm = render_email("dossier_assigned", SAMPLES["dossier_assigned"] | {"urgent": False})
    assert "URGENT" not in calm.subject and "URGENT" not in calm.text and "URGENT" not in calm.html
    assert "fournies par les créanciers" in text


def test_lawyer_assigned_names_the_lawyer_and_the_bar() -> None:
    text = normalise(_render("lawyer_assigned").text)
    assert "est confié à Maître Jeanne Martin, avocat au barreau de Lyon (Martin Avocats)" in text


def test_closing_and_needs_attention_tell_the_creditor_what_happens_next() -> None:
    closed = normalise(_render("claim_closed").text)
    assert "est clôturé depuis le 4 janvier 2027" in closed
    attention = _render("needs_attention")
    assert "votre dossier est examiné par notre équipe" in attention.subject
    assert "Vous n'avez rien à faire pour l'instant" in normalise(attention.text)


def test_the_operator_alert_names_the_claim_the_status_before_and_the_error() -> None:
    email = _render("operator_alert")
    text = normalise(email.text)
    assert email.subject == f"Intervention requise : créance F-2025-0010 ({DEBTOR})"
    assert "Identifiant : CLM-2026-0042" in text and "Créancier : Plomberie Martin SARL" in text
    assert "Statut avant l'incident : Mise en demeure envoyée" in text
    assert "Erreur : States.TaskFailed : le prestataire postal ne répond pas" in text
    assert f'href="{BASE}/#/creances/CLM-2026-0042"' in email.html
    assert "fournies par les créanciers" in text  # the operator is not the one who filed it


def test_a_queued_email_is_checked_without_the_keys_the_sender_adds() -> None:
    from chalicelib.documents.emails import check_queued

    check_queued("payment_received", {"amount_paid": "29.00", "paid_on": "2026-11-22"})
    check_queued("settled", {})
    with pytest.raises(ValueError, match=r"payment_received.*missing.*amount_paid"):
        check_queued("payment_received", {"paid_on": "2026-11-22"})
    with pytest.raises(ValueError, match="never int cents"):
        check_queued("payment_received", {"amount_paid": 2900, "paid_on": "2026-11-22"})
    with pytest.raises(ValueError, match="unexpected"):
        check_queued("settled", {"amount_payed": "1.00"})
    with pytest.raises(ValueError, match="attached"):
        check_queued("notice_sent", SAMPLES["notice_sent"])
    check_queued("notice_sent", SAMPLES["notice_sent"], attachments=1)
    with pytest.raises(ValueError, match="unknown email kind"):
        check_queued("welcome", {})


def test_import_report_counts_in_french() -> None:
    email = _render("import_finished")
    assert email.subject == "Import terminé : 12 brouillons créés, 1 ligne rejetée"
    assert f"Rapport d'import (lignes rejetées et motifs) : {BASE}/#/imports/IMP-7" in email.text
    none_rejected = render_email("import_finished", SAMPLES["import_finished"] | {"lines_rejected": 0})
    assert "0 ligne rejetée" in none_rejected.subject
    assert "peuvent être corrigées" not in none_rejected.text


def test_the_data_export_email_links_to_the_profile_and_attaches_nothing() -> None:
    email = _render("data_export_ready")
    assert email.subject == "Votre export de données est prêt" and email.attachments == ()
    assert f"{BASE}/#/profil" in email.text and f'href="{BASE}/#/profil"' in email.html
    assert "2 000 créances" in normalise(email.text) or "2000 créances" in normalise(email.text)
    assert "n'est pas joint" in email.text and "7 jours" in email.text


def test_optional_values_may_be_left_out() -> None:
    minimal = {key: SAMPLES["settled"][key] for key in EMAIL_KINDS["settled"].required}
    text = render_email("settled", minimal).text
    assert "est enregistrée comme réglée." in normalise(text)


def test_a_missing_key_is_a_clear_error() -> None:
    for kind, sample in SAMPLES.items():
        for key in EMAIL_KINDS[kind].required:
            context = {k: v for k, v in sample.items() if k != key}
            with pytest.raises(ValueError, match=rf"{kind}.*missing.*{key}"):
                render_email(kind, context, attachments=(NOTICE_PDF,))


@pytest.mark.parametrize(
    ("kind", "override", "message"),
    [
        ("claim_submitted", {"amount_due": 4900}, "never int cents"),
        ("claim_submitted", {"amount_due": 49.0}, "never int cents"),
        ("claim_submitted", {"amount_due": "quarante"}, "amount in euros"),
        ("claim_submitted", {"payment_url": "javascript:alert(1)"}, "http"),
        ("payment_received", {"paid_on": "22/11/2026"}, "ISO date"),
        ("import_finished", {"drafts_created": -1}, "int ≥ 0"),
        ("dossier_assigned", {"urgent": "oui"}, "bool"),
        ("claim_rejected", {"reasons": []}, "non-empty list"),
        ("claim_rejected", {"reasons": "prescrite"}, "non-empty list"),
        ("settled", {"debtor_name": "  "}, "non-empty string"),
        ("settled", {"amount_payed": "1.00"}, "unexpected context key"),
    ],
)
def test_a_mistyped_or_unexpected_value_is_a_clear_error(kind: str, override: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _render(kind, **override)


def test_an_unknown_kind_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown email kind 'welcome'"):
        render_email("welcome", {})


def test_attachment_names_cannot_carry_a_path() -> None:
    with pytest.raises(ValueError, match="filename"):
        Attachment("../etc/passwd", b"")
    with pytest.raises(ValueError, match="media type"):
        Attachment("a.pdf", b"", media_type="pdf")


def test_the_caller_may_name_the_platform_and_its_support() -> None:
    email = render_email(
        "withdrawn", SAMPLES["withdrawn"] | {"platform_name": "Recouvra", "support_email": "aide@recouvra.fr"}
    )
    assert "Message automatique du service d'envoi « Recouvra »" in email.text
    assert "Pour joindre le support : aide@recouvra.fr." in email.text
    assert 'href="mailto:aide@recouvra.fr"' in email.html


def test_importing_the_emails_does_not_import_weasyprint() -> None:
    code = "import sys, chalicelib.documents.emails; assert 'weasyprint' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
