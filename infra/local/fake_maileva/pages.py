"""The console's HTML, rendered from the Jinja2 templates in ``templates/`` (autoescaped: every value a page
shows comes from the platform or a person, and is escaped). What to change to reword or restyle a page:
the template; what it is given (plain dicts, in French): the functions below."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from infra.local.fake_maileva import lre, paper
from infra.local.fake_maileva.records import PAPER, ConsoleSnapshot, Recipient, Sending, parse_iso
from infra.local.fake_maileva.settings import PARIS, PREFIX

TEMPLATES = Path(__file__).parent / "templates"

SENDING_STATUSES = {
    "DRAFT": "Brouillon (non soumis)",
    "PENDING": "Soumis",
    "ACCEPTED": "Accepté",
    "PROCESSED": "Produit",
    "PROCESSED_WITH_ERRORS": "Produit avec erreurs",
    "REJECTED": "Rejeté",
}
MAIN_CATEGORIES = {
    "DELIVERING": "En cours d'acheminement",
    "FIRST_PRESENTATION": "Présenté, destinataire avisé",
    "DELIVERED": "Distribué",
    "UNDELIVERED": "Non distribué",
}
ELECTRONIC_STATUSES = {
    "DRAFT": "Brouillon (non soumis)",
    "PENDING": "Disponible, en attente du destinataire",
    "ACCEPTED": "Acceptée par le destinataire",
    "REFUSED": "Refusée par le destinataire",
    "NOT_CLAIMED": "Non réclamée (négligée)",
    "ERROR": "Adresse e-mail en erreur",
}
PAPER_PROOFS = {
    "deposit_proof": ("deposit_proof_date", "Preuve de dépôt"),
    "acknowledgement_of_receipt": ("acknowledgement_of_receipt_date", "Avis de réception"),
    "undelivered_mail": ("undelivered_mail_date", "Pli non distribué"),
}
ELECTRONIC_PROOFS = {"deposit_proof": "Preuve de dépôt", "delivery_proof": "Preuve de réception"}


def when(stamp: str | None) -> str:
    """An API date-time shown in Paris: ``03/12/2026 à 10:00``."""
    if not stamp:
        return ""
    return parse_iso(stamp).astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")


def moment(stamp: str | None) -> str:
    """To the second, for the webhook attempts: ``03/12/2026 à 10:00:07``."""
    return parse_iso(stamp).astimezone(PARIS).strftime("%d/%m/%Y à %H:%M:%S") if stamp else ""


def euros(amount: float | None) -> str:
    return "" if amount is None else f"{amount:.2f} €".replace(".", ",")


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(when=when, moment=moment, quote=lambda text: quote(str(text), safe=""))
    environment.globals.update(prefix=PREFIX)
    return environment


ENVIRONMENT = _environment()


def render(template: str, **context: Any) -> str:
    return ENVIRONMENT.get_template(template).render(**context)


def _paper_recipient(sending: Sending, recipient: Recipient) -> dict[str, Any]:
    tracking = recipient.tracking
    last = tracking.get("last_main_delivery_status") or {}
    delivery = ""
    if last:
        category = MAIN_CATEGORIES.get(last.get("category", ""), last.get("category", ""))
        delivery = f"{category} ({last.get('code')} {last.get('label')}), le {when(last.get('date'))}"
    return {
        "id": recipient.id,
        "who": paper.address_lines(recipient.fields),
        "number": tracking.get("registered_number", ""),
        "status": recipient.status,
        "delivery": delivery,
        "price": euros(tracking.get("postage_price")),
        "actions": [(name, paper.ACTIONS[name].label) for name in paper.allowed_actions(sending, recipient)],
        "proofs": [(kind, label) for kind, (field, label) in PAPER_PROOFS.items() if tracking.get(field)],
    }


def _electronic_recipient(recipient: Recipient) -> dict[str, Any]:
    fields, tracking = recipient.fields, recipient.tracking
    name = " ".join(str(fields.get(key) or "") for key in ("first_name", "last_name")).strip()
    who = [name, *([fields["company"]] if fields.get("company") else []), str(fields.get("email", ""))]
    status = ELECTRONIC_STATUSES.get(recipient.status, recipient.status)
    if tracking.get("status_date"):
        status += f", le {when(tracking['status_date'])}"
    return {
        "id": recipient.id,
        "who": who,
        "number": "",
        "status": recipient.status,
        "delivery": status,
        "price": "",
        "actions": [(name, lre.ACTIONS[name].label) for name in lre.allowed_actions(recipient)],
        "proofs": [(kind, label) for kind, label in ELECTRONIC_PROOFS.items() if tracking.get(kind)],
    }


def _sending(sending: Sending) -> dict[str, Any]:
    is_paper = sending.product == PAPER
    recipients = [
        _paper_recipient(sending, r) if is_paper else _electronic_recipient(r) for r in sending.recipients
    ]
    return {
        "id": sending.id,
        "product": sending.product,
        "kind": "Lettre recommandée papier" if is_paper else "Lettre recommandée électronique",
        "name": sending.fields.get("name", ""),
        "custom_id": sending.fields.get("custom_id", ""),
        "status": SENDING_STATUSES.get(sending.status, sending.status),
        "created": when(sending.creation_date),
        "submitted": when(sending.submission_date),
        "documents": len(sending.documents),
        "recipients": recipients,
    }


def console_page(snapshot: ConsoleSnapshot, *, api_base: str) -> str:
    """The console: sendings and their letters with their action forms, subscriptions, deliveries."""
    return render(
        "console.html",
        sendings=[_sending(s) for s in snapshot.sendings],
        subscriptions=snapshot.subscriptions,
        deliveries=snapshot.deliveries[:50],
        senders=snapshot.senders,
        today=snapshot.today,
        api_base=api_base,
    )


def message_page(title: str, text: str) -> str:
    return render("message.html", title=title, text=text)


def redirect_page(location: str) -> str:
    return render("redirect.html", location=location)
