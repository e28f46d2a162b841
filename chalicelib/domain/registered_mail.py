"""How the mise en demeure goes by registered mail, and what each delivery event means in law (RULEBOOK 4.3).

Pure functions, no I/O:

* :func:`choose_channel` — a qualified electronic registered letter (LRE) or a paper LRAR, with its reasons;
* :func:`delivery_effect` — what a provider's event (first presentation, delivered, refused, not claimed,
  undeliverable) does to the notice: the day the debtor's deadline runs from, whether the notice stands, and
  what the creditor must be told.

Sources (each reason carries its own):

* the LRE equals the paper LRAR when sent through a **qualified** service (eIDAS Reg. 910/2014 art. 43-44;
  CPCE L100); a **non-professional** recipient must have **consented** to electronic registered mail
  [SEC — ANSSI, law-firm note][S40];
* a mise en demeure by LRAR returned « non réclamé » remains valid: it is not a contentious act, the CPC's
  notification rules (665 to 670-3) do not apply to it (Civ. 1re, 20 janv. 2021, n° 19-20.680) [CASE][S39];
* a **refused** letter: neither refusal nor failure to collect paralyses the notice, its date being the
  first presentation (law-firm note, consultation.avocat.fr, « Conséquences du refus d'un courrier
  recommandé »; AR24, « accepter, refuser, ignorer une LRE ») [SEC] — the reasoning of the 2021 decision
  (no effective receipt needed for a non-contentious act) covers it;
* the LRE's recipient has **15 days** from the day after being informed to accept or refuse; a refusal or
  no answer gives the sender a proof of refusal or of non-claim (CPCE L100, R53-1 s.) [SEC — law-firm note];
  the LRE's availability date stands for the first presentation (RULEBOOK 4.3, POLICY);
* an **undeliverable** letter (address unknown or incomplete) was never presented: nothing in the rulebook
  lets the platform rely on it [POLICY, conservative] — the creditor corrects the address and the letter
  goes again, at no new charge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Channel = Literal["lre", "lrar"]
DeliveryKind = Literal[
    "dispatched", "first_presented", "delivered", "refused", "not_claimed", "undeliverable"
]
DELIVERY_KINDS: tuple[DeliveryKind, ...] = (
    "dispatched",
    "first_presented",
    "delivered",
    "refused",
    "not_claimed",
    "undeliverable",
)
# Outcomes after which the provider has nothing more to say about the letter.
FINAL_KINDS = frozenset({"delivered", "refused", "not_claimed", "undeliverable"})

# What the creditor's claim page and the operator's claim file show (French).
CHANNEL_LABELS_FR: dict[str, str] = {
    "lrar": "Lettre recommandée avec accusé de réception",
    "lre": "Lettre recommandée électronique",
}
DELIVERY_LABELS_FR: dict[str, str] = {
    "dispatched": "Prise en charge par le prestataire",
    "first_presented": "Présentée au débiteur",
    "delivered": "Reçue (accusé de réception)",
    "refused": "Refusée par le débiteur",
    "not_claimed": "Non réclamée par le débiteur",
    "undeliverable": "Non distribuable (adresse)",
}
IN_TRANSIT_FR = "En cours d'acheminement"


def outcome_label(outcome: str) -> str:
    """A sent letter's outcome as the creditor reads it: in transit until the provider reports one."""
    return DELIVERY_LABELS_FR.get(outcome, outcome) if outcome else IN_TRANSIT_FR


LRE_ARTICLE = "Règlement eIDAS 910/2014 art. 43-44 ; CPCE L100"
CONSENT_ARTICLE = "CPCE L100 (consentement du destinataire non professionnel)"
NOT_CLAIMED_ARTICLE = "Civ. 1re, 20 janv. 2021, n° 19-20.680"
REFUSED_ARTICLE = "Civ. 1re, 20 janv. 2021, n° 19-20.680 (raisonnement) ; doctrine (refus du pli)"
LRE_OUTCOME_ARTICLE = "CPCE L100, R53-1 s."
PRESENTATION_POLICY = "RULEBOOK 4.3 (POLICY : délai à compter de la première présentation)"
UNDELIVERABLE_POLICY = "RULEBOOK 4.3 (POLICY : un pli jamais présenté ne vaut pas mise en demeure)"


@dataclass(frozen=True)
class Reason:
    code: str
    article: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "article": self.article, "message": self.message}


@dataclass(frozen=True)
class ChannelChoice:
    channel: Channel
    reasons: tuple[Reason, ...]

    def as_dict(self) -> dict[str, object]:
        return {"channel": self.channel, "reasons": [r.as_dict() for r in self.reasons]}


