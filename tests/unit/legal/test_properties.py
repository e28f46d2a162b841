"""Invariants of the legal engine (hypothesis): interest grows with time and is never negative, a
payment never increases what is owed, splitting a period moves the total by at most one segment's
rounding, and an acknowledgement never shortens the prescription."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.legal.amounts import accrue
from chalicelib.legal.assess import assess
from chalicelib.legal.dates import Semester
from chalicelib.legal.rates import RateValue, load_tables

from .helpers import b2b_claim, consumer_claim

FIRST = date(2015, 1, 1)
LAST = date(2026, 6, 30)  # the tables cover 2015 S1 .. 2026 S1
SPAN = (LAST - FIRST).days

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("200000"), places=2)
day_offsets = st.integers(min_value=0, max_value=SPAN)


def _claim(
    kind: str, amount: Decimal, due: date, as_of: date, payments: list[tuple[date, Decimal]]
) -> dict[str, Any]:
    make = b2b_claim if kind == "b2b" else consumer_claim
    data = make(
        as_of=as_of.isoformat(),
        invoices=[
            {
                "number": "F",
                "amount_ttc": str(amount),
                "performance_date": (due - timedelta(days=30)).isoformat(),
                "issue_date": (due - timedelta(days=30)).isoformat(),
                "due_date": due.isoformat(),
            }
        ],
        payments=[{"date": d.isoformat(), "amount": str(a)} for d, a in payments],
    )
    if kind == "b2c":
        data["formal_notice"] = {"sent_on": due.isoformat(), "first_presented_on": due.isoformat()}
    return data


def _amounts(data: dict[str, Any]) -> dict[str, Decimal]:
    result = assess(data)["amounts"]
    return {k: Decimal(result[k]) for k in ("principal_outstanding", "interest", "indemnity", "total")}


@st.composite
def claims_over_time(draw: st.DrawFn) -> tuple[str, Decimal, date, date, date, list[tuple[date, Decimal]]]:
    kind = draw(st.sampled_from(["b2b", "b2c"]))
    amount = draw(money)
    due = FIRST + timedelta(days=draw(st.integers(min_value=31, max_value=SPAN - 2)))
    later = sorted(
        draw(st.lists(st.integers(min_value=0, max_value=(LAST - due).days), min_size=2, max_size=2))
    )
    as_of_1, as_of_2 = due + timedelta(days=later[0]), due + timedelta(days=later[1])
    payment_days = draw(st.lists(st.integers(min_value=0, max_value=later[0]), max_size=3))
    payments = [(due + timedelta(days=d), draw(money)) for d in sorted(payment_days)]
    return kind, amount, due, as_of_1, as_of_2, payments


@PROPERTY_SETTINGS
@given(claims_over_time())
def test_interest_grows_with_time_and_is_never_negative(
    drawn: tuple[str, Decimal, date, date, date, list[tuple[date, Decimal]]],
) -> None:
    kind, amount, due, as_of_1, as_of_2, payments = drawn
    earlier = _amounts(_claim(kind, amount, due, as_of_1, payments))
    later = _amounts(_claim(kind, amount, due, as_of_2, payments))
    assert Decimal(0) <= earlier["interest"] <= later["interest"]
    assert min(earlier.values()) >= 0 and min(later.values()) >= 0


@PROPERTY_SETTINGS
@given(claims_over_time(), money, st.integers(min_value=0, max_value=SPAN))
def test_a_payment_never_increases_what_is_owed(
    drawn: tuple[str, Decimal, date, date, date, list[tuple[date, Decimal]]], extra: Decimal, offset: int
) -> None:
    kind, amount, due, _, as_of, payments = drawn
    first_day = due - timedelta(days=30)
    when = first_day + timedelta(days=offset % ((as_of - first_day).days + 1))
    without = _amounts(_claim(kind, amount, due, as_of, payments))
    with_payment = _amounts(_claim(kind, amount, due, as_of, sorted([*payments, (when, extra)])))
    assert with_payment["total"] <= without["total"]
    assert with_payment["principal_outstanding"] <= without["principal_outstanding"]


@PROPERTY_SETTINGS
@given(money, day_offsets, day_offsets, day_offsets, st.sampled_from(["ACT/365", "ACT/366"]))
def test_splitting_a_period_changes_the_total_by_at_most_one_rounding(
    base: Decimal, a: int, b: int, c: int, day_count: str
) -> None:
    start, middle, end = (FIRST + timedelta(days=x) for x in sorted([a, b, c]))
    tables = load_tables()

    def rate(semester: Semester) -> RateValue:
        return tables.default_penalty_rate(semester)

    whole = sum((s.amount for s in accrue("F", base, start, end, rate, day_count)), Decimal(0))
    split = sum(
        (
            s.amount
            for s in accrue("F", base, start, middle, rate, day_count)
            + accrue("F", base, middle, end, rate, day_count)
        ),
        Decimal(0),
    )
    assert abs(whole - split) <= Decimal("0.01")


STATUS_ORDER = {"not_barred": 0, "at_risk": 1, "barred": 2}


@PROPERTY_SETTINGS
@given(
    st.sampled_from(["b2b", "b2c"]),
    st.integers(min_value=0, max_value=4000),
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=4000),
    st.integers(min_value=0, max_value=4000),
)
def test_an_acknowledgement_never_shortens_the_prescription(
    kind: str, performance: int, delay: int, ack: int, horizon: int
) -> None:
    performed = date(2012, 1, 1) + timedelta(days=performance)
    due = performed + timedelta(days=delay)
    as_of = due + timedelta(days=horizon)
    data = _claim(kind, Decimal("1000.00"), due, as_of, [])
    data["invoices"][0]["performance_date"] = performed.isoformat()
    data["invoices"][0]["issue_date"] = performed.isoformat()
    data["formal_notice"] = None
    before = assess(data)["prescription"]
    data["acknowledgements"] = [
        {"date": (performed + timedelta(days=ack % ((as_of - performed).days + 1))).isoformat()}
    ]
    after = assess(data)["prescription"]
    assert after["last_day"] >= before["last_day"]
    assert after["last_day_late"] >= before["last_day_late"]
    assert STATUS_ORDER[after["status"]] <= STATUS_ORDER[before["status"]]
