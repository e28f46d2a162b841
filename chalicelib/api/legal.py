"""What the legal pages print (prefix /v1, no sign-in): ``GET /v1/legal`` answers the operator's identity
(the seller of the service, from the settings), the conditions générales de vente in force, the prices per
step before VAT, VAT and VAT included, and where to write. The web interface's « Conditions générales de
vente », « Mentions légales », « Politique de confidentialité » and « Contact » pages are built from it."""

from __future__ import annotations

from dataclasses import asdict

from chalice import Blueprint, Response
from pydantic import BaseModel, Field

from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.domain.fee_invoices import split_ttc
from chalicelib.domain.payments import STEP_DESCRIPTIONS_FR, STEP_LABELS_FR, PaymentStep
from chalicelib.domain.terms import version_date, version_label
from chalicelib.settings import get_settings

legal_routes = Blueprint(__name__)


class SellerView(BaseModel):
    legal_name: str = Field(description="Dénomination sociale de l'exploitant")
    legal_form: str
    siren: str
    vat_number: str = Field(description="Numéro de TVA intracommunautaire")
    address: str = Field(description="Siège social, sur une ligne")
    email: str
    phone: str
    share_capital: str
    rcs: str = Field(description="Ville du registre du commerce et des sociétés (« RCS Paris »)")
    publication_director: str = Field(description="Directeur ou directrice de la publication")
    host: str = Field(description="Hébergeur du site (nom et adresse)")
    demo: bool = Field(description="Vrai pour la société fictive de démonstration de la plateforme locale")


class CgvView(BaseModel):
    version: str = Field(description="Version en vigueur, à renvoyer pour les accepter (cgv_version)")
    date: str | None = Field(description="Date d'entrée en vigueur (AAAA-MM-JJ)")
    label: str = Field(description="« 1er décembre 2026 »")


class PriceView(BaseModel):
    step: str
    label: str
    description: str
    ht_cents: int = Field(description="Prix hors taxes, en centimes")
    vat_cents: int = Field(description="TVA, en centimes")
    ttc_cents: int = Field(description="Prix toutes taxes comprises, en centimes (HT + TVA)")
    vat_rate_percent: int
    currency: str = "EUR"


class LegalView(BaseModel):
    seller: SellerView
    cgv: CgvView
    vat_rate_percent: int
    prices: list[PriceView]
    support_email: str = Field(description="Adresse du support et de l'exercice des droits (RGPD)")


def legal_view() -> LegalView:
    settings = get_settings()
    prices = {
        PaymentStep.NOTICE: settings.price_notice_cents,
        PaymentStep.DOSSIER: settings.price_dossier_cents,
    }
    day = version_date(settings.cgv_version)
    return LegalView(
        seller=SellerView(**asdict(settings.seller)),
        cgv=CgvView(
            version=settings.cgv_version,
            date=day.isoformat() if day is not None else None,
            label=version_label(settings.cgv_version),
        ),
        vat_rate_percent=settings.vat_rate_percent,
        prices=[
            PriceView(
                step=step.value,
                label=STEP_LABELS_FR[step],
                description=STEP_DESCRIPTIONS_FR[step],
                ht_cents=price.ht_cents,
                vat_cents=price.vat_cents,
                ttc_cents=price.ttc_cents,
                vat_rate_percent=settings.vat_rate_percent,
            )
            for step, price in (
                (step, split_ttc(cents, settings.vat_rate_percent)) for step, cents in prices.items()
            )
        ],
        support_email=settings.seller.email,
    )


@legal_routes.route("/legal", methods=["GET"], cors=API_CORS)
@handles_errors
def legal_information() -> Response:
    return json_response(legal_view().model_dump(mode="json"))
