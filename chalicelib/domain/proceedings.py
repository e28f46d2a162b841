"""A debtor's collective proceedings as the BODACC publishes them (announcements of the « procédures
collectives » family), read into what the legal engine takes as input.

Pure. :func:`judgments_from_answer` reads the answer of the DILA's open BODACC API (Opendatasoft Explore
v2.1, dataset ``annonces-commerciales``: ``{"total_count", "results": [...]}``, each record with ``id``,
``dateparution``, ``tribunal``, ``registre``, ``commercant``, ``familleavis``, ``publicationavis``,
``parution``, ``numeroannonce`` and ``jugement`` — a JSON text ``{"type", "famille", "nature", "date",
"complementJugement"}``); :func:`proceedings_state` tells, from a company's judgments, whether it is in
proceedings now and from which judgment.

RULEBOOK 2.9: the opening judgment (sauvegarde, redressement, liquidation) blocks any action for payment and
the claim must be declared to the mandataire judiciaire / liquidateur within two months of the BODACC
publication of that judgment (C. com. R622-24). How a series of judgments is read is a POLICY reading
(:data:`READING`), each step said in the findings: the proceedings run from the first opening judgment after
the last closure; their kind is the latest opening or conversion (« prononçant la liquidation »); a closure
judgment ends them; a plan leaves them running (the plan binds the creditors of the opening). The mandataire
or liquidateur is the one the announcement names (its text, as published: the creditor checks it).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

SOURCE = "BODACC (annonces commerciales, procédures collectives — DILA, licence ouverte)"
ANNOUNCEMENT_URL = "https://www.bodacc.fr/pages/annonces-commerciales-detail/?q.id=id:{id}"

Kind = Literal["sauvegarde", "redressement", "liquidation", "plan", "cloture", "other"]
OPENING_KINDS = ("sauvegarde", "redressement", "liquidation")
READING = (
    "Lecture des jugements publiés (POLICY) : la procédure court depuis le premier jugement d'ouverture "
    "postérieur à la dernière clôture ; sa nature est celle du dernier jugement d'ouverture ou de "
    "conversion ; un jugement de clôture y met fin ; un plan la laisse en cours."
)
# Who the announcement designates, as published: « mandataire judiciaire : Me X, adresse » or « désignant
# liquidateur Me X, adresse » (the text runs to the end of that sentence or to the next designation).
_DESIGNATION = re.compile(
    r"(?:mandataire judiciaire|liquidateur(?: judiciaire)?)\s*(?::|,)?\s*(?P<who>(?:Me|Maître|SELARL|SCP|"
    r"SELAS|SAS|M\.|Mme)\b[^;]*?)(?=\s*(?:;|\.\s|\.$|, (?:et )?(?:désignant|administrateur|mandataire|"
    r"liquidateur|commissaire)|$))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Judgment:
    kind: Kind
    nature: str  # as published: « Jugement d'ouverture de liquidation judiciaire »
    judgment_date: dt.date
    published_on: dt.date  # the BODACC's dateparution
    court: str
    mandataire: str  # name and address as the announcement gives them; "" when none is named
    announcement: str  # the BODACC record id (« A202501234567 »)
    opening: bool  # an opening judgment, or a conversion into liquidation

    @property
    def url(self) -> str:
        return ANNOUNCEMENT_URL.format(id=self.announcement)

    def as_dict(self) -> dict[str, str | bool]:
        return {
            "kind": self.kind,
            "nature": self.nature,
            "judgment_date": self.judgment_date.isoformat(),
            "published_on": self.published_on.isoformat(),
            "court": self.court,
            "mandataire": self.mandataire,
            "announcement": self.announcement,
            "url": self.url,
        }


@dataclass(frozen=True)
class ProceedingsState:
    """What the judgments say today. ``opening``: the judgment the proceedings run from (its date and its
    publication give the engine's ``opened_on`` and ``published_on``); ``kind`` the latest opening or
    conversion; ``latest`` the last judgment published, whatever it is."""

    in_proceedings: bool
    kind: str | None
    opening: Judgment | None
    latest: Judgment | None
    mandataire: str
    closed_on: dt.date | None = None

    def engine_input(self) -> dict[str, str] | None:
        """The ``collective_proceedings`` object of the engine's input (shared/legal/cases/README.md)."""
        if not self.in_proceedings or self.opening is None or self.kind is None:
            return None
        return {
            "kind": self.kind,
            "opened_on": self.opening.judgment_date.isoformat(),
            "published_on": self.opening.published_on.isoformat(),
        }


def _kind(nature: str, famille: str) -> Kind:
    text = f"{famille} {nature}".casefold()
    if "clôture" in text or "cloture" in text:
        return "cloture"
    if "plan" in text:
        return "plan"
    if "liquidation" in text:
        return "liquidation"
    if "redressement" in text:
        return "redressement"
    if "sauvegarde" in text:
        return "sauvegarde"
    return "other"


def _opening(kind: Kind, nature: str, famille: str) -> bool:
    text = f"{famille} {nature}".casefold()
    if kind not in OPENING_KINDS:
        return False
    return "ouverture" in text or "prononçant la liquidation" in text or "conversion" in text


_SMALL_WORDS = frozenset({"en", "sur", "sous", "de", "du", "des", "la", "le", "les", "lès", "et", "d"})


def court_name(published: str) -> str:
    """« TRIBUNAL DE COMMERCE DE TOULOUSE » → « Tribunal de commerce de Toulouse »: the court in lower case,
    the place's words capitalised (« Chalon-sur-Saône », « Aix-en-Provence »)."""
    text = " ".join(published.split()).lower()
    match = re.search(r"^(.*\s(?:de|d'))\s*(.*)$", text)
    if not match:
        return text[:1].upper() + text[1:]
    head, place = match.group(1), match.group(2)
    words = re.split(r"([ -])", place)
    place = "".join(w if w in _SMALL_WORDS or w in {" ", "-"} else w[:1].upper() + w[1:] for w in words)
    joiner = "" if head.endswith("'") else " "
    return f"{head[:1].upper()}{head[1:]}{joiner}{place}"


def designated(text: str) -> str:
    """The mandataire judiciaire or liquidateur a judgment's text names (the last one), as published."""
    found = [" ".join(m.group("who").split()).rstrip(" ,.") for m in _DESIGNATION.finditer(text or "")]
    return found[-1] if found else ""


def _date(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])


