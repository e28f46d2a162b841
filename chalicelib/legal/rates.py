"""Rate tables (rulebook section 6), loaded once from the package's data files.

* ``data/ecb_mro_rates.json``: every change of the ECB main refinancing operations rate since 2014, each
  with its source, and ``confirmed_through``, the last day the table is known to be complete.
* ``data/legal_interest_rates.json``: the legal interest rate per semester, both categories, each with
  its arrêté and source.

A period the tables do not cover raises :class:`RateNotPublished`; no rate is ever guessed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any, Literal

from chalicelib.legal.dates import Semester, french_date
from chalicelib.legal.errors import RateNotPublished
from chalicelib.legal.money import french_percent

LegalCategory = Literal["particuliers", "autres_cas"]

PENALTY_MARGIN = Decimal("10")  # C. com. L441-10 II: "majoré de 10 points de pourcentage"
FLOOR_MULTIPLIER = Decimal("3")  # C. com. L441-10 II: "inférieur à trois fois le taux d'intérêt légal"

LEGAL_CATEGORY_LABELS: dict[str, str] = {
    "particuliers": "personnes physiques n'agissant pas pour des besoins professionnels",
    "autres_cas": "autres cas",
}


@dataclass(frozen=True, slots=True)
class RateValue:
    """A yearly rate in percent with the explanation printed in the décompte."""

    rate: Decimal
    source: str


@dataclass(frozen=True, slots=True)
class EcbChange:
    effective: date
    rate: Decimal
    source: str


@dataclass(frozen=True, slots=True)
class LegalRate:
    semester: Semester
    particuliers: Decimal
    autres_cas: Decimal
    arrete: str | None
    source: str

    def of(self, category: LegalCategory) -> Decimal:
        return self.particuliers if category == "particuliers" else self.autres_cas


class RateTables:
    """The two tables, validated, with the look-ups the engine needs."""

    def __init__(self, ecb: dict[str, Any], legal: dict[str, Any]) -> None:
        changes = [
            EcbChange(date.fromisoformat(c["effective"]), Decimal(c["rate"]), str(c["source"]))
            for c in ecb["changes"]
        ]
        if any(a.effective >= b.effective for a, b in pairwise(changes)):
            raise ValueError("ecb_mro_rates.json: changes must be in strictly increasing date order")
        if not changes:
            raise ValueError("ecb_mro_rates.json: no change listed")
        self.ecb_changes: tuple[EcbChange, ...] = tuple(changes)
        self.ecb_confirmed_through = date.fromisoformat(ecb["confirmed_through"])
        self.legal: dict[Semester, LegalRate] = {}
        for key, row in legal["semesters"].items():
            semester = Semester.parse(key)
            self.legal[semester] = LegalRate(
                semester,
                Decimal(row["particuliers"]),
                Decimal(row["autres_cas"]),
                row.get("arrete"),
                str(row["source"]),
            )
        for value in [c.rate for c in changes] + [r.of(k) for r in self.legal.values() for k in _CATS]:
            if not value.is_finite() or value < 0:
                raise ValueError(f"rate tables: invalid rate {value}")

    # --- ECB -----------------------------------------------------------------------------------
    def mro_in_force(self, day: date, semester: Semester) -> EcbChange:
        """The MRO change in force on ``day`` (the last one with effect on or before it)."""
        if day > self.ecb_confirmed_through:
            raise RateNotPublished(
                "ecb_mro",
                str(semester),
                f"Taux BCE (MRO) en vigueur au {french_date(day)} non publié dans la table (connue jusqu'au "
                f"{french_date(self.ecb_confirmed_through)}) : les pénalités du semestre {semester} ne "
                "peuvent pas être calculées.",
            )
        in_force = None
        for change in self.ecb_changes:
            if change.effective <= day:
                in_force = change
            else:
                break
        if in_force is None:
            raise RateNotPublished(
                "ecb_mro",
                str(semester),
                f"Taux BCE (MRO) en vigueur au {french_date(day)} absent de la table (qui commence le "
                f"{french_date(self.ecb_changes[0].effective)}) : pénalités du semestre {semester} non "
                "calculables.",
            )
        return in_force

    def default_penalty_rate(self, semester: Semester) -> RateValue:
        """L441-10 II default: MRO in force on 1 Jan / 1 Jul of the semester + 10 points."""
        change = self.mro_in_force(semester.first_day, semester)
        rate = change.rate + PENALTY_MARGIN
        return RateValue(
            rate,
            f"Taux BCE (MRO) {french_percent(change.rate)} en vigueur au {french_date(semester.first_day)} "
            f"(depuis le {french_date(change.effective)}) + 10 points — C. com. L441-10 II ; source "
            f"{change.source}",
        )

    # --- legal rate ----------------------------------------------------------------------------
    def legal_rate_row(self, semester: Semester) -> LegalRate:
        row = self.legal.get(semester)
        if row is None:
            known = sorted(self.legal)
            raise RateNotPublished(
                "legal_interest",
                str(semester),
                f"Taux de l'intérêt légal du semestre {semester} non publié dans la table (semestres connus "
                f": {known[0]} à {known[-1]}) : les intérêts de ce semestre ne peuvent pas être calculés.",
            )
        return row

    def legal_rate(self, semester: Semester, category: LegalCategory) -> RateValue:
        row = self.legal_rate_row(semester)
        rate = row.of(category)
        arrete = f", {row.arrete}" if row.arrete else ""
        return RateValue(
            rate,
            f"Taux de l'intérêt légal {semester} ({LEGAL_CATEGORY_LABELS[category]}) {french_percent(rate)} "
            f"— C. mon. fin. L313-2{arrete} ; source {row.source}",
        )

    def penalty_floor(self, semester: Semester) -> Decimal:
        """3 × the legal rate 'autres cas' of the semester (floor of a stipulated B2B rate)."""
        return FLOOR_MULTIPLIER * self.legal_rate_row(semester).autres_cas

    def coverage(self) -> dict[str, str]:
        """What the tables cover (printed in the result for traceability)."""
        legal = sorted(self.legal)
        return {
            "ecb_mro_from": self.ecb_changes[0].effective.isoformat(),
            "ecb_mro_confirmed_through": self.ecb_confirmed_through.isoformat(),
            "legal_interest_from": str(legal[0]),
            "legal_interest_through": str(legal[-1]),
        }


_CATS: tuple[LegalCategory, ...] = ("particuliers", "autres_cas")


@cache
def _read_text(name: str) -> str:
    return resources.files("chalicelib.legal").joinpath("data", name).read_text(encoding="utf-8")


def _read(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_read_text(name))
    return data


@cache
def load_tables() -> RateTables:
    """The rate tables, read and validated once per process."""
    return RateTables(_read("ecb_mro_rates.json"), _read("legal_interest_rates.json"))


@dataclass(frozen=True, slots=True)
class AddedSemester:
    """A semester an operator added over the packaged tables: the ECB MRO rate in force on its first day
    (C. com. L441-10 II) and the legal rate of both categories (C. mon. fin. L313-2), with its source."""

    semester: Semester
    ecb_mro: Decimal
    particuliers: Decimal
    autres_cas: Decimal
    source: str
    arrete: str | None = None


def tables_with(added: tuple[AddedSemester, ...]) -> RateTables:
    """The packaged tables with the operator's semesters merged over them (pure: plain data in and out).

    A semester must come right after the tables (no gap) and may not replace a packaged one. The ECB table
    gains a change on the semester's first day when the rate differs from the one in force, and is known
    complete through that day either way."""
    ecb = _read("ecb_mro_rates.json")
    legal = _read("legal_interest_rates.json")
    changes = list(ecb["changes"])
    semesters = dict(legal["semesters"])
    for row in sorted(added, key=lambda r: r.semester):
        key = str(row.semester)
        if key in semesters:
            raise ValueError(f"le semestre {key} figure déjà dans les tables")
        last = max(Semester.parse(k) for k in semesters)
        if row.semester != last.next():
            raise ValueError(f"le semestre {key} ne suit pas le dernier semestre connu ({last})")
        first = row.semester.first_day
        if Decimal(changes[-1]["rate"]) != row.ecb_mro:
            changes.append(
                {
                    "effective": first.isoformat(),
                    "rate": str(row.ecb_mro),
                    "source": f"{row.source} (opérateur)",
                }
            )
        ecb["confirmed_through"] = max(date.fromisoformat(ecb["confirmed_through"]), first).isoformat()
        semesters[key] = {
            "particuliers": str(row.particuliers),
            "autres_cas": str(row.autres_cas),
            "arrete": row.arrete,
            "source": f"{row.source} (ajouté par l'opérateur)",
        }
    return RateTables(ecb | {"changes": changes}, legal | {"semesters": semesters})
