"""Privacy (RGPD): a creditor's export holds everything of theirs and nothing of anyone else's; the retention
plan (RULEBOOK 7.1) anonymises an ended claim once its archive period is over — files gone from S3, debtor
gone from the item, timeline re-sealed and still verified — and leaves a claim still archived untouched.

The claims are assessed and judged on 31 March 2025 (``CLAIMS_TODAY``, set by the ``stripe`` fixture); their
own dates are set through the repository's ``now``, never the real clock.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import requests

from chalicelib.domain.accounts import Account, Role
from chalicelib.domain.claim import Claim, ClaimStatus, DocumentKind, EventKind, EvidenceDocument
from chalicelib.domain.notice_record import NoticeRecord
from chalicelib.domain.payments import Checkout, CheckoutStatus, PaymentStep
from tests.integration.accounts_helpers import get, post
from tests.integration.claims_helpers import b2b_content, cgv, creditor, pdf_bytes, upload
from tests.integration.export_helpers import exported
from tests.integration.outbox_helpers import status_email

pytestmark = pytest.mark.integration

S = ClaimStatus
OPERATOR_PASSWORD = "Operateur2026x"
TO_SETTLED = [S.AWAITING_PAYMENT, S.ASSESSING, S.NOTICE_SENT, S.SETTLED]
TO_CLOSED_AFTER_FILING = [
    S.AWAITING_PAYMENT,
    S.ASSESSING,
    S.NOTICE_SENT,
    S.ESCALATION_OFFERED,
    S.DOSSIER_READY,
    S.WITH_LAWYER,
    S.FILED,
    S.CLOSED,
]


def _me(api, token) -> str:
    response = get(api, "/v1/me", token)
    assert response.status_code == 200, response.body
    return str(response.json_body["user_id"])


def _operator(api) -> str:
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.bootstrap import identity_provider

    email = "ops@plateforme.fr"
    user_id = identity_provider().create_user(email, OPERATOR_PASSWORD, Role.OPERATOR)
    AccountRepository().create(Account(user_id, email, Role.OPERATOR))
    response = post(api, "/v1/auth/signin", {"email": email, "password": OPERATOR_PASSWORD})
    assert response.status_code == 200, response.body
    return str(response.json_body["id_token"])


def _s3_keys(prefix: str) -> list[str]:
    from chalicelib.adapters.document_store import DocumentStore

    return DocumentStore().keys_under(prefix)


# --- export ---------------------------------------------------------------------------------------------


def test_the_export_holds_everything_of_the_creditor_and_nothing_of_another(api, stripe):
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.adapters.imports_repository import ImportRepository
    from chalicelib.domain.imports import ImportJob, ImportStatus

    token_a = creditor(api, "claire@atelier-numerique.fr")
    token_b = creditor(api, "bruno@menuiserie-b.fr")
    user_a, user_b = _me(api, token_a), _me(api, token_b)

    claim_a = post(api, "/v1/claims", {"content": b2b_content(reference="A-001")}, token_a).json_body
    confirmed, document_a = upload(api, token_a, claim_a["claim_id"], pdf_bytes(), filename="facture-a.pdf")
    assert confirmed.status_code == 200, confirmed.json_body
    submitted = post(api, f"/v1/claims/{claim_a['claim_id']}/submit", cgv(), token_a)
    assert submitted.status_code == 200, submitted.json_body  # a checkout opened and an email queued

    debtor_b = b2b_content(reference="B-SECRET-REF")
    debtor_b["debtor"] = {**debtor_b["debtor"], "legal_name": "Secrète Charpente SAS", "email": "b@secret.fr"}
    claim_b = post(api, "/v1/claims", {"content": debtor_b}, token_b).json_body
    confirmed_b, document_b = upload(api, token_b, claim_b["claim_id"], pdf_bytes(), filename="facture-b.pdf")
    assert confirmed_b.status_code == 200

    now = datetime(2025, 3, 31, 9, tzinfo=UTC)
    for job_id, owner in (("imp-a", user_a), ("imp-b", user_b)):
        key = f"imports/{owner}/{job_id}.csv"
        DocumentStore().put(key, f"debiteur;montant\n{job_id};100\n".encode(), "text/csv")
        ImportRepository().create(ImportJob(job_id, owner, f"{job_id}.csv", key, ImportStatus.DONE, now, now))

    export = exported(api, token_a)

    assert export["format"] == "claims-platform-export/1"
    assert export["account"]["email"] == "claire@atelier-numerique.fr"
    assert export["account"]["creditor_profile"]["legal_name"] == "Atelier Numérique SAS"
    [claim] = export["claims"]
    assert claim["claim_id"] == claim_a["claim_id"] and claim["reference"] == "A-001"
    assert claim["content"]["debtor"]["legal_name"] == "Rhône Distribution SARL"
    assert claim["status"] == "awaiting_payment" and claim["assessment"]["prescription"]["last_day"]
    [document] = claim["documents"]
    assert document["document_id"] == document_a and len(document["sha256"]) == 64
    assert [event["sequence"] for event in claim["timeline"]] == list(range(1, len(claim["timeline"]) + 1))
    assert claim["timeline"][-1]["to_status"] == "awaiting_payment" and claim["timeline"][-1]["hash"]
    assert claim["checkouts"] and claim["checkouts"][0]["amount_cents"] > 0
    assert any(email["kind"] == "claim_submitted" for email in claim["emails"])
    assert claim["retention"]["stage"] == "active"
    [upload_link] = [f for f in claim["files"] if f["key"].endswith(f"/sealed/{document_a}")]
    downloaded = requests.get(upload_link["url"], timeout=30)
    assert downloaded.status_code == 200 and downloaded.content.startswith(b"%PDF")
    [job] = export["imports"]
    assert job["import_id"] == "imp-a" and requests.get(job["file_url"], timeout=30).content.startswith(
        b"deb"
    )

    text = json.dumps(export, ensure_ascii=False)
    for foreign in (
        claim_b["claim_id"],
        document_b,
        "Secrète Charpente",
        "B-SECRET-REF",
        "bruno@menuiserie-b.fr",
        user_b,
        "imp-b",
    ):
        assert foreign not in text, foreign

    other = exported(api, token_b)
    assert [c["claim_id"] for c in other["claims"]] == [claim_b["claim_id"]]
    assert claim_a["claim_id"] not in json.dumps(other) and user_a not in json.dumps(other)


def test_only_a_creditor_exports_and_only_an_operator_runs_the_retention(api, stripe):
    token = creditor(api)
    assert post(api, "/v1/me/exports", {}).status_code == 401
    assert get(api, "/v1/me/exports").status_code == 401
    assert post(api, "/v1/operator/retention/run", {}, token).status_code == 403
    operator = _operator(api)
    assert post(api, "/v1/me/exports", {}, operator).status_code == 403
    assert get(api, "/v1/me/exports", operator).status_code == 403


# --- retention ------------------------------------------------------------------------------------------


def _ended_claim(
    claim_id: str,
    creditor_id: str,
    path: list[ClaimStatus],
    *,
    created: datetime,
    ended: datetime,
    last_day_late: str,
) -> Claim:
    """A claim moved along ``path`` by hand, its events dated between ``created`` and ``ended``, with a
    letter, an upload, a lawyer's copy, emails and a note naming the debtor."""
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.document_store import DocumentStore

    repository = ClaimRepository(wake_sender=None)
    upload_key = f"claims/{claim_id}/uploads/doc-1"
    document = EvidenceDocument(
        "doc-1",
        DocumentKind.INVOICE,
        "facture-dupont.pdf",
        upload_key,
        "accepted",
        created,
        sha256="ab" * 32,
    )
    content = b2b_content()
    content["debtor"] = {
        **content["debtor"],
        "legal_name": "Jean Dupont Plomberie",
        "email": "jean@dupont.fr",
    }
    repository.create(
        Claim(
            claim_id,
            creditor_id,
            S.DRAFT,
            "Jean Dupont Plomberie",
            100_000,
            created,
            created,
            content=content,
            documents=(document,),
            reference="DUPONT-2014",
            assessment={
                "prescription": {
                    "last_day": last_day_late,
                    "last_day_late": last_day_late,
                    "regime": {"code": "commercial_5_years", "article": "C. com. L110-4 I"},
                }
            },
        ),
        actor=creditor_id,
    )
    step = (ended - created) / (len(path) + 1)
    for n, status in enumerate(path, start=1):
        at = ended if status is path[-1] else created + step * n
        repository.transition(
            claim_id,
            status,
            actor=creditor_id,
            reason=f"vers {status.value}",
            notify=status_email(status),
            now=at,
            change=lambda c, at=at: replace(
                c,
                notice=NoticeRecord(status="sent", pdf_key=f"claims/{claim_id}/notices/mise-en-demeure.pdf")
                if c.status is S.NOTICE_SENT
                else c.notice,
                checkouts=c.checkouts
                or (Checkout("cs_" + claim_id, PaymentStep.NOTICE, 2900, CheckoutStatus.PAID, at),),
            ),
        )
        if status is S.NOTICE_SENT:
            repository.record(
                claim_id,
                kind=EventKind.NOTE,
                actor=creditor_id,
                reason="M. Jean Dupont a appelé : il paiera à la fin du mois (06 12 34 56 78).",
                now=at,
            )
    files = DocumentStore()
    for key in (
        upload_key,
        f"claims/{claim_id}/notices/mise-en-demeure.pdf",
        f"claims/{claim_id}/dossier/dossier.zip",
        f"shares/{claim_id}/law-1/dossier.zip",
    ):
        files.put(key, pdf_bytes(), "application/pdf")
    return repository.get(claim_id)


