"""Request and response bodies of the privacy routes: the creditor's data exports
(chalicelib/services/data_export.py) and the operator's retention run (chalicelib/services/privacy.py)."""

from __future__ import annotations

import datetime as dt
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


class ExportView(BaseModel):
    export_id: str
    status: str = Field(description="en_cours, terminee ou echec")
    status_label: str
    progress: int = Field(description="Avancement, de 0 à 100")
    claims_done: int = Field(description="Créances déjà exportées")
    claims_total: int
    created_at: dt.datetime
    updated_at: dt.datetime
    finished_at: dt.datetime | None
    size_bytes: int = Field(description="Taille du fichier, une fois prêt")
    error: str | None
    filename: str = Field(description="Nom du fichier téléchargé")
    download_url: str | None = Field(
        description="Une fois l'export prêt : lien de téléchargement du fichier JSON (compte, créances, "
        "historiques, e-mails, imports, factures, fichiers par liens temporaires), valable "
        "download_expires_in secondes"
    )
    download_expires_in: int | None

    @classmethod
    def of(cls, job: Any, download_url: str | None, expires_in: int) -> ExportView:
        from chalicelib.adapters.export_jobs import DOCUMENT_NAME
        from chalicelib.domain.data_export import EXPORT_STATUS_LABELS_FR

        return cls(
            export_id=job.export_id,
            status=job.status.value,
            status_label=EXPORT_STATUS_LABELS_FR[job.status],
            progress=job.percent,
            claims_done=job.claims_done,
            claims_total=job.claims_total,
            created_at=job.created_at,
            updated_at=job.updated_at,
            finished_at=job.finished_at,
            size_bytes=job.size_bytes,
            error=job.error,
            filename=DOCUMENT_NAME,
            download_url=download_url,
            download_expires_in=expires_in if download_url else None,
        )


class ExportList(BaseModel):
    exports: list[ExportView] = Field(
        description="Mes derniers exports (10 au plus), du plus récent au plus ancien"
    )
