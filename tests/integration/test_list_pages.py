"""Lists a page at a time (issue 26): ``limit`` and a signed ``cursor``, newest first, filters applied by
DynamoDB on the index the list reads; the creditor's dashboard figures from the rows every write keeps."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.adapters.claims_repository import ClaimRepository
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
from tests.integration.claims_helpers import creditor, get
from tests.integration.outbox_helpers import status_email
from tests.integration.test_lawyers import lawyer
from tests.integration.test_payments import operator_token

pytestmark = pytest.mark.integration

START = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)


def seeded(creditor_id: str, count: int, *, prefix: str = "c", lawyer_id: str | None = None) -> list[str]:
    """``count`` drafts of one creditor, one minute apart (the last one the newest), written in batches."""
    claims = []
    for n in range(count):
        at = START + dt.timedelta(minutes=n)
        claims.append(
            Claim(
                f"{prefix}-{n:04d}",
                creditor_id,
                ClaimStatus.DRAFT,
                f"Débiteur {n:04d} SAS" if n % 10 else f"Rhône Négoce {n:04d}",
                10_000 + n,
                at,
                at,
                reference=f"REF-{n:04d}",
                assigned_lawyer_id=lawyer_id,
                content={"invoices": [{"number": f"F-{n}", "due_date": "2025-01-31"}]},
            )
        )
    ClaimRepository().create_many([(claim, "Brouillon") for claim in claims], actor=creditor_id)
    return [claim.claim_id for claim in claims]


def me(api, token) -> str:
    return get(api, "/v1/me", token).json_body["user_id"]


def every_page(api, path: str, token: str, key: str = "claims") -> list[list[str]]:
    pages, cursor = [], None
    while True:
        separator = "&" if "?" in path else "?"
        answer = get(api, f"{path}{separator}cursor={cursor}" if cursor else path, token)
        assert answer.status_code == 200, answer.json_body
        pages.append([item["claim_id"] for item in answer.json_body[key]])
        cursor = answer.json_body["next_cursor"]
        if cursor is None:
            return pages


def test_a_creditor_reads_their_claims_a_page_at_a_time_newest_first(api):
    token = creditor(api)
    ids = seeded(me(api, token), 120)
    other = creditor(api, "autre@exemple.fr")
    seeded(me(api, other), 3, prefix="other")

    pages = every_page(api, "/v1/claims?limit=50", token)
    assert [len(page) for page in pages] == [50, 50, 20]
    assert [claim_id for page in pages for claim_id in page] == ids[::-1]
    first = get(api, "/v1/claims", token).json_body  # 50 by default, summaries only
    assert len(first["claims"]) == 50 and "content" not in first["claims"][0]

    # Filters, applied by DynamoDB: the text in the debtor's name or the reference, any case; the status.
    found = every_page(api, "/v1/claims?q=rhône%20négoce&limit=5", token)
    assert [claim_id for page in found for claim_id in page] == ids[::10][::-1]
    assert every_page(api, "/v1/claims?q=ref-0042", token) == [["c-0042"]]
    claims = ClaimRepository()
    claims.transition("c-0007", ClaimStatus.WITHDRAWN, actor="t", reason="retirée")
    assert every_page(api, "/v1/claims?status=withdrawn", token) == [["c-0007"]]
    drafts = every_page(api, "/v1/claims?status=draft,awaiting_payment&limit=100", token)
    assert sum(len(page) for page in drafts) == 119


def test_a_cursor_is_refused_in_french_when_forged_or_used_on_another_list(api):
    token = creditor(api)
    seeded(me(api, token), 5)
    cursor = get(api, "/v1/claims?limit=2", token).json_body["next_cursor"]
    assert cursor and get(api, f"/v1/claims?limit=2&cursor={cursor}", token).status_code == 200

    version, body, signature = cursor.split(".")
    for forged in (
        f"{version}.{body}.{signature[:-2]}AA",
        f"{version}.{body[:-4]}.{signature}",
        "1.e30.x",
        "zzz",
    ):
        refused = get(api, f"/v1/claims?cursor={forged}", token)
        assert refused.status_code == 400 and refused.json_body["error"]["code"] == "invalid_cursor"
        assert "rechargez la liste" in refused.json_body["error"]["message"]
    # Another list (a filter) or another user: the same cursor does not verify.
    assert get(api, f"/v1/claims?status=draft&cursor={cursor}", token).status_code == 400
    assert get(api, f"/v1/claims?cursor={cursor}", creditor(api, "autre@exemple.fr")).status_code == 400
    for bad in ("limit=0", "limit=101", "limit=abc", "limit=%C2%B9", "status=paye", f"q={'x' * 101}"):
        answer = get(api, f"/v1/claims?{bad}", token)
        assert answer.status_code == 400 and answer.json_body["error"]["message"], bad


def test_lawyers_and_the_operator_read_pages_too(api):
    lawyer_id, lawyer_token = lawyer(api, "me.pages@exemple.fr")
    token = creditor(api)
    creditor_id = me(api, token)
    seeded(creditor_id, 60, prefix="mine", lawyer_id=lawyer_id)
    seeded(creditor_id, 5, prefix="theirs", lawyer_id="someone-else")
    pages = every_page(api, "/v1/lawyer/dossiers?limit=25", lawyer_token, key="dossiers")
    assert [len(page) for page in pages] == [25, 25, 10]
    assert {claim_id for page in pages for claim_id in page} == {f"mine-{n:04d}" for n in range(60)}

    claims = ClaimRepository()
    for claim_id in ("mine-0003", "mine-0010", "theirs-0001"):
        waiting = ClaimStatus.AWAITING_PAYMENT
        claims.transition(claim_id, waiting, actor="t", reason="r", notify=status_email(waiting))
        claims.record(claim_id, kind=EventKind.CONTENT_UPDATED, actor="t", reason="r")
    ops = operator_token(api)
    waiting = every_page(api, "/v1/claims?status=awaiting_payment&limit=2", ops)
    assert [len(page) for page in waiting] == [2, 1]
    assert {claim_id for page in waiting for claim_id in page} == {"mine-0003", "mine-0010", "theirs-0001"}
    everything = every_page(api, "/v1/claims?limit=40", ops)
    assert sum(len(page) for page in everything) == 65


def test_the_dashboard_reads_the_kept_totals(api):
    token = creditor(api)
    creditor_id = me(api, token)
    assert get(api, "/v1/dashboard", token).json_body["count"] == 0
    seeded(creditor_id, 30)
    claims = ClaimRepository()
    claims.transition("c-0001", ClaimStatus.WITHDRAWN, actor="t", reason="retirée")
    figures = get(api, "/v1/dashboard", token).json_body
    assert (figures["count"], figures["open_count"]) == (30, 29)
    by_status = {row["key"]: (row["count"], row["amount"]) for row in figures["by_status"]}
    assert by_status == {
        "draft": (29, f"{(sum(10_000 + n for n in range(30)) - 10_001) / 100:.2f}"),
        "withdrawn": (1, "100.01"),
    }
    aged = {row["key"]: row["count"] for row in figures["aged"]}
    assert aged == {"not_due": 0, "0_30": 0, "31_60": 0, "61_90": 0, "over_90": 29}  # due 31 Jan 2025
    assert figures["aged"][0]["label"] == "Non échues"
    _, lawyer_token = lawyer(api, "me.tableau@exemple.fr")
    assert get(api, "/v1/dashboard", lawyer_token).status_code == 403


def test_a_creditor_reads_their_imports_a_page_at_a_time(api):
    from chalicelib.adapters.imports_repository import ImportRepository
    from chalicelib.domain.imports import ImportJob, ImportStatus

    token = creditor(api)
    creditor_id = me(api, token)
    for n in range(5):
        at = START + dt.timedelta(hours=n)
        ImportRepository().create(
            ImportJob(
                f"imp-{n}",
                creditor_id,
                f"balance-{n}.csv",
                f"imports/{creditor_id}/imp-{n}.csv",
                ImportStatus.DONE,
                at,
                at,
            )
        )
    pages, cursor = [], None
    while True:
        answer = get(api, f"/v1/imports?limit=2{f'&cursor={cursor}' if cursor else ''}", token).json_body
        pages.append([job["import_id"] for job in answer["imports"]])
        if not (cursor := answer["next_cursor"]):
            break
    assert pages == [["imp-4", "imp-3"], ["imp-2", "imp-1"], ["imp-0"]]
    other = creditor(api, "autre@exemple.fr")
    assert get(api, "/v1/imports", other).json_body == {"imports": [], "next_cursor": None}


def test_a_long_timeline_comes_a_page_at_a_time_in_order(api):
    token = creditor(api)
    [claim_id] = seeded(me(api, token), 1)
    claims = ClaimRepository()
    for n in range(7):
        claims.record(claim_id, kind=EventKind.CONTENT_UPDATED, actor="t", reason=f"modification {n}")
    whole = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body
    assert len(whole["events"]) == 8 and whole["next_cursor"] is None
    reasons, cursor = [], None
    while True:
        path = f"/v1/claims/{claim_id}/timeline?limit=3{f'&cursor={cursor}' if cursor else ''}"
        page = get(api, path, token).json_body
        reasons += [event["reason"] for event in page["events"]]
        if not (cursor := page["next_cursor"]):
            break
    assert reasons == [event["reason"] for event in whole["events"]]
    assert reasons[-1] == "modification 6"
    other = creditor(api, "autre@exemple.fr")
    assert get(api, f"/v1/claims/{claim_id}/timeline?limit=3", other).status_code == 404


def test_the_operator_finds_a_claim_by_id_creditor_email_or_debtor_and_sees_its_creditor(api):
    token = creditor(api, "claire.operateur@exemple.fr")
    creditor_id = me(api, token)
    other = me(api, creditor(api, "autre.creancier@exemple.fr"))
    seeded(creditor_id, 3, prefix="clm_mine")
    seeded(other, 2, prefix="clm_other")
    ops = operator_token(api)

    by_id = get(api, "/v1/claims?q=clm_mine-0001", ops).json_body["claims"]
    assert [c["claim_id"] for c in by_id] == ["clm_mine-0001"]
    assert "claire.operateur@exemple.fr" in by_id[0]["creditor"]
    by_email = get(api, "/v1/claims?q=autre.creancier@exemple.fr", ops).json_body["claims"]
    assert sorted(c["claim_id"] for c in by_email) == ["clm_other-0000", "clm_other-0001"]
    assert get(api, "/v1/claims?q=inconnu@exemple.fr", ops).json_body["claims"] == []
    by_debtor = get(api, "/v1/claims?q=Rh%C3%B4ne", ops).json_body["claims"]
    assert {c["claim_id"] for c in by_debtor} == {"clm_mine-0000", "clm_other-0000"}
    # A creditor's own list names no creditor and no letter cost: the operator's columns only.
    mine = get(api, "/v1/claims", token).json_body["claims"]
    assert mine and all(c["creditor"] is None and c["letter"] is None for c in mine)
