"""The import itself: each line read alone, the lines grouped by debtor, each debtor's claim settled."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from chalicelib.domain.aged_balance.cells import (
    _CellError,
    _euros,
    _parse_category,
    _parse_company_id,
    _parse_country,
    _parse_date,
    _parse_money,
    _parse_purpose,
    _parse_rate,
)
from chalicelib.domain.aged_balance.claim_mapping import _content, _schema_errors, _sentence
from chalicelib.domain.aged_balance.columns import REQUIRED_COLUMNS
from chalicelib.domain.aged_balance.lines import _Group, _Line
from chalicelib.domain.aged_balance.report import DraftClaim, ImportPlan, LineRejection
from chalicelib.domain.aged_balance.text import _fold, _shown
from chalicelib.domain.claim_content import ClaimContent

_PROGRESS_EVERY = 500


_MAX_INVOICES = next(
    (
        int(rule.max_length)
        for rule in ClaimContent.model_fields["invoices"].metadata
        if hasattr(rule, "max_length")
    ),
    200,
)


# Columns copied as written (the others are parsed first).
_TEXT_COLUMNS = (
    "debiteur_nom",
    "debiteur_adresse",
    "debiteur_adresse2",
    "debiteur_ville",
    "debiteur_email",
    "debiteur_telephone",
    "reference",
)


def _same(known: Any, value: Any) -> bool:
    if isinstance(known, str) and isinstance(value, str):
        return known == value or _fold(known) == _fold(value)
    return bool(known == value)


class _Import:
    def __init__(
        self,
        labels: dict[str, str],
        total: int,
        on_progress: Callable[[int, int], None] | None,
        warnings: list[str],
    ) -> None:
        self.labels = labels
        self.total = total
        self.on_progress = on_progress
        self.warnings = warnings
        self.rejected: list[LineRejection] = []
        self.padded_postal_codes: list[int] = []

    def reject(self, line: int, column: str, code: str, detail: str) -> None:
        where = f"Ligne {line}, colonne « {self.labels.get(column, column)} »" if column else f"Ligne {line}"
        self.rejected.append(LineRejection(line, column, f"{where} : {_sentence(detail)}", code))

    def run(self, lines: list[tuple[int, dict[str, str]]]) -> ImportPlan:
        groups: dict[str, _Group] = {}
        for done, (number, cells) in enumerate(lines, start=1):
            line = self.read(number, cells)
            if line is not None:
                self.group(line, groups)
            if self.on_progress is not None and done % _PROGRESS_EVERY == 0 and done < self.total:
                self.on_progress(done, self.total)
        drafts = [draft for group in groups.values() if (draft := self.settle(group)) is not None]
        if self.padded_postal_codes:
            shown = ", ".join(map(str, self.padded_postal_codes[:10]))
            more = "…" if len(self.padded_postal_codes) > 10 else ""
            self.warnings.append(
                "Des codes postaux à 4 chiffres ont été complétés par un 0 initial, qu'Excel efface "
                f"(lignes {shown}{more})."
            )
        if self.on_progress is not None:
            self.on_progress(self.total, self.total)
        rejected = sorted(self.rejected, key=lambda rejection: rejection.line)
        return ImportPlan(self.total, drafts, rejected, self.warnings)

    # One line: cells → typed values → the schema, alone.

    def read(self, number: int, cells: dict[str, str]) -> _Line | None:
        reader = _LineCells(cells)
        for name in REQUIRED_COLUMNS:
            if not cells[name]:
                reader.error(name, "missing_value", "La valeur est obligatoire.")
        shared, padded = _shared_values(reader)
        invoice = _invoice_values(reader)
        paid, paid_on = _payment_values(reader, invoice["amount_ttc"])
        if reader.errors:
            for column, code, detail in reader.errors:
                self.reject(number, column, code, detail)
            return None

        invoice = {key: value for key, value in invoice.items() if value not in (None, "")}
        payment = None
        if paid is not None:
            payment = {"date": paid_on, "amount": paid, "invoice": invoice["number"]}
        line = _Line(number, cells, shared, invoice, payment)
        try:
            ClaimContent.model_validate(_content(shared, [line]))
        except ValidationError as error:
            for _, _, column, detail in _schema_errors(error):
                self.reject(number, column, "invalid_value", detail)
            return None
        if padded:
            self.padded_postal_codes.append(number)
        return line

    # Lines of one debtor: agreement, duplicates.

    def group(self, line: _Line, groups: dict[str, _Group]) -> None:
        shared = line.shared
        key = (
            f"siren:{shared['debiteur_siren']}"
            if "debiteur_siren" in shared
            else f"nom:{_fold(shared['debiteur_nom'])}|{_fold(shared['debiteur_code_postal'])}"
        )
        group = groups.setdefault(key, _Group(key))
        conflicts = False
        for name, value in shared.items():
            known = group.values.get(name)
            if known is not None and not _same(known[0], value):
                conflicts = True
                source = known[1]
                self.reject(
                    line.number,
                    "debiteur_siren" if name == "siret" else name,
                    "debtor_mismatch",
                    f"Le même débiteur figure ligne {source.number} avec une autre valeur "
                    f"(« {_shown(source.raw(name))} » ligne {source.number}, « {_shown(line.raw(name))} » "
                    "ici) : toutes ses factures forment une seule créance, corrigez l'une des deux lignes.",
                )
        if conflicts:
            return
        number = line.invoice["number"]
        earlier = group.numbers.get(number.casefold())
        if earlier is not None:
            self.reject(
                line.number,
                "facture_numero",
                "duplicate_invoice",
                f"La facture n° {_shown(number)} de ce débiteur figure déjà ligne {earlier.number}.",
            )
            return
        if len(group.lines) >= _MAX_INVOICES:
            self.reject(
                line.number,
                "",
                "too_many_invoices",
                f"Ce débiteur a déjà {_MAX_INVOICES} factures dans le fichier, le maximum pour une créance : "
                "importez les suivantes dans un second fichier.",
            )
            return
        for name, value in shared.items():
            group.values.setdefault(name, (value, line))
        group.numbers[number.casefold()] = line
        group.lines.append(line)

    # One debtor's claim: the schema on the whole; a faulty line goes, the others are tried again.

    def settle(self, group: _Group) -> DraftClaim | None:
        lines = list(group.lines)
        while lines:
            shared: dict[str, Any] = {}
            for line in lines:  # the lines agree (see group()): the first one giving a value gives it
                for name, value in line.shared.items():
                    shared.setdefault(name, value)
            try:
                content = ClaimContent.model_validate(_content(shared, lines))
            except ValidationError as error:
                paying = [line for line in lines if line.payment is not None]
                faulty: set[int] = set()
                for kind, index, column, detail in _schema_errors(error):
                    if kind == "invoices" and index < len(lines):
                        blamed = [lines[index]]
                    elif kind == "payments" and index < len(paying):
                        blamed = [paying[index]]
                    else:  # a debtor or contract value: every line of the claim carries it
                        blamed = lines
                    for line in blamed:
                        self.reject(line.number, column, "invalid_value", detail)
                        faulty.add(line.number)
                lines = [line for line in lines if line.number not in faulty]
                continue
            return DraftClaim(group.key, content, tuple(line.number for line in lines))
        return None


class _LineCells:
    """One line's cells being read, and the errors found so far as (column, code, detail)."""

    def __init__(self, cells: dict[str, str]) -> None:
        self.cells = cells
        self.errors: list[tuple[str, str, str]] = []

    def error(self, column: str, code: str, detail: str) -> None:
        self.errors.append((column, code, detail))

    def parsed(self, column: str, parse: Callable[[str], Any]) -> Any:
        raw = self.cells.get(column, "")
        if not raw:
            return None
        try:
            return parse(raw)
        except _CellError as error:
            self.error(column, error.code, str(error))
            return None


