"""Bulk import of an aged balance (chalicelib/domain/aged_balance/): CSV lines → draft claims per debtor,
and a per-line report of what was rejected and why."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Self

import pytest
from pydantic import model_validator

from chalicelib.domain import aged_balance
from chalicelib.domain.aged_balance import (
    COLUMNS,
    ImportPlan,
    LineRejection,
    columns_markdown,
    parse_aged_balance,
)
from chalicelib.domain.claim_content import ClaimContent
from chalicelib.domain.errors import FieldValueError, InvalidInput
from tests.unit.domain.aged_balance_samples import generated_balance

ROOT = Path(__file__).resolve().parents[3]

# One valid line, by column; each test changes what it is about.
BASE: dict[str, str] = {
    "debiteur_nom": "Aquitaine Logistique SAS",
    "debiteur_categorie": "société",
    "debiteur_siren": "732829320",
    "debiteur_adresse": "12 quai des Chartrons",
    "debiteur_code_postal": "33000",
    "debiteur_ville": "Bordeaux",
    "facture_numero": "F-1",
    "facture_date": "15/09/2026",
    "echeance": "15/10/2026",
    "montant_ttc": "1 234,56",
}


def balance(*lines: dict[str, str], delimiter: str = ";") -> str:
    """A CSV with the canonical header: each line is BASE updated with its values."""
    rows = [BASE | line for line in lines]
    names = [column.name for column in COLUMNS if any(column.name in row for row in (BASE, *rows))]
    body = [delimiter.join(names)] + [delimiter.join(row.get(name, "") for name in names) for row in rows]
    return "\r\n".join(body) + "\r\n"


def only_rejection(plan: ImportPlan) -> LineRejection:
    assert len(plan.rejected) == 1, plan.rejected
    return plan.rejected[0]


def import_error(data: bytes | str, **options: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse_aged_balance(data, **options)
    return caught.value


# --- Grouping -----------------------------------------------------------------------------------------------


def test_invoices_of_one_debtor_make_one_claim_in_the_order_of_the_file() -> None:
    plan = parse_aged_balance(
        balance(
            {"facture_numero": "F-1"},
            {"facture_numero": "F-7", "debiteur_nom": "Menuiserie Vasseur", "debiteur_siren": "542051180"},
            {"facture_numero": "F-2", "montant_ttc": "100,00"},
        )
    )
    assert plan.rejected == []
    assert [(draft.debtor_key, draft.lines) for draft in plan.drafts] == [
        ("siren:732829320", (2, 4)),
        ("siren:542051180", (3,)),
    ]
    first = plan.drafts[0].content
    assert isinstance(first, ClaimContent)
    assert [invoice.number for invoice in first.invoices] == ["F-1", "F-2"]
    assert first.principal == Decimal("1334.56")
    assert first.debtor.category == "commercant"
    assert first.debtor.address.country == "FR"


def test_a_debtor_without_siren_is_known_by_its_name_and_postal_code() -> None:
    consumer = {"debiteur_siren": "", "debiteur_categorie": "particulier", "debiteur_nom": "Sophie Bernard"}
    plan = parse_aged_balance(
        balance(
            consumer | {"facture_numero": "A"},
            consumer | {"facture_numero": "B", "debiteur_nom": "  SOPHIE   Bérnard "},
            consumer | {"facture_numero": "C", "debiteur_code_postal": "69003"},
        )
    )
    assert plan.rejected == []
    assert [(draft.debtor_key, draft.lines) for draft in plan.drafts] == [
        ("nom:sophie bernard|33000", (2, 3)),
        ("nom:sophie bernard|69003", (4,)),
    ]
    assert plan.drafts[0].content.debtor.legal_name == "Sophie Bernard"  # as first written
    assert plan.drafts[0].content.debtor.category == "consumer"


def test_a_siret_gives_the_siren_and_is_kept() -> None:
    plan = parse_aged_balance(
        balance({"debiteur_siren": "732 829 320 00074"}, {"facture_numero": "F-2", "debiteur_siren": ""})
    )
    debtor = plan.drafts[0].content.debtor
    assert (debtor.siren, debtor.siret) == ("732829320", "73282932000074")
    # Without its number, the second line is not known as the same debtor; and a company needs its SIREN.
    assert [draft.lines for draft in plan.drafts] == [(2,)]
    assert (only_rejection(plan).line, only_rejection(plan).field) == (3, "debiteur_siren")


def test_an_optional_debtor_value_given_on_one_line_only_serves_the_whole_claim() -> None:
    plan = parse_aged_balance(
        balance(
            {"facture_numero": "F-1", "debiteur_email": ""},
            {"facture_numero": "F-2", "debiteur_email": "Compta@Aquitaine.fr", "taux_contractuel": "10 %"},
        )
    )
    assert plan.rejected == []
    content = plan.drafts[0].content
    assert content.debtor.email == "compta@aquitaine.fr"
    assert content.contract.contractual_rate == Decimal("10.00")


def test_a_partial_payment_is_recorded_against_its_invoice() -> None:
    plan = parse_aged_balance(
        balance(
            {"montant_regle": "234,56", "date_reglement": "02/11/2026"},
            {"facture_numero": "F-2", "montant_regle": "0,00"},  # exports print 0,00 for « nothing paid »
        )
    )
    assert plan.rejected == []
    content = plan.drafts[0].content
    assert [(p.invoice, p.amount, p.date) for p in content.payments] == [
        ("F-1", Decimal("234.56"), dt.date(2026, 11, 2))
    ]
    assert content.balance == Decimal("2234.56")


# --- Formats ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1234,56 €", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1 234,5 EUR", "1234.50"),
        ("800", "800.00"),
    ],
)
def test_french_amounts_are_read(written: str, amount: str) -> None:
    plan = parse_aged_balance(balance({"montant_ttc": written}))
    assert plan.drafts[0].content.invoices[0].amount_ttc == Decimal(amount)


@pytest.mark.parametrize(
    "written", ["31/01/2026", "31-01-2026", "31.01.2026", "2026-01-31", "31/01/26", "2026-01-31 00:00:00"]
)
def test_french_and_iso_dates_are_read(written: str) -> None:
    plan = parse_aged_balance(balance({"facture_date": written, "echeance": ""}))
    assert plan.drafts[0].content.invoices[0].issue_date == dt.date(2026, 1, 31)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Société", "commercant"),
        ("ENTREPRISE", "commercant"),
        ("commercant", "commercant"),
        ("Artisan", "artisan"),
        ("Profession liberale", "liberal"),
        ("liberal", "liberal"),
        ("sel", "sel"),
        ("Association", "non_professional_legal_person"),
        ("non_professional_legal_person", "non_professional_legal_person"),
        ("Administration", "public_entity"),
        ("collectivité", "public_entity"),
    ],
)
def test_debtor_categories_are_read_from_codes_and_french_words(written: str, code: str) -> None:
    plan = parse_aged_balance(balance({"debiteur_categorie": written}))
    assert plan.drafts[0].content.debtor.category == code


@pytest.mark.parametrize("written", ["particulier", "Consommateur", "consumer"])
def test_consumers_need_no_siren(written: str) -> None:
    plan = parse_aged_balance(balance({"debiteur_categorie": written, "debiteur_siren": ""}))
    assert plan.drafts[0].content.debtor.category == "consumer"


def test_a_windows_file_is_read_as_cp1252_and_says_so() -> None:
    data = balance({"debiteur_nom": "Société Générale d'Électricité", "objet": "Coût « réel »"}).encode(
        "cp1252"
    )
    plan = parse_aged_balance(data)
    assert plan.drafts[0].content.debtor.legal_name == "Société Générale d'Électricité"
    assert plan.drafts[0].content.invoices[0].description == "Coût « réel »"
    assert any("Windows" in warning for warning in plan.warnings)


def test_a_byte_order_mark_is_not_part_of_the_first_header() -> None:
    for data in (b"\xef\xbb\xbf" + balance({}).encode(), "\ufeff" + balance({})):
        plan = parse_aged_balance(data)
        assert (len(plan.drafts), plan.rejected, plan.warnings) == (1, [], [])


def test_an_excel_unicode_text_file_is_read() -> None:
    plan = parse_aged_balance(balance({}, delimiter="\t").encode("utf-16"))
    assert len(plan.drafts) == 1


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_the_delimiter_is_detected(delimiter: str) -> None:
    lines = (
        {"montant_ttc": "1234.56"},
        {"facture_numero": "F-2", "montant_ttc": '"1 000,50"' if delimiter == "," else "1 000,50"},
        {
            "facture_numero": "F-3",
            "montant_ttc": "1234.56",
            "objet": '"Étude, phase 2"' if delimiter == "," else "Étude, phase 2",
        },
    )
    plan = parse_aged_balance(balance(*lines, delimiter=delimiter))
    assert plan.rejected == []
    invoices = plan.drafts[0].content.invoices
    assert [invoice.amount_ttc for invoice in invoices] == [
        Decimal("1234.56"),
        Decimal("1000.50"),
        Decimal("1234.56"),
    ]
    assert invoices[2].description == "Étude, phase 2"


def test_headers_are_matched_whatever_their_case_accents_spacing_and_usual_names() -> None:
    header = (
        "Raison sociale;CATÉGORIE;Siren;Adresse;Code Postal;Ville;N° facture;Date facture;"
        "Date d'échéance;Montant TTC (€);Montant réglé;Date de règlement;Numéro de client;Solde"
    )
    line = (
        "Aquitaine Logistique SAS;Société;732829320;12 quai des Chartrons;33000;Bordeaux;F-1;15/09/2026;"
        "15/10/2026;1 234,56;200,00;01/11/2026;C42;1 034,56"
    )
    plan = parse_aged_balance(f"{header}\n{line}\n")
    assert plan.rejected == []
    content = plan.drafts[0].content
    assert content.invoices[0].due_date == dt.date(2026, 10, 15)
    assert content.paid == Decimal("200.00")
    assert plan.warnings == ["Colonnes non reconnues, ignorées : « Numéro de client », « Solde »."]


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Numéro de facture", "facture_numero"),
        ("n° de facture", "facture_numero"),
        ("Nº Facture", "facture_numero"),
        ("facture-numero", "facture_numero"),
        ("Facture Numéro", "facture_numero"),
        ("DEBITEUR NOM", "debiteur_nom"),
        ("Dénomination", "debiteur_nom"),
        ("montant", "montant_ttc"),
        ("Échéance", "echeance"),
        ("SIRET", "debiteur_siren"),
        ("CP", "debiteur_code_postal"),
        ("Code client", "reference"),
        ("E-mail", "debiteur_email"),
    ],
)
def test_header_synonyms(header: str, column: str) -> None:
    assert aged_balance.layout._HEADERS[aged_balance.layout._header_key(header)] == column


def test_a_title_line_above_the_header_is_skipped() -> None:
    plan = parse_aged_balance("Balance âgée clients au 31/10/2026;;;\n;;;\n" + balance({}))
    assert plan.drafts[0].lines == (4,)
    assert plan.warnings == ["Les 2 premières lignes, avant la ligne d'en-tête (ligne 3), ont été ignorées."]


def test_an_excel_sep_line_decides_the_delimiter() -> None:
    plan = parse_aged_balance("sep=;\n" + balance({"objet": "Étude, phase 2, lot 3"}))
    assert plan.drafts[0].lines == (3,)
    assert plan.drafts[0].content.invoices[0].description == "Étude, phase 2, lot 3"


def test_blank_lines_and_trailing_empty_columns_are_ignored() -> None:
    text = balance({}, {"facture_numero": "F-2"}).replace("\r\n", ";;\r\n;;;;\r\n", 1)
    plan = parse_aged_balance(text)
    assert (plan.total_lines, plan.drafts[0].lines, plan.rejected) == (2, (3, 4), [])


def test_a_four_digit_postal_code_gets_back_the_zero_excel_removed() -> None:
    plan = parse_aged_balance(balance({"debiteur_code_postal": "1000", "debiteur_ville": "Bourg-en-Bresse"}))
    assert plan.drafts[0].content.debtor.address.postal_code == "01000"
    assert plan.warnings == [
        "Des codes postaux à 4 chiffres ont été complétés par un 0 initial, qu'Excel efface (lignes 2)."
    ]


# --- Rejections ---------------------------------------------------------------------------------------------


def test_a_bad_amount_rejects_its_line_with_a_message_naming_line_and_column() -> None:
    lines = [{"facture_numero": f"F-{n}"} for n in range(5)]
    plan = parse_aged_balance(balance(*lines, {"facture_numero": "F-9", "montant_ttc": "abc"}))
    rejection = only_rejection(plan)
    assert rejection == LineRejection(
        7,
        "montant_ttc",
        "Ligne 7, colonne « montant_ttc » : le montant « abc » n'est pas un nombre.",
        "invalid_amount",
    )


def test_the_message_names_the_column_as_the_creditor_wrote_it() -> None:
    text = balance({"montant_ttc": "12,345"}).replace("montant_ttc", "Montant TTC", 1)
    rejection = only_rejection(parse_aged_balance(text))
    assert rejection.field == "montant_ttc"
    assert rejection.message == (
        "Ligne 2, colonne « Montant TTC » : le montant ne peut pas avoir plus de deux décimales (centimes)."
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("32/01/2026", "la date « 32/01/2026 » n'existe pas."),
        ("29/02/2026", "la date « 29/02/2026 » n'existe pas."),
        ("janvier 2026", "la date « janvier 2026 » n'est pas reconnue : écrivez-la JJ/MM/AAAA"),
        ("46023", "Excel l'a enregistrée comme un nombre"),
    ],
)
def test_a_bad_date_rejects_its_line(value: str, message: str) -> None:
    rejection = only_rejection(parse_aged_balance(balance({"facture_date": value, "echeance": ""})))
    assert (rejection.line, rejection.field, rejection.code) == (2, "facture_date", "invalid_date")
    assert message in rejection.message


def test_every_missing_required_value_of_a_line_is_reported() -> None:
    plan = parse_aged_balance(balance({}, {"facture_numero": "", "montant_ttc": " "}))
    assert [(r.line, r.field, r.code) for r in plan.rejected] == [
        (3, "facture_numero", "missing_value"),
        (3, "montant_ttc", "missing_value"),
    ]
    assert plan.rejected[0].message == "Ligne 3, colonne « facture_numero » : la valeur est obligatoire."
    assert plan.drafts[0].lines == (2,)
    assert plan.rejected_lines == (3,)


@pytest.mark.parametrize(
    ("siren", "detail"),
    [
        ("732829321", "le numéro SIREN « 732829321 » est invalide : sa clé de contrôle est fausse"),
        ("73282932", "n'est ni un SIREN (9 chiffres) ni un SIRET (14 chiffres)."),
        ("73282932000075", "le numéro SIRET « 73282932000075 » est invalide"),
        ("7,32829E+13", "converti en nombre par Excel"),
    ],
)
def test_an_invalid_siren_rejects_its_line(siren: str, detail: str) -> None:
    rejection = only_rejection(parse_aged_balance(balance({"debiteur_siren": siren})))
    assert (rejection.field, rejection.code) == ("debiteur_siren", "invalid_siren")
    assert detail in rejection.message


def test_a_company_without_siren_is_rejected_by_the_schema() -> None:
    rejection = only_rejection(parse_aged_balance(balance({"debiteur_siren": ""})))
    assert rejection.field == "debiteur_siren"
    assert rejection.message == (
        "Ligne 2, colonne « debiteur_siren » : le numéro SIREN du débiteur est obligatoire quand c'est un "
        "professionnel établi en France."
    )


def test_an_unknown_category_is_rejected_with_the_accepted_words() -> None:
    rejection = only_rejection(parse_aged_balance(balance({"debiteur_categorie": "client"})))
    assert (rejection.field, rejection.code) == ("debiteur_categorie", "invalid_category")
    assert "particulier" in rejection.message


@pytest.mark.parametrize(
    ("line", "field", "detail"),
    [
        ({"debiteur_code_postal": "750"}, "debiteur_code_postal", "le code postal « 750 » doit comporter 5"),
        ({"debiteur_email": "compta@"}, "debiteur_email", "l'adresse e-mail « compta@ » n'est pas valide."),
        ({"echeance": "01/09/2026"}, "echeance", "la date d'échéance ne peut pas précéder la date de la"),
        ({"montant_ttc": "0"}, "montant_ttc", "le montant doit être supérieur à zéro."),
        ({"montant_ttc": "20 000 000"}, "montant_ttc", "le montant dépasse 10 000 000 €"),
        ({"taux_contractuel": "150"}, "taux_contractuel", "le taux doit être un pourcentage annuel"),
        ({"facture_numero": "F" * 61}, "facture_numero", "la valeur ne doit pas dépasser 60 caractères."),
    ],
)
def test_the_schemas_rules_reject_the_line_naming_the_column(
    line: dict[str, str], field: str, detail: str
) -> None:
    plan = parse_aged_balance(balance(line, {"facture_numero": "F-2"}))
    rejection = only_rejection(plan)
    assert (rejection.line, rejection.field, rejection.code) == (2, field, "invalid_value")
    assert detail in rejection.message
    assert plan.drafts[0].lines == (3,)  # the good neighbour is kept


def test_a_negative_amount_is_explained_as_a_credit_note() -> None:
    rejection = only_rejection(parse_aged_balance(balance({"montant_ttc": "-120,00"})))
    assert (rejection.field, rejection.code) == ("montant_ttc", "negative_amount")
    assert "avoir" in rejection.message


def test_lines_of_one_debtor_that_disagree_are_rejected_after_the_first() -> None:
    plan = parse_aged_balance(
        balance(
            {"facture_numero": "F-1"},
            {"facture_numero": "F-2", "debiteur_adresse": "14 quai des Chartrons"},
            {
                "facture_numero": "F-3",
                "debiteur_adresse": "12, Quai des chartrons",
            },  # same, written otherwise
            {"facture_numero": "F-4", "debiteur_categorie": "artisan"},
        )
    )
    assert [(r.line, r.field, r.code) for r in plan.rejected] == [
        (3, "debiteur_adresse", "debtor_mismatch"),
        (5, "debiteur_categorie", "debtor_mismatch"),
    ]
    assert plan.rejected[0].message == (
        "Ligne 3, colonne « debiteur_adresse » : le même débiteur figure ligne 2 avec une autre valeur "
        "(« 12 quai des Chartrons » ligne 2, « 14 quai des Chartrons » ici) : toutes ses factures forment "
        "une seule créance, corrigez l'une des deux lignes."
    )
    assert plan.drafts[0].lines == (2, 4)


def test_a_disagreement_names_the_line_that_gave_the_value() -> None:
    plan = parse_aged_balance(
        balance(
            {"facture_numero": "F-1"},
            {"facture_numero": "F-2", "reference": "CLI-42"},
            {"facture_numero": "F-3", "reference": "CLI-43"},
        )
    )
    rejection = only_rejection(plan)
    assert (rejection.line, rejection.field) == (4, "reference")
    assert "figure ligne 3" in rejection.message


def test_a_duplicate_invoice_of_one_debtor_is_rejected() -> None:
    plan = parse_aged_balance(
        balance(
            {"facture_numero": "F-1"},
            {"facture_numero": "F-1", "debiteur_nom": "Menuiserie Vasseur", "debiteur_siren": "542051180"},
            {"facture_numero": "f-1", "montant_ttc": "99,00"},
        )
    )
    rejection = only_rejection(plan)
    assert (rejection.line, rejection.field, rejection.code) == (4, "facture_numero", "duplicate_invoice")
    assert rejection.message == (
        "Ligne 4, colonne « facture_numero » : la facture n° f-1 de ce débiteur figure déjà ligne 2."
    )
    assert [draft.lines for draft in plan.drafts] == [(2,), (3,)]  # another debtor may use the same number


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"montant_regle": "100,00"}, "date_reglement"),
        ({"date_reglement": "01/11/2026"}, "montant_regle"),
    ],
)
def test_a_payment_needs_both_its_amount_and_its_date(line: dict[str, str], field: str) -> None:
    rejection = only_rejection(parse_aged_balance(balance(line)))
    assert (rejection.field, rejection.code) == (field, "payment_incomplete")


def test_a_bad_payment_amount_is_reported_once() -> None:
    rejection = only_rejection(
        parse_aged_balance(balance({"montant_regle": "?", "date_reglement": "01/11/2026"}))
    )
    assert (rejection.field, rejection.code) == ("montant_regle", "invalid_amount")


def test_a_payment_covering_the_whole_invoice_is_rejected() -> None:
    rejection = only_rejection(
        parse_aged_balance(balance({"montant_regle": "1 234,56", "date_reglement": "01/11/2026"}))
    )
    assert (rejection.field, rejection.code) == ("montant_regle", "payment_exceeds_invoice")
    assert "elle n'est plus impayée" in rejection.message


def test_a_line_with_several_faults_reports_each() -> None:
    plan = parse_aged_balance(balance({"montant_ttc": "abc", "facture_date": "hier", "debiteur_siren": "1"}))
    assert [r.field for r in plan.rejected] == ["debiteur_siren", "facture_date", "montant_ttc"]
    assert plan.rejected_lines == (2,)
    assert plan.drafts == []


def test_a_claim_level_rule_rejects_only_the_faulty_invoice_and_keeps_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class NoReissuedInvoices(ClaimContent):
        """A rule only the whole claim can check: « F-2 » may not sit beside other invoices."""

        @model_validator(mode="after")
        def _alone(self) -> Self:
            for index, invoice in enumerate(self.invoices):
                if invoice.number == "F-2" and len(self.invoices) > 1:
                    raise FieldValueError(f"invoices[{index}].number", "Cette facture doit être seule.")
            return self

    monkeypatch.setattr(aged_balance.importer, "ClaimContent", NoReissuedInvoices)
    plan = parse_aged_balance(
        balance(
            {"facture_numero": "F-1"},
            {"facture_numero": "F-2", "montant_regle": "10,00", "date_reglement": "01/11/2026"},
            {"facture_numero": "F-3"},
        )
    )
    rejection = only_rejection(plan)
    assert (rejection.line, rejection.field) == (3, "facture_numero")
    assert rejection.message == "Ligne 3, colonne « facture_numero » : cette facture doit être seule."
    assert plan.drafts[0].lines == (2, 4)
    assert plan.drafts[0].content.payments == []


def test_a_claim_level_rule_on_the_debtor_rejects_all_its_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    class OneInvoicePerCompany(ClaimContent):
        @model_validator(mode="after")
        def _one(self) -> Self:
            if len(self.invoices) > 1:
                raise FieldValueError("debtor", "Un seul débiteur par facture.")
            return self

    monkeypatch.setattr(aged_balance.importer, "ClaimContent", OneInvoicePerCompany)
    plan = parse_aged_balance(
        balance(
            {"facture_numero": "F-1"},
            {"facture_numero": "F-2"},
            {"facture_numero": "F-3", "debiteur_nom": "Menuiserie Vasseur", "debiteur_siren": "542051180"},
        )
    )
    assert [(r.line, r.field) for r in plan.rejected] == [(2, ""), (3, "")]
    assert plan.rejected[0].message == "Ligne 2 : un seul débiteur par facture."
    assert [draft.lines for draft in plan.drafts] == [(4,)]


def test_a_debtor_has_at_most_200_invoices_per_claim() -> None:
    plan = parse_aged_balance(balance(*({"facture_numero": f"F-{n}"} for n in range(201))))
    rejection = only_rejection(plan)
    assert (rejection.line, rejection.code) == (202, "too_many_invoices")
    assert len(plan.drafts[0].content.invoices) == 200


# --- The file as a whole ------------------------------------------------------------------------------------


def test_missing_required_columns_are_listed() -> None:
    error = import_error("Client;Montant\nACME;12\n")
    assert error.code == "import_missing_columns"
    assert error.message.startswith(
        "Colonnes obligatoires absentes de la ligne d'en-tête : « debiteur_categorie », "
        "« debiteur_adresse », « debiteur_code_postal », « debiteur_ville », « facture_numero », "
        "« facture_date ». "
        "Colonnes reconnues : « Client », « Montant »."
    )
    assert [detail["field"] for detail in error.details][:2] == ["debiteur_categorie", "debiteur_adresse"]


@pytest.mark.parametrize("data", [b"", "", "  \r\n", "\ufeff", b"\xef\xbb\xbf\r\n"])
def test_an_empty_file_is_refused(data: bytes | str) -> None:
    error = import_error(data)
    assert (error.code, error.message) == ("import_empty", "Le fichier est vide.")


def test_a_header_without_lines_is_refused() -> None:
    assert import_error(balance()).code == "import_empty"
    assert import_error(balance() + ";;;\r\n\r\n").code == "import_empty"


def test_a_file_over_the_line_limit_is_refused() -> None:
    lines = [{"facture_numero": f"F-{n}"} for n in range(4)]
    assert len(parse_aged_balance(balance(*lines), max_lines=4).drafts[0].lines) == 4
    error = import_error(balance(*lines), max_lines=3)
    assert error.code == "import_too_large"
    assert "plus de 3 lignes" in error.message


def test_an_excel_workbook_is_refused_with_the_way_to_export_it() -> None:
    error = import_error(b"PK\x03\x04\x14\x00\x06\x00")
    assert error.code == "import_not_csv"
    assert "CSV (séparateur : point-virgule)" in error.message


def test_progress_is_reported_every_500_lines_and_at_the_end() -> None:
    calls: list[tuple[int, int]] = []
    text = generated_balance(debtors=240, invoices_per_debtor=5)
    parse_aged_balance(text, on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(500, 1200), (1000, 1200), (1200, 1200)]


def test_the_report_is_json_ready() -> None:
    plan = parse_aged_balance(
        balance({}, {"facture_numero": "F-2", "montant_ttc": "abc"}, {"facture_numero": "F-3"})
    )
    report = json.loads(json.dumps(plan.as_report()))
    assert {
        key: report[key] for key in ("total_lines", "imported_lines", "rejected_lines", "draft_count")
    } == {
        "total_lines": 3,
        "imported_lines": 2,
        "rejected_lines": 1,
        "draft_count": 1,
    }
    assert report["drafts"] == [
        {
            "debtor_key": "siren:732829320",
            "debtor": "Aquitaine Logistique SAS",
            "invoices": 2,
            "balance": "2469.12",
            "lines": [2, 4],
        }
    ]
    assert report["rejected"][0]["line"] == 3
    assert report["rejected"][0]["code"] == "invalid_amount"


def test_the_sample_file_imports_without_rejection() -> None:
    plan = parse_aged_balance((ROOT / "frontend" / "exemple-import.csv").read_bytes())
    assert (plan.total_lines, plan.rejected, plan.warnings) == (6, [], [])
    assert len(plan.drafts) == 5
    assert {draft.content.debtor.category for draft in plan.drafts} == {
        "commercant",
        "artisan",
        "liberal",
        "consumer",
    }
    assert any(draft.content.payments for draft in plan.drafts)


def test_a_ten_thousand_line_file_imports_completely() -> None:
    plan = parse_aged_balance(generated_balance(debtors=2000, invoices_per_debtor=5).encode("cp1252"))
    assert (plan.total_lines, plan.imported_lines, plan.rejected) == (10000, 10000, [])
    assert len(plan.drafts) == 2000
    assert all(len(draft.content.invoices) == 5 for draft in plan.drafts)


# --- The documentation --------------------------------------------------------------------------------------


def test_the_documentation_shows_the_columns_table() -> None:
    doc = (ROOT / "docs" / "import-csv.md").read_text(encoding="utf-8")
    assert columns_markdown() in doc, "docs/import-csv.md: paste columns_markdown()'s output as the table"
    for column in COLUMNS:
        assert f"`{column.name}`" in doc


def test_the_sample_file_uses_the_documented_columns_and_is_the_documentations_example() -> None:
    sample = (ROOT / "frontend" / "exemple-import.csv").read_text(encoding="utf-8-sig").splitlines()
    assert sample[0].split(";") == [column.name for column in COLUMNS]
    doc = (ROOT / "docs" / "import-csv.md").read_text(encoding="utf-8")
    assert "```csv\n" + "\n".join(sample) + "\n```" in doc


# --- Debtor's purpose (rulebook 1.1: a trader buying privately is a consumer) -------------------------------


@pytest.mark.parametrize(
    ("written", "purpose"),
    [
        ("professionnel", "professional"),
        ("Pro", "professional"),
        ("privé", "private"),
        ("A titre privé", "private"),
    ],
)
def test_the_debtors_purpose_is_read_in_french(written: str, purpose: str) -> None:
    plan = parse_aged_balance(balance({"debiteur_categorie": "artisan", "debiteur_achat": written}))
    assert plan.rejected == []
    assert plan.drafts[0].content.debtor.purpose == purpose


def test_without_the_purpose_column_the_debtor_bought_for_his_trade() -> None:
    plan = parse_aged_balance(balance({"debiteur_categorie": "artisan"}))
    debtor = plan.drafts[0].content.debtor
    assert debtor.purpose is None and debtor.is_business


def test_an_unknown_purpose_or_a_company_buying_privately_is_rejected_in_french() -> None:
    unknown = only_rejection(parse_aged_balance(balance({"debiteur_achat": "mixte"})))
    assert unknown.field == "debiteur_achat"
    assert "professionnel (achat pour son activité) ou privé" in unknown.message
    company = only_rejection(
        parse_aged_balance(balance({"debiteur_categorie": "sel", "debiteur_achat": "privé"}))
    )
    assert company.field == "debiteur_achat" and "personne morale" in company.message
