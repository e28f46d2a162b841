"""Bounded input and output (issue 20): every JSON route refuses an oversized, over-nested or key-flooded
body with a small 400 in French; amounts are read by one strict parser; dates stay within sane years; debtor
emails are addresses SES accepts; the Stripe webhook refuses a non-UTF-8 body; a CSV cell such as « 1e308 »
rejects its line, not the import. Never a 500."""

from __future__ import annotations

import json
import time

import pytest

from tests.integration.accounts_helpers import PASSWORD, get, post
from tests.integration.claims_helpers import b2b_content, create_claim, creditor
from tests.integration.outbox_helpers import status_email
from tests.integration.test_bulk_import import SAMPLE, send_csv, wait_until_finished

pytestmark = pytest.mark.integration

BAD_AMOUNTS = [
    *("1_000", "１２３", "1e-2", "1e308", "+5", "NaN", "Infinity", "-Infinity", "1e3", "0x10", "1,2,3")
]


def raw_post(api, path, body: bytes, token=None, content_type="application/json"):
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return api.http.post(path, headers=headers, body=body)


def _french_400(response) -> dict:
    assert response.status_code == 400, (response.status_code, response.body[:500])
    error = json.loads(response.body)["error"]
    assert error["message"] and error["code"]
    return error


# --- the amount parser ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1\u202f234,56 €", "1234.56"),
        ("12 345 678,9", "12345678.90"),
        ("800", "800.00"),
        (150, "150.00"),
    ],
)
def test_the_one_amount_parser_reads_french_and_plain_amounts(text, expected):
    from decimal import Decimal

    from chalicelib.legal.money import parse_amount

    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text", [*BAD_AMOUNTS, "1" + "0" * 308, "1 23", "25 50", " ", "", "€", "1.2.3,4", 12.5, True, 10**400]
)
def test_the_one_amount_parser_refuses_anything_else_in_french(text):
    from chalicelib.legal.money import parse_amount

    with pytest.raises(ValueError, match=r"[Mm]ontant"):
        parse_amount(text)


def test_claims_debtor_payments_and_the_csv_import_share_the_parser():
    from chalicelib.domain import aged_balance, claim_content
    from chalicelib.legal.input_fields import BadField, as_money
    from chalicelib.legal.money import parse_amount

    assert claim_content.parse_amount("1 000,00") == parse_amount("1 000,00")
    for text in BAD_AMOUNTS:
        with pytest.raises(ValueError):
            claim_content.parse_amount(text)
        with pytest.raises(ValueError):
            aged_balance.cells._parse_money(text)
        with pytest.raises(BadField):  # the legal engine's own input
            as_money(text, "invoices[0].amount_ttc")


# --- body size, nesting, keys, details ---------------------------------------------------------------------


def _json_routes():
    """(path, method) of every route that reads a JSON body (its OpenAPI operation says so)."""
    import app
    from chalicelib.api.openapi import OPERATIONS

    routes = []
    for path, methods in app.app.routes.items():
        for method, entry in methods.items():
            operation = OPERATIONS[entry.view_name]
            if method in {"POST", "PUT", "PATCH"} and operation.body_media_type == "application/json":
                routes.append((path, method))
    return sorted(routes)


def _tokens(api) -> dict[str, str | None]:
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.bootstrap import identity_provider
    from chalicelib.domain.accounts import Account, LawyerProfile, Role

    tokens: dict[str, str | None] = {"anonymous": None, "creditor": creditor(api)}
    for role, email, profile in (
        (Role.OPERATOR, "ops@plateforme.fr", {}),
        (Role.LAWYER, "me.a@barreau.fr", {"lawyer": LawyerProfile("Me A", "Lyon")}),
    ):
        user_id = identity_provider().create_user(email, PASSWORD, role)
        AccountRepository().create(Account(user_id, email, role, **profile))
        signed_in = post(api, "/v1/auth/signin", {"email": email, "password": PASSWORD})
        tokens[role.value] = signed_in.json_body["id_token"]
    return tokens