def _shared_values(reader: _LineCells) -> tuple[dict[str, Any], bool]:
    """The debtor, contract and reference values of a line (blank ones left out), and whether its postal
    code lost a leading 0 to Excel (it is put back)."""
    cells, parsed = reader.cells, reader.parsed
    shared: dict[str, Any] = {}
    for column in _TEXT_COLUMNS:
        if cells.get(column):
            shared[column] = cells[column]
    shared["debiteur_categorie"] = parsed("debiteur_categorie", _parse_category)
    shared["debiteur_achat"] = parsed("debiteur_achat", _parse_purpose)
    siren, siret = parsed("debiteur_siren", _parse_company_id) or ("", "")
    shared.update(debiteur_siren=siren, siret=siret)
    shared["debiteur_pays"] = parsed("debiteur_pays", _parse_country)
    postal_code = cells.get("debiteur_code_postal", "")
    padded = re.fullmatch(r"\d{4}", postal_code) is not None and shared["debiteur_pays"] in (None, "FR")
    shared["debiteur_code_postal"] = "0" + postal_code if padded else postal_code
    shared["taux_contractuel"] = parsed("taux_contractuel", _parse_rate)
    return {key: value for key, value in shared.items() if value not in (None, "")}, padded


def _invoice_values(reader: _LineCells) -> dict[str, Any]:
    cells, parsed = reader.cells, reader.parsed
    return {
        "number": cells["facture_numero"],
        "issue_date": parsed("facture_date", _parse_date),
        "performance_date": parsed("date_livraison", _parse_date),
        "due_date": parsed("echeance", _parse_date),
        "amount_ttc": parsed("montant_ttc", _parse_money),
        "description": cells.get("objet", ""),
    }


def _payment_values(reader: _LineCells, amount: Decimal | None) -> tuple[Decimal | None, dt.date | None]:
    """The amount already paid on the invoice and its date (None, None when nothing was paid); checks that
    the amounts make an unpaid invoice."""
    cells, parsed = reader.cells, reader.parsed
    paid, paid_on = parsed("montant_regle", _parse_money), None
    if amount is not None and amount < 0:
        reader.error(
            "montant_ttc",
            "negative_amount",
            "Le montant est négatif : un avoir ne s'importe pas comme une facture ; déduisez-le de "
            "la facture qu'il corrige (colonnes montant_regle et date_reglement).",
        )
    if paid == 0:
        paid = None  # many exports print 0,00 in the « réglé » column of every line
    elif paid is not None:
        paid_on = parsed("date_reglement", _parse_date)
        if not cells.get("date_reglement"):
            reader.error(
                "date_reglement",
                "payment_incomplete",
                "La date du règlement manque : un montant réglé est indiqué sur cette ligne.",
            )
        if amount is not None and paid >= amount:
            reader.error(
                "montant_regle",
                "payment_exceeds_invoice",
                f"Le montant réglé ({_euros(paid)}) couvre toute la facture ({_euros(amount)}) : "
                "elle n'est plus impayée.",
            )
    elif cells.get("date_reglement") and not cells.get("montant_regle"):
        reader.error(
            "montant_regle",
            "payment_incomplete",
            "Le montant réglé manque : une date de règlement est indiquée sur cette ligne.",
        )
    return paid, paid_on
