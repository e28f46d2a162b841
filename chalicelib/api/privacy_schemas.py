"""Request and response bodies of the privacy routes: the creditor's data export and the operator's
retention run (chalicelib/services/privacy.py)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from chalicelib.api.claim_schemas import Body


class RetentionRunBody(Body):
    dry_run: bool = Field(
        default=True,
        description="true (par défaut) : liste seulement les créances à anonymiser ; false : les anonymise",
    )


class RetentionRunView(BaseModel):
    as_of: str = Field(description="Jour de référence (Europe/Paris)")
    dry_run: bool
    examined: int = Field(description="Créances terminées examinées")
    archived: int = Field(description="Créances encore en archivage intermédiaire")
    already_anonymised: int
    due: list[dict[str, Any]] = Field(description="Créances dont la conservation est échue, et pourquoi")
    anonymised: list[str] = Field(description="Créances anonymisées par cet appel")
    skipped: list[dict[str, str]] = Field(description="Créances échues laissées à un opérateur, et pourquoi")


class DataExportView(BaseModel):
    format: str
    generated_at: str
    links_expire_in: int = Field(description="Durée de validité des liens de téléchargement (secondes)")
    subject: dict[str, Any]
    account: dict[str, Any] = Field(description="Compte et profil de créancier")
    claims: list[dict[str, Any]] = Field(
        description="Chaque créance : contenu, pièces, pré-contrôle, mise en demeure, paiements, historique, "
        "e-mails, fichiers (liens temporaires), conservation"
    )
    imports: list[dict[str, Any]]
    invoices: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Factures et avoirs de la plateforme tels qu'émis, avec un lien temporaire vers le PDF",
    )
    notes: list[str]
