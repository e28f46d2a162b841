"""Platform choices of the legal engine (the rulebook's [POLICY] items), as named settings.

Every value here is a choice the platform makes where the law is silent or unsettled; lawyers may
revise it. Each field cites the rulebook section that records the choice. The engine is pure: nothing
is read from the environment here; callers (the API, the CLI) build a ``Settings`` and pass it in.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

DayCount = Literal["ACT/365", "ACT/366"]
Imputation = Literal["interest_first", "principal_first"]
Feb29Rule = Literal["last_day_of_month", "first_day_of_next_month"]
ClaimableFrom = Literal["day_after_due_date", "due_date"]
CourtKind = Literal["tribunal_de_commerce", "tribunal_judiciaire"]
ProtectionSeat = Literal["tribunal_de_proximite", "tribunal_judiciaire"]

DAY_COUNTS: tuple[str, ...] = ("ACT/365", "ACT/366")
IMPUTATIONS: tuple[str, ...] = ("interest_first", "principal_first")


@dataclass(frozen=True, slots=True)
class Settings:
    URGENCY_DAYS: int = 60
    """Rulebook 0 / 1.2: a not-barred claim is ``urgent`` when fewer than this many days remain before
    the (early) last day — an injonction only interrupts once the order is served, so such a claim goes
    to a lawyer at once. 0 days left (the last day itself) is urgent."""

    DAY_COUNT: DayCount = "ACT/365"
    """Rulebook 0 "Interest day count" [POLICY]: divisor 365 even in leap years; ``ACT/366`` uses 366 for
    the days of a leap year (some practitioners). A claim's ``options.day_count`` overrides it."""

    IMPUTATION: Imputation = "interest_first"
    """Rulebook 5.5: C. civ. 1343-1, a partial payment goes to interest first (default); the creditor
    may accept ``principal_first`` (more favourable to the debtor). ``options.imputation`` overrides."""

    FLAT_INDEMNITY: Decimal = Decimal("40.00")
    """Rulebook 5.2 [TEXT]: D441-5 amount of the L441-10 II flat indemnity, per late invoice."""

    FLAT_INDEMNITY_FROM: str = "2013-01-01"
    """Rulebook 5.2 [TEXT]: D441-5 applies to claims whose payment term started after this day."""

    INDEMNITY_IMPUTED_LAST: Literal[True] = True
    """Rulebook 5.5 [POLICY]: payments reach the 40 € indemnities only after every invoice's interest
    and principal. (The only value implemented; a named setting to document the choice.)"""

    MULTI_DEBT_ORDER: Literal["due_first_then_oldest"] = "due_first_then_oldest"
    """Rulebook 5.5 (C. civ. 1342-10, wording UNCONFIRMED): without the debtor's designation a payment
    goes to debts already due, oldest due date first. A finding asks for confirmation when it matters."""

    SMALL_CLAIMS_CEILING: Decimal = Decimal("5000.00")
    """Rulebook 3.2: procédure simplifiée de recouvrement des petites créances, principal + interest
    at most this amount (CPCE R125-1, since 1 Jan 2020)."""

    LEGAL_INTEREST_FROM: Literal["first_presentation"] = "first_presentation"
    """Rulebook 4.3 [POLICY]: B2C / civil legal interest runs from the day after the formal notice's
    first presentation (or the electronic registered letter's availability), never from its sending."""

    DUE_DATE_WEEKEND_SHIFT: Literal[False] = False
    """Rulebook 5.1 [POLICY]: a due date on a Saturday, Sunday or holiday is not moved; penalties run from
    the next calendar day. (The only value implemented.)"""

    FEB29_RULE: Feb29Rule = "last_day_of_month"
    """Rulebook 0 [POLICY, UNCONFIRMED]: an anniversary that does not exist (29 February) falls on the last
    day of the month (28 February), by analogy with CPC 641 — the conservative reading."""

    CONTRACTUAL_RATE_BELOW_FLOOR: Literal["floor_and_review"] = "floor_and_review"
    """Rulebook 5.1 / 9.1 [POLICY, UNCONFIRMED]: a stipulated B2B rate below 3 × the legal rate is
    computed at the floor and flagged for lawyer review."""

    INTEREST_STOP_INCLUDES_OPENING_DAY: bool = True
    """Rulebook 2.9 / case 18 [POLICY]: interest stopped by the opening judgment (C. com. L622-28) is
    counted through the judgment's date."""

    NON_MERCHANT_CREDITOR_COURT: CourtKind = "tribunal_de_commerce"
    """Rulebook 2.3: a non-merchant creditor suing a merchant may choose the tribunal de commerce or the
    tribunal judiciaire (Com. 18 nov. 2020, n° 19-19.463); the platform proposes this one and says so."""

    JCP_SEAT: ProtectionSeat = "tribunal_de_proximite"
    """Rulebook 2.3 names the juge des contentieux de la protection (tribunal judiciaire / de proximité)
    without saying which seat receives the requête [POLICY]: the tribunal de proximité that the Ministry of
    Justice's commune table names for the debtor's commune when there is one, else the tribunal judiciaire.
    ``tribunal_judiciaire``: always the tribunal judiciaire's seat."""

    DECLARATION_DEADLINE_WORKING_DAY_SHIFT: Literal[False] = False
    """Rulebook 2.9: R622-24 gives two months from the BODACC publication; the rulebook does not extend a
    deadline ending on a non-working day. [POLICY] not extended (conservative); a finding warns when it
    ends on a Saturday, Sunday or public holiday."""

    CHEQUE_PRESENTATION_DAYS: int = 8
    """Rulebook 1.1 [SEC]: presentation period of a cheque issued and payable in metropolitan France
    (C. mon. fin. L131-32); the L131-59 prescription runs from its end."""

    CLAIMABLE_FROM: ClaimableFrom = "day_after_due_date"
    """Rulebook 2.1 ("Exigible: the term has arrived") and 5.1 (penalties "exigibles le jour suivant la date
    de règlement") [POLICY]: the platform claims an invoice (reminder, mise en demeure, injonction) only
    from the day after its due date — on the due date itself the debtor may still pay and is not late.
    ``due_date``: from the due date itself (the strict reading of "the term has arrived")."""

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some settings changed (for the CLI and tests)."""
        return replace(self, **changes)


DEFAULT_SETTINGS = Settings()
