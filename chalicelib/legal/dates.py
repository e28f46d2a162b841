"""Calendar arithmetic of the legal engine (pure, no time zone: dates are Europe/Paris calendar days).

Prescription periods run "de quantième à quantième" (C. civ. 2228-2229): the last day to act is the
anniversary of the starting event, with **no** extension to the next working day (Cass. 2e civ.
7 avr. 2016, n° 15-12.960). An anniversary that does not exist (29 February, 31 of a short month)
follows the ``FEB29_RULE`` setting (rulebook 0, POLICY).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from chalicelib.legal.settings import Feb29Rule


def _last_day_of_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(start: date, months: int, rule: Feb29Rule = "last_day_of_month") -> date:
    """Same day of the month ``months`` later; a missing day follows ``rule``."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = _last_day_of_month(year, month)
    if start.day <= last:
        return date(year, month, start.day)
    if rule == "first_day_of_next_month":
        return date(year, month, last) + timedelta(days=1)
    return date(year, month, last)


def add_years(start: date, years: int, rule: Feb29Rule = "last_day_of_month") -> date:
    """Anniversary ``years`` later (29 February → ``rule``)."""
    return add_months(start, 12 * years, rule)


@dataclass(frozen=True, slots=True)
class Duration:
    """A prescription period in whole years and months."""

    years: int = 0
    months: int = 0

    def after(self, start: date, rule: Feb29Rule = "last_day_of_month") -> date:
        """Last day of the period started by an event on ``start`` (the event's day not counted)."""
        return add_months(start, 12 * self.years + self.months, rule)

    def french(self) -> str:
        parts = []
        if self.years:
            parts.append(f"{self.years} an" + ("s" if self.years > 1 else ""))
        if self.months:
            parts.append(f"{self.months} mois")
        return " et ".join(parts) or "0 jour"


@dataclass(frozen=True, slots=True, order=True)
class Semester:
    """Half-year of the rate tables: ``half`` 1 = January-June, 2 = July-December."""

    year: int
    half: int

    @classmethod
    def of(cls, day: date) -> Semester:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def parse(cls, text: str) -> Semester:
        year, half = text.split("-S")
        semester = cls(int(year), int(half))
        if semester.half not in (1, 2):
            raise ValueError(text)
        return semester

    @property
    def first_day(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    def next(self) -> Semester:
        return Semester(self.year, 2) if self.half == 1 else Semester(self.year + 1, 1)

    def __str__(self) -> str:
        return f"{self.year}-S{self.half}"


def french_date(day: date) -> str:
    """``2026-04-30`` → ``30/04/2026`` (as printed to creditors)."""
    return day.strftime("%d/%m/%Y")


WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def french_count(count: int, one: str, other: str) -> str:
    """``1 jour restant``, ``0 facture``, ``3 factures``: the number and the noun as CLDR's French plural
    rules say (babel: 0 and 1 take the singular; « many » — a million and more — the plural)."""
    from babel import Locale

    form = Locale("fr").plural_form(count)
    return f"{count} {one if form == 'one' else other}"