DEEP = b"[" * 100_000 + b"]" * 100_000
NESTED = b'{"a":' * 40 + b"1" + b"}" * 40


def test_deeply_nested_json_is_a_400_on_every_json_route_never_a_500(api):
    tokens = _tokens(api)
    claim_id = create_claim(api, tokens["creditor"])["claim_id"]
    routes = _json_routes()
    assert ("/v1/auth/signup", "POST") in routes and ("/v1/claims", "POST") in routes
    answers = {}
    for path, method in routes:
        url = path.replace("{claim_id}", claim_id).replace("{document_id}", "doc-1")
        url = url.replace("{import_id}", "imp-1").replace("{user_id}", "user-1")
        for role, token in tokens.items():
            for body in (DEEP, NESTED):
                headers = {"Content-Type": "application/json"}
                if token:
                    headers["Authorization"] = f"Bearer {token}"
                response = api.http.request(method, url, headers=headers, body=body)
                assert response.status_code < 500, (method, url, role, response.body[:300])
                answers[(path, role, body[:2])] = response.status_code
    for path in ("/v1/auth/signup", "/v1/auth/signin", "/v1/auth/forgot-password"):
        for body in (DEEP, NESTED):
            error = _french_400(raw_post(api, path, body))
            assert error["code"] == "invalid_json" and "imbriqué" in error["message"]
    error = _french_400(raw_post(api, "/v1/claims", NESTED, tokens["creditor"]))
    assert error["code"] == "invalid_json"
    # Every route whose role may call it read the body and refused it.
    assert answers[("/v1/claims", "creditor", b"[[")] == 400


def test_a_million_unknown_keys_on_signin_answer_a_small_400_quickly(api):
    flood = "{" + ",".join(f'"k{i}":0' for i in range(1_000_000)) + "}"
    assert len(flood) > 11_000_000
    started = time.monotonic()
    response = raw_post(api, "/v1/auth/signin", flood.encode())
    elapsed = time.monotonic() - started
    error = _french_400(response)
    assert error["code"] == "body_too_large" and "Ko" in error["message"]
    assert len(response.body) < 2_000 and elapsed < 2.0


def test_many_unknown_keys_within_the_size_limit_answer_a_small_400(api):
    flood = {"email": "a@exemple.fr", "password": "x"} | {f"k{i}": 0 for i in range(50_000)}
    response = raw_post(api, "/v1/auth/signin", json.dumps(flood).encode())
    error = _french_400(response)
    assert "champs" in error["message"] and len(response.body) < 2_000


def test_validation_details_are_capped_and_cut_short(api):
    flood = {"email": "a@exemple.fr", "password": "x"} | {f"inconnu{i}": 0 for i in range(150)}
    flood["k" * 50_000] = 0
    response = raw_post(api, "/v1/auth/signin", json.dumps(flood).encode())
    error = _french_400(response)
    assert len(error["details"]) == 21 and "autres erreurs non détaillées" in error["details"][-1]["message"]
    assert len(response.body) < 10_000
    assert all(len(d["field"]) <= 100 and len(d["message"]) <= 300 for d in error["details"])


# --- amounts, dates and emails through the API -----------------------------------------------------------


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_a_claim_amount_outside_the_grammar_is_a_400_in_french(api, amount):
    token = creditor(api)
    content = b2b_content()
    content["invoices"][0]["amount_ttc"] = amount
    error = _french_400(post(api, "/v1/claims", {"content": content}, token))
    assert error["field"] == "content.invoices[0].amount_ttc"
    assert "montant" in error["message"].lower()
    assert get(api, "/v1/claims", token).json_body["claims"] == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("issue_date", "0001-01-01"),
        ("due_date", "9999-12-31"),
        ("performance_date", "1899-12-31"),
    ],
)
def test_a_claim_date_outside_sane_years_is_a_400(api, field, value):
    token = creditor(api)
    content = b2b_content()
    content["invoices"][0][field] = value
    error = _french_400(post(api, "/v1/claims", {"content": content}, token))
    assert error["field"] == f"content.invoices[0].{field}" and "plausible" in error["message"]


