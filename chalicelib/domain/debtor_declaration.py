"""What a debtor declares from their page (issue 22): a payment, which the creditor confirms (it then joins
the claim's payments) or refuses, and a dispute, with a reason from a short list and their own words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The reasons a debtor may give (shown on the page, kept with the dispute, printed for the creditor).
DISPUTE_REASONS: Mapping[str, str] = {
    "already_paid": "J'ai déjà payé cette somme",
    "not_received": "Je n'ai pas reçu la marchandise ou la prestation",
    "not_conform": "La marchandise ou la prestation n'est pas conforme à la commande",
    "wrong_amount": "Le montant réclamé est erroné",
    "not_debtor": "Je ne suis pas redevable de cette somme",
    "other": "Autre motif",
}
KIND_LABELS = {"payment": "Paiement déclaré", "dispute": "Contestation", "plan": "Demande de délai"}
STATUS_LABELS = {
    "pending": "en attente de votre réponse",
    "confirmed": "confirmé",
    "refused": "refusé",
    "recorded": "enregistrée",
    "accepted": "accepté",
}
# POLICY: what a debtor may ask for from their page (a longer schedule is for the creditor to discuss).
MAX_INSTALMENTS = 12
MAX_FIRST_INSTALMENT_DAYS = 60


def schedule(total_cents: int, instalments: int, first: dt.date) -> list[dict[str, str]]:
    """Equal monthly instalments of ``total_cents`` (the last takes the remaining cents), the first on
    ``first`` and each next one the same day of the following month (the month's last day when it has none).
    Money in integer cents."""
    from chalicelib.legal.dates import add_months

    share, rest = divmod(total_cents, instalments)
    amounts = [share] * (instalments - 1) + [share + rest]
    return [
        {"due_on": add_months(first, n).isoformat(), "amount": f"{cents // 100}.{cents % 100:02d}"}
        for n, cents in enumerate(amounts)
    ]


@dataclass(frozen=True)
class Declaration:
    claim_id: str
    declaration_id: str
    kind: str  # payment | dispute
    status: str  # pending | confirmed | refused | recorded
    declared_at: dt.datetime
    details: Mapping[str, Any] = field(default_factory=dict)
    decided_at: dt.datetime | None = None
    decided_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        details = dict(self.details)
        # The files as the debtor and the creditor see them (never where they are stored).
        details["files"] = [
            {k: v for k, v in f.items() if k != "storage_key"} for f in self.details.get("files") or []
        ]
        if self.kind == "dispute":
            details["reason_label"] = DISPUTE_REASONS.get(str(details.get("reason")), "")
        return {
            "declaration_id": self.declaration_id,
            "kind": self.kind,
            "kind_label": KIND_LABELS.get(self.kind, self.kind),
            "status": self.status,
            "status_label": STATUS_LABELS.get(self.status, self.status),
            "declared_at": self.declared_at.isoformat(),
            "details": details,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
        }
