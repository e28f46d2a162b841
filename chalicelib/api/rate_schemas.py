"""Request and response models of the operator's rate tables (``/v1/operator/rates``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from chalicelib.api.claim_schemas import Body


class RateSemesterBody(Body):
    semester: str = Field(description="Semestre ajouté, AAAA-S1 ou AAAA-S2 (le suivant des tables)")
    ecb_mro: str = Field(
        description="Taux BCE (opération principale de refinancement) en vigueur le 1er jour, en %"
    )
    particuliers: str = Field(
        description="Taux de l'intérêt légal, personnes physiques hors besoins professionnels, %"
    )
    autres_cas: str = Field(description="Taux de l'intérêt légal, autres cas, en %")
    source: str = Field(description="Où ces taux sont publiés (adresse, arrêté, date)")
    arrete: str | None = Field(default=None, description="Arrêté fixant le taux de l'intérêt légal")
    published_on: str | None = Field(default=None, description="Date de publication (AAAA-MM-JJ)")


class RateTablesView(BaseModel):
    coverage: dict[str, str] = Field(description="Jusqu'à quel jour les tables permettent le calcul")
    added: list[dict[str, Any]] = Field(description="Semestres ajoutés par un opérateur (qui, quand, source)")


class SemesterAddedView(BaseModel):
    semester: str
    coverage: dict[str, str]
    recomputed: list[str] = Field(description="Créances « à parfaire » recalculées")


class RejectProposalBody(Body):
    reason: str | None = Field(default=None, description="Motif du rejet (facultatif)")


class RateProposalView(BaseModel):
    proposal_id: str
    semester: str
    ecb_mro: str = Field(description="Taux BCE en vigueur le 1er jour du semestre, en %")
    particuliers: str
    autres_cas: str
    sources: list[dict[str, str]] = Field(
        description="Fournisseur, série, requête, date de l'observation, valeur"
    )
    source: str = Field(description="Source enregistrée avec le semestre s'il est confirmé")
    simulated: bool = Field(description="Lu dans les réponses enregistrées du flux local (démonstration)")
    status: str = Field(description="pending | confirmed | rejected | superseded")
    status_label: str
    created_at: str
    decided_at: str | None = None
    decided_by: str | None = None
    reason: str | None = None


class RateProposalList(BaseModel):
    proposals: list[RateProposalView]


class FeedCheckView(BaseModel):
    mode: str = Field(description="local (réponses enregistrées) | live | off")
    next_semester: str
    proposed: list[str]
    already_proposed: list[str]
    notes: list[str]
    errors: list[str]


class ProposalDecisionView(BaseModel):
    proposal: RateProposalView
    semester_added: SemesterAddedView | None = None
