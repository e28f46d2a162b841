"""May a claim go ahead? The pre-check reads the legal engine's assessment and lists what stops it.

Pure. A claim is submitted (and paid for) only when nothing blocks: it is not time-barred, the
injonction de payer is admissible, the amounts could be computed, and no finding is ``blocking``.
Each blocker carries the engine's code, article and French message, so the creditor sees why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.errors import NotSubmittable

# The legal engine's findings about one invoice that is not exigible (chalicelib/legal/exigibility.py):
# their ``detail`` is the invoice's number, which the blocker carries so the creditor can remove it.
NOT_DUE_CODES = frozenset(
    {"invoice_not_yet_due", "invoice_dated_after_assessment", "invoice_performed_after_assessment"}
)


@dataclass(frozen=True)
class Blocker:
    code: str
    message: str
    article: str = ""
    invoice: str = ""  # the invoice concerned, when the blocker is about one invoice

    def as_dict(self) -> dict[str, str]:
        out = {"code": self.code, "message": self.message, "article": self.article}
        if self.invoice:
            out["invoice"] = self.invoice
        return out


def _blocker(finding: Mapping[str, Any], fallback: Blocker | None = None) -> Blocker:
    code = str(finding.get("code", fallback.code if fallback else ""))
    return Blocker(
        code,
        str(finding.get("message", fallback.message if fallback else "")),
        str(finding.get("article", "")),
        str(finding.get("detail") or "") if code in NOT_DUE_CODES else "",
    )


def not_due_blockers(assessment: Mapping[str, Any]) -> list[Blocker]:
    """The invoices the engine found not exigible (not yet due, dated after the assessment day): no
    reminder, notice or dossier may be produced for a claim that has one."""
    return [_blocker(f) for f in _findings(assessment) if f.get("code") in NOT_DUE_CODES]


def _findings(
    assessment: Mapping[str, Any], *, part: str | None = None, level: str | None = None
) -> list[Any]:
    return [
        finding
        for finding in assessment.get("findings") or []
        if (part is None or finding.get("part") == part) and (level is None or finding.get("level") == level)
    ]


def _from_findings(findings: list[Any], fallback: Blocker) -> list[Blocker]:
    blockers = [_blocker(f, fallback) for f in findings]
    return blockers or [fallback]


def refuse_not_due(assessment: Mapping[str, Any], what: str) -> None:
    """Raise :class:`NotSubmittable` when an invoice is not exigible (CPC 1405, rulebook 2.1): no reminder,
    notice or requête is produced for it, whatever path the claim took to get there."""
    not_due = not_due_blockers(assessment)
    if not_due:
        raise NotSubmittable(
            f"{what} : {not_due[0].message}",
            details=[{"field": b.code, "message": b.message} for b in not_due],
        )


def submission_blockers(assessment: Mapping[str, Any]) -> list[Blocker]:
    """Every reason the claim cannot be submitted, most decisive first; empty when it may go ahead."""
    blockers: list[Blocker] = []
    prescription = assessment.get("prescription") or {}
    route = assessment.get("route") or {}
    amounts = assessment.get("amounts") or {}

    if prescription.get("status") == "barred":
        blockers += _from_findings(
            _findings(assessment, part="prescription", level="blocking")
            or _findings(assessment, part="prescription"),
            Blocker("time_barred", "La créance est prescrite : elle ne peut plus être réclamée en justice."),
        )[:1]
    elif prescription.get("status") is None:
        error = prescription.get("error") or {}
        blockers.append(
            Blocker(
                str(error.get("code", "prescription_unknown")),
                str(error.get("message", "La prescription n'a pas pu être vérifiée.")),
            )
        )

    status = route.get("injonction_de_payer")
    if status == "blocked":
        blockers += _from_findings(
            _findings(assessment, part="route", level="blocking"),
            Blocker("route_blocked", "Une procédure en cours interdit d'engager le recouvrement."),
        )
    elif status == "not_admissible":
        blockers += _from_findings(
            [f for f in _findings(assessment, part="route") if f.get("level") in {"warning", "blocking"}],
            Blocker(
                "injonction_not_admissible",
                "L'injonction de payer n'est pas ouverte pour cette créance ; un avocat doit l'examiner.",
            ),
        )

    if amounts.get("total") is None:
        error = amounts.get("error") or {}
        blockers.append(
            Blocker(
                str(error.get("code", "amounts_unknown")),
                str(error.get("message", "Les montants dus n'ont pas pu être calculés.")),
                str(error.get("article", "")),
            )
        )

    # Any other blocking finding (input problems…), once.
    seen = {blocker.code for blocker in blockers}
    for finding in _findings(assessment, level="blocking"):
        if finding.get("code") not in seen:
            blockers.append(_blocker(finding))
            seen.add(str(finding.get("code")))
    return blockers