def _registre(value: Any) -> set[str]:
    """The SIRENs of a record's ``registre`` (« 833 310 592,833310592 », or a list of them)."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    return {str(item).replace(" ", "") for item in items if str(item).strip()}


def judgments_from_answer(answer: Mapping[str, Any], siren: str) -> list[Judgment]:
    """The « procédures collectives » judgments of ``siren`` in one answer, oldest first. A record that is
    not this company's, not of that family, or without a readable judgment is left out; an answer that is
    not the API's shape raises ValueError."""
    results = answer.get("results")
    if not isinstance(results, list):
        raise ValueError("réponse sans « results »")
    judgments = []
    for record in results:
        if not isinstance(record, Mapping) or record.get("familleavis") != "collective":
            continue
        if siren not in _registre(record.get("registre")):
            continue
        try:
            raw = record.get("jugement")
            judgment = json.loads(raw) if isinstance(raw, str) else raw
            if not isinstance(judgment, Mapping):
                continue
            nature = str(judgment.get("nature") or "")
            famille = str(judgment.get("famille") or "")
            kind = _kind(nature, famille)
            judgments.append(
                Judgment(
                    kind=kind,
                    nature=nature or famille,
                    judgment_date=_date(judgment.get("date") or record["dateparution"]),
                    published_on=_date(record["dateparution"]),
                    court=" ".join(str(record.get("tribunal") or "").split()),
                    mandataire=designated(str(judgment.get("complementJugement") or "")),
                    announcement=str(record.get("id") or ""),
                    opening=_opening(kind, nature, famille),
                )
            )
        except (KeyError, ValueError, TypeError):
            continue
    return sorted(judgments, key=lambda j: (j.judgment_date, j.published_on, j.announcement))


def proceedings_state(judgments: Sequence[Judgment]) -> ProceedingsState:
    """Whether the company is in collective proceedings now, read from its judgments (:data:`READING`)."""
    if not judgments:
        return ProceedingsState(False, None, None, None, "")
    latest = judgments[-1]
    closures = [i for i, j in enumerate(judgments) if j.kind == "cloture"]
    since = closures[-1] + 1 if closures else 0
    current = judgments[since:]
    openings = [j for j in current if j.opening]
    if not openings:
        closed_on = judgments[closures[-1]].judgment_date if closures else None
        return ProceedingsState(False, None, None, latest, "", closed_on)
    named = [j.mandataire for j in current if j.mandataire]
    return ProceedingsState(True, openings[-1].kind, openings[0], latest, named[-1] if named else "", None)
