"""Relance, mise en demeure and décompte rendered to PDF for shared legal cases; checked on the PDF's text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from stdnum import iban
from stdnum.fr import siren

from tests.unit.documents.fixtures import CREDITORS, DEBTORS
from tests.unit.documents.helpers import assert_pdf_a3b_in_house_fonts

ROOT = Path(__file__).resolve().parents[3]
ALL_CASES = ["b2b", "b2b_three_invoices", "b2c", "b2c_payment"]


def test_invented_identities_are_valid() -> None:
    for party in [*CREDITORS.values(), *DEBTORS.values()]:
        if party.siren:
            assert siren.is_valid(party.siren), party.name
        if party.iban:
            assert iban.is_valid(party.iban), party.name


def test_importing_the_api_does_not_import_weasyprint() -> None:
    code = "import app, sys; import chalicelib.documents.letters; assert 'weasyprint' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


@pytest.mark.parametrize("case", ALL_CASES)
def test_mise_en_demeure_has_every_rulebook_element(rendered, case) -> None:
    ctx, _, text = rendered(case, "mise_en_demeure")
    # 1. heading and mode of dispatch
    assert "MISE EN DEMEURE" in text
    assert "LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION" in text.upper()
    # 2. date, creditor identity (name, legal form, SIREN, address), debtor identity and address
    assert ctx.place in text and "le " + _long(ctx.letter_date) in text
    assert ctx.creditor.name in text and ctx.creditor.legal_form in text
    assert f"SIREN {ctx.creditor.siren_spaced}" in text
    assert ctx.creditor.address.street in text
    assert ctx.debtor.name in text and ctx.debtor.address.street in text
    # 3. the invoices
    for inv in ctx.invoices:
        assert inv.number in text
        assert inv.issue_date.strftime("%d/%m/%Y") in text
        assert inv.due_date is not None and inv.due_date.strftime("%d/%m/%Y") in text
    assert "Devis D-2024-118 accepté" in text
    # 4. amounts
    amounts = ctx.assessment["amounts"]
    assert f"Principal TTC facturé {_eur(ctx.principal_ttc)}" in text
    assert "Paiements reçus" in text
    assert f"Solde restant dû en principal {_eur(amounts['principal_outstanding'])}" in text
    assert f"Total à payer {_eur(amounts['total'])}" in text
    if ctx.is_b2b:
        assert "L441-10 II" in text and "majoré de 10 points" in text
        assert f"{_eur(amounts['interest'])}" in text
        assert f"40,00 € par facture × {len(ctx.invoices)} {_eur(amounts['indemnity'])}" in text
    else:
        assert "la présente mise en demeure fait courir les intérêts au taux légal" in text
        assert "Aucuns frais de recouvrement ne vous sont réclamés" in text
        assert "Indemnité forfaitaire" not in text
    # 5. demand to pay by a date, 8 days B2B / 15 days B2C from first presentation
    days = 8 if ctx.is_b2b else 15
    assert ctx.payment_days == days
    assert f"({days}) jours à compter de la première présentation" in text
    assert f"au plus tard le {_long(ctx.payment_deadline)}" in text
    # 6. the creditor's own bank details
    assert f"IBAN : {ctx.creditor.iban_spaced}" in text
    # 7. consequences; 8. signature
    assert "requête en injonction de payer" in text and "sans autre avis" in text
    assert f"Pour {ctx.creditor.name}" in text and ctx.creditor.signatory_name in text
    # 10. GDPR art. 14 notice; RULEBOOK 7.2: the platform only as the sending service
    assert "article 14 du RGPD" in text and "CNIL" in text
    assert "expédié pour son compte par le service d'envoi Recouvra" in text
    # 11. never: imitate a court document or threaten measures that need a title
    for word in ("huissier", "saisie", "commandement"):
        assert word not in text.lower()


@pytest.mark.parametrize(
    ("case", "total", "words"),
    [
        ("b2b", "1 061,26 €", "mille soixante et un euros et vingt-six centimes"),
        ("b2b_three_invoices", "2 151,37 €", "deux mille cent cinquante et un euros et trente-sept centimes"),
        ("b2c", "804,55 €", "huit cent quatre euros et cinquante-cinq centimes"),
        ("b2c_payment", "1 300,00 €", "mille trois cents euros"),
    ],
)
def test_mise_en_demeure_states_the_exact_total_in_figures_and_words(rendered, case, total, words) -> None:
    _, _, text = rendered(case, "mise_en_demeure")
    assert f"Mise en demeure de payer la somme de {total}" in text
    assert f"Soit {words}." in text


def test_mise_en_demeure_lists_the_payment_received(rendered) -> None:
    _, _, text = rendered("b2c_payment", "mise_en_demeure")
    assert "Paiements reçus : 200,00 € le 01/03/2025 200,00 €" in text
    assert "Solde restant dû en principal 1 300,00 €" in text


def test_mise_en_demeure_is_pdf_a_3b_with_fixed_metadata(rendered) -> None:
    _, pdf, _ = rendered("b2b", "mise_en_demeure")
    assert_pdf_a3b_in_house_fonts(pdf, year=2026)


@pytest.mark.parametrize("case", ALL_CASES)
def test_decompte_shows_every_segment_and_the_totals(rendered, case) -> None:
    ctx, _, text = rendered(case, "decompte")
    assert "DÉCOMPTE DE LA CRÉANCE" in text
    for inv in ctx.decompte["invoices"]:
        assert f"Facture n° {inv['number']} — {_eur(inv['amount_ttc'])} TTC" in text
        for seg in inv["segments"]:
            row = f"du {_short(seg['start'])} au {_short(seg['end'])} {seg['days']} {_eur(seg['base'])} "
            row += f"{seg['rate'].replace('.', ',')} % {_eur(seg['amount'])}"
            assert row in text
    totals = ctx.decompte["totals"]
    assert f"Principal restant dû {_eur(totals['principal_outstanding'])}" in text
    assert f"Total dû {_eur(totals['total'])}" in text
    for _, source in ctx.rates:
        assert source.split(" — ")[0] in text


def test_decompte_shows_the_imputation_of_a_payment(rendered) -> None:
    _, _, text = rendered("b2c_payment", "decompte")
    assert "01/03/2025 200,00 € facture F-2023-0060 : intérêts 0,00 €, principal 200,00 €" in text


@pytest.mark.parametrize("case", ["b2b", "b2c_payment"])
def test_relance_is_courteous_and_states_no_legal_effect(rendered, case) -> None:
    ctx, _, text = rendered(case, "relance")
    assert f"Le montant restant dû s'élève à {_eur(ctx.principal_outstanding)}" in text
    assert f"IBAN : {ctx.creditor.iban_spaced}" in text
    for inv in ctx.invoices:
        assert inv.number in text
    for word in ("mise en demeure", "injonction", "pénalités", "intérêts"):
        assert word not in text.lower()
    assert "article 14 du RGPD" in text


def _eur(value: object) -> str:
    from chalicelib.documents.formatting import euros
    from tests.unit.documents.helpers import normalise

    return normalise(euros(str(value)))


def _long(value: object) -> str:
    from chalicelib.documents.formatting import date_long

    return date_long(value)  # type: ignore[arg-type]


def _short(value: str) -> str:
    from chalicelib.documents.formatting import date_short

    return date_short(value)


def test_letters_share_one_parsed_house_style_and_font_configuration(monkeypatch) -> None:
    """Issue 26: the house stylesheet is parsed and its fonts loaded once per process, not per document;
    the other pages (exhibit stamps, image exhibits) do not get it."""
    import weasyprint

    from chalicelib.documents.letters import document_pdf, registered_letter_proof_pdf
    from chalicelib.documents.render import house_style, html_to_pdf, render_html
    from tests.unit.documents.fixtures import make_context

    seen: list[tuple[object, object]] = []
    render = weasyprint.HTML.render

    def spying(self, font_config=None, stylesheets=None, **options):  # type: ignore[no-untyped-def]
        seen.append((font_config, stylesheets))
        return render(self, font_config=font_config, stylesheets=stylesheets, **options)

    monkeypatch.setattr(weasyprint.HTML, "render", spying)
    ctx = make_context("b2b")
    document_pdf("mise_en_demeure", ctx)
    document_pdf("decompte", ctx)
    registered_letter_proof_pdf(ctx, tracking_number=None, sent_on=None, first_presented_on=None)
    html_to_pdf(render_html("documents/stamp.html", number=2, ctx=ctx), identifier="stamp")

    fonts, css = house_style()
    assert seen[:3] == [(fonts, [css])] * 3
    assert seen[3] == (None, None)
