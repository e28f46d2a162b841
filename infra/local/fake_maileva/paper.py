"""The paper registered letter's life at La Poste, as registered_mail/v4 reports it: production at once on
submit (deposit proof, registered number, price), then what the console makes the postman do (present the
letter, have the acknowledgement of receipt signed, see it refused, unclaimed or undeliverable); and the
PDF proofs of each step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from infra.local.fake_maileva import pdf
from infra.local.fake_maileva.errors import MailevaError, invalid, not_draft, not_found
from infra.local.fake_maileva.records import Recipient, Sending, iso, parse_iso, registered_number
from infra.local.fake_maileva.settings import PARIS, POSTAGE_PRICE

SENDINGS = "registered_mail/v4/sendings"
RECIPIENTS = "registered_mail/v4/recipients"

# Maileva's delivery status codes the twin uses: code → (label, La Poste's code).
DELIVERY_CODES = {
    "LP01": ("Pris en charge", "PCHCFM"),
    "LP05": ("Preuve de dépôt numérique disponible", "POCDSP"),
    "LP09": ("Destinataire absent avisé", "RENAVI"),
    "LP15": ("Distribué", "LIVCFM"),
    "LP18": ("Avis de réception numérique disponible", "PODDSP"),
    "LP19": ("Retour à l'expéditeur pour cause de délai d'instance expiré", "RENATT"),
    "LP21": ("Retour à l'expéditeur pour cause de destinataire inconnu à l'adresse", "RENDIA"),
    "LP22": ("Retour à l'expéditeur pour cause de pli refusé", "RENDIV"),
}
UNDELIVERED_REASONS = {
    "N02": "Destinataire inconnu à l'adresse",
    "N03": "Pli avisé et non réclamé",
    "N05": "Pli refusé par le destinataire",
}
FINAL = ("DELIVERED", "UNDELIVERED")


@dataclass(frozen=True)
class Event:
    """Something the notification center reports: ``resource_type`` is SENDINGS or RECIPIENTS."""

    event_type: str
    resource_type: str
    sending: Sending
    recipient: Recipient | None
    date: str


@dataclass(frozen=True)
class Action:
    """A console action on a produced letter: the delivery statuses it adds (the first one is also the
    main status), the main category, and the reason of a returned letter."""

    label: str
    codes: tuple[str, ...]
    category: str
    reason: str | None = None
    presented_first: bool = False  # refused or unclaimed: only after a first presentation


ACTIONS = {
    "presented": Action("Présentée (avisée)", ("LP09",), "FIRST_PRESENTATION"),
    "delivered": Action("AR signé", ("LP15", "LP18"), "DELIVERED"),
    "refused": Action("Refusé", ("LP22",), "UNDELIVERED", "N05", presented_first=True),
    "not_claimed": Action("Non réclamé", ("LP19",), "UNDELIVERED", "N03", presented_first=True),
    "unknown_address": Action("Adresse inconnue", ("LP21",), "UNDELIVERED", "N02"),
}
EVENTS = {
    "FIRST_PRESENTATION": ("ON_MAIN_DELIVERY_STATUS_FIRST_PRESENTATION",),
    "DELIVERED": ("ON_MAIN_DELIVERY_STATUS_DELIVERED", "ON_ACKNOWLEDGEMENT_OF_RECEIPT_RECEIVED"),
    "UNDELIVERED": ("ON_MAIN_DELIVERY_STATUS_UNDELIVERED", "ON_UNDELIVERED_MAIL_RECEIVED"),
}


def postage_class(sending: Sending) -> str:
    speed = "J2" if sending.fields.get("postage_type") == "URGENT" else "J3"
    with_receipt = sending.fields.get("acknowledgement_of_receipt", True)
    return f"REGISTERED_MAIL_{speed}" + ("_AR" if with_receipt else "")


def recipient_path(sending: Sending, recipient: Recipient) -> str:
    return f"/sendings/{sending.id}/recipients/{recipient.id}"


def _status(code: str, stamp: str, recorded: str) -> dict[str, Any]:
    label, provider = DELIVERY_CODES[code]
    return {
        "date": stamp,
        "code": code,
        "label": label,
        "source": "LA_POSTE",
        "code_provider": provider,
        "creation_date": recorded,
    }


def _main(category: str, code: str, stamp: str, recorded: str) -> dict[str, Any]:
    return {"category": category, **_status(code, stamp, recorded)}


def submit(sending: Sending, now: datetime) -> list[Event]:
    """Submit and produce at once: the sending is PROCESSED, each recipient has its registered number,
    price, deposit proof and first delivery statuses (LP01, LP05). Returns the events to notify."""
    if sending.status != "DRAFT":
        raise not_draft()
    if not sending.documents:
        raise invalid("NO_DOCUMENT", "L'envoi ne contient aucun document")
    if not sending.recipients:
        raise invalid("NO_RECIPIENT", "L'envoi ne contient aucun destinataire")
    stamp = iso(now)
    sending.statuses = [{"date": stamp, "code": code} for code in ("PENDING", "ACCEPTED", "PROCESSED")]
    sending.status = "PROCESSED"
    sending.submission_date = sending.processed_date = stamp
    pages = sum(document.pages_count or 0 for document in sending.documents)
    events = [
        Event("ON_STATUS_ACCEPTED", SENDINGS, sending, None, stamp),
        Event("ON_STATUS_PROCESSED", SENDINGS, sending, None, stamp),
    ]
    for recipient in sending.recipients:
        recipient.status = "PROCESSED"
        main = _main("DELIVERING", "LP01", stamp, stamp)
        recipient.tracking = {
            "registered_number": registered_number(),
            "postage_class": postage_class(sending),
            "postage_price": POSTAGE_PRICE,
            "pages_count": pages,
            "deposit_proof_date": stamp,
            "deposit_proof_url": f"{recipient_path(sending, recipient)}/download_deposit_proof",
            "delivery_statuses": [_status("LP01", stamp, stamp), _status("LP05", stamp, stamp)],
            "main_delivery_statuses": [main],
            "last_main_delivery_status": dict(main),
            "last_delivery_status": "LP05",
            "last_delivery_status_date": stamp,
        }
        events.append(Event("ON_DEPOSIT_PROOF_RECEIVED", RECIPIENTS, sending, recipient, stamp))
    return events


def allowed_actions(sending: Sending, recipient: Recipient) -> list[str]:
    """The console actions that make sense for this letter now."""
    if recipient.status != "PROCESSED":
        return []
    categories = [main["category"] for main in recipient.tracking.get("main_delivery_statuses", [])]
    if any(category in FINAL for category in categories):
        return []
    presented = "FIRST_PRESENTATION" in categories
    return [name for name in ACTIONS if not (name == "presented" and presented)]


def last_event_time(recipient: Recipient) -> datetime | None:
    dates = [parse_iso(status["date"]) for status in recipient.tracking.get("delivery_statuses", [])]
    return max(dates) if dates else None


def act(sending: Sending, recipient: Recipient, name: str, stamp: datetime, now: datetime) -> list[Event]:
    """Apply the console action ``name`` at ``stamp`` (recorded ``now``); returns the events to notify."""
    action = ACTIONS.get(name)
    if action is None:
        raise not_found("ACTION_NOT_FOUND", f"Action inconnue pour une lettre recommandée papier : {name}")
    if name not in allowed_actions(sending, recipient):
        raise MailevaError(409, "ACTION_NOT_ALLOWED", _why_not(recipient, name))
    when, recorded = iso(stamp), iso(now)
    events: list[Event] = []
    categories = [main["category"] for main in recipient.tracking["main_delivery_statuses"]]
    if action.presented_first and "FIRST_PRESENTATION" not in categories:
        events += _apply(sending, recipient, ACTIONS["presented"], when, recorded)
    events += _apply(sending, recipient, action, when, recorded)
    return events


def _why_not(recipient: Recipient, name: str) -> str:
    if recipient.status != "PROCESSED":
        return "Le pli n'a pas encore été déposé : soumettez l'envoi d'abord."
    if name == "presented":
        return "Le pli a déjà été présenté."
    return "Le pli a déjà un statut de distribution définitif."


def _apply(sending: Sending, recipient: Recipient, action: Action, when: str, recorded: str) -> list[Event]:
    tracking = recipient.tracking
    with_receipt = bool(sending.fields.get("acknowledgement_of_receipt", True))
    codes = [code for code in action.codes if code != "LP18" or with_receipt]
    tracking["delivery_statuses"] += [_status(code, when, recorded) for code in codes]
    main = _main(action.category, codes[0], when, recorded)
    tracking["main_delivery_statuses"].append(main)
    tracking["last_main_delivery_status"] = dict(main)
    tracking["last_delivery_status"] = codes[-1]
    tracking["last_delivery_status_date"] = when
    path = recipient_path(sending, recipient)
    event_types = list(EVENTS[action.category])
    if action.category == "DELIVERED":
        if with_receipt:
            tracking["acknowledgement_of_receipt_date"] = when
            tracking["acknowledgement_of_receipt_url"] = f"{path}/download_acknowledgement_of_receipt"
        else:
            event_types.remove("ON_ACKNOWLEDGEMENT_OF_RECEIPT_RECEIVED")
    if action.reason is not None:
        tracking["undelivered_mail_reason"] = action.reason
        tracking["undelivered_mail_date"] = when
        tracking["undelivered_mail_url"] = f"{path}/download_undelivered_mail"
    return [Event(event_type, RECIPIENTS, sending, recipient, when) for event_type in event_types]


# --- the PDF proofs ------------------------------------------------------------------------------------


def _paris(stamp: str) -> str:
    return parse_iso(stamp).astimezone(PARIS).strftime("%d/%m/%Y à %H:%M (heure de Paris)")


def address_lines(fields: dict[str, Any], prefix: str = "") -> list[str]:
    lines = [
        str(fields[f"{prefix}address_line_{n}"])
        for n in range(1, 7)
        if fields.get(f"{prefix}address_line_{n}")
    ]
    country = fields.get(f"{prefix}country_code")
    if country and country != "FR":
        lines.append(str(country))
    return lines


def proof(sending: Sending, recipient: Recipient, kind: str) -> bytes:
    """``deposit_proof``, ``acknowledgement_of_receipt`` or ``undelivered_mail`` as a PDF; 404 while the
    letter has none."""
    tracking = recipient.tracking
    available = {
        "deposit_proof": "deposit_proof_date",
        "acknowledgement_of_receipt": "acknowledgement_of_receipt_date",
        "undelivered_mail": "undelivered_mail_date",
    }
    date_field = available.get(kind)
    if date_field is None or not tracking.get(date_field):
        raise not_found(f"{kind.upper()}_NOT_FOUND", "Ce document n'est pas (encore) disponible")
    number = f"Numéro de recommandé : {tracking['registered_number']}"
    addressee = ["", "Destinataire :", *(f"    {line}" for line in address_lines(recipient.fields))]
    if kind == "deposit_proof":
        sender = address_lines(sending.fields, "sender_")
        receipt = "avec" if sending.fields.get("acknowledgement_of_receipt", True) else "sans"
        lines = [
            f"Lettre recommandée {receipt} avis de réception ({tracking['postage_class']})",
            number,
            f"Déposée le {_paris(tracking['deposit_proof_date'])}",
            f"Envoi : {sending.fields.get('name', '')}",
            f"Affranchissement : {tracking['postage_price']:.2f} €".replace(".", ","),
            *addressee,
        ]
        if sender:
            lines += ["", "Expéditeur :", *(f"    {line}" for line in sender)]
        return pdf.one_page("Preuve de dépôt", lines)
    if kind == "acknowledgement_of_receipt":
        lines = [number, f"Distribuée et signée le {_paris(tracking['acknowledgement_of_receipt_date'])}"]
        return pdf.one_page("Avis de réception", lines + addressee)
    reason = tracking["undelivered_mail_reason"]
    label = UNDELIVERED_REASONS.get(reason, reason)
    lines = [
        number,
        f"Motif : {reason} — {label}",
        f"Retour constaté le {_paris(tracking['undelivered_mail_date'])}",
    ]
    return pdf.one_page(f"Pli non distribué — {label}", lines + addressee)
