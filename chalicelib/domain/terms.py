"""The terms of sale (conditions générales de vente, CGV) a creditor accepts before paying: pure.

A CGV version is named by the date it comes into force (``2026-12-01``); the creditor accepts the version in
force before the first checkout, and again each time a new version comes into force. (The prices the terms
state, HT + TVA = TTC, are split by :func:`chalicelib.domain.fee_invoices.split_ttc`, as on the invoices.)
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from chalicelib.domain.errors import TermsNotAccepted
from chalicelib.legal.exigibility import french_date

PARIS = ZoneInfo("Europe/Paris")


def version_date(version: str) -> dt.date | None:
    """The day a version named ``YYYY-MM-DD`` comes into force (None for a version named otherwise)."""
    try:
        return dt.date.fromisoformat(version)
    except ValueError:
        return None


def version_label(version: str) -> str:
    """``2026-12-01`` → ``1er décembre 2026``, as the pages and the timeline say « version du … »."""
    day = version_date(version)
    return french_date(day) if day is not None else version


def needs_acceptance(accepted: str | None, in_force: str) -> bool:
    """Whether an account that accepted ``accepted`` (None: never) must accept ``in_force`` before paying."""
    return accepted != in_force


def acceptance_reason(version: str, at: dt.datetime) -> str:
    """The timeline's words: « Conditions générales de vente (version du 1er décembre 2026) acceptées le
    3 décembre 2026 à 14 h 05 » (Paris time)."""
    local = at.astimezone(PARIS) if at.tzinfo is not None else at
    return (
        f"Conditions générales de vente (version du {version_label(version)}) acceptées le "
        f"{french_date(local.date())} à {local.hour} h {local.minute:02d}"
    )


def not_accepted(in_force: str, offered: str | None) -> TermsNotAccepted:
    """The refusal when the account has not accepted the version in force and the request does not accept it
    (or accepts another version: the page was read before a new version came into force)."""
    label = version_label(in_force)
    if offered:
        message = (
            f"Les conditions générales de vente ont changé : la version du {label} est en vigueur. "
            "Relisez-les et acceptez-les pour continuer ; aucun paiement n'a été demandé."
        )
    else:
        message = (
            f"Acceptez les conditions générales de vente (version du {label}) pour continuer : "
            "aucun paiement n'est demandé avant leur acceptation."
        )
    return TermsNotAccepted(message, field="cgv_version")
