"""The access-control matrix: every route of the app × every role × claims in every stage of their life.

Generated from the Chalice route table: a route without an entry in :data:`ACCESS` fails the test, so a new
route cannot ship without saying who may call it. For each call the expectation is derived from the entry:

* anonymous → 401 on every signed-in route;
* a role the route is not for → 403;
* the right role but someone else's object (another creditor's claim, import or export, a dossier assigned to
  another lawyer or not yet assigned) → 404, never 403 (ids do not leak) — and nothing changed;
* the right role on their own object → anything but 401/403/404 (a 400 for the empty body or a 409 for the
  claim's state is fine: the door was open);
* never a 5xx.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

import pytest

from chalicelib.domain.accounts import Account, CreditorProfile, Identity, LawyerProfile, PostalAddress, Role
from chalicelib.domain.claim import Claim, ClaimStatus, DocumentKind, EvidenceDocument
from tests.integration.outbox_helpers import status_email

pytestmark = pytest.mark.integration
PASSWORD = "MatriceAcces2026"
NOW = datetime(2025, 3, 31, 9, 0, tzinfo=UTC)

Scope = Literal[
    "public",
    "webhook",
    "basic_webhook",
    "none",
    "claim",
    "dossier",
    "import",
    "export",
    "any_claim",
    "lawyer_account",
]


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]  # who may call it ("" = anyone, even anonymous)
    scope: Scope  # what object the path names, and whose it must be


def rule(scope: Scope, *roles: str) -> Rule:
    return Rule(frozenset(roles), scope)


CRED, LAW, OPS = "creditor", "lawyer", "operator"
READERS = (CRED, LAW, OPS)

# One entry per view (route handler). Keep in step with the routes: the test fails both ways.
ACCESS: dict[str, Rule] = {
    "health": rule("public"),
    "operator_health": rule("none", OPS),
    "openapi_document": rule("public"),
    "prices": rule("public"),
    "sign_up": rule("public"),
    "confirm": rule("public"),
    "resend_code": rule("public"),
    "sign_in": rule("public"),
    "new_password": rule("public"),
    "forgot_password": rule("public"),
    "reset_password": rule("public"),
    "stripe_webhook": rule("webhook"),
    # Maileva proves itself with HTTP Basic credentials no user holds: 401 for every caller here.
    "maileva_webhook": rule("basic_webhook"),
    "correct_notice_address": rule("claim", CRED),
    "notice_proof": rule("claim", *READERS),
    "claim_invoice_list": rule("claim", CRED, OPS),
    "claim_invoice_pdf": rule("claim", CRED, OPS),
    "my_invoices": rule("none", CRED),
    "get_me": rule("none", *READERS),
    "get_profile": rule("none", CRED),
    "put_profile": rule("none", CRED),
    "create_claim": rule("none", CRED),
    "list_claims": rule("none", *READERS),
    "creditor_dashboard": rule("none", CRED),
    "search_companies": rule("none", CRED),
    "get_claim": rule("claim", *READERS),
    "claim_timeline": rule("claim", *READERS),
    "verify_timeline": rule("claim", *READERS),
    "notice_pdf": rule("claim", *READERS),
    "update_claim": rule("claim", CRED),
    "withdraw_claim": rule("claim", CRED),
    "precheck_claim": rule("claim", CRED),
    "submit_claim": rule("claim", CRED),
    "request_declaration": rule("claim", CRED),
    "get_debtor_link": rule("claim", CRED),
    "revoke_debtor_link": rule("claim", CRED),
    "debtor_page": rule("public"),
    "legal_information": rule("public"),
    "debtor_declares_payment": rule("public"),
    "debtor_disputes": rule("public"),
    "debtor_attaches_file": rule("public"),
    "debtor_requests_plan": rule("public"),
    "list_debtor_declarations": rule("claim", CRED),
    "get_debtor_file": rule("claim", CRED),
    "confirm_debtor_payment": rule("claim", CRED),
    "refuse_debtor_payment": rule("claim", CRED),
    "get_declaration": rule("claim", CRED),
    "request_upload": rule("claim", CRED),
    "confirm_upload": rule("claim", CRED),
    "remove_document": rule("claim", CRED),
    "checkout": rule("claim", CRED),
    "answer_offer": rule("claim", CRED),
    "report_settled": rule("claim", CRED),
    "record_debtor_payment": rule("claim", CRED),
    "report_dispute": rule("claim", CRED),
    "record_notice_presentation": rule("claim", CRED),
    "start_import": rule("none", CRED),
    "list_imports": rule("none", CRED),
    "get_import": rule("import", CRED),
    "lawyer_dossiers": rule("none", LAW),
    "lawyer_dossier": rule("dossier", LAW),
    "accept_dossier": rule("dossier", LAW),
    "decline_dossier": rule("dossier", LAW),
    "review_claim": rule("dossier", LAW),
    "dossier_link": rule("dossier", LAW),
    "record_filing": rule("dossier", LAW),
    "record_order": rule("dossier", LAW),
    "record_service": rule("dossier", LAW),
    "record_opposition": rule("dossier", LAW),
    "record_enforcement": rule("dossier", LAW),
    "invite_lawyer": rule("none", OPS),
    "lawyers": rule("none", OPS),
    "update_lawyer": rule("lawyer_account", OPS),
    "redrive_claim": rule("any_claim", OPS),
    "reject_claim": rule("any_claim", OPS),
    "retry_assignment": rule("any_claim", OPS),
    "operator_claim": rule("any_claim", OPS),
    "start_export": rule("none", CRED),
    "list_exports": rule("none", CRED),
    "get_export": rule("export", CRED),
    "run_retention": rule("none", OPS),
    "list_rates": rule("none", OPS),
    "add_rates": rule("none", OPS),
    "list_rate_proposals": rule("none", OPS),
    "check_rate_proposals": rule("none", OPS),
    "confirm_rate_proposal": rule("none", OPS),
    "reject_rate_proposal": rule("none", OPS),
}

# The stages a claim is tried in (the path from draft; dossier stages are assigned to the first lawyer).
STAGES: dict[str, list[ClaimStatus]] = {
    "draft": [],
    "awaiting_payment": [ClaimStatus.AWAITING_PAYMENT],
    "notice_sent": [ClaimStatus.AWAITING_PAYMENT, ClaimStatus.ASSESSING, ClaimStatus.NOTICE_SENT],
    "dossier_ready": [
        ClaimStatus.AWAITING_PAYMENT,
        ClaimStatus.ASSESSING,
        ClaimStatus.NOTICE_SENT,
        ClaimStatus.ESCALATION_OFFERED,
        ClaimStatus.DOSSIER_READY,
    ],
    "filed": [
        ClaimStatus.AWAITING_PAYMENT,
        ClaimStatus.ASSESSING,
        ClaimStatus.NOTICE_SENT,
        ClaimStatus.ESCALATION_OFFERED,
        ClaimStatus.DOSSIER_READY,
        ClaimStatus.WITH_LAWYER,
        ClaimStatus.FILED,
    ],
}
ASSIGNED_FROM = {"dossier_ready", "filed"}
ROLES = ("anonymous", "creditor_a", "creditor_b", "lawyer_assigned", "lawyer_other", "operator")


@dataclass
class World:
    tokens: dict[str, str]
    users: dict[str, str]


def _user(api, email: str, role: Role, **profile) -> tuple[str, str]:
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.bootstrap import identity_provider

    user_id = identity_provider().create_user(email, PASSWORD, role)
    AccountRepository().create(Account(user_id, email, role, **profile))
    response = api.http.post(
        "/v1/auth/signin",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"email": email, "password": PASSWORD}),
    )
    assert response.status_code == 200, response.body
    return user_id, json.loads(response.body)["id_token"]


def _creditor_profile(name: str) -> CreditorProfile:
    return CreditorProfile(
        legal_name=name,
        category="commercant",
        legal_form="SARL",
        siren="732829320",
        address=PostalAddress(line1="1 rue de la Paix", postal_code="69002", city="Lyon"),
    )


@pytest.fixture
def world(api, stripe) -> World:
    users, tokens = {}, {}
    for key, email, role, profile in (
        ("creditor_a", "a@creancier.fr", Role.CREDITOR, {"creditor": _creditor_profile("A SARL")}),
        ("creditor_b", "b@creancier.fr", Role.CREDITOR, {"creditor": _creditor_profile("B SARL")}),
        ("lawyer_assigned", "me.a@barreau.fr", Role.LAWYER, {"lawyer": LawyerProfile("Me A", "Lyon")}),
        ("lawyer_other", "me.b@barreau.fr", Role.LAWYER, {"lawyer": LawyerProfile("Me B", "Lyon")}),
        ("operator", "ops@plateforme.fr", Role.OPERATOR, {}),
    ):
        users[key], tokens[key] = _user(api, email, role, **profile)
    return World(tokens, users)


def _claim(world: World, claim_id: str, stage: str) -> Claim:
    from chalicelib.adapters.claims_repository import ClaimRepository

    repository = ClaimRepository(wake_sender=None)
    document = EvidenceDocument(
        "doc-1", DocumentKind.INVOICE, "facture.pdf", f"claims/{claim_id}/documents/doc-1", "pending", NOW
    )
    repository.create(
        Claim(
            claim_id,
            world.users["creditor_a"],
            ClaimStatus.DRAFT,
            "Débiteur SAS",
            100_000,
            NOW,
            NOW,
            documents=(document,),
        ),
        actor="test",
    )
    for status in STAGES[stage]:
        assigned = world.users["lawyer_assigned"] if status is ClaimStatus.DOSSIER_READY else None
        repository.transition(
            claim_id,
            status,
            actor="test",
            reason="préparation",
            change=(lambda c, lawyer=assigned: replace(c, assigned_lawyer_id=lawyer or c.assigned_lawyer_id)),
            notify=status_email(status),
            now=NOW,
        )
    return repository.get(claim_id)


def _import(world: World) -> str:
    from chalicelib.adapters.imports_repository import ImportRepository
    from chalicelib.domain.imports import ImportJob, ImportStatus

    job = ImportJob(
        "imp-a", world.users["creditor_a"], "a.csv", "imports/imp-a.csv", ImportStatus.DONE, NOW, NOW
    )
    ImportRepository().create(job)
    return job.import_id


def _export(world: World) -> str:
    from chalicelib.adapters.export_jobs import ExportJobStore
    from chalicelib.domain.data_export import ExportJob, ExportStatus

    job = ExportJob(
        "exp_20250331090000000000_0123abcd", world.users["creditor_a"], ExportStatus.DONE, NOW, NOW
    )
    ExportJobStore().save(job)
    return job.export_id


def _routes() -> list[tuple[str, str, str]]:
    import app

    return sorted(
        (method, path, entry.view_name)
        for path, methods in app.app.routes.items()
        for method, entry in methods.items()
    )


def _route_content_types(path: str, method: str) -> list[str]:
    import app

    return list(app.app.routes[path][method].content_types)


def test_every_route_has_an_entry_and_every_entry_a_route():
    views = {view for _, _, view in _routes()}
    assert views - set(ACCESS) == set(), "routes without an access rule: add them to ACCESS"
    assert set(ACCESS) - views == set(), "access rules for routes that no longer exist"


CLAIM_NOT_FOUND = "Cette créance est introuvable."
IMPORT_NOT_FOUND = "Cet import est introuvable."
EXPORT_NOT_FOUND = "Cet export est introuvable (les exports sont conservés 7 jours)."


def _call(api, method: str, path: str, token: str | None, content_type: str = "application/json"):
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return getattr(api.http, method.lower())(path, headers=headers, body="{}")


def _fingerprint(claim_id: str) -> tuple:
    from chalicelib.adapters.claims_repository import ClaimRepository

    claim = ClaimRepository().get(claim_id)
    return claim.status, claim.event_count, claim.version, claim.assigned_lawyer_id


def _expected(entry: Rule, role: str, stage: str | None) -> str:
    """``401``, ``403``, ``404``, ``open`` (anything but 401/403/404) or ``public``."""
    if entry.scope in ("public", "webhook"):
        return "public"
    if entry.scope == "basic_webhook":
        return "401"
    if role == "anonymous":
        return "401"
    kind = {
        "creditor_a": CRED,
        "creditor_b": CRED,
        "lawyer_assigned": LAW,
        "lawyer_other": LAW,
        "operator": OPS,
    }[role]
    if kind not in entry.roles:
        return "403"
    if entry.scope in ("none", "any_claim", "lawyer_account"):
        return "open"
    if entry.scope in ("import", "export"):
        return "open" if role == "creditor_a" else "404"
    if entry.scope == "dossier":
        return "open" if role == "lawyer_assigned" and stage in ASSIGNED_FROM else "404"
    # "claim": the owner, the operator, the lawyer the dossier is assigned to (from assignment on)
    if role in ("creditor_a", "operator"):
        return "open"
    if role == "lawyer_assigned" and stage in ASSIGNED_FROM:
        return "open"
    return "404"


def test_every_route_for_every_role_and_claim_stage(api, world):
    object_routes = [r for r in _routes() if ACCESS[r[2]].scope in ("claim", "dossier", "any_claim")]
    other_routes = [r for r in _routes() if r not in object_routes]
    failures: list[str] = []
    calls = 0
    # Others first, the owner last: a caller who may act could change the claim for the next ones.
    order = ("anonymous", "creditor_b", "lawyer_other", "lawyer_assigned", "operator", "creditor_a")

    for method, template, view in object_routes:
        entry = ACCESS[view]
        for stage in STAGES:
            claim_id = f"m-{view[:20]}-{stage}".replace("_", "-")
            _claim(world, claim_id, stage)
            path = template.replace("{claim_id}", claim_id).replace("{document_id}", "doc-1")
            for role in order:
                before = _fingerprint(claim_id)
                response = _call(api, method, path, world.tokens.get(role))
                calls += 1
                failure = _judge(response, _expected(entry, role, stage), f"{method} {path} as {role}")
                if failure:
                    failures.append(failure)
                if (
                    _expected(entry, role, stage) in ("401", "403", "404")
                    and _fingerprint(claim_id) != before
                ):
                    failures.append(f"{method} {path} as {role}: refused, yet the claim changed")

    import_id, export_id = _import(world), _export(world)
    lawyer_id = world.users["lawyer_other"]
    for method, template, view in other_routes:
        entry = ACCESS[view]
        path = template.replace("{import_id}", import_id).replace("{user_id}", lawyer_id)
        path = path.replace("{export_id}", export_id)
        content_types = _route_content_types(template, method)
        content_type = "application/json" if "application/json" in content_types else content_types[0]
        for role in order:
            if entry.scope == "public" and method != "GET":
                continue  # sign-up and friends are fuzzed elsewhere; they create accounts
            response = _call(api, method, path, world.tokens.get(role), content_type)
            calls += 1
            failure = _judge(response, _expected(entry, role, None), f"{method} {path} as {role}")
            if failure:
                failures.append(failure)
    assert not failures, f"{len(failures)} of {calls} calls broke the access rules:\n" + "\n".join(failures)
    # the matrix's size is part of the README's security figures
    size = f"{calls} calls, {len(_routes())} routes, {len(STAGES)} claim stages, {len(ROLES)} roles"
    print(f"\naccess matrix: {size}")
    assert calls > 800


def _judge(response, expected: str, what: str) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"{what}: {status} {response.body[:200]!r}"
    if expected == "public":
        return None if status not in (401, 403) else f"{what}: public route answered {status}"
    message = _message(response)
    if expected == "open":
        # A 404 about something inside the claim (no notice yet, a file not uploaded) is an open door.
        if status in (401, 403) or (status == 404 and message == CLAIM_NOT_FOUND):
            return f"{what}: expected access, got {status} {response.body[:160]!r}"
        return None
    if str(status) != expected:
        return f"{what}: expected {expected}, got {status} {response.body[:160]!r}"
    if expected == "404" and message not in (CLAIM_NOT_FOUND, IMPORT_NOT_FOUND, EXPORT_NOT_FOUND):
        return f"{what}: a refused caller must get the same 404 as for an unknown id, got {message!r}"
    return None


def _message(response) -> str:
    try:
        return str(json.loads(response.body)["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return ""


def test_a_signed_in_caller_never_reaches_an_object_by_guessing_its_id(api, world):
    """Unknown ids answer exactly like others' ids (404, the same French message)."""
    _claim(world, "guess-real", "draft")
    token = world.tokens["creditor_b"]
    real = _call(api, "GET", "/v1/claims/guess-real", token)
    unknown = _call(api, "GET", "/v1/claims/guess-none", token)
    assert real.status_code == unknown.status_code == 404
    assert json.loads(real.body) == json.loads(unknown.body)
    assert Identity  # the identities the matrix plays are real Cognito users with real tokens
