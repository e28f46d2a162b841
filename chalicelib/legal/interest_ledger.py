"""The interest ledger (rulebook 5.2-5.6): interest accrued per invoice and payments imputed on it.

Interest on one stretch of time is a list of :class:`Segment`, split at every 1 January and 1 July
(:func:`accrue`); the :class:`Ledger` walks the payments in date order, accrues each debt up to the payment
and imputes it interest first (C. civ. 1343-1) or principal first (the creditor's option), the 40 €
indemnities last (POLICY). :class:`RateChooser` gives the semester's rate for the claim's regime.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from chalicelib.legal.dates import Semester, add_years
from chalicelib.legal.errors import RateNotPublished
from chalicelib.legal.model import Claim, Invoice
from chalicelib.legal.money import ZERO, french_percent, round_cents
from chalicelib.legal.rates import LegalCategory, RateTables, RateValue
from chalicelib.legal.regime import InterestRegime
from chalicelib.legal.settings import Settings

DEFAULT_PAYMENT_TERM_DAYS = 30  # C. com. L441-10 I: absent agreement, 30 days after performance


@dataclass(frozen=True, slots=True)
class Segment:
    invoice: str
    start: date  # first day counted
    end: date  # last day counted
    days: int
    base: Decimal
    rate: Decimal
    rate_source: str
    divisor: int
    amount: Decimal

    def as_dict(self) -> dict[str, object]:
        return {
            "invoice": self.invoice,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "base": str(self.base),
            "rate": str(self.rate),
            "rate_source": self.rate_source,
            "divisor": self.divisor,
            "amount": str(self.amount),
        }


@dataclass(frozen=True, slots=True)
class Allocation:
    invoice: str
    interest: Decimal
    principal: Decimal
    indemnity: Decimal


@dataclass(frozen=True, slots=True)
class PaymentImputation:
    index: int
    date: date
    amount: Decimal
    allocations: tuple[Allocation, ...]
    unallocated: Decimal

    @property
    def invoices(self) -> tuple[str, ...]:
        return tuple(a.invoice for a in self.allocations if a.interest or a.principal or a.indemnity)


# ---------------------------------------------------------------------------------------------
# interest on one stretch of time
# ---------------------------------------------------------------------------------------------
RateFor = Callable[[Semester], RateValue]


def divisor_for(year: int, day_count: str) -> int:
    """ACT/365 (default, rulebook 0 POLICY) or ACT/366 for the days of a leap year."""
    return 366 if day_count == "ACT/366" and calendar.isleap(year) else 365


def accrue(
    invoice: str,
    base: Decimal,
    start_excl: date,
    end_incl: date,
    rate_for: RateFor,
    day_count: str = "ACT/365",
) -> list[Segment]:
    """Segments of simple interest on ``base`` from the day after ``start_excl`` to ``end_incl``.

    Split at every semester boundary (1 Jan, 1 Jul), each segment rounded half-up to the cent.
    """
    segments: list[Segment] = []
    if base <= 0:
        return segments
    cursor = start_excl
    while cursor < end_incl:
        first = cursor + timedelta(days=1)
        semester = Semester.of(first)
        last = min(semester.last_day, end_incl)
        days = (last - cursor).days
        rate = rate_for(semester)
        divisor = divisor_for(first.year, day_count)
        amount = round_cents(base * rate.rate / Decimal(100) * Decimal(days) / Decimal(divisor))
        segments.append(Segment(invoice, first, last, days, base, rate.rate, rate.source, divisor, amount))
        cursor = last
    return segments


# ---------------------------------------------------------------------------------------------
# the ledger
# ---------------------------------------------------------------------------------------------
@dataclass(slots=True)
class Debt:
    invoice: Invoice
    due_ref: date  # the date after which the debtor is late
    interest_start: date | None  # interest runs from the next day; None: no interest
    start_field: str
    indemnity_eligible: bool
    principal: Decimal
    stop: date  # last day bearing interest (as_of, or the opening judgment: L622-28)
    accrued_to: date | None = None
    segments: list[Segment] = field(default_factory=list)
    interest_paid: Decimal = ZERO
    principal_paid: Decimal = ZERO
    late_checked: bool = False
    late: bool = False
    indemnity_paid: Decimal = ZERO

    @property
    def interest_accrued(self) -> Decimal:
        return sum((s.amount for s in self.segments), ZERO)

    @property
    def interest_outstanding(self) -> Decimal:
        return self.interest_accrued - self.interest_paid


class RateChooser:
    """Per-semester rate for the claim's regime (cached), collecting below-floor semesters."""

    def __init__(self, claim: Claim, regime: InterestRegime, tables: RateTables) -> None:
        self.claim = claim
        self.regime = regime
        self.tables = tables
        self.cache: dict[Semester, RateValue] = {}
        self.below_floor: list[tuple[Semester, Decimal]] = []
        self.category: LegalCategory = (
            "particuliers" if claim.creditor.category == "consumer" else "autres_cas"
        )

    def __call__(self, semester: Semester) -> RateValue:
        hit = self.cache.get(semester)
        if hit is None:
            hit = self._compute(semester)
            self.cache[semester] = hit
        return hit

    def _compute(self, semester: Semester) -> RateValue:
        if self.regime == "legal_interest":
            return self.tables.legal_rate(semester, self.category)
        stipulated = self.claim.contractual_rate
        if stipulated is None:
            return self.tables.default_penalty_rate(semester)
        floor = self.tables.penalty_floor(semester)
        if stipulated >= floor:
            return RateValue(
                stipulated,
                f"Taux contractuel {french_percent(stipulated)} (au moins égal au plancher de 3 × le taux "
                f"légal du semestre {semester}, soit {french_percent(floor)}) — C. com. L441-10 II",
            )
        self.below_floor.append((semester, floor))
        return RateValue(
            floor,
            f"Plancher légal 3 × taux légal « autres cas » {semester} = {french_percent(floor)} appliqué : "
            f"le taux contractuel {french_percent(stipulated)} lui est inférieur — C. com. L441-10 II",
        )