@pytest.mark.parametrize(
    "email",
    [
        "compta\x00@rhone-distribution.fr",
        "compta@rhone\x00distribution.fr",
        "comptà@rhône-distribution.fr",
        "compta@localhost",
        "compta@@rhone.fr",
        "a@b@rhone.fr",
        "com pta@rhone.fr",
        "compta@rhone..fr",
        "compta\x07@rhone.fr",
        "compta@-rhone.fr",
    ],
)
def test_a_debtor_email_ses_would_refuse_is_a_400(api, email):
    token = creditor(api)
    content = b2b_content()
    content["debtor"]["email"] = email
    error = _french_400(post(api, "/v1/claims", {"content": content}, token))
    assert error["field"] == "content.debtor.email" and "adresse e-mail" in error["message"]
    assert "\x00" not in error["message"]


def test_a_plain_debtor_email_is_accepted_in_lower_case(api):
    token = creditor(api)
    content = b2b_content()
    content["debtor"]["email"] = "Compta.Client+recouvrement@Rhone-Distribution.example.FR"
    created = post(api, "/v1/claims", {"content": content}, token)
    assert created.status_code == 201, created.json_body
    email = created.json_body["content"]["debtor"]["email"]
    assert email == "compta.client+recouvrement@rhone-distribution.example.fr"


def _claim_after_notice(api, token) -> str:
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.domain.claim import ClaimStatus

    claim_id = create_claim(api, token)["claim_id"]
    repository = ClaimRepository(wake_sender=None)
    for status in (ClaimStatus.AWAITING_PAYMENT, ClaimStatus.ASSESSING, ClaimStatus.NOTICE_SENT):
        repository.transition(
            claim_id,
            status,
            actor="test",
            reason="préparation",
            notify=status_email(status),
        )
    return claim_id


@pytest.mark.parametrize(
    ("body", "field"),
    [
        *[({"date": "2025-03-20", "amount": amount}, "amount") for amount in BAD_AMOUNTS],
        ({"date": "0001-01-01", "amount": "100.00"}, "date"),
        ({"date": "9999-12-31", "amount": "100.00"}, "date"),
        ({"date": "2025-03-20", "amount": "99999999999"}, "amount"),
    ],
)
def test_a_debtor_payment_with_a_bad_amount_or_date_is_refused_and_not_recorded(api, stripe, body, field):
    token = creditor(api)
    claim_id = _claim_after_notice(api, token)
    response = post(api, f"/v1/claims/{claim_id}/debtor-payments", body, token)
    error = _french_400(response)
    assert error["field"] == field
    claim = get(api, f"/v1/claims/{claim_id}", token).json_body
    assert claim["status"] == "notice_sent" and claim["content"]["payments"] == []
    # A plain one goes through.
    plain = {"date": "2025-03-20", "amount": "100,00"}
    ok = post(api, f"/v1/claims/{claim_id}/debtor-payments", plain, token)
    assert ok.status_code == 200, ok.json_body
    assert ok.json_body["content"]["payments"][-1]["amount"] == "100.00"


# --- the Stripe webhook and the CSV import ----------------------------------------------------------------


def test_a_non_utf8_webhook_body_is_a_400(api, stripe):
    payload, header = stripe.signed({"id": "evt_1", "object": "event", "type": "x", "data": {"object": {}}})
    for body in (b"\xff\xfe\x00{" + payload.encode(), payload.encode("utf-16"), b"\xc3\x28"):
        response = api.http.post(
            "/v1/webhooks/stripe",
            headers={"Stripe-Signature": header, "Content-Type": "application/json"},
            body=body,
        )
        error = _french_400(response)
        assert error["code"] == "invalid_webhook" and "UTF-8" in error["message"]


def test_a_webhook_body_nested_too_deep_is_a_400(api, stripe):
    payload, header = stripe.signed("[" * 100_000 + "]" * 100_000)
    response = api.http.post(
        "/v1/webhooks/stripe",
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
        body=payload.encode(),
    )
    assert _french_400(response)["code"] == "invalid_webhook"


