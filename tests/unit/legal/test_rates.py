"""Rate tables (rulebook 6): the data files reproduce the rulebook's derived tables, and a period
without a published rate is an error, never a guess."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.legal.dates import Semester
from chalicelib.legal.errors import RateNotPublished
from chalicelib.legal.rates import load_tables

# Rulebook 6a, "Derived L441-10 default rate per semester".
DERIVED_PENALTY_RATES = {
    "2015-S1": "10.05",
    "2015-S2": "10.05",
    "2016-S1": "10.05",
    **{f"{y}-S{h}": "10.00" for y in range(2016, 2023) for h in (1, 2) if (y, h) != (2016, 1)},
    "2023-S1": "12.50",
    "2023-S2": "14.00",
    "2024-S1": "14.50",
    "2024-S2": "14.25",
    "2025-S1": "13.15",
    "2025-S2": "12.15",
    "2026-S1": "12.15",
}

# Rulebook 6b: (particuliers, autres cas, 3 x autres cas).
LEGAL_RATES = {
    "2015-S1": ("4.06", "0.93", "2.79"),
    "2016-S2": ("4.35", "0.93", "2.79"),
    "2018-S1": ("3.73", "0.89", "2.67"),
    "2019-S1": ("3.40", "0.86", "2.58"),
    "2023-S2": ("6.82", "4.22", "12.66"),
    "2024-S2": ("8.16", "4.92", "14.76"),
    "2025-S1": ("7.21", "3.71", "11.13"),
    "2025-S2": ("6.65", "2.76", "8.28"),
    "2026-S1": ("6.67", "2.62", "7.86"),
}


@pytest.mark.parametrize(("semester", "rate"), sorted(DERIVED_PENALTY_RATES.items()))
def test_default_penalty_rate_is_mro_on_first_day_plus_ten(semester: str, rate: str) -> None:
    value = load_tables().default_penalty_rate(Semester.parse(semester))
    assert value.rate == Decimal(rate)
    assert "L441-10" in value.source and "[S49" in value.source


@pytest.mark.parametrize(("semester", "values"), sorted(LEGAL_RATES.items()))
def test_legal_rates_and_floor_match_the_rulebook(semester: str, values: tuple[str, str, str]) -> None:
    tables = load_tables()
    sem = Semester.parse(semester)
    assert tables.legal_rate(sem, "particuliers").rate == Decimal(values[0])
    assert tables.legal_rate(sem, "autres_cas").rate == Decimal(values[1])
    assert tables.penalty_floor(sem) == Decimal(values[2])


def test_every_legal_semester_from_2015_to_2026_s1_is_present() -> None:
    tables = load_tables()
    semester = Semester(2015, 1)
    while semester <= Semester(2026, 1):
        assert semester in tables.legal, semester
        assert tables.legal[semester].source.startswith("[S50]")
        semester = semester.next()


def test_a_semester_after_the_tables_is_an_error_not_a_guess() -> None:
    tables = load_tables()
    with pytest.raises(RateNotPublished) as ecb:
        tables.default_penalty_rate(Semester(2026, 2))
    assert ecb.value.semester == "2026-S2" and "non publié" in ecb.value.message
    with pytest.raises(RateNotPublished) as legal:
        tables.legal_rate(Semester(2026, 2), "autres_cas")
    assert "non publié" in legal.value.message


def test_a_semester_before_the_ecb_table_is_an_error() -> None:
    with pytest.raises(RateNotPublished):
        load_tables().default_penalty_rate(Semester(2014, 1))


def test_tables_are_loaded_once() -> None:
    assert load_tables() is load_tables()


def test_2024_s2_default_is_below_the_contractual_floor_as_the_rulebook_notes() -> None:
    tables = load_tables()
    sem = Semester(2024, 2)
    assert tables.default_penalty_rate(sem).rate < tables.penalty_floor(sem)
