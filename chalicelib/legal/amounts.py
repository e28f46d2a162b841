"""Amounts (rulebook 5): late-payment penalties or legal interest, the 40 € indemnity, imputation.

The décompte is a list of segments, one per invoice and per stretch of constant base and rate: the
period from the day after the start event to the end date is split at every 1 January and 1 July and at
every payment imputed on the invoice; each segment is ``base × rate × days / divisor`` rounded half-up to
the cent, then summed (rulebook 5.6). Payments are imputed interest first (C. civ. 1343-1) unless the
creditor accepts principal first; the 40 € indemnities come last (POLICY).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from chalicelib.legal.dates import Semester, add_years, french_date
from chalicelib.legal.errors import RateNotPublished
from chalicelib.legal.findings import Finding
from chalicelib.legal.model import Claim, Invoice
from chalicelib.legal.money import ZERO, french_euros, french_percent, round_cents
from chalicelib.legal.rates import LegalCategory, RateTables, RateValue
from chalicelib.legal.regime import InterestRegime, interest_regime
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
class _Debt:
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


class _RateChooser:
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


def _build_debts(claim: Claim, regime: InterestRegime, settings: Settings) -> list[_Debt]:
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
        debts.append(_Debt(inv, due_ref, start, start_field, eligible, inv.amount_ttc, stop))
    return debts


class _Ledger:
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

    def _accrue(self, debt: _Debt, to: date) -> None:
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

    def _order(self, day: date, designated: str | None) -> list[_Debt]:
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


def _run_ledger(
    claim: Claim,
    settings: Settings,
    rate_for: RateFor | None,
    regime: InterestRegime,
    cap: date | None = None,
) -> tuple[_Ledger, str, str]:
    day_count = claim.options.day_count or settings.DAY_COUNT
    imputation = claim.options.imputation or settings.IMPUTATION
    ledger = _Ledger(claim, regime, settings, rate_for, day_count, imputation, cap)
    for payment in claim.payments:
        ledger.pay(payment.index, payment.date, payment.amount, payment.invoice)
    ledger.close()
    return ledger, day_count, imputation


def payment_targets_without_interest(claim: Claim, settings: Settings) -> dict[int, tuple[str, ...]]:
    """Which invoices each payment reaches when interest cannot be computed (a rate is missing).

    Used only to know which debts a payment acknowledges (C. civ. 2240) for the prescription.
    """
    ledger, _, _ = _run_ledger(claim, settings, None, interest_regime(claim))
    return {imp.index: imp.invoices for imp in ledger.imputations}


def compute_amounts(
    claim: Claim, settings: Settings, tables: RateTables
) -> tuple[AmountsResult, list[Finding]]:
    """Rulebook 5: the amounts as of ``claim.as_of`` and their décompte. Raises ``RateNotPublished``."""
    regime = interest_regime(claim)
    chooser = _RateChooser(claim, regime, tables)
    missing: RateNotPublished | None = None
    try:
        ledger, day_count, imputation = _run_ledger(claim, settings, chooser, regime)
    except RateNotPublished as not_yet:
        cap = _last_published_day(not_yet, tables)
        if cap is None:
            raise
        # Rulebook 6 / README "never guess a rate": interest is counted to the last day a published rate
        # covers, « à parfaire »; principal and indemnities are unaffected.
        missing = not_yet
        chooser = _RateChooser(claim, regime, tables)
        ledger, day_count, imputation = _run_ledger(claim, settings, chooser, regime, cap)
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
    return result, _findings(claim, settings, result, ledger, chooser)


def _interest_until(ledger: _Ledger) -> date:
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


# ---------------------------------------------------------------------------------------------
# findings
# ---------------------------------------------------------------------------------------------
def _findings(
    claim: Claim, settings: Settings, result: AmountsResult, ledger: _Ledger, chooser: _RateChooser
) -> list[Finding]:
    out: list[Finding] = []

    def add(code: str, article: str, message: str, level: str = "info", detail: str | None = None) -> None:
        out.append(Finding(code, article, message, "amounts", level, detail))  # type: ignore[arg-type]

    if result.missing_semester is not None:
        penalties = result.regime == "b2b_penalties"
        what = "pénalités de retard" if penalties else "intérêts au taux légal"
        table = (
            "taux BCE (opération principale de refinancement)"
            if result.missing_table == "ecb_mro"
            else "taux de l'intérêt légal"
        )
        add(
            "interest_a_parfaire",
            "C. com. L441-10 II" if penalties else "C. mon. fin. L313-2",
            f"Le {table} du semestre {result.missing_semester} n'est pas encore publié : les {what} sont "
            f"arrêté{'e' if penalties else ''}s au {french_date(result.interest_until)}, à parfaire. Le "
            "principal et les indemnités sont dus en totalité ; le montant sera complété dès la publication "
            "du taux.",
            "warning",
            result.missing_semester,
        )

    if result.regime == "b2b_penalties":
        if claim.contractual_rate is None:
            add(
                "late_penalties_ecb_plus_10",
                "C. com. L441-10 II",
                "Pénalités de retard dues de plein droit, sans rappel, dès le lendemain de l'échéance "
                "figurant sur la facture, au taux de la BCE (opération principale de refinancement) en "
                "vigueur au 1er janvier ou au 1er juillet du semestre, majoré de 10 points, calculées sur "
                "le montant TTC.",
            )
        elif not chooser.below_floor:
            add(
                "late_penalties_contractual_rate",
                "C. com. L441-10 II",
                f"Pénalités de retard au taux contractuel de {french_percent(claim.contractual_rate)}, au "
                "moins égal au plancher légal de trois fois le taux d'intérêt légal.",
            )
        if chooser.below_floor:
            semesters = ", ".join(f"{s} ({french_percent(f)})" for s, f in chooser.below_floor)
            add(
                "contractual_rate_below_floor",
                "C. com. L441-10 II",
                f"Le taux contractuel de {french_percent(claim.contractual_rate or ZERO)} est inférieur au "
                "plancher légal de trois fois le taux d'intérêt légal : la pénalité est calculée au "
                "plancher et un avocat doit valider ce choix (conséquence non tranchée par les textes).",
                "warning",
                f"semestres concernés : {semesters}",
            )
        indemnities = sum(1 for inv in result.invoices if inv.indemnity_due)
        if indemnities:
            add(
                "flat_indemnity",
                "C. com. L441-10 II ; D441-5 ; CJUE C-585/20",
                "Indemnité forfaitaire pour frais de recouvrement de "
                f"{french_euros(settings.FLAT_INDEMNITY)} due de plein droit pour chaque facture non payée "
                f"à son échéance ({indemnities} facture(s)).",
            )
        proceedings = claim.debtor.collective_proceedings
        if proceedings is not None:
            excluded = [d.invoice.number for d in ledger.debts if d.due_ref >= proceedings.opened_on]
            if excluded:
                add(
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
            add(
                "flat_indemnity_not_applicable_before_2013",
                "C. com. D441-5",
                "L'indemnité forfaitaire ne s'applique qu'aux créances dont le délai de paiement a "
                "commencé après le 1er janvier 2013.",
                detail="créances : " + ", ".join(old),
            )
        for debt in ledger.debts:
            if debt.invoice.due_date is None:
                add(
                    "due_date_missing_default_term",
                    "C. com. L441-10 I",
                    f"Facture {debt.invoice.number} sans date de règlement : délai légal de 30 jours après "
                    f"l'exécution de la prestation, soit le {french_date(debt.due_ref)}.",
                    "warning",
                )
            elif debt.invoice.due_date.weekday() >= 5:
                add(
                    "due_date_not_moved",
                    "C. com. L441-10 II (Rulebook 5.1, POLICY)",
                    f"L'échéance du {french_date(debt.invoice.due_date)} (facture {debt.invoice.number}) "
                    "tombe un week-end : elle n'est pas reportée, les pénalités courent dès le lendemain.",
                )
    else:
        notice = claim.formal_notice
        category = "personnes physiques n'agissant pas pour des besoins professionnels"
        if claim.creditor.category != "consumer":
            category = "autres cas"
        if notice is None:
            add(
                "no_formal_notice_no_interest",
                "C. civ. 1231-6 ; 1344-1",
                "Aucune mise en demeure : les intérêts au taux légal ne courent qu'à compter de la mise en "
                "demeure de payer.",
            )
        elif notice.first_presented_on is None:
            add(
                "formal_notice_presentation_unknown",
                "C. civ. 1344-1 (Rulebook 4.3, POLICY)",
                "Date de première présentation de la mise en demeure inconnue : les intérêts au taux légal "
                "ne sont pas calculés tant qu'elle n'est pas renseignée (jamais à partir de l'envoi).",
                "warning",
            )
        else:
            add(
                "legal_interest_from_formal_notice",
                "C. civ. 1231-6 ; 1344-1 ; C. mon. fin. L313-2",
                "Intérêts au taux légal à compter du lendemain de la première présentation de la mise en "
                f"demeure ({french_date(notice.first_presented_on)}), au taux du semestre pour la catégorie "
                f"« {category} » (catégorie du créancier).",
            )
        if claim.debtor.category == "consumer":
            add(
                "no_flat_indemnity_consumer",
                "C. com. L441-10 II ; CPCE L111-8",
                "Pas de pénalités commerciales ni d'indemnité forfaitaire de 40 € contre un consommateur ; "
                "aucun frais de recouvrement ne peut lui être réclamé.",
            )
        if claim.contractual_rate is not None:
            add(
                "contractual_rate_not_applied",
                "C. civ. 1231-6 ; 1344",
                "Un taux contractuel est indiqué mais le moteur n'applique que le taux légal à cette "
                "créance : la validité de la stipulation doit être vérifiée par un avocat.",
                "warning",
            )
    stops = [interest_end(claim, debt.invoice, settings) for debt in ledger.debts]
    if any(stopped for _, stopped in stops):
        stop = next(day for day, stopped in stops if stopped)
        add(
            "interest_stopped_by_proceedings",
            "C. com. L622-28",
            "Le jugement d'ouverture arrête le cours des intérêts légaux, conventionnels et de retard : "
            f"ils sont arrêtés au {french_date(stop)} inclus.",
        )
    if claim.debtor.collective_proceedings is not None:
        exempt = [d.invoice.number for d in ledger.debts if long_term_exception(claim, d.invoice)]
        if exempt:
            add(
                "interest_continues_long_term_contract",
                "C. com. L622-28",
                "Prêt d'au moins un an ou paiement différé d'un an ou plus : les intérêts continuent de "
                "courir après le jugement d'ouverture. À confirmer par un avocat.",
                "warning",
                detail="créances : " + ", ".join(exempt),
            )
    if claim.payments:
        if result.imputation == "interest_first":
            add(
                "imputation_interest_first",
                "C. civ. 1343-1",
                "Les paiements partiels s'imputent d'abord sur les intérêts, puis sur le capital ; "
                "l'indemnité forfaitaire en dernier.",
            )
        else:
            add(
                "imputation_principal_first",
                "C. civ. 1343-1 (Rulebook 5.5, option du créancier)",
                "Le créancier accepte l'imputation des paiements sur le capital d'abord (plus favorable au "
                "débiteur) : les intérêts échus jusqu'au paiement restent dus.",
            )
        if len(claim.invoices) > 1 and any(p.invoice is None for p in claim.payments):
            add(
                "imputation_between_debts",
                "C. civ. 1342-10 (texte non vérifié)",
                "Plusieurs factures et un paiement non affecté : imputé sur les dettes échues, la plus "
                "ancienne d'abord. À confirmer si le débiteur a désigné la facture payée.",
                "warning",
            )
    if result.overpaid > 0:
        add(
            "overpayment",
            "C. civ. 1302",
            f"Les paiements dépassent la somme due de {french_euros(result.overpaid)} : rien n'est plus dû.",
            "warning",
        )
    return out
