"""The documents the platform produces: one template each, rendered from a ``DocumentContext``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from chalicelib.documents.context import DocumentContext
from chalicelib.documents.render import html_to_pdf, render_html

DocumentKind = Literal[
    "relance", "mise_en_demeure", "decompte", "requete", "bordereau", "note_avocat", "declaration_creance"
]

TITLES: dict[str, str] = {
    "relance": "Relance amiable",
    "mise_en_demeure": "Mise en demeure",
    "decompte": "Décompte de la créance",
    "requete": "Requête en injonction de payer",
    "bordereau": "Bordereau de pièces",
    "note_avocat": "Note à l'attention de l'avocat",
    "declaration_creance": "Déclaration de créance",
}

CERFA: dict[str, str] = {
    "tribunal_de_commerce": "12946",
    "tribunal_judiciaire": "12948",
    "juge_des_contentieux_de_la_protection": "16040",
}


@dataclass(frozen=True)
class Court:
    """Whom the requête is addressed to (RULEBOOK 2.3 routing, as decided by the legal engine)."""

    kind: str
    name: str
    address: str | None
    judge: str  # "Monsieur le Président du Tribunal de commerce de Bordeaux"
    seized: str  # in a sentence: "président du tribunal des activités économiques de Lyon"
    cerfa: str
    confirmed: bool


def court(ctx: DocumentContext) -> Court:
    route = ctx.route
    kind = route.get("court_kind") or "tribunal_judiciaire"
    city = route.get("court_city") or ctx.debtor.address.city
    name = route.get("court_name") or f"Tribunal judiciaire de {city}"
    in_sentence = name[:1].lower() + name[1:]
    if kind == "juge_des_contentieux_de_la_protection":
        judge = f"Madame, Monsieur le Juge des contentieux de la protection du {name}"
        seized = f"juge des contentieux de la protection du {in_sentence}"
    else:
        judge = f"Madame, Monsieur le Président du {name}"
        seized = f"président du {in_sentence}"
    return Court(
        kind=kind,
        name=name,
        address=route.get("court_address"),
        judge=judge,
        seized=seized,
        cerfa=route.get("cerfa") or CERFA.get(kind, "12948"),
        confirmed=bool(route.get("court_confirmed")),
    )


def document_html(kind: DocumentKind, ctx: DocumentContext) -> str:
    return render_html(f"documents/{kind}.html", ctx=ctx, court=court(ctx), title=TITLES[kind])


def document_pdf(kind: DocumentKind, ctx: DocumentContext) -> bytes:
    """The PDF/A-3b of one document (imports WeasyPrint on first use)."""
    return html_to_pdf(
        document_html(kind, ctx),
        identifier=f"{ctx.claim_id}/{kind}/{ctx.letter_date}",
        created=ctx.generated_at,
        house=True,
    )


def registered_letter_proof_pdf(
    ctx: DocumentContext,
    *,
    tracking_number: str | None,
    sent_on: dt.date | None,
    first_presented_on: dt.date | None,
) -> bytes:
    """The exhibit recording the registered letter's dispatch and first presentation (RULEBOOK 2.4:
    « mise en demeure and its proof of dispatch/receipt » among the exhibits)."""
    html = render_html(
        "documents/preuve_envoi.html",
        ctx=ctx,
        tracking_number=tracking_number,
        sent_on=sent_on,
        first_presented_on=first_presented_on,
        title="Preuve d'envoi de la mise en demeure",
    )
    return html_to_pdf(html, identifier=f"{ctx.claim_id}/preuve-envoi", created=ctx.generated_at, house=True)
