"""``GET /openapi.json``: the OpenAPI 3.1 document of the API, generated from the Chalice routes and the
pydantic request/response models. Every route must be described in :data:`OPERATIONS` (a test checks
both ways), so a new route cannot ship undocumented.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel

from chalicelib.api.errors import API_CORS, json_response

openapi_routes = Blueprint(__name__)


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    request: str | None = None  # "module:Model" in chalicelib.api
    response: str | None = None
    status: int = 200
    roles: tuple[str, ...] = ()
    body_media_type: str = "application/json"
    query: tuple[tuple[str, str], ...] = ()  # (name, description)


_A = "account_schemas"
_C = "claim_schemas"
_L = "lawyer_schemas"
LAWYER = ("lawyer",)
CREDITOR = ("creditor",)
READERS = ("creditor", "lawyer", "operator")

# The query of a paginated list (chalicelib/api/pages.py).
PAGE_QUERY = (
    ("limit", "Nombre d'éléments par page, de 1 à 100 (50 par défaut)"),
    ("cursor", "Le next_cursor de la page précédente"),
    ("status", "Statut(s) à afficher, séparés par des virgules"),
    ("q", "Texte cherché dans le nom du débiteur et la référence"),
)

# The public account routes behind the abuse limits (chalicelib/services/sign_in.py): they may answer 429.
RATE_LIMITED = frozenset(
    {"sign_up", "confirm", "resend_code", "sign_in", "forgot_password", "reset_password"}
)

OPERATIONS: dict[str, Operation] = {
    "health": Operation("État de la plateforme (ok ou dégradé)", "Plateforme"),
    "operator_health": Operation(
        "État détaillé : versions, chaque service et ses ressources", "Opérateur", roles=("operator",)
    ),
    "openapi_document": Operation("Ce document OpenAPI", "Plateforme"),
    "sign_up": Operation(
        "Créer un compte créancier (même réponse si l'adresse a déjà un compte)",
        "Comptes",
        f"{_A}:SignUpBody",
        status=202,
    ),
    "confirm": Operation("Vérifier l'adresse e-mail avec le code reçu", "Comptes", f"{_A}:ConfirmBody"),
    "resend_code": Operation("Renvoyer le code de vérification", "Comptes", f"{_A}:EmailBody"),
    "sign_in": Operation("Se connecter (jetons Cognito)", "Comptes", f"{_A}:SignInBody"),
    "new_password": Operation(
        "Choisir son mot de passe à la première connexion", "Comptes", f"{_A}:NewPasswordBody"
    ),
    "forgot_password": Operation("Demander un code de réinitialisation", "Comptes", f"{_A}:EmailBody"),
    "reset_password": Operation("Réinitialiser son mot de passe", "Comptes", f"{_A}:ResetPasswordBody"),
    "get_me": Operation("Mon compte", "Comptes", roles=READERS),
    "get_profile": Operation("Mon profil de créancier", "Comptes", roles=CREDITOR),
    "put_profile": Operation(
        "Enregistrer mon profil de créancier", "Comptes", f"{_A}:CreditorProfileBody", roles=CREDITOR
    ),
    "invite_lawyer": Operation(
        "Inviter un avocat partenaire",
        "Opérateur",
        f"{_A}:LawyerInvitationBody",
        status=201,
        roles=("operator",),
    ),
    "lawyers": Operation("Avocats partenaires", "Opérateur", roles=("operator",)),
    "update_lawyer": Operation(
        "Modifier un avocat partenaire (actif, juridictions, départements, capacité)",
        "Opérateur",
        f"{_A}:LawyerUpdateBody",
        roles=("operator",),
    ),
    "create_claim": Operation(
        "Créer une créance (brouillon)", "Créances", f"{_C}:CreateClaimBody", f"{_C}:ClaimView", 201, CREDITOR
    ),
    "list_claims": Operation(
        "Mes créances, une page à la fois (les plus récentes d'abord ; pour un avocat, la date limite pour "
        "agir la plus proche d'abord)",
        "Créances",
        response=f"{_C}:ClaimList",
        roles=READERS,
        query=PAGE_QUERY,
    ),
    "search_companies": Operation(
        "Chercher le débiteur au registre des entreprises (SIREN, SIRET ou nom)",
        "Créances",
        roles=CREDITOR,
        query=(
            ("q", "SIREN, SIRET ou nom (3 caractères au moins)"),
            ("code_postal", "Code postal (facultatif)"),
        ),
    ),
    "creditor_dashboard": Operation(
        "Totaux par statut et balance âgée de mes créances",
        "Créances",
        response=f"{_C}:DashboardView",
        roles=CREDITOR,
    ),
    "get_claim": Operation("Une créance", "Créances", response=f"{_C}:ClaimView", roles=READERS),
    "update_claim": Operation(
        "Modifier un brouillon (verrou optimiste : 409 si la version est périmée)",
        "Créances",
        f"{_C}:UpdateClaimBody",
        f"{_C}:ClaimView",
        roles=CREDITOR,
    ),
    "withdraw_claim": Operation(
        "Retirer une créance", "Créances", f"{_C}:WithdrawBody", f"{_C}:ClaimView", roles=CREDITOR
    ),
    "precheck_claim": Operation(
        "Pré-contrôle juridique : prescription, montants, décompte, juridiction",
        "Créances",
        response=f"{_C}:PrecheckView",
        roles=CREDITOR,
    ),
    "debtor_page": Operation(
        "Page du débiteur (sans compte) : créancier, factures, sommes dues, délai, virement et QR code EPC",
        "Débiteur",
    ),
    "debtor_declares_payment": Operation(
        "Le débiteur indique avoir payé (date, montant) ; le créancier confirme",
        "Débiteur",
        f"{_C}:DebtorPaymentBody",
        status=201,
    ),
    "debtor_disputes": Operation(
        "Le débiteur conteste (motif, précisions) : les démarches automatiques sont suspendues",
        "Débiteur",
        f"{_C}:DebtorDisputeBody",
        status=201,
    ),
    "debtor_requests_plan": Operation(
        "Le débiteur demande un délai (mensualités) ; vaut reconnaissance de dette (C. civ. 2240)",
        "Débiteur",
        f"{_C}:DebtorPlanBody",
        status=201,
    ),
    "debtor_attaches_file": Operation(
        "Joindre un fichier à sa déclaration (preuve de paiement, pièce de la contestation), vérifié "
        "avant d'être gardé",
        "Débiteur",
        f"{_C}:DebtorFileBody",
        status=201,
    ),
    "get_debtor_file": Operation(
        "Lien de téléchargement d'un fichier joint par le débiteur", "Créances", roles=CREDITOR
    ),
    "list_debtor_declarations": Operation(
        "Ce que le débiteur a déclaré depuis sa page (paiements, contestations)", "Créances", roles=CREDITOR
    ),
    "confirm_debtor_payment": Operation(
        "Confirmer le paiement déclaré par le débiteur (il est déduit ; réglée s'il couvre le solde)",
        "Créances",
        roles=CREDITOR,
    ),
    "refuse_debtor_payment": Operation(
        "Indiquer que le paiement déclaré par le débiteur n'a pas été reçu", "Créances", roles=CREDITOR
    ),
    "get_debtor_link": Operation(
        "Le lien de la page du débiteur et ses consultations (première et dernière)",
        "Créances",
        roles=CREDITOR,
    ),
    "revoke_debtor_link": Operation(
        "Désactiver le lien de la page du débiteur (le prochain courrier en porte un nouveau)",
        "Créances",
        roles=CREDITOR,
    ),
    "request_declaration": Operation(
        "Préparer la déclaration de créance (débiteur en procédure collective), en arrière-plan",
        "Créances",
        response=f"{_C}:DeclarationView",
        status=202,
        roles=CREDITOR,
    ),
    "get_declaration": Operation(
        "La déclaration de créance préparée, avec son lien de téléchargement",
        "Créances",
        response=f"{_C}:DeclarationView",
        roles=CREDITOR,
    ),
    "submit_claim": Operation(
        "Soumettre la créance (refusé si prescrite, bloquée, non recevable ou sans les CGV acceptées)",
        "Créances",
        f"{_C}:SubmitBody",
        f"{_C}:SubmitView",
        roles=CREDITOR,
    ),
    "request_upload": Operation(
        "Préparer le dépôt d'une pièce (formulaire S3 pré-signé)",
        "Pièces",
        f"{_C}:UploadRequestBody",
        f"{_C}:UploadSlotView",
        201,
        CREDITOR,
    ),
    "confirm_upload": Operation(
        "Faire vérifier la pièce déposée (type réel, taille, PDF lisible) ; pré-remplissage Factur-X",
        "Pièces",
        response=f"{_C}:ConfirmedUploadView",
        roles=CREDITOR,
    ),
    "remove_document": Operation(
        "Retirer une pièce d'un brouillon", "Pièces", response=f"{_C}:ClaimView", roles=CREDITOR
    ),
    "claim_timeline": Operation(
        "Historique de la créance (événements chaînés)",
        "Créances",
        response=f"{_C}:TimelineView",
        roles=READERS,
        query=(("limit", "Nombre d'événements par page, de 1 à 200 (200 par défaut)"), PAGE_QUERY[1]),
    ),
    "verify_timeline": Operation(
        "Vérifier l'intégrité de l'historique", "Créances", response=f"{_C}:ChainCheckView", roles=READERS
    ),
    "start_import": Operation(
        "Importer une balance âgée (CSV) : une créance brouillon par débiteur",
        "Import",
        response=f"{_C}:ImportView",
        status=202,
        roles=CREDITOR,
        body_media_type="text/csv",
        query=(("filename", "Nom du fichier, repris dans le rapport"),),
    ),
    "prices": Operation("Tarifs par étape (TTC), affichés avant le paiement", "Paiement"),
    "checkout": Operation(
        "Ouvrir (ou reprendre) le paiement Stripe Checkout de l'étape en cours (CGV en vigueur acceptées)",
        "Paiement",
        f"{_C}:CheckoutBody",
        response=f"{_C}:CheckoutView",
        status=201,
        roles=CREDITOR,
    ),
    "stripe_webhook": Operation(
        "Webhook Stripe (signature vérifiée sur le corps brut ; chaque événement agit une seule fois)",
        "Paiement",
    ),
    "legal_information": Operation(
        "Mentions légales : l'exploitant, les conditions générales de vente en vigueur, les prix HT/TVA/TTC",
        "Plateforme",
        response="legal:LegalView",
    ),
    "maileva_webhook": Operation(
        "Webhook Maileva (authentification HTTP Basic ; l'état du pli est relu auprès de Maileva)",
        "Envoi recommandé",
    ),
    "correct_notice_address": Operation(
        "Corriger l'adresse du débiteur après un pli non distribuable (la lettre repart, sans paiement)",
        "Créances",
        "postal:AddressBody",
        roles=CREDITOR,
    ),
    "reject_claim": Operation(
        "Refuser une créance payée (remboursement automatique, créancier prévenu)",
        "Opérateur",
        f"{_C}:RejectBody",
        f"{_C}:ClaimView",
        roles=("operator",),
    ),
    "answer_offer": Operation(
        "Répondre à la proposition d'injonction de payer (accept : paiement du dossier ; decline : clôture)",
        "Procédure",
        f"{_C}:EscalationDecisionBody",
        roles=CREDITOR,
    ),
    "report_settled": Operation(
        "Déclarer la créance réglée par le débiteur",
        "Procédure",
        f"{_C}:NoteBody",
        f"{_C}:ClaimView",
        roles=CREDITOR,
    ),
    "record_debtor_payment": Operation(
        "Déclarer un paiement du débiteur (partiel : la procédure continue sur le solde)",
        "Procédure",
        f"{_C}:DebtorPaymentBody",
        f"{_C}:ClaimView",
        roles=CREDITOR,
    ),
    "report_dispute": Operation(
        "Signaler une contestation du débiteur (arrête la procédure automatique)",
        "Procédure",
        f"{_C}:NoteBody",
        f"{_C}:ClaimView",
        roles=CREDITOR,
    ),
    "redrive_claim": Operation(
        "Relancer le traitement d'une créance à son étape (opérateur)", "Opérateur", roles=("operator",)
    ),
    "record_notice_presentation": Operation(
        "Enregistrer la première présentation de la mise en demeure (la date limite suit)",
        "Créances",
        f"{_C}:NoticePresentationBody",
        f"{_C}:NoticeView",
        roles=CREDITOR,
    ),
    "notice_proof": Operation(
        "Télécharger une preuve de l'envoi recommandé (dépôt, avis de réception, refus…)",
        "Créances",
        response=f"{_C}:NoticeDownloadView",
        roles=READERS,
    ),
    "claim_invoice_list": Operation(
        "Factures et avoirs de la plateforme pour une créance (créancier et opérateurs)",
        "Factures",
        response="invoice_schemas:FeeInvoiceList",
        roles=("creditor", "operator"),
    ),
    "claim_invoice_pdf": Operation(
        "Télécharger une facture ou un avoir (lien temporaire ; 409 tant que le PDF est en préparation)",
        "Factures",
        response="invoice_schemas:FeeInvoiceDownloadView",
        roles=("creditor", "operator"),
    ),
    "my_invoices": Operation(
        "Mes factures et avoirs, une page à la fois (les plus récents d'abord)",
        "Factures",
        response="invoice_schemas:FeeInvoiceList",
        roles=CREDITOR,
        query=PAGE_QUERY[:2],
    ),
    "notice_pdf": Operation(
        "Télécharger la mise en demeure (lien temporaire)",
        "Créances",
        response=f"{_C}:NoticeDownloadView",
        roles=READERS,
    ),
    # --- the lawyers' portal ---
    "lawyer_dossiers": Operation(
        "Mes dossiers attribués, une page à la fois, la date limite pour agir la plus proche d'abord "
        "(prochaine échéance de procédure, sinon fin de la prescription : les urgents en tête)",
        "Avocats",
        response=f"{_L}:DossierListView",
        roles=LAWYER,
        query=PAGE_QUERY,
    ),
    "lawyer_dossier": Operation(
        "Un dossier attribué, son historique et les actions possibles",
        "Avocats",
        response=f"{_L}:DossierDetailView",
        roles=LAWYER,
    ),
    "accept_dossier": Operation(
        "Accepter le dossier", "Avocats", response=f"{_L}:DossierDetailView", roles=LAWYER
    ),
    "decline_dossier": Operation(
        "Décliner le dossier (il est attribué à un autre avocat)",
        "Avocats",
        f"{_L}:DeclineBody",
        roles=LAWYER,
    ),
    "review_claim": Operation(
        "Revue avant mise en demeure : approuver l'envoi ou le refuser (créancier remboursé)",
        "Avocats",
        f"{_L}:ReviewBody",
        roles=LAWYER,
    ),
    "dossier_link": Operation(
        "Lien de téléchargement temporaire du PDF ou du ZIP (inscrit à l'historique)",
        "Avocats",
        f"{_L}:LinkBody",
        f"{_L}:LinkView",
        status=201,
        roles=LAWYER,
    ),
    "record_filing": Operation(
        "Enregistrer le dépôt de la requête",
        "Avocats",
        f"{_L}:FilingBody",
        f"{_L}:DossierDetailView",
        roles=LAWYER,
    ),
    "record_order": Operation(
        "Enregistrer l'ordonnance (accueillie, partiellement, rejetée)",
        "Avocats",
        f"{_L}:OrderBody",
        f"{_L}:DossierDetailView",
        roles=LAWYER,
    ),
    "record_service": Operation(
        "Enregistrer la signification de l'ordonnance",
        "Avocats",
        f"{_L}:ServiceBody",
        f"{_L}:DossierDetailView",
        roles=LAWYER,
    ),
    "record_opposition": Operation(
        "Enregistrer l'opposition du débiteur",
        "Avocats",
        f"{_L}:OppositionBody",
        f"{_L}:DossierDetailView",
        roles=LAWYER,
    ),
    "record_enforcement": Operation(
        "Enregistrer le début de l'exécution forcée",
        "Avocats",
        f"{_L}:EnforcementBody",
        f"{_L}:DossierDetailView",
        roles=LAWYER,
    ),
    "operator_claim": Operation(
        "Dossier d'une créance pour le support (opérateur) : créancier, paiements et remboursements avec "
        "leurs références Stripe, factures, lettre recommandée, avocat, e-mails (sans leur contenu), "
        "historique",
        "Opérateur",
        response="operator_schemas:OperatorClaimView",
        roles=("operator",),
    ),
    "retry_assignment": Operation(
        "Relancer l'attribution d'un dossier en attente d'avocat (opérateur)",
        "Opérateur",
        response=f"{_C}:ClaimView",
        roles=("operator",),
    ),
    "list_imports": Operation(
        "Mes imports, une page à la fois",
        "Import",
        response=f"{_C}:ImportList",
        roles=CREDITOR,
        query=PAGE_QUERY[:2],
    ),
    "get_import": Operation(
        "Avancement et rapport d'un import", "Import", response=f"{_C}:ImportView", roles=CREDITOR
    ),
    # --- privacy (RGPD) ---
    "start_export": Operation(
        "Demander l'export de toutes mes données (RGPD art. 15 et 20), préparé en arrière-plan ; si un "
        "export est déjà en préparation, c'est lui qui est renvoyé",
        "Données personnelles",
        response="privacy_schemas:ExportView",
        status=202,
        roles=CREDITOR,
    ),
    "list_exports": Operation(
        "Mes derniers exports de données (10 au plus)",
        "Données personnelles",
        response="privacy_schemas:ExportList",
        roles=CREDITOR,
    ),
    "get_export": Operation(
        "Avancement d'un export de données et, une fois prêt, son lien de téléchargement (15 minutes)",
        "Données personnelles",
        response="privacy_schemas:ExportView",
        roles=CREDITOR,
    ),
    "run_retention": Operation(
        "Appliquer les durées de conservation (RULEBOOK 7.1) : anonymiser les créances échues ; "
        "dry_run (par défaut) : seulement les lister",
        "Opérateur",
        "privacy_schemas:RetentionRunBody",
        "privacy_schemas:RetentionRunView",
        roles=("operator",),
    ),
    # --- rate tables (RULEBOOK 6) ---
    "list_rates": Operation(
        "Tables de taux : jusqu'à quel jour elles permettent le calcul, semestres ajoutés par un opérateur",
        "Opérateur",
        response="rate_schemas:RateTablesView",
        roles=("operator",),
    ),
    "add_rates": Operation(
        "Ajouter un semestre de taux (BCE au 1er jour, taux légal des deux catégories) avec sa source ; "
        "les créances « à parfaire » sont recalculées",
        "Opérateur",
        "rate_schemas:RateSemesterBody",
        "rate_schemas:SemesterAddedView",
        status=201,
        roles=("operator",),
    ),
    "list_rate_proposals": Operation(
        "Propositions de taux du flux (BCE, Banque de France) : à confirmer, confirmées, rejetées",
        "Opérateur",
        response="rate_schemas:RateProposalList",
        roles=("operator",),
    ),
    "check_rate_proposals": Operation(
        "Lire maintenant les fournisseurs de taux et proposer les semestres manquants (jamais appliqués "
        "sans confirmation)",
        "Opérateur",
        response="rate_schemas:FeedCheckView",
        roles=("operator",),
    ),
    "confirm_rate_proposal": Operation(
        "Confirmer une proposition : le semestre est ajouté avec sa source, les créances « à parfaire » "
        "sont recalculées",
        "Opérateur",
        response="rate_schemas:ProposalDecisionView",
        roles=("operator",),
    ),
    "reject_rate_proposal": Operation(
        "Rejeter une proposition (les mêmes valeurs ne sont plus proposées)",
        "Opérateur",
        "rate_schemas:RejectProposalBody",
        "rate_schemas:ProposalDecisionView",
        roles=("operator",),
    ),
}


def _model(reference: str) -> type[BaseModel]:
    """``"claim_schemas:ClaimView"`` → the pydantic model the document describes."""
    module, _, name = reference.partition(":")
    model = getattr(importlib.import_module(f"chalicelib.api.{module}"), name)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"{reference} is not a pydantic model")
    return model


def _ref(model: Any) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def build_document(routes: dict[str, dict[str, Any]], *, server_url: str = "/") -> dict[str, Any]:
    """The OpenAPI document for Chalice's ``app.routes`` (path → method → RouteEntry)."""
    from pydantic.json_schema import models_json_schema

    from chalicelib.api.claim_schemas import ErrorBody

    models: dict[str, tuple[Any, str]] = {"ErrorBody": (ErrorBody, "serialization")}
    paths: dict[str, dict[str, Any]] = {}
    for path, methods in sorted(routes.items()):
        for method, entry in sorted(methods.items()):
            operation = OPERATIONS[entry.view_name]
            spec: dict[str, Any] = {
                "operationId": entry.view_name,
                "summary": operation.summary,
                "tags": [operation.tag],
                "responses": {},
            }
            parameters = [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in entry.view_args
            ] + [
                {
                    "name": name,
                    "in": "query",
                    "required": False,
                    "description": text,
                    "schema": {"type": "string"},
                }
                for name, text in operation.query
            ]
            if parameters:
                spec["parameters"] = parameters
            if operation.request:
                request_model = _model(operation.request)
                models[request_model.__name__] = (request_model, "validation")
                spec["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(request_model)}},
                }
            elif operation.body_media_type != "application/json":
                spec["requestBody"] = {
                    "required": True,
                    "content": {operation.body_media_type: {"schema": {"type": "string"}}},
                }
            ok: dict[str, Any] = {"description": "Succès"}
            if operation.response:
                response_model = _model(operation.response)
                models[response_model.__name__] = (response_model, "serialization")
                ok["content"] = {"application/json": {"schema": _ref(response_model)}}
            spec["responses"][str(operation.status)] = ok
            error = {"content": {"application/json": {"schema": _ref(ErrorBody)}}}
            if operation.request or operation.body_media_type != "application/json":
                spec["responses"]["400"] = {
                    "description": "Requête invalide (champ nommé, message en français)"
                } | error
            if entry.authorizer is not None:
                spec["security"] = [{"cognito": []}]
                spec["responses"]["401"] = {"description": "Non connecté ou jeton invalide"} | error
                spec["responses"]["403"] = {
                    "description": f"Réservé au rôle : {', '.join(operation.roles)}"
                } | error
            if entry.view_name in RATE_LIMITED:
                spec["responses"]["429"] = {
                    "description": "Trop de tentatives (limites anti-abus) ; l'en-tête Retry-After dit "
                    "combien de secondes attendre"
                } | error
            if entry.view_args:
                spec["responses"]["404"] = {
                    "description": "Introuvable (ou appartenant à un autre compte)"
                } | error
            if method in {"PUT", "POST", "DELETE"} and entry.authorizer is not None:
                spec["responses"]["409"] = {
                    "description": "Conflit : modification concurrente ou statut"
                } | error
                spec["responses"]["422"] = {"description": "Refusé par une règle métier"} | error
            paths.setdefault(path, {})[method.lower()] = spec

    _, top = models_json_schema(
        list(models.values()),  # type: ignore[arg-type]
        ref_template="#/components/schemas/{model}",
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Recouvrement de créances — API",
            "version": "1",
            "description": "API de la plateforme : comptes, créances, pièces, pré-contrôle, imports. "
            'Erreurs : {"error": {"code", "message", "field", "details"}}, messages en français.',
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": top.get("$defs", {}),
            "securitySchemes": {
                "cognito": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "Jeton d'identité (id_token) renvoyé par POST /v1/auth/signin",
                }
            },
        },
    }


@openapi_routes.route("/openapi.json", methods=["GET"], cors=API_CORS)
def openapi_document() -> Response:
    document = build_document(openapi_routes.current_app.routes)
    return json_response(document)
