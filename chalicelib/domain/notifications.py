"""An email the platform owes someone because of a change of a claim, written to the outbox in the same
transaction as the change (so it is sent exactly once, and never for a change that did not happen).

Pure data. ``kind`` is one of ``chalicelib.documents.emails.EMAIL_KINDS``; ``context`` holds the values
that kind needs beyond the common ones of a claim (link, claim id, debtor and creditor names, which the
sender adds), JSON-ready: amounts as decimal strings (``"29.00"``), dates ISO. ``attachments`` are storage
keys of files to attach (e.g. the mise en demeure PDF).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Recipient = Literal["creditor", "debtor", "operator"]


@dataclass(frozen=True)
class Notification:
    kind: str
    context: Mapping[str, Any] = field(default_factory=dict)
    to: Recipient = "creditor"
    attachments: tuple[str, ...] = ()
