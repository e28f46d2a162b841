"""Legal engine figures: assessments per second of a 3-invoice B2B claim with two payments."""

from __future__ import annotations

import time
from typing import Any

from chalicelib.legal.assess import assess, assess_claim
from chalicelib.legal.model import parse_claim

TARGET_SECONDS = 2.0


def _claim() -> dict[str, Any]:
    def invoice(number: str, amount: str, performed: str, due: str) -> dict[str, str]:
        return {
            "number": number,
            "amount_ttc": amount,
            "performance_date": performed,
            "issue_date": performed,
            "due_date": due,
        }

    party = {"city": "Paris", "postal_code": "75002", "country": "FR"}
    return {
        "as_of": "2026-03-31",
        "creditor": {"category": "commercant", "name": "Atelier Numérique SAS", **party},
        "debtor": {
            "category": "commercant",
            "name": "Aquitaine Logistique SAS",
            "city": "Bordeaux",
            "postal_code": "33300",
            "country": "FR",
            "collective_proceedings": None,
            "over_indebtedness": False,
        },
        "claim": {
            "nature": "sale_or_service",
            "contractual_rate": None,
            "jurisdiction_clause": None,
            "disputed": False,
        },
        "invoices": [
            invoice("F-2025-0101", "3000.00", "2025-03-01", "2025-03-31"),
            invoice("F-2025-0131", "4500.00", "2025-06-30", "2025-07-30"),
            invoice("F-2025-0161", "1250.00", "2025-10-01", "2025-10-31"),
        ],
        "payments": [
            {"date": "2025-09-15", "amount": "2000.00"},
            {"date": "2026-01-20", "amount": "1500.00"},
        ],
        "acknowledgements": [],
        "suspensions": [],
        "formal_notice": None,
        "cheque": None,
    }


def _rate(fn: Any, arg: Any) -> float:
    fn(arg)  # warm-up: rate tables and court data loaded once
    count, started = 0, time.perf_counter()
    deadline = started + TARGET_SECONDS
    while True:
        for _ in range(50):
            fn(arg)
        count += 50
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - started)


def _court_index_seconds() -> float:
    """Loading the courts' territorial index (communes, postal codes, courts), as a cold start does."""
    from chalicelib.legal import courts

    courts._index.cache_clear()
    started = time.perf_counter()
    courts._index()
    return time.perf_counter() - started


def run() -> list[tuple[str, str]]:
    index_seconds = _court_index_seconds()
    data = _claim()
    full = _rate(assess, data)
    claim = parse_claim(data)
    engine_only = _rate(assess_claim, claim)
    return [
        ("legal: assess() 3 invoices + 2 payments, JSON in -> dict out", f"{full:,.0f} assessments/s"),
        (
            "legal: assess_claim() on a parsed claim (no parsing, no JSON)",
            f"{engine_only:,.0f} assessments/s",
        ),
        ("legal: courts' territorial index, first load in a process", f"{index_seconds * 1000:,.0f} ms"),
    ]


if __name__ == "__main__":  # pragma: no cover
    for label, figure in run():
        print(f"{label:<64} {figure}")