def _due_reference(invoice: Invoice, regime: InterestRegime) -> date:
    if invoice.due_date is not None:
        return invoice.due_date
    if regime == "b2b_penalties":
        return invoice.performance_date + timedelta(days=DEFAULT_PAYMENT_TERM_DAYS)
    return invoice.issue_date


def long_term_exception(claim: Claim, invoice: Invoice) -> bool:
    """L622-28: loans of one year or more, and contracts with a payment deferred by a year or more,
    keep bearing interest after the opening judgment."""
    if invoice.due_date is None:
        return False
    if claim.nature == "loan":
        return add_years(invoice.performance_date, 1) <= invoice.due_date
    return add_years(invoice.issue_date, 1) <= invoice.due_date


def interest_end(claim: Claim, invoice: Invoice, settings: Settings) -> tuple[date, bool]:
    """Last day bearing interest for ``invoice``, and whether the opening judgment stopped it (L622-28)."""
    proceedings = claim.debtor.collective_proceedings
    if proceedings is None or long_term_exception(claim, invoice):
        return claim.as_of, False
    if settings.INTEREST_STOP_INCLUDES_OPENING_DAY:
        return proceedings.opened_on, True
    return proceedings.opened_on - timedelta(days=1), True


def _build_debts(claim: Claim, regime: InterestRegime, settings: Settings) -> list[Debt]:
    debts = []
    notice = claim.formal_notice
    proceedings = claim.debtor.collective_proceedings
    indemnity_from = date.fromisoformat(settings.FLAT_INDEMNITY_FROM)
    for inv in claim.invoices:
        due_ref = _due_reference(inv, regime)
        if regime == "b2b_penalties":
            start: date | None = due_ref
            start_field = f"{inv.field}.due_date"
        elif notice is not None and notice.first_presented_on is not None:
            start = max(notice.first_presented_on, due_ref)
            start_field = (
                "formal_notice.first_presented_on"
                if start == notice.first_presented_on
                else f"{inv.field}.due_date"
            )
        else:
            start, start_field = None, "formal_notice"
        eligible = (
            regime == "b2b_penalties"
            and inv.issue_date >= indemnity_from
            and (proceedings is None or due_ref < proceedings.opened_on)
        )
        stop, _ = interest_end(claim, inv, settings)
        debts.append(Debt(inv, due_ref, start, start_field, eligible, inv.amount_ttc, stop))
    return debts


