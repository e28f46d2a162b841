"""Which partner lawyer gets a ready dossier (first step of the lawyers' portal issue).

Pure. The active lawyer who covers the competent court — by its name or by its département — and still has
room, with the fewest open dossiers; ties go to the one assigned least recently (round robin), then by id so
the choice is deterministic. Lawyers who already declined this dossier are left out. No one → the decision
says why, and the operator is alerted by the caller.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime


def _norm(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[^a-z0-9]+", " ", folded).strip()


def departement_of(postal_code: str) -> str:
    """``69002`` → ``69``; Corsica ``20000``/``20200`` → ``2A``/``2B``; overseas ``97400`` → ``974``."""
    code = postal_code.strip()
    if len(code) != 5 or not code.isdigit():
        return ""
    if code.startswith("97") or code.startswith("98"):
        return code[:3]
    if code.startswith("20"):
        return "2A" if int(code) < 20200 else "2B"
    return code[:2]


@dataclass(frozen=True)
class Candidate:
    lawyer_id: str
    name: str
    active: bool
    courts: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()
    capacity: int | None = None  # open dossiers at most; None: no limit
    open_dossiers: int = 0
    last_assigned_at: datetime | None = None

    def covers(self, court_name: str, departement: str) -> bool:
        court = _norm(court_name)
        if court and any(_norm(c) == court or (_norm(c) and _norm(c) in court) for c in self.courts):
            return True
        return bool(departement) and departement.upper() in {d.strip().upper() for d in self.departements}

    @property
    def has_room(self) -> bool:
        return self.capacity is None or self.open_dossiers < self.capacity


@dataclass(frozen=True)
class Assignment:
    lawyer_id: str | None
    reason: str
    considered: tuple[str, ...] = field(default_factory=tuple)

    @property
    def found(self) -> bool:
        return self.lawyer_id is not None


def choose_lawyer(
    candidates: Iterable[Candidate],
    *,
    court_name: str,
    departement: str,
    excluded: Iterable[str] = (),
) -> Assignment:
    left_out = set(excluded)
    pool = [c for c in candidates if c.active and c.lawyer_id not in left_out]
    covering = [c for c in pool if c.covers(court_name, departement)]
    if not covering:
        where = f"{court_name} (département {departement})" if departement else court_name
        return Assignment(None, f"Aucun avocat partenaire actif ne couvre {where}.")
    with_room = [c for c in covering if c.has_room]
    if not with_room:
        return Assignment(
            None,
            f"Les avocats partenaires qui couvrent {court_name} ont atteint leur capacité.",
            tuple(c.lawyer_id for c in covering),
        )
    never = datetime.min

    def rank(c: Candidate) -> tuple[int, datetime, str]:
        last = c.last_assigned_at.replace(tzinfo=None) if c.last_assigned_at else never
        return (c.open_dossiers, last, c.lawyer_id)

    chosen = min(with_room, key=rank)
    return Assignment(
        chosen.lawyer_id,
        f"{chosen.name} couvre {court_name} et a le moins de dossiers en cours ({chosen.open_dossiers}).",
        tuple(c.lawyer_id for c in with_room),
    )
