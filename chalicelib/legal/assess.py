"""The legal engine's entry point: one claim in, prescription + amounts + route + findings out.

``assess(data)`` takes the JSON-like input of ``cases/README.md`` and returns a JSON-ready dict with the
keys ``prescription``, ``amounts``, ``route``, ``findings`` and ``decompte``. Invalid input raises
:class:`~chalicelib.legal.errors.InvalidInput` naming the fields. A part that cannot be computed (a
semester without a published rate, a claim outside the engine's scope) is returned with null values and
an ``error``; the other parts are still computed and a finding says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.legal.amounts import AmountsResult, compute_amounts, payment_targets_without_interest
from chalicelib.legal.errors import InvalidInput, RateNotPublished
from chalicelib.legal.findings import Finding
from chalicelib.legal.model import Claim, parse_claim
from chalicelib.legal.prescription import PrescriptionResult, assess_prescription
from chalicelib.legal.rates import RateTables, load_tables
from chalicelib.legal.regime import OutOfScope, out_of_scope, prescription_rule, purpose_findings
from chalicelib.legal.route import RouteResult, decide_route
from chalicelib.legal.settings import DEFAULT_SETTINGS, Settings

ENGINE_VERSION = "1"
RULEBOOK_STATE = "2026-02"

__all__ = ["Assessment", "InvalidInput", "assess", "assess_claim", "invalid_input_result"]


@dataclass(frozen=True, slots=True)
class Assessment:
    """Typed result, for the services that need more than the JSON."""

    claim: Claim
    tables: RateTables
    prescription: PrescriptionResult | None
    prescription_error: dict[str, Any] | None
    amounts: AmountsResult | None
    amounts_error: dict[str, Any] | None
    route: RouteResult
    findings: tuple[Finding, ...]

    @property
    def complete(self) -> bool:
        return self.prescription is not None and self.amounts is not None

    def as_dict(self) -> dict[str, Any]:
        prescription: dict[str, Any]
        if self.prescription is not None:
            prescription = self.prescription.as_dict()
        else:
            prescription = {"status": None, "last_day": None, "last_day_late": None, "urgent": None}
            prescription["error"] = self.prescription_error
        amounts: dict[str, Any]
        if self.amounts is not None:
            amounts = self.amounts.summary()
            decompte: dict[str, Any] | None = self.amounts.decompte()
        else:
            amounts = {"principal_outstanding": None, "interest": None, "indemnity": None, "total": None}
            amounts["error"] = self.amounts_error
            decompte = None
        return {
            "as_of": self.claim.as_of.isoformat(),
            "complete": self.complete,
            "prescription": prescription,
            "amounts": amounts,
            "route": self.route.as_dict(),
            "findings": [f.as_dict() for f in self.findings],
            "decompte": decompte,
            "engine": {
                "version": ENGINE_VERSION,
                "rulebook": RULEBOOK_STATE,
                "rate_tables": self.tables.coverage(),
            },
        }


def assess_claim(
    claim: Claim, settings: Settings = DEFAULT_SETTINGS, tables: RateTables | None = None
) -> Assessment:
    """Assess a parsed claim (pure: no I/O besides the package's rate tables, loaded once)."""
    tables = tables or load_tables()
    findings: list[Finding] = []
    scope: OutOfScope | None = out_of_scope(claim)

    amounts: AmountsResult | None = None
    amounts_error: dict[str, Any] | None = None
    if scope is None:
        try:
            amounts, amount_findings = compute_amounts(claim, settings, tables)
            findings += amount_findings
        except RateNotPublished as missing:
            amounts_error = {
                "code": "rate_not_published",
                "field": missing.field,
                "table": missing.table,
                "semester": missing.semester,
                "message": missing.message,
            }
            findings.append(
                Finding(
                    "rate_not_published",
                    "C. com. L441-10 II" if missing.table == "ecb_mro" else "C. mon. fin. L313-2",
                    missing.message,
                    "amounts",
                    "warning",
                    f"{missing.field} ({missing.semester})",
                )
            )
    else:
        amounts_error = {"code": scope.code, "field": "claim", "message": scope.message}

    prescription: PrescriptionResult | None = None
    prescription_error: dict[str, Any] | None = None
    if scope is None:
        if amounts is not None:
            targets = {p.index: p.invoices for p in amounts.payments}
            still = {i.number for i in amounts.invoices if i.outstanding > 0}
        else:
            targets = payment_targets_without_interest(claim, settings)
            still = None
        prescription, prescription_findings = assess_prescription(
            claim, prescription_rule(claim), targets, settings, still or None
        )
        findings = purpose_findings(claim) + prescription_findings + findings
    else:
        prescription_error = {"code": scope.code, "field": "claim", "message": scope.message}

    review = any(f.code in _REVIEW_CODES for f in findings)
    route, route_findings = decide_route(claim, prescription, amounts, scope, settings, review)
    findings += route_findings
    return Assessment(
        claim, tables, prescription, prescription_error, amounts, amounts_error, route, tuple(findings)
    )


# Findings of other parts that require a lawyer's look before any automatic step.
_REVIEW_CODES = frozenset(
    {
        "contractual_rate_below_floor",
        "contractual_rate_not_applied",
        "acknowledgement_after_expiry",
        "anniversary_29_february",
        "bill_of_exchange_acceptor_assumed",
        "prescription_suspended_ongoing",
        "interest_continues_long_term_contract",
    }
)


def assess(
    data: Mapping[str, Any], settings: Settings = DEFAULT_SETTINGS, tables: RateTables | None = None
) -> dict[str, Any]:
    """Assess a claim given as the JSON-like input of ``cases/README.md`` (or a whole case file), with the
    packaged rate tables or ``tables`` (the operator's semesters merged over them: plain data).

    Raises :class:`InvalidInput` (with ``errors`` naming each field) when the input is invalid.
    """
    return assess_claim(parse_claim(data), settings, tables).as_dict()


def invalid_input_result(error: InvalidInput) -> dict[str, Any]:
    """The JSON printed for invalid input: an ``error`` plus one finding per faulty field."""
    return {
        "error": {
            "code": "invalid_input",
            "message": "Données de la créance invalides : "
            + "; ".join(f"{e.field} — {e.message}" for e in error.errors),
            "fields": [{"field": e.field, "code": e.code, "message": e.message} for e in error.errors],
        },
        "findings": [
            {
                "code": e.code,
                "article": "cases/README.md (format d'entrée)",
                "message": f"{e.field} : {e.message}",
                "part": "input",
                "level": "blocking",
                "detail": e.field,
            }
            for e in error.errors
        ],
    }
