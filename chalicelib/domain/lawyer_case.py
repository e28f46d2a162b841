"""The partner lawyer's side of a claim: who has the dossier since when, who declined it, and what the
lawyer recorded after filing (the requête, the order, its service, an opposition, enforcement).

Pure data stored on the claim as JSON (``Claim.lawyer_case``). The lawyer in charge is also
``Claim.assigned_lawyer_id`` (the sparse index a lawyer's list reads); this record keeps the history.
The deadlines that follow the order come from :mod:`chalicelib.legal.procedure`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal

from chalicelib.domain.claim import Claim, ClaimStatus
from chalicelib.legal.procedure import ProcedureDeadline, opposition_deadline, service_deadline

OrderOutcome = Literal["granted", "partly", "rejected"]
ORDER_OUTCOMES: tuple[OrderOutcome, ...] = ("granted", "partly", "rejected")
OUTCOME_LABELS_FR: Mapping[str, str] = {
    "granted": "requête accueillie en totalité",
    "partly": "requête accueillie partiellement",
    "rejected": "requête rejetée",
}
DeclineKind = Literal["declined", "no_answer", "withdrawn"]
DECLINE_LABELS_FR: Mapping[str, str] = {
    "declined": "a décliné le dossier",
    "no_answer": "n'a pas répondu dans le délai",
    "withdrawn": "dossier retiré par l'équipe",
}


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _datetime(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


@dataclass(frozen=True)
class Decline:
    lawyer_id: str
    at: datetime
    reason: str = ""
    kind: DeclineKind = "declined"

    def as_json(self) -> dict[str, str]:
        return {
            "lawyer_id": self.lawyer_id,
            "at": self.at.isoformat(),
            "reason": self.reason,
            "kind": self.kind,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Decline:
        kind = str(data.get("kind") or "declined")
        return cls(
            lawyer_id=str(data["lawyer_id"]),
            at=datetime.fromisoformat(str(data["at"])),
            reason=str(data.get("reason") or ""),
            kind=kind if kind in DECLINE_LABELS_FR else "declined",  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Filing:
    court: str
    filed_on: date
    reference: str = ""


@dataclass(frozen=True)
class Order:
    outcome: OrderOutcome
    ordered_on: date

    @property
    def granted(self) -> bool:
        return self.outcome in ("granted", "partly")


@dataclass(frozen=True)
class Service:
    served_on: date
    in_person: bool = True


@dataclass(frozen=True)
class Opposition:
    opposed_on: date


@dataclass(frozen=True)
class Enforcement:
    started_on: date
    note: str = ""


@dataclass(frozen=True)
class LawyerCase:
    lawyer_id: str = ""
    # Who they are, as the creditor is told (copied at assignment: the claim page needs no account lookup).
    lawyer_name: str = ""
    lawyer_bar: str = ""
    assigned_at: datetime | None = None
    accepted_at: datetime | None = None
    declines: tuple[Decline, ...] = ()
    # Why no lawyer has the dossier (none active covers the court, all full…): shown while it waits.
    waiting_reason: str = ""
    filing: Filing | None = None
    order: Order | None = None
    service: Service | None = None
    opposition: Opposition | None = None
    enforcement: Enforcement | None = None
    # Ids of the deadline reminders already sent (chalicelib.legal.procedure.Reminder.reminder_id).
    reminders_sent: tuple[str, ...] = field(default_factory=tuple)

    # --- reading ------------------------------------------------------------------------------------
    @property
    def declined_by(self) -> tuple[str, ...]:
        return tuple(decline.lawyer_id for decline in self.declines)

    @property
    def accepted(self) -> bool:
        return bool(self.lawyer_id) and self.accepted_at is not None

    def deadlines(self) -> tuple[ProcedureDeadline, ...]:
        """The deadlines still running: service until it is recorded, then opposition until an
        opposition or enforcement is recorded."""
        if self.order is None or not self.order.granted:
            return ()
        if self.service is None:
            return (service_deadline(self.order.ordered_on),)
        if self.opposition is None and self.enforcement is None:
            return (opposition_deadline(self.service.served_on, in_person=self.service.in_person),)
        return ()

    def steps_json(self) -> dict[str, Any]:
        """The steps after filing as the portal and the claim page show them (the order with its French
        outcome label); a step not recorded is None."""
        stored = self.as_json()
        order = stored.get("order")
        return {
            "filing": stored.get("filing"),
            "order": order | {"outcome_label": OUTCOME_LABELS_FR[order["outcome"]]} if order else None,
            "service": stored.get("service"),
            "opposition": stored.get("opposition"),
            "enforcement": stored.get("enforcement"),
        }

    # --- changes ------------------------------------------------------------------------------------
    def assigned(self, lawyer_id: str, at: datetime, *, name: str = "", bar: str = "") -> LawyerCase:
        return replace(
            self,
            lawyer_id=lawyer_id,
            lawyer_name=name,
            lawyer_bar=bar,
            assigned_at=at,
            accepted_at=None,
            waiting_reason="",
        )

    def released(self, at: datetime, *, kind: DeclineKind, reason: str = "") -> LawyerCase:
        """The lawyer in charge gives the dossier back (declined, no answer, taken back)."""
        if not self.lawyer_id:
            return self
        decline = Decline(self.lawyer_id, at, reason, kind)
        return replace(
            self, lawyer_id="", assigned_at=None, accepted_at=None, declines=(*self.declines, decline)
        )

    # --- storage ------------------------------------------------------------------------------------
    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "lawyer_id": self.lawyer_id,
            "lawyer_name": self.lawyer_name,
            "lawyer_bar": self.lawyer_bar,
            "assigned_at": self.assigned_at.isoformat() if self.assigned_at else None,
            "accepted_at": self.accepted_at.isoformat() if self.accepted_at else None,
            "declines": [decline.as_json() for decline in self.declines],
            "waiting_reason": self.waiting_reason,
            "reminders_sent": list(self.reminders_sent),
        }
        if self.filing:
            data["filing"] = {
                "court": self.filing.court,
                "filed_on": self.filing.filed_on.isoformat(),
                "reference": self.filing.reference,
            }
        if self.order:
            data["order"] = {"outcome": self.order.outcome, "ordered_on": self.order.ordered_on.isoformat()}
        if self.service:
            data["service"] = {
                "served_on": self.service.served_on.isoformat(),
                "in_person": self.service.in_person,
            }
        if self.opposition:
            data["opposition"] = {"opposed_on": self.opposition.opposed_on.isoformat()}
        if self.enforcement:
            data["enforcement"] = {
                "started_on": self.enforcement.started_on.isoformat(),
                "note": self.enforcement.note,
            }
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> LawyerCase:
        if not data:
            return cls()
        filing = data.get("filing")
        order = data.get("order")
        service = data.get("service")
        opposition = data.get("opposition")
        enforcement = data.get("enforcement")
        outcome = str(order["outcome"]) if order else ""
        return cls(
            lawyer_id=str(data.get("lawyer_id") or ""),
            lawyer_name=str(data.get("lawyer_name") or ""),
            lawyer_bar=str(data.get("lawyer_bar") or ""),
            assigned_at=_datetime(data.get("assigned_at")),
            accepted_at=_datetime(data.get("accepted_at")),
            declines=tuple(Decline.from_json(d) for d in data.get("declines") or []),
            waiting_reason=str(data.get("waiting_reason") or ""),
            filing=(
                Filing(
                    str(filing["court"]),
                    date.fromisoformat(filing["filed_on"]),
                    str(filing.get("reference", "")),
                )
                if filing
                else None
            ),
            order=(
                Order(outcome, date.fromisoformat(order["ordered_on"]))
                if order and outcome in ORDER_OUTCOMES
                else None
            ),
            service=(
                Service(date.fromisoformat(service["served_on"]), bool(service.get("in_person", True)))
                if service
                else None
            ),
            opposition=Opposition(date.fromisoformat(opposition["opposed_on"])) if opposition else None,
            enforcement=(
                Enforcement(date.fromisoformat(enforcement["started_on"]), str(enforcement.get("note", "")))
                if enforcement
                else None
            ),
            reminders_sent=tuple(str(r) for r in data.get("reminders_sent") or []),
        )


# --- the order of a lawyer's list -------------------------------------------------------------------------
# The date of a dossier with nothing to act on (no running deadline, no prescription known): after all others.
NO_DUE_DATE = date.max


def due_date(claim: Claim) -> date:
    """The date by which the lawyer must act on ``claim``: the earliest last day of the procedure deadlines
    still running (service, then opposition; one already passed counts, so overdue dossiers come first),
    else the last day before prescription the dossier carries (the assembled dossier's ``prescription_end``;
    for a claim in ``lawyer_review``, the pre-check's), else :data:`NO_DUE_DATE`.

    It depends on the claim only, never on today, so it can be stored and indexed (``due_key``)."""
    deadlines = LawyerCase.from_json(claim.lawyer_case).deadlines()
    if deadlines:
        return min(deadline.last_day for deadline in deadlines)
    dossier = claim.notice.dossier if claim.notice else None
    if dossier is not None and dossier.prescription_end is not None:
        return dossier.prescription_end
    if claim.status is ClaimStatus.LAWYER_REVIEW:
        prescription = (claim.assessment or {}).get("prescription") or {}
        try:
            return date.fromisoformat(str(prescription.get("last_day") or ""))
        except (TypeError, ValueError):  # not assessed, or no last day (a claim already barred)
            pass
    return NO_DUE_DATE


def due_key(claim: Claim) -> str:
    """``YYYY-MM-DD#<claim id>``: sorts as :func:`due_date`, ties broken by the claim id, so a lawyer's
    list has one global order across its pages (the ``by_lawyer_due`` index is kept on it).

    Why the earliest date to act first rather than « urgent first, then by deadline »: a dossier is
    ``urgent`` when its prescription ends within ``URGENCY_DAYS`` (chalicelib/legal/settings.py), that is
    when its date to act is near, so sorting by that date already puts the urgent dossiers before those
    that can wait, and also orders the urgent ones among themselves and against a service or opposition
    deadline that ends sooner. Unlike « urgent », which depends on today, the date is a property of the
    claim: it can be stored and indexed, so the order holds across pages. The ``urgent`` badge stays in
    each row of the list."""
    return f"{due_date(claim).isoformat()}#{claim.claim_id}"
