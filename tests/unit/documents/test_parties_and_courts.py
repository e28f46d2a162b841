"""Creditors who are natural persons (CPC 54) and the juge des contentieux de la protection (RULEBOOK 2.3).

Variants of the shared cases: a private lender (case 22, a loan between individuals), an artisan in his own
name (case 08 with another creditor) and a landlord claiming rent arrears (case 08 as a residential lease,
which the legal engine routes to the juge des contentieux de la protection, Cerfa 16040).
"""

from __future__ import annotations

import functools
import re

import pytest

from chalicelib.documents.context import DocumentContext
from chalicelib.documents.formatting import date_long as french_long
from chalicelib.documents.letters import DocumentKind, document_html, document_pdf
from tests.unit.documents.fixtures import make_context
from tests.unit.documents.helpers import pdf_text, save_pages

LEASE = "Bail d'habitation du 1er septembre 2023"
VARIANTS = {
    "private_lender": {
        "key": "individual_loan",
        "invoice_object": "Prêt d'une somme d'argent",
        "contract_ref": None,
        "contract_title": "Reconnaissance de dette signée le 1er mars 2024",
    },
    "artisan": {"key": "b2c", "creditor": "Julien Faure"},
    "landlord": {
        "key": "b2c",
        "creditor": "Sophie Lambert",
        "nature": "residential_rent",
        "invoice_object": "Loyer et charges de mars 2025",
        "contract_ref": LEASE,
        "contract_title": LEASE,
    },
}
ALL_KINDS: tuple[DocumentKind, ...] = (
    "relance",
    "mise_en_demeure",
    "decompte",
    "requete",
    "bordereau",
    "note_avocat",
)


@functools.cache
def _context(variant: str) -> DocumentContext:
    options = dict(VARIANTS[variant])
    return make_context(str(options.pop("key")), **options)  # type: ignore[arg-type]


@functools.cache
def _text(variant: str, kind: DocumentKind) -> str:
    pdf = document_pdf(kind, _context(variant))
    save_pages(pdf, f"{kind}-{variant}")
    return pdf_text(pdf)


# --- the juge des contentieux de la protection ------------------------------------------------------------


def test_rent_arrears_are_routed_to_the_juge_des_contentieux_de_la_protection() -> None:
    route = _context("landlord").route
    assert route["court_kind"] == "juge_des_contentieux_de_la_protection"
    assert route["court_name"] == "Tribunal judiciaire de Nantes"  # where the judge sits
    assert route["cerfa"] == "16040"


def test_the_requete_is_addressed_to_the_juge_des_contentieux_de_la_protection() -> None:
    text = _text("landlord", "requete")
    judge = "Madame, Monsieur le Juge des contentieux de la protection du Tribunal judiciaire de Nantes"
    assert f"À {judge} 19 quai Francois Mitterrand, 44000 Nantes" in text
    assert f"Le requérant prie {judge} de bien vouloir rendre une ordonnance" in text
    assert "Président" not in text
    # the basis in words, never the engine's code
    assert f"loyers et charges dus en exécution d'un bail d'habitation ({LEASE})" in text
    assert "créance n° F-2025-0010 du 10/03/2025 (exigible le 10/04/2025)" in text
    assert "residential_rent" not in text


def test_the_lawyer_note_names_the_jcp_form_and_the_notice_the_jcp() -> None:
    note = _text("landlord", "note_avocat")
    assert (
        "Madame, Monsieur le Juge des contentieux de la protection du Tribunal judiciaire de Nantes" in note
    )
    assert "Cerfa n° 16040" in note
    notice = _text("landlord", "mise_en_demeure")
    assert (
        "le juge compétent (juge des contentieux de la protection du tribunal judiciaire de Nantes)" in notice
    )
    assert (
        "vous a consenti un bail d'habitation ; le loyer et les charges détaillés ci-dessous sont échus"
        in notice
    )


@pytest.mark.parametrize(
    ("variant", "judge"),
    [
        ("artisan", "Président du Tribunal judiciaire de Nantes"),
        ("private_lender", "Président du Tribunal judiciaire de Toulouse"),
    ],
)
def test_an_ordinary_debt_of_a_consumer_goes_to_the_president_of_the_tribunal_judiciaire(
    variant: str, judge: str
) -> None:
    assert _context(variant).route["court_kind"] == "tribunal_judiciaire"
    assert f"À Madame, Monsieur le {judge}" in _text(variant, "requete")
    assert "Cerfa n° 12948" in _text(variant, "note_avocat")


# --- a creditor who is a natural person -------------------------------------------------------------------

LAMBERT_SHORT = "Mme Sophie Lambert, demeurant 5 rue des Filatiers, 31000 Toulouse"
LAMBERT_CPC_54 = (
    "Mme Sophie Lambert, professeure des écoles, née le 12 avril 1978 à Albi (Tarn), "
    "de nationalité française, demeurant 5 rue des Filatiers, 31000 Toulouse"
)


