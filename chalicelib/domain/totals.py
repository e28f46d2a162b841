"""A creditor's dashboard figures, kept up to date instead of recomputed from every claim.

Each claim contributes to a few *rows* of its creditor's totals: one per status (``status#<status>``: one
claim, its principal) and, while it is open, one per oldest due date (``due#<YYYY-MM-DD>``, or ``due#none``).
Every write of a claim adds the difference between what it contributed before and after to those rows, in
the same transaction as the claim itself (``chalicelib/adapters/claims_repository.py``), so the dashboard
reads one small partition, never the account. The aged balance depends on today: it is computed when read,
from the open claims' due-date rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.claim import Claim, ClaimStatus

# The statuses the dashboard counts as done (the web interface's "Terminées" group, frontend/js/statuses.js):
# everything else is open, in the aged balance.
DONE_STATUSES: frozenset[ClaimStatus] = frozenset(
    {
        ClaimStatus.ORDER_REJECTED,
        ClaimStatus.SETTLED,
        ClaimStatus.CLOSED,
        ClaimStatus.WITHDRAWN,
        ClaimStatus.REJECTED,
    }
)

# The aged balance's buckets: days late since the oldest due date (the web interface's labels).
AGE_BUCKETS: tuple[tuple[str, str, int | None], ...] = (
    ("not_due", "Non échues", 0),
    ("0_30", "0 à 30 jours", 30),
    ("31_60", "31 à 60 jours", 60),
    ("61_90", "61 à 90 jours", 90),
    ("over_90", "Plus de 90 jours", None),
)

STATUS_ROW = "status#"
DUE_ROW = "due#"
NO_DUE_DATE = "none"

# A row: (number of claims, principal in cents).
Row = tuple[int, int]


def oldest_due_date(content: Any) -> str | None:
    """The oldest due date of the claim's invoices (an invoice without one counts from its own date)."""
    invoices = (content or {}).get("invoices") or []
    dates = [str(i.get("due_date") or i.get("issue_date") or "") for i in invoices if isinstance(i, dict)]
    return min((d for d in dates if d), default=None)


def is_open(status: ClaimStatus) -> bool:
    return status not in DONE_STATUSES


def contribution(claim: Claim | None) -> dict[str, Row]:
    """The rows one claim counts in (none for no claim)."""
    if claim is None:
        return {}
    rows = {f"{STATUS_ROW}{claim.status.value}": (1, claim.principal_cents)}
    if is_open(claim.status):
        rows[f"{DUE_ROW}{oldest_due_date(claim.content) or NO_DUE_DATE}"] = (1, claim.principal_cents)
    return rows


def difference(before: Claim | None, after: Claim | None) -> dict[str, Row]:
    """What a write of one claim adds to its creditor's rows (rows left unchanged are not named)."""
    return combined([contribution(after), negated(contribution(before))])


def negated(rows: Mapping[str, Row]) -> dict[str, Row]:
    return {key: (-count, -cents) for key, (count, cents) in rows.items()}


def combined(deltas: Iterable[Mapping[str, Row]]) -> dict[str, Row]:
    """The sum of several deltas, rows that cancel out left out."""
    total: dict[str, Row] = {}
    for delta in deltas:
        for key, (count, cents) in delta.items():
            before_count, before_cents = total.get(key, (0, 0))
            total[key] = (before_count + count, before_cents + cents)
    return {key: row for key, row in sorted(total.items()) if row != (0, 0)}


def recomputed(claims: Iterable[Claim]) -> dict[str, Row]:
    """The rows computed from every claim: what the kept rows must always equal."""
    return combined(contribution(claim) for claim in claims)


def age_bucket(due: str, today: dt.date) -> str:
    """The aged-balance bucket of an oldest due date (``none``: not due)."""
    if due == NO_DUE_DATE:
        return "not_due"
    try:
        late = (today - dt.date.fromisoformat(due)).days
    except ValueError:
        return "not_due"
    for key, _, up_to in AGE_BUCKETS:
        if up_to is None or late <= up_to:
            return key
    return AGE_BUCKETS[-1][0]


@dataclass(frozen=True)
class Dashboard:
    """The figures of a creditor's dashboard."""

    by_status: dict[ClaimStatus, Row]
    aged: dict[str, Row]  # bucket key → row, every bucket present
    total: Row
    open: Row


def dashboard(rows: Mapping[str, Row], today: dt.date) -> Dashboard:
    """The dashboard from the kept rows (rows at zero, left by claims that moved on, are ignored)."""
    by_status: dict[ClaimStatus, Row] = {}
    aged: dict[str, Row] = {key: (0, 0) for key, _, _ in AGE_BUCKETS}
    for key, (count, cents) in rows.items():
        if count == 0 and cents == 0:
            continue
        if key.startswith(STATUS_ROW):
            try:
                by_status[ClaimStatus(key.removeprefix(STATUS_ROW))] = (count, cents)
            except ValueError:
                continue
        elif key.startswith(DUE_ROW):
            bucket = age_bucket(key.removeprefix(DUE_ROW), today)
            aged[bucket] = (aged[bucket][0] + count, aged[bucket][1] + cents)
    total = (sum(c for c, _ in by_status.values()), sum(k for _, k in by_status.values()))
    open_ = (
        sum(c for s, (c, _) in by_status.items() if is_open(s)),
        sum(k for s, (_, k) in by_status.items() if is_open(s)),
    )
    return Dashboard(by_status=by_status, aged=aged, total=total, open=open_)
