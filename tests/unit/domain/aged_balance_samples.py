"""Generated aged-balance CSV files, for the import's tests and ``make bench``."""

from __future__ import annotations

import datetime as dt

from stdnum import luhn

HEADER = (
    "Raison sociale;Catégorie;SIREN;Adresse;Code postal;Ville;N° facture;Date facture;Date d'échéance;"
    "Montant TTC;Montant réglé;Date de règlement;Objet"
)


def company_siren(index: int) -> str:
    """A valid SIREN (Luhn key) for the index-th fictitious company."""
    body = f"{40000000 + index:08d}"
    return body + luhn.calc_check_digit(body)


def euros(cents: int) -> str:
    """French Excel's display of an amount: 123456 → « 1 234,56 »."""
    return f"{cents // 100:,}".replace(",", " ") + f",{cents % 100:02d}"


def generated_balance(debtors: int = 2000, invoices_per_debtor: int = 5) -> str:
    """``debtors × invoices_per_debtor`` valid lines in French Excel format, the debtors interleaved (the
    first invoice of each debtor, then the second of each…), one invoice in three partly paid."""
    lines = [HEADER]
    start = dt.date(2025, 1, 6)
    for invoice in range(invoices_per_debtor):
        for debtor in range(debtors):
            issued = start + dt.timedelta(days=(debtor * 7 + invoice * 30) % 600)
            due = issued + dt.timedelta(days=30)
            cents = 10000 + (debtor * 3701 + invoice * 101307) % 900000
            paid = euros(cents // 4) if (debtor + invoice) % 3 == 0 else ""
            paid_on = f"{due + dt.timedelta(days=10):%d/%m/%Y}" if paid else ""
            lines.append(
                f"Client {debtor:04d} SAS;société;{company_siren(debtor)};{debtor % 90 + 1} rue du Commerce;"
                f"{debtor % 95 + 1:02d}100;Ville {debtor % 95 + 1};F-{debtor:04d}-{invoice:03d};"
                f"{issued:%d/%m/%Y};{due:%d/%m/%Y};{euros(cents)};{paid};{paid_on};"
                f"Prestation n° {invoice + 1}"
            )
    return "\r\n".join(lines) + "\r\n"
