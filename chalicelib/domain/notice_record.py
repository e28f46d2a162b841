"""The formal notice's record on a claim (``Claim.notice``): the letter once prepared, then sent, then
what the creditor recorded of its presentation, the debtor's emailed copy, and the injonction de payer dossier
assembled after it. Pure data, typed; the repository alone reads and writes it as JSON
(:meth:`NoticeRecord.from_json`, :meth:`NoticeRecord.to_json`), keeping any key it does not know.

Dates are dates; ``*_at`` are ISO timestamps as written (``deadline_at`` is the UTC instant the escalation's
``Wait`` state reads, ``…Z``); amounts are the decimal strings the letter printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

NoticeStatus = Literal["", "prepared", "sent"]


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class DossierRecord:
    """The injonction de payer dossier (chalicelib/services/dossier.py), as the lawyers' side reads it."""

    pdf_key: str = ""
    zip_key: str = ""
    sha256_pdf: str = ""
    sha256_zip: str = ""
    assembled_at: str = ""
    exhibits: int = 0
    court_name: str = ""
    court_kind: str = ""
    departement: str = ""
    amount_claimed: str = ""
    urgent: bool = False
    lawyer_review: bool = False
    prescription_end: dt.date | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DossierRecord:
        known = {f.name for f in fields(cls)} - {"extra"}
        return cls(
            pdf_key=_text(data.get("pdf_key")),
            zip_key=_text(data.get("zip_key")),
            sha256_pdf=_text(data.get("sha256_pdf")),
            sha256_zip=_text(data.get("sha256_zip")),
            assembled_at=_text(data.get("assembled_at")),
            exhibits=int(data.get("exhibits") or 0),
            court_name=_text(data.get("court_name")),
            court_kind=_text(data.get("court_kind")),
            departement=_text(data.get("departement")),
            amount_claimed=_text(data.get("amount_claimed")),
            urgent=bool(data.get("urgent")),
            lawyer_review=bool(data.get("lawyer_review")),
            prescription_end=_date(data.get("prescription_end")),
            extra={k: v for k, v in data.items() if k not in known},
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        for f in fields(self):
            if f.name == "extra":
                continue
            value = getattr(self, f.name)
            data[f.name] = value.isoformat() if isinstance(value, dt.date) else value
        return data


@dataclass(frozen=True)
class NoticeRecord:
    """The mise en demeure: ``status`` "prepared" (PDF stored, not sent) then "sent"."""

    status: NoticeStatus = ""
    # The letter (prepared)
    pdf_key: str = ""
    sha256: str = ""
    size: int = 0
    filename: str = ""
    reference: str = ""
    letter_date: dt.date | None = None
    prepared_at: str = ""
    regime: str = ""
    debtor_professional: bool = False
    payment_days: int = 0
    amount_claimed: str = ""
    principal_outstanding: str = ""
    interest: str = ""
    indemnity: str = ""
    interest_until: str = ""
    # Its sending (sent)
    channel: str = ""
    provider: str = ""
    tracking_number: str = ""
    proof_key: str = ""
    sent_on: dt.date | None = None
    sent_at: str = ""
    first_presented_on: dt.date | None = None
    presentation_source: str | None = None
    presentation_recorded_at: str = ""
    presentation_recorded_by: str = ""
    deadline: dt.date | None = None
    deadline_at: str = ""
    deadline_basis: str = ""
    # The debtor's emailed copy
    emailed_to: str = ""
    emailed_at: str = ""
    email_error: str = ""
    # The injonction de payer dossier assembled after the deadline
    dossier: DossierRecord | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_sent(self) -> bool:
        return self.status == "sent"

    @property
    def delivery(self) -> Mapping[str, Any]:
        """What the registered-mail provider reported of the letter (issue 23: its reference, events, proofs
        and outcome, written by chalicelib/services/notice/delivery.py); empty before a provider sends it."""
        value = self.extra.get("delivery")
        return value if isinstance(value, Mapping) else {}

    @property
    def filename_or_default(self) -> str:
        return self.filename or "mise-en-demeure.pdf"

    def with_fields(self, **changes: Any) -> NoticeRecord:
        """A copy with ``changes`` (attribute names; dates as dates)."""
        return replace(self, **changes)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NoticeRecord:
        known = {f.name for f in fields(cls)} - {"extra"}
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "extra" or f.name not in data:
                continue
            raw = data[f.name]
            if f.name == "dossier":
                values[f.name] = DossierRecord.from_json(raw) if raw else None
            elif f.name in _DATES:
                values[f.name] = _date(raw)
            elif f.name in ("size", "payment_days"):
                values[f.name] = int(raw or 0)
            elif f.name == "debtor_professional":
                values[f.name] = bool(raw)
            elif f.name == "presentation_source":
                values[f.name] = None if raw is None else str(raw)
            else:
                values[f.name] = _text(raw)
        return cls(**values, extra={k: v for k, v in data.items() if k not in known})

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        for f in fields(self):
            if f.name == "extra":
                continue
            value = getattr(self, f.name)
            if isinstance(value, DossierRecord):
                data[f.name] = value.to_json()
            elif isinstance(value, dt.date):
                data[f.name] = value.isoformat()
            else:
                data[f.name] = value
        return data


_DATES = frozenset({"letter_date", "sent_on", "first_presented_on", "deadline"})
