"""The simulation's HTML pages, rendered from the Jinja2 templates in ``templates/`` (autoescaped: every
value a page shows comes from the platform or the person, and is escaped). What to change to reword or
restyle a page: the template; what it is given: the functions below."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from infra.local.fake_stripe.records import ConsoleSnapshot, Session
from infra.local.fake_stripe.settings import API_PREFIX, CHECKOUT_PREFIX, PARIS

TEMPLATES = Path(__file__).parent / "templates"


def money(cents: int, currency: str) -> str:
    """``2900, "eur"`` → ``29,00 €`` (French format, as elsewhere on the platform)."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    text = f"{sign}{units:,}".replace(",", " ") + f",{rest:02d}"
    return f"{text} €" if currency.lower() == "eur" else f"{text} {currency.upper()}"


def when(timestamp: float) -> str:
    """A date and time in Paris: ``03/12/2026 à 09:41:07``."""
    return datetime.fromtimestamp(timestamp, PARIS).strftime("%d/%m/%Y à %H:%M:%S")


def clock(timestamp: float) -> str:
    """The time of day in Paris: ``09:41:07``."""
    return datetime.fromtimestamp(timestamp, PARIS).strftime("%H:%M:%S")


def session_label(session: Session) -> str:
    """The session's state in a few words, for the console."""
    if session.status == "open":
        return "Ouverte, en attente de paiement"
    if session.status == "expired":
        return "Expirée"
    if session.payment_status == "paid":
        return "Payée par virement" if session.payment_method == "bank_transfer" else "Payée par carte"
    if session.payment_status == "no_payment_required":
        return "Terminée, rien à payer"
    if session.deferred_outcome == "failed":
        return "Virement échoué"
    return "Virement en attente"


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(money=money, when=when, clock=clock, quote=quote, label=session_label)
    environment.globals.update(api_prefix=API_PREFIX, checkout_prefix=CHECKOUT_PREFIX)
    return environment


ENVIRONMENT = _environment()


def render(template: str, **context: Any) -> str:
    return ENVIRONMENT.get_template(template).render(**context)


def checkout_page(session: Session, refunded: int) -> str:
    """The page that plays Stripe Checkout for ``session`` (a copy), whatever its state."""
    back = session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id) if session.success_url else ""
    return render(
        "checkout.html",
        session=session,
        base=f"{CHECKOUT_PREFIX}/{quote(session.id)}",
        refunded=refunded,
        back=back,
        paid_at=when(session.completed_at or session.created),
    )


def console_page(snapshot: ConsoleSnapshot, *, api_base: str, webhook_url: str | None) -> str:
    """The console: sessions, events and their webhook deliveries, with refund and resend buttons."""
    return render("console.html", snapshot=snapshot, api_base=api_base, webhook_url=webhook_url)


def message_page(title: str, text: str) -> str:
    return render("message.html", title=title, text=text)


def redirect_page(location: str) -> str:
    return render("redirect.html", location=location)
