"""Amounts (rulebook 5): late-payment penalties or legal interest, the 40 € indemnity, imputation.

The décompte is a list of segments, one per invoice and per stretch of constant base and rate: the
period from the day after the start event to the end date is split at every 1 January and 1 July and at
every payment imputed on the invoice; each segment is ``base × rate × days / divisor`` rounded half-up to
the cent, then summed (rulebook 5.6). Payments are imputed interest first (C. civ. 1343-1) unless the
creditor accepts principal first; the 40 € indemnities come last (POLICY).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from chalicelib.legal.amount_findings import amount_findings
from chalicelib.legal.dates import Semester
from chalicelib.legal.errors import RateNotPublished
from chalicelib.legal.findings import Finding
from chalicelib.legal.interest_ledger import (
    DEFAULT_PAYMENT_TERM_DAYS,
    Allocation,
    Ledger,
    PaymentImputation,
    RateChooser,
    RateFor,
    Segment,
    accrue,
    divisor_for,
    interest_end,
    long_term_exception,
    run_ledger,
)
from chalicelib.legal.model import Claim
from chalicelib.legal.money import ZERO
from chalicelib.legal.rates import RateTables
from chalicelib.legal.regime import InterestRegime, interest_regime
from chalicelib.legal.settings import Settings

# Re-exported: callers and tests import these from here.
__all__ = [
    "DEFAULT_PAYMENT_TERM_DAYS",
    "Allocation",
    "AmountsResult",
    "InvoiceAmounts",
    "PaymentImputation",
    "RateFor",
    "Segment",
    "accrue",
    "compute_amounts",
    "divisor_for",
    "interest_end",
    "long_term_exception",
    "payment_targets_without_interest",
]


@dataclass(frozen=True, slots=True)
class InvoiceAmounts:
    number: str
    amount_ttc: Decimal
    interest_from: date | None  # first day bearing interest
    principal_paid: Decimal
    principal_outstanding: Decimal
    interest_accrued: Decimal
    interest_paid: Decimal
    interest_outstanding: Decimal
    indemnity_due: bool
    indemnity_paid: Decimal
    indemnity_outstanding: Decimal
    segments: tuple[Segment, ...]

    @property
    def outstanding(self) -> Decimal:
        return self.principal_outstanding + self.interest_outstanding + self.indemnity_outstanding


@dataclass(frozen=True, slots=True)
class AmountsResult:
    regime: InterestRegime
    day_count: str
    imputation: str
    interest_until: date
    invoices: tuple[InvoiceAmounts, ...]
    payments: tuple[PaymentImputation, ...]
    principal_outstanding: Decimal
    interest: Decimal
    indemnity: Decimal
    overpaid: Decimal
    # Interest counted only up to ``interest_until`` because the rate of ``missing_semester`` is not yet
    # published (« à parfaire »): nothing is guessed, the figure is completed once the rate is known.
    missing_semester: str | None = None
    missing_table: str | None = None

    @property
    def a_parfaire(self) -> bool:
        return self.missing_semester is not None

    @property
    def total(self) -> Decimal:
        return self.principal_outstanding + self.interest + self.indemnity

    def summary(self) -> dict[str, object]:
        return {
            "principal_outstanding": str(self.principal_outstanding),
            "interest": str(self.interest),
            "indemnity": str(self.indemnity),
            "total": str(self.total),
            "regime": self.regime,
            "interest_until": self.interest_until.isoformat(),
            "a_parfaire": self.a_parfaire,
            "missing_semester": self.missing_semester,
        }

    def decompte(self) -> dict[str, object]:
        return {
            "regime": self.regime,
            "day_count": self.day_count,
            "imputation": self.imputation,
            "interest_until": self.interest_until.isoformat(),
            "a_parfaire": self.a_parfaire,
            "missing_semester": self.missing_semester,
            "invoices": [
                {
                    "number": inv.number,
                    "amount_ttc": str(inv.amount_ttc),
                    "interest_from": inv.interest_from.isoformat() if inv.interest_from else None,
                    "principal_paid": str(inv.principal_paid),
                    "principal_outstanding": str(inv.principal_outstanding),
                    "interest_accrued": str(inv.interest_accrued),
                    "interest_paid": str(inv.interest_paid),
                    "interest_outstanding": str(inv.interest_outstanding),
                    "indemnity_due": inv.indemnity_due,
                    "indemnity_paid": str(inv.indemnity_paid),
                    "indemnity_outstanding": str(inv.indemnity_outstanding),
                    "segments": [s.as_dict() for s in inv.segments],
                }
                for inv in self.invoices
            ],
            "payments": [
                {
                    "date": p.date.isoformat(),
                    "amount": str(p.amount),
                    "allocations": [
                        {
                            "invoice": a.invoice,
                            "interest": str(a.interest),
                            "principal": str(a.principal),
                            "indemnity": str(a.indemnity),
                        }
                        for a in p.allocations
                    ],
                    "unallocated": str(p.unallocated),
                }
                for p in self.payments
            ],
            "totals": {
                "principal_outstanding": str(self.principal_outstanding),
                "interest": str(self.interest),
                "indemnity": str(self.indemnity),
                "total": str(self.total),
                "overpaid": str(self.overpaid),
            },
        }


def payment_targets_without_interest(claim: Claim, settings: Settings) -> dict[int, tuple[str, ...]]:
    """Which invoices each payment reaches when interest cannot be computed (a rate is missing).

    Used only to know which debts a payment acknowledges (C. civ. 2240) for the prescription.
    """
    ledger, _, _ = run_ledger(claim, settings, None, interest_regime(claim))
    return {imp.index: imp.invoices for imp in ledger.imputations}


def compute_amounts(
    claim: Claim, settings: Settings, tables: RateTables
) -> tuple[AmountsResult, list[Finding]]:
    """Rulebook 5: the amounts as of ``claim.as_of`` and their décompte. Raises ``RateNotPublished``."""
    regime = interest_regime(claim)
    chooser = RateChooser(claim, regime, tables)
    missing: RateNotPublished | None = None
    try:
        ledger, day_count, imputation = run_ledger(claim, settings, chooser, regime)
    except RateNotPublished as not_yet:
        cap = _last_published_day(not_yet, tables)
        if cap is None:
            raise
        # Rulebook 6 / README "never guess a rate": interest is counted to the last day a published rate
        # covers, « à parfaire »; principal and indemnities are unaffected.
        missing = not_yet
        chooser = RateChooser(claim, regime, tables)
        ledger, day_count, imputation = run_ledger(claim, settings, chooser, regime, cap)
    invoices = []
    for debt in ledger.debts:
        indemnity_due = debt.indemnity_eligible and debt.late
        indemnity_amount = settings.FLAT_INDEMNITY if indemnity_due else ZERO
        invoices.append(
            InvoiceAmounts(
                number=debt.invoice.number,
                amount_ttc=debt.invoice.amount_ttc,
                interest_from=(debt.interest_start + timedelta(days=1)) if debt.interest_start else None,
                principal_paid=debt.principal_paid,
                principal_outstanding=debt.principal,
                interest_accrued=debt.interest_accrued,
                interest_paid=debt.interest_paid,
                interest_outstanding=debt.interest_outstanding,
                indemnity_due=indemnity_due,
                indemnity_paid=debt.indemnity_paid,
                indemnity_outstanding=indemnity_amount - debt.indemnity_paid,
                segments=tuple(debt.segments),
            )
        )
    result = AmountsResult(
        regime=regime,
        day_count=day_count,
        imputation=imputation,
        interest_until=_interest_until(ledger),
        invoices=tuple(invoices),
        payments=tuple(ledger.imputations),
        principal_outstanding=sum((i.principal_outstanding for i in invoices), ZERO),
        interest=sum((i.interest_outstanding for i in invoices), ZERO),
        indemnity=sum((i.indemnity_outstanding for i in invoices), ZERO),
        overpaid=sum((p.unallocated for p in ledger.imputations), ZERO),
        missing_semester=missing.semester if missing else None,
        missing_table=missing.table if missing else None,
    )
    return result, amount_findings(claim, settings, result, ledger, chooser)


def _interest_until(ledger: Ledger) -> date:
    until = max(debt.stop for debt in ledger.debts)
    return min(until, ledger.cap) if ledger.cap is not None else until


def _last_published_day(missing: RateNotPublished, tables: RateTables) -> date | None:
    """The day before the semester whose rate is missing, when that semester comes after the tables (a rate
    not yet published); None when it comes before them (a claim older than the tables: not computable)."""
    semester = Semester.parse(missing.semester)
    if missing.table == "legal_interest":
        first_known = min(tables.legal)
    else:
        first_known = Semester.of(tables.ecb_changes[0].effective)
    if semester <= first_known:
        return None
    return semester.first_day - timedelta(days=1)