class Ledger:
    def __init__(
        self,
        claim: Claim,
        regime: InterestRegime,
        settings: Settings,
        rate_for: RateFor | None,
        day_count: str,
        imputation: str,
        cap: date | None = None,
    ) -> None:
        self.claim = claim
        self.cap = cap  # last day a published rate covers, when the tables stop before as_of
        self.settings = settings
        self.rate_for = rate_for
        self.day_count = day_count
        self.imputation = imputation
        self.debts = _build_debts(claim, regime, settings)
        self.imputations: list[PaymentImputation] = []

    def _accrue(self, debt: Debt, to: date) -> None:
        if self.rate_for is None or debt.interest_start is None:
            return
        to = min(to, debt.stop)
        if self.cap is not None:
            to = min(to, self.cap)
        cursor = max(debt.accrued_to or debt.interest_start, debt.interest_start)
        if cursor >= to:
            return
        try:
            debt.segments += accrue(
                debt.invoice.number, debt.principal, cursor, to, self.rate_for, self.day_count
            )
        except RateNotPublished as missing:
            first_semester = str(Semester.of(debt.interest_start + timedelta(days=1)))
            raise missing.with_field(
                debt.start_field if missing.semester == first_semester else "as_of"
            ) from None
        debt.accrued_to = to

    def _check_lateness(self, before: date) -> None:
        """A debt is late once a day after its due date starts with principal unpaid."""
        for debt in self.debts:
            if not debt.late_checked and debt.due_ref < before:
                debt.late = debt.principal > 0
                debt.late_checked = True

    def _order(self, day: date, designated: str | None) -> list[Debt]:
        ordered = sorted(
            self.debts,
            key=lambda d: (0 if d.due_ref <= day else 1, d.due_ref, d.invoice.issue_date, d.invoice.index),
        )
        if designated is not None:
            ordered.sort(key=lambda d: 0 if d.invoice.number == designated else 1)
        return ordered

    def pay(self, index: int, day: date, amount: Decimal, designated: str | None) -> None:
        self._check_lateness(day)
        remaining = amount
        shares: dict[str, list[Decimal]] = {}
        ordered = self._order(day, designated)
        # 1343-1: per debt, interest then principal. Principal first (creditor's option): every debt's
        # principal, then the interest, which is the most favourable to the debtor.
        passes: list[tuple[str, ...]] = [("interest", "principal")]
        if self.imputation == "principal_first":
            passes = [("principal",), ("interest",)]
        for steps in passes:
            for debt in ordered:
                if remaining <= 0:
                    break
                self._accrue(debt, day)
                share = shares.setdefault(debt.invoice.number, [ZERO, ZERO, ZERO])
                for step in steps:
                    if step == "interest":
                        paid = min(remaining, debt.interest_outstanding)
                        debt.interest_paid += paid
                        share[0] += paid
                    else:
                        paid = min(remaining, debt.principal)
                        debt.principal -= paid
                        debt.principal_paid += paid
                        share[1] += paid
                    remaining -= paid
        for debt in ordered:  # the 40 € indemnities last (rulebook 5.5, POLICY)
            if remaining <= 0:
                break
            if debt.indemnity_eligible and debt.late:
                paid = min(remaining, self.settings.FLAT_INDEMNITY - debt.indemnity_paid)
                debt.indemnity_paid += paid
                remaining -= paid
                shares.setdefault(debt.invoice.number, [ZERO, ZERO, ZERO])[2] += paid
        allocations = tuple(Allocation(number, *values) for number, values in shares.items() if any(values))
        self.imputations.append(PaymentImputation(index, day, amount, allocations, remaining))

    def close(self) -> None:
        self._check_lateness(self.claim.as_of)
        for debt in self.debts:
            self._accrue(debt, self.claim.as_of)


def run_ledger(
    claim: Claim,
    settings: Settings,
    rate_for: RateFor | None,
    regime: InterestRegime,
    cap: date | None = None,
) -> tuple[Ledger, str, str]:
    day_count = claim.options.day_count or settings.DAY_COUNT
    imputation = claim.options.imputation or settings.IMPUTATION
    ledger = Ledger(claim, regime, settings, rate_for, day_count, imputation, cap)
    for payment in claim.payments:
        ledger.pay(payment.index, payment.date, payment.amount, payment.invoice)
    ledger.close()
    return ledger, day_count, imputation
