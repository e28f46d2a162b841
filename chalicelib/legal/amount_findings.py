"""The findings that explain the amounts (rulebook 5): one small rule per question, in a fixed order.

Rate « à parfaire », then the regime's own rules (late-payment penalties and the 40 € indemnity, or legal
interest from the formal notice), the opening judgment stopping interest, the imputation of payments and
an overpayment.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from chalicelib.legal.dates import french_count, french_date
from chalicelib.legal.findings import Finding, Level
from chalicelib.legal.interest_ledger import Ledger, RateChooser, interest_end, long_term_exception
from chalicelib.legal.model import Claim
from chalicelib.legal.money import ZERO, french_euros, french_percent
from chalicelib.legal.settings import Settings

if TYPE_CHECKING:
    from chalicelib.legal.amounts import AmountsResult


class _Findings(list[Finding]):
    def add(
        self, code: str, article: str, message: str, level: Level = "info", detail: str | None = None
    ) -> None:
        self.append(Finding(code, article, message, "amounts", level, detail))


def amount_findings(
    claim: Claim, settings: Settings, result: AmountsResult, ledger: Ledger, chooser: RateChooser
) -> list[Finding]:
    out = _Findings()
    _a_parfaire(out, result)
    if result.regime == "b2b_penalties":
        _penalty_rate(out, claim, chooser)
        _flat_indemnity(out, claim, settings, result, ledger)
        _due_dates(out, ledger)
    else:
        _legal_interest(out, claim)
    _interest_and_proceedings(out, claim, settings, ledger)
    _imputation(out, claim, result)
    if result.overpaid > 0:
        out.add(
            "overpayment",
            "C. civ. 1302",
            f"Les paiements dépassent la somme due de {french_euros(result.overpaid)} : rien n'est plus dû.",
            "warning",
        )
    return list(out)


def _a_parfaire(out: _Findings, result: AmountsResult) -> None:
    """Rulebook 6: a rate not yet published stops the interest « à parfaire »."""
    if result.missing_semester is None:
        return
    penalties = result.regime == "b2b_penalties"
    what = "pénalités de retard" if penalties else "intérêts au taux légal"
    table = (
        "taux BCE (opération principale de refinancement)"
        if result.missing_table == "ecb_mro"
        else "taux de l'intérêt légal"
    )
    out.add(
        "interest_a_parfaire",
        "C. com. L441-10 II" if penalties else "C. mon. fin. L313-2",
        f"Le {table} du semestre {result.missing_semester} n'est pas encore publié : les {what} sont "
        f"arrêté{'e' if penalties else ''}s au {french_date(result.interest_until)}, à parfaire. Le "
        "principal et les indemnités sont dus en totalité ; le montant sera complété dès la publication "
        "du taux.",
        "warning",
        result.missing_semester,
    )


def _penalty_rate(out: _Findings, claim: Claim, chooser: RateChooser) -> None:
    """C. com. L441-10 II: ECB + 10 points, or the contractual rate if at least the floor."""
    if claim.contractual_rate is None:
        out.add(
            "late_penalties_ecb_plus_10",
            "C. com. L441-10 II",
            "Pénalités de retard dues de plein droit, sans rappel, dès le lendemain de l'échéance "
            "figurant sur la facture, au taux de la BCE (opération principale de refinancement) en "
            "vigueur au 1er janvier ou au 1er juillet du semestre, majoré de 10 points, calculées sur "
            "le montant TTC.",
        )
    elif not chooser.below_floor:
        out.add(
            "late_penalties_contractual_rate",
            "C. com. L441-10 II",
            f"Pénalités de retard au taux contractuel de {french_percent(claim.contractual_rate)}, au "
            "moins égal au plancher légal de trois fois le taux d'intérêt légal.",
        )
    if chooser.below_floor:
        semesters = ", ".join(f"{s} ({french_percent(f)})" for s, f in chooser.below_floor)
        out.add(
            "contractual_rate_below_floor",
            "C. com. L441-10 II",
            f"Le taux contractuel de {french_percent(claim.contractual_rate or ZERO)} est inférieur au "
            "plancher légal de trois fois le taux d'intérêt légal : la pénalité est calculée au "
            "plancher et un avocat doit valider ce choix (conséquence non tranchée par les textes).",
            "warning",
            f"semestres concernés : {semesters}",
        )


def _flat_indemnity(
    out: _Findings, claim: Claim, settings: Settings, result: AmountsResult, ledger: Ledger
) -> None:
    """C. com. L441-10 II, D441-5: the 40 € indemnity per invoice paid late, and when it is not due."""
    indemnities = sum(1 for inv in result.invoices if inv.indemnity_due)
    if indemnities:
        out.add(
            "flat_indemnity",
            "C. com. L441-10 II ; D441-5 ; CJUE C-585/20",
            "Indemnité forfaitaire pour frais de recouvrement de "
            f"{french_euros(settings.FLAT_INDEMNITY)} due de plein droit pour chaque facture non payée "
            f"à son échéance ({french_count(indemnities, 'facture', 'factures')}).",
        )
    proceedings = claim.debtor.collective_proceedings
    if proceedings is not None:
        excluded = [d.invoice.number for d in ledger.debts if d.due_ref >= proceedings.opened_on]
        if excluded:
            out.add(
                "flat_indemnity_excluded_by_proceedings",
                "C. com. L441-10 II",
                "L'indemnité forfaitaire de 40 € n'est pas due lorsque l'ouverture de la procédure "
                "collective interdisait le paiement à l'échéance.",
                detail="créances : " + ", ".join(excluded),
            )
    old = [
        d.invoice.number
        for d in ledger.debts
        if d.invoice.issue_date < date.fromisoformat(settings.FLAT_INDEMNITY_FROM)
    ]
    if old:
        out.add(
            "flat_indemnity_not_applicable_before_2013",
            "C. com. D441-5",
            "L'indemnité forfaitaire ne s'applique qu'aux créances dont le délai de paiement a "
            "commencé après le 1er janvier 2013.",
            detail="créances : " + ", ".join(old),
        )


def _due_dates(out: _Findings, ledger: Ledger) -> None:
    """C. com. L441-10 I-II: the default 30-day term, and a due date on a weekend that is not moved."""
    for debt in ledger.debts:
        if debt.invoice.due_date is None:
            out.add(
                "due_date_missing_default_term",
                "C. com. L441-10 I",
                f"Facture {debt.invoice.number} sans date de règlement : délai légal de 30 jours après "
                f"l'exécution de la prestation, soit le {french_date(debt.due_ref)}.",
                "warning",
            )
        elif debt.invoice.due_date.weekday() >= 5:
            out.add(
                "due_date_not_moved",
                "C. com. L441-10 II (Rulebook 5.1, POLICY)",
                f"L'échéance du {french_date(debt.invoice.due_date)} (facture {debt.invoice.number}) "
                "tombe un week-end : elle n'est pas reportée, les pénalités courent dès le lendemain.",
            )


def _legal_interest(out: _Findings, claim: Claim) -> None:
    """C. civ. 1231-6, 1344-1: legal interest from the formal notice; nothing more against a consumer."""
    notice = claim.formal_notice
    category = "personnes physiques n'agissant pas pour des besoins professionnels"
    if claim.creditor.category != "consumer":
        category = "autres cas"
    if notice is None:
        out.add(
            "no_formal_notice_no_interest",
            "C. civ. 1231-6 ; 1344-1",
            "Aucune mise en demeure : les intérêts au taux légal ne courent qu'à compter de la mise en "
            "demeure de payer.",
        )
    elif notice.first_presented_on is None:
        out.add(
            "formal_notice_presentation_unknown",
            "C. civ. 1344-1 (Rulebook 4.3, POLICY)",
            "Date de première présentation de la mise en demeure inconnue : les intérêts au taux légal "
            "ne sont pas calculés tant qu'elle n'est pas renseignée (jamais à partir de l'envoi).",
            "warning",
        )
    else:
        out.add(
            "legal_interest_from_formal_notice",
            "C. civ. 1231-6 ; 1344-1 ; C. mon. fin. L313-2",
            "Intérêts au taux légal à compter du lendemain de la première présentation de la mise en "
            f"demeure ({french_date(notice.first_presented_on)}), au taux du semestre pour la catégorie "
            f"« {category} » (catégorie du créancier).",
        )
    if claim.debtor.category == "consumer":
        out.add(
            "no_flat_indemnity_consumer",
            "C. com. L441-10 II ; CPCE L111-8",
            "Pas de pénalités commerciales ni d'indemnité forfaitaire de 40 € contre un consommateur ; "
            "aucun frais de recouvrement ne peut lui être réclamé.",
        )
    if claim.contractual_rate is not None:
        out.add(
            "contractual_rate_not_applied",
            "C. civ. 1231-6 ; 1344",
            "Un taux contractuel est indiqué mais le moteur n'applique que le taux légal à cette "
            "créance : la validité de la stipulation doit être vérifiée par un avocat.",
            "warning",
        )


def _interest_and_proceedings(out: _Findings, claim: Claim, settings: Settings, ledger: Ledger) -> None:
    """C. com. L622-28: the opening judgment stops interest, except for long-term contracts."""
    stops = [interest_end(claim, debt.invoice, settings) for debt in ledger.debts]
    if any(stopped for _, stopped in stops):
        stop = next(day for day, stopped in stops if stopped)
        out.add(
            "interest_stopped_by_proceedings",
            "C. com. L622-28",
            "Le jugement d'ouverture arrête le cours des intérêts légaux, conventionnels et de retard : "
            f"ils sont arrêtés au {french_date(stop)} inclus.",
        )
    if claim.debtor.collective_proceedings is not None:
        exempt = [d.invoice.number for d in ledger.debts if long_term_exception(claim, d.invoice)]
        if exempt:
            out.add(
                "interest_continues_long_term_contract",
                "C. com. L622-28",
                "Prêt d'au moins un an ou paiement différé d'un an ou plus : les intérêts continuent de "
                "courir après le jugement d'ouverture. À confirmer par un avocat.",
                "warning",
                detail="créances : " + ", ".join(exempt),
            )


def _imputation(out: _Findings, claim: Claim, result: AmountsResult) -> None:
    """C. civ. 1343-1, 1342-10: how partial payments were imputed."""
    if not claim.payments:
        return
    if result.imputation == "interest_first":
        out.add(
            "imputation_interest_first",
            "C. civ. 1343-1",
            "Les paiements partiels s'imputent d'abord sur les intérêts, puis sur le capital ; "
            "l'indemnité forfaitaire en dernier.",
        )
    else:
        out.add(
            "imputation_principal_first",
            "C. civ. 1343-1 (Rulebook 5.5, option du créancier)",
            "Le créancier accepte l'imputation des paiements sur le capital d'abord (plus favorable au "
            "débiteur) : les intérêts échus jusqu'au paiement restent dus.",
        )
    if len(claim.invoices) > 1 and any(p.invoice is None for p in claim.payments):
        out.add(
            "imputation_between_debts",
            "C. civ. 1342-10 (texte non vérifié)",
            "Plusieurs factures et un paiement non affecté : imputé sur les dettes échues, la plus "
            "ancienne d'abord. À confirmer si le débiteur a désigné la facture payée.",
            "warning",
        )
