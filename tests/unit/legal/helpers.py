"""Shared helpers of the legal-engine tests: the shared cases folder and a claim builder."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]
CASES_DIR = REPO_ROOT / ".." / "shared" / "legal" / "cases"


def load_case(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    return data


def b2b_claim(**changes: Any) -> dict[str, Any]:
    """A valid B2B claim (case 01) as a bare input object, with top-level keys replaced by ``changes``."""
    claim: dict[str, Any] = {
        "as_of": "2025-03-31",
        "creditor": {
            "category": "commercant",
            "name": "Atelier Numérique SAS",
            "city": "Paris",
            "postal_code": "75002",
            "country": "FR",
        },
        "debtor": {
            "category": "commercant",
            "name": "Rhône Distribution SARL",
            "city": "Lyon",
            "postal_code": "69002",
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
            {
                "number": "F-1",
                "amount_ttc": "1000.00",
                "performance_date": "2025-01-02",
                "issue_date": "2025-01-02",
                "due_date": "2025-01-31",
            }
        ],
        "payments": [],
        "acknowledgements": [],
        "suspensions": [],
        "formal_notice": None,
        "cheque": None,
    }
    claim = copy.deepcopy(claim)
    claim.update(copy.deepcopy(changes))
    return claim


def consumer_claim(**changes: Any) -> dict[str, Any]:
    """A valid B2C claim (case 08)."""
    claim = b2b_claim(
        as_of="2025-06-30",
        debtor={
            "category": "consumer",
            "name": "Jean Dupont",
            "city": "Nantes",
            "postal_code": "44100",
            "country": "FR",
            "collective_proceedings": None,
            "over_indebtedness": False,
        },
        invoices=[
            {
                "number": "F-8",
                "amount_ttc": "800.00",
                "performance_date": "2025-03-10",
                "issue_date": "2025-03-10",
                "due_date": "2025-04-10",
            }
        ],
        formal_notice={"sent_on": "2025-05-02", "first_presented_on": "2025-05-05"},
    )
    claim.update(copy.deepcopy(changes))
    return claim


def codes(result: dict[str, Any]) -> set[str]:
    return {f["code"] for f in result["findings"]}