def test_a_private_lenders_notice_names_her_without_company_lines() -> None:
    text = _text("private_lender", "mise_en_demeure")
    assert (
        f"{LAMBERT_SHORT}, vous a consenti le prêt détaillé ci-dessous, dont l'échéance de remboursement"
        in text
    )
    assert "Titulaire : Sophie Lambert IBAN : FR76 3000 1007 9412 3456 7890 185" in text
    assert "Mme Sophie Lambert Signature" in text  # she signs herself, nobody signs "pour" her
    for absent in ("SIREN", "SIRET", "RCS", "immatriculée", "siège social", "représentée par", "capital"):
        assert absent not in text, absent
    # a letter to the debtor needs no birth date or nationality (data minimisation)
    assert "née le" not in text and "nationalité" not in text
    assert "Pour Sophie Lambert" not in text and "None" not in text


def test_a_private_lenders_requete_gives_every_cpc_54_mention() -> None:
    text = _text("private_lender", "requete")
    # (section headings are upper case in the PDF)
    assert f"LE REQUÉRANT {LAMBERT_CPC_54}. CONTRE LE DÉBITEUR M. Marc Rousseau, demeurant 40 avenue" in text
    assert "prêt, créance n° PRET-2021-06-01 du 01/06/2021 (exigible le 01/06/2022), demeurée impayée" in text
    assert "Fait à Toulouse, le 2 mars 2026." in text and "Mme Sophie Lambert Signature" in text
    for absent in (
        "SIREN",
        "SIRET",
        "RCS",
        "immatriculée",
        "siège social",
        "représentée par",
        "loan",
        "None",
    ):
        assert absent not in text, absent


def test_an_artisan_in_his_own_name_shows_his_siren_but_no_rcs() -> None:
    notice = _text("artisan", "mise_en_demeure")
    identity = "M. Julien Faure, plombier-chauffagiste, entrepreneur individuel, SIREN 812 345 601"
    assert f"{identity}, demeurant 17 rue de la Bastille, 44000 Nantes, vous a fourni" in notice
    assert "Julien Faure 17 rue de la Bastille 44000 Nantes SIREN 812 345 601" in notice  # letterhead
    requete = _text("artisan", "requete")
    assert f"{identity}, né le 1er septembre 1985 à Saint-Nazaire (Loire-Atlantique)" in requete
    for text in (notice, requete):
        for absent in ("RCS", "immatriculée", "siège social", "représentée par", "None", "Pour Julien Faure"):
            assert absent not in text, absent


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_no_document_of_a_natural_person_prints_a_missing_value(variant: str) -> None:
    for kind in ALL_KINDS:
        html = document_html(kind, _context(variant))
        visible = re.sub(r"<[^>]+>", " ", html)
        assert not re.search(r"\bNone\b", visible), (variant, kind)
        assert _context(variant).claim_nature not in visible.replace("sale_or_service", ""), (variant, kind)


# --- wording a lawyer would sign (issue 17) -------------------------------------------------------------


def test_the_notice_threatens_the_court_the_engine_chose() -> None:
    ctx = _context("landlord")
    assert ctx.route["court_name"] in ("Tribunal judiciaire de Nantes", "Tribunal de proximité de Nantes")
    notice = _text("landlord", "mise_en_demeure")
    assert "tribunal de commerce" not in notice
    assert f"juge des contentieux de la protection du {ctx.route['court_name'][:1].lower()}" in notice


def test_the_notice_prints_the_rate_basis_actually_used() -> None:
    ctx = make_context("b2b", contractual_rate="15.00")
    notice = pdf_text(document_pdf("mise_en_demeure", ctx))
    assert "(taux contractuel)" in notice or "(plancher légal" in notice
    assert "majoré de 10 points" not in notice


def test_the_requete_claims_further_interest_from_the_day_after_the_decompte() -> None:
    ctx = make_context("b2b")
    counted = ctx.amounts["interest_until"]
    text = pdf_text(document_pdf("requete", ctx))
    assert ctx.interest_claimed_from is not None
    assert ctx.interest_claimed_from.isoformat() > counted
    assert f"à compter du {french_long(ctx.interest_claimed_from)}" in text


def test_a_consumer_requete_asks_for_no_penalties_nor_indemnities() -> None:
    text = _text("artisan", "requete")
    assert "pénalités" not in text.lower()
    assert "indemnit" not in text.lower()
    assert "en principal et intérêts au taux légal" in text


def test_the_lawyers_note_speaks_french_not_engine_codes() -> None:
    text = _text("artisan", "note_avocat")
    for code in (
        "not_barred",
        "at_risk",
        "[info]",
        "[warning]",
        "lawyer_review",
        "lecture tardive",
        "admissible ;",
    ):
        assert code not in text, code
    assert "Information —" in text


def test_a_loan_and_a_rent_are_not_worded_as_invoices() -> None:
    loan = _text("private_lender", "mise_en_demeure")
    assert "Facture n°" not in loan and "Principal TTC facturé" not in loan
    assert "Prêt n°" in loan and "Capital prêté restant exigible" in loan
    rent = _text("landlord", "requete")
    assert "Facture n°" not in rent and "Échéance n°" in rent