def choose_channel(
    *, debtor_is_business: bool, debtor_email: str | None, lre_consent: bool, lre_enabled: bool
) -> ChannelChoice:
    """LRE for a professional debtor with a known email (or a consumer who consented), paper LRAR otherwise.

    ``lre_enabled`` is the operator's setting (no qualified LRE provider connected: everything on paper)."""
    email = (debtor_email or "").strip()
    if not lre_enabled:
        return ChannelChoice(
            "lrar",
            (
                Reason(
                    "lre_not_configured",
                    LRE_ARTICLE,
                    "Envoi électronique non configuré : lettre recommandée papier.",
                ),
            ),
        )
    if not email:
        return ChannelChoice(
            "lrar",
            (
                Reason(
                    "no_email",
                    LRE_ARTICLE,
                    "Adresse e-mail du débiteur inconnue : lettre recommandée avec accusé de réception "
                    "papier.",
                ),
            ),
        )
    if not debtor_is_business and not lre_consent:
        return ChannelChoice(
            "lrar",
            (
                Reason(
                    "consumer_without_consent",
                    CONSENT_ARTICLE,
                    "Le débiteur n'est pas un professionnel et n'a pas consenti à recevoir des envois "
                    "recommandés électroniques : lettre recommandée avec accusé de réception papier.",
                ),
            ),
        )
    who = "professionnel" if debtor_is_business else "non professionnel ayant consenti à l'envoi électronique"
    return ChannelChoice(
        "lre",
        (
            Reason(
                "qualified_lre",
                LRE_ARTICLE,
                f"Débiteur {who}, adresse e-mail connue : envoi recommandé électronique qualifié, "
                "équivalent à la lettre recommandée avec accusé de réception.",
            ),
        ),
    )


@dataclass(frozen=True)
class DeliveryEffect:
    """What an event does: ``presented_on`` is the day the deadline runs from (None: unchanged);
    ``notice_stands`` False when the letter never reached the debtor (the address must be corrected)."""

    kind: DeliveryKind
    presented_on: dt.date | None
    notice_stands: bool
    tell_creditor: bool
    reason: Reason


def delivery_effect(
    kind: DeliveryKind, channel: Channel, on: dt.date, *, presented_on: dt.date | None
) -> DeliveryEffect:
    """The legal effect of a delivery event dated ``on``; ``presented_on`` is the first presentation already
    known (None when none was reported yet)."""
    lre = channel == "lre"
    first = presented_on or on
    if kind == "dispatched":
        return DeliveryEffect(
            kind,
            None,
            True,
            False,
            Reason(
                "dispatched",
                LRE_ARTICLE if lre else PRESENTATION_POLICY,
                "Pli pris en charge par le prestataire.",
            ),
        )
    if kind == "first_presented":
        what = (
            "mise à disposition du débiteur (envoi électronique)"
            if lre
            else "première présentation au débiteur"
        )
        return DeliveryEffect(
            kind,
            on if presented_on is None else None,
            True,
            False,
            Reason(
                "first_presented",
                PRESENTATION_POLICY,
                f"Date de {what} : le délai de paiement court à compter de ce jour.",
            ),
        )
    if kind == "delivered":
        return DeliveryEffect(
            kind,
            first if presented_on is None else None,
            True,
            True,
            Reason(
                "delivered",
                LRE_ARTICLE if lre else PRESENTATION_POLICY,
                "Accusé de réception signé par le débiteur."
                if not lre
                else "Envoi électronique accepté par le débiteur.",
            ),
        )
    if kind == "not_claimed":
        return DeliveryEffect(
            kind,
            first if presented_on is None else None,
            True,
            True,
            Reason(
                "not_claimed",
                LRE_OUTCOME_ARTICLE if lre else NOT_CLAIMED_ARTICLE,
                "Pli non réclamé par le débiteur : la mise en demeure reste valable, le délai de paiement "
                "court depuis la première présentation.",
            ),
        )
    if kind == "refused":
        return DeliveryEffect(
            kind,
            first if presented_on is None else None,
            True,
            True,
            Reason(
                "refused",
                LRE_OUTCOME_ARTICLE if lre else REFUSED_ARTICLE,
                "Pli refusé par le débiteur : le refus ne prive pas la mise en demeure de ses effets, le "
                "délai de paiement court depuis la première présentation.",
            ),
        )
    return DeliveryEffect(
        "undeliverable",
        None,
        False,
        True,
        Reason(
            "undeliverable",
            UNDELIVERABLE_POLICY,
            "Pli non distribuable (adresse inconnue ou incomplète) : la mise en demeure n'a pas été "
            "présentée au débiteur. Corrigez son adresse : la lettre repartira sans nouveau paiement.",
        ),
    )