def _run(api, token, dry_run: bool | None):
    body = {} if dry_run is None else {"dry_run": dry_run}
    response = post(api, "/v1/operator/retention/run", body, token)
    assert response.status_code == 200, response.body
    return response.json_body


def _snapshot(claim_id: str) -> tuple:
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.domain.notifications import NO_EVENT

    repository = ClaimRepository()
    claim = repository.get(claim_id)
    events = repository.events(claim_id)
    keys = _s3_keys(f"claims/{claim_id}/") + _s3_keys(f"shares/{claim_id}/")
    # The emails status changes queued (a fee invoice's own email may still be on its way, in the background).
    emails = [email for email in repository.emails_of([claim_id]) if email.sequence != NO_EVENT]
    return claim, [(e.sequence, e.reason, e.hash) for e in events], sorted(keys), len(emails)


def test_a_claim_ended_long_ago_is_anonymised_and_its_timeline_still_verifies(api, stripe):
    from chalicelib.adapters.claims_repository import ClaimRepository

    token = creditor(api)
    owner = _me(api, token)
    operator = _operator(api)
    # Settled in mid-2015, prescription over on 31 January 2019: due on 31 March 2025.
    old = _ended_claim(
        "clm-old",
        owner,
        TO_SETTLED,
        created=datetime(2014, 3, 1, tzinfo=UTC),
        ended=datetime(2015, 6, 30, tzinfo=UTC),
        last_day_late="2019-01-31",
    )
    # Settled in 2024, prescription over in 2029: archived.
    recent = _ended_claim(
        "clm-recent",
        owner,
        TO_SETTLED,
        created=datetime(2024, 1, 10, tzinfo=UTC),
        ended=datetime(2024, 6, 30, tzinfo=UTC),
        last_day_late="2029-01-31",
    )
    # Prescription over in 2020, but filed in court and closed in 2018: kept until 2028 for the title.
    in_court = _ended_claim(
        "clm-court",
        owner,
        TO_CLOSED_AFTER_FILING,
        created=datetime(2015, 1, 5, tzinfo=UTC),
        ended=datetime(2018, 1, 15, tzinfo=UTC),
        last_day_late="2020-01-31",
    )
    # Still in progress, however old: active.
    active = _ended_claim(
        "clm-active",
        owner,
        [S.AWAITING_PAYMENT, S.ASSESSING, S.NOTICE_SENT],
        created=datetime(2013, 1, 5, tzinfo=UTC),
        ended=datetime(2013, 6, 1, tzinfo=UTC),
        last_day_late="2018-01-31",
    )
    assert old.checkouts and _snapshot("clm-old")[3] > 0  # emails were queued for it
    before = {
        claim_id: _snapshot(claim_id) for claim_id in ("clm-old", "clm-recent", "clm-court", "clm-active")
    }

    # The dry run (the default) lists the claim due and changes nothing.
    dry = _run(api, operator, None)
    assert dry["dry_run"] is True and dry["as_of"] == "2025-03-31"
    assert [entry["claim_id"] for entry in dry["due"]] == ["clm-old"]
    assert (
        dry["due"][0]["archive_until"] == "2019-01-31"
        and dry["due"][0]["reasons"][0]["code"] == "prescription"
    )
    assert dry["anonymised"] == [] and dry["archived"] == 2 and dry["examined"] == 3
    assert {claim_id: _snapshot(claim_id) for claim_id in before} == before

    done = _run(api, operator, False)
    assert done["anonymised"] == ["clm-old"] and done["skipped"] == []

    # Files gone from S3 (uploads, letter, dossier, the lawyer's copy), emails gone from the outbox.
    assert _s3_keys("claims/clm-old/") == [] and _s3_keys("shares/clm-old/") == []
    repository = ClaimRepository()
    assert repository.emails_of(["clm-old"]) == []
    # The debtor gone from the item; the platform's billing record kept.
    stripped = repository.get("clm-old")
    assert stripped.debtor_name == "[anonymisé]" and stripped.content is None and stripped.documents == ()
    assert stripped.reference == "" and stripped.notice is None and stripped.assessment is None
    assert stripped.checkouts == old.checkouts and stripped.principal_cents == old.principal_cents
    assert stripped.status is S.SETTLED and stripped.creditor_id == owner
    # No trace of the debtor anywhere in the claim's item or timeline.
    events = repository.events("clm-old")
    text = repr(stripped) + "".join(event.reason for event in events)
    assert "Dupont" not in text and "06 12 34 56 78" not in text and "DUPONT-2014" not in text
    # The timeline: every event kept as a tombstone naming its original hash, one event added; it verifies.
    original = before["clm-old"][1]
    assert len(events) == len(original) + 1
    for (sequence, _, original_hash), event in zip(original, events, strict=False):
        assert event.sequence == sequence and original_hash in event.reason
    assert original[-1][2] in events[-1].reason and events[-1].actor == "platform:retention"
    verified = get(api, "/v1/claims/clm-old/timeline/verify", token)
    assert verified.status_code == 200 and verified.json_body["valid"] is True
    assert verified.json_body["events"] == len(events)
    # The creditor still sees the claim's skeleton.
    view = get(api, "/v1/claims/clm-old", token)
    assert view.status_code == 200 and view.json_body["content"] is None
    assert get(api, "/v1/claims", token).status_code == 200

    # The claims still archived, or still active, are untouched.
    for claim_id in ("clm-recent", "clm-court", "clm-active"):
        assert _snapshot(claim_id) == before[claim_id], claim_id
    assert recent.content is not None and in_court.content is not None and active.content is not None

    again = _run(api, operator, False)
    assert again["anonymised"] == [] and again["due"] == [] and again["already_anonymised"] == 1


def test_a_claim_whose_timeline_does_not_verify_is_left_for_an_operator(api, stripe):
    from chalicelib.adapters.dynamo import ClaimEventModel

    token = creditor(api)
    owner = _me(api, token)
    _ended_claim(
        "clm-tampered",
        owner,
        TO_SETTLED,
        created=datetime(2014, 3, 1, tzinfo=UTC),
        ended=datetime(2015, 6, 30, tzinfo=UTC),
        last_day_late="2019-01-31",
    )
    row = ClaimEventModel.get("clm-tampered", 2)
    row.reason = "modifié après coup"
    row.save()
    before = _snapshot("clm-tampered")

    run = _run(api, _operator(api), False)
    assert run["anonymised"] == []
    [skipped] = run["skipped"]
    assert skipped["claim_id"] == "clm-tampered" and "non vérifiable" in skipped["reason"]
    assert _snapshot("clm-tampered") == before