def test_a_csv_cell_1e308_fails_its_line_and_the_import_completes(api):
    token = creditor(api)
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    broken = lines[1].split(";")
    broken[14] = "1e308"  # montant_ttc
    bad = ";".join(broken).replace("F-2026-0118", "F-2026-9999")
    data = "\n".join([lines[0], *lines[1:], bad]).encode()
    job, _ = wait_until_finished(api, token, send_csv(api, token, data).json_body["import_id"], timeout=60)
    assert job["status"] == "done" and job["percent"] == 100
    [rejection] = job["report"]["rejected"]
    assert rejection["line"] == len(lines) + 1 and rejection["field"] == "montant_ttc"
    assert "« 1e308 » n'est pas un nombre" in rejection["message"]
    assert job["drafts_created"] == 5


def test_an_import_that_crashes_while_reading_ends_failed_with_a_french_message(aws, monkeypatch):
    """Whatever escapes the reader, the job ends (failed, with a message and the creditor's email): it
    never stays at « lecture 0 % »."""
    import datetime as dt

    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.adapters.imports_repository import ImportRepository
    from chalicelib.domain import aged_balance
    from chalicelib.domain.accounts import Identity, Role
    from chalicelib.domain.imports import ImportStatus
    from chalicelib.services.bulk_import import run_import, start_import

    def explode(*args, **kwargs):
        raise ArithmeticError("unexpected")

    now = dt.datetime(2025, 3, 31, 12, tzinfo=dt.UTC)
    job = start_import(
        ImportRepository(),
        DocumentStore(),
        lambda import_id: None,
        Identity("creditor-1", "c@exemple.fr", Role.CREDITOR),
        data=SAMPLE.read_bytes(),
        filename="balance.csv",
        now=now,
    )
    monkeypatch.setattr(aged_balance, "parse_aged_balance", explode)
    told = []
    finished = run_import(
        job.import_id,
        imports=ImportRepository(),
        files=DocumentStore(),
        claims=ClaimRepository(),
        now=lambda: now,
        notify=told.append,
    )
    assert finished.status is ImportStatus.FAILED and finished.error and "fichier" in finished.error
    assert told == [finished]


def test_an_import_of_thousands_of_bad_lines_completes_with_a_bounded_report(aws):
    """The report is stored on the job (one DynamoDB item, 400 KB at most): 3,000 rejected lines used to make
    the final write fail, leaving the import unfinished for ever."""
    import datetime as dt

    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.adapters.imports_repository import ImportRepository
    from chalicelib.domain.accounts import Identity, Role
    from chalicelib.domain.aged_balance import MAX_REPORTED_REJECTIONS
    from chalicelib.domain.imports import ImportStatus
    from chalicelib.services.bulk_import import run_import, start_import

    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[1].split(";")
    bad = [";".join([*cells[:10], f"F-{n}", *cells[11:14], "1e308", *cells[15:]]) for n in range(3000)]
    now = dt.datetime(2025, 3, 31, 12, tzinfo=dt.UTC)
    job = start_import(
        ImportRepository(),
        DocumentStore(),
        lambda import_id: None,
        Identity("creditor-1", "c@exemple.fr", Role.CREDITOR),
        data="\n".join([lines[0], lines[1], *bad]).encode(),
        filename="balance.csv",
        now=now,
    )
    finished = run_import(
        job.import_id,
        imports=ImportRepository(),
        files=DocumentStore(),
        claims=ClaimRepository(),
        now=lambda: now,
    )
    assert finished.status is ImportStatus.DONE and finished.lines_rejected == 3000
    assert finished.report is not None and finished.report["rejected_lines"] == 3000
    assert len(finished.report["rejected"]) == MAX_REPORTED_REJECTIONS
    assert finished.report["rejected_not_shown"] == 3000 - MAX_REPORTED_REJECTIONS
    assert finished.drafts_created == 1
