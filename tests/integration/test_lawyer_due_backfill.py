"""Claims entrusted to a lawyer before the ``by_lawyer_due`` index existed carry no ``lawyer_due``, so the
sparse index (a lawyer's list) misses them: the backfill (``ClaimRepository.backfill_lawyer_due``) sets it
once, without ever overwriting a concurrent change, after each ``make deploy`` (``infra/aws/backfill.py``)
and at each start of the local platform (``infra/local/snapshot.py``)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest

from chalicelib.adapters import claims_repository
from chalicelib.adapters.claims_repository import ClaimRepository, _to_item
from chalicelib.adapters.dynamo import ClaimModel
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.claim import Claim, ClaimStatus
from chalicelib.domain.lawyer_case import LawyerCase, Order, due_key
from chalicelib.domain.notice_record import DossierRecord, NoticeRecord

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
LAWYER = Identity("lawyer-1", "me.martin@exemple.fr", Role.LAWYER)


def entrusted(claim_id: str, prescription_end: str) -> Claim:
    return Claim(
        claim_id,
        "creditor-1",
        ClaimStatus.WITH_LAWYER,
        "Rhône Distribution SARL",
        100_000,
        NOW,
        NOW,
        assigned_lawyer_id=LAWYER.user_id,
        notice=NoticeRecord(dossier=DossierRecord(prescription_end=dt.date.fromisoformat(prescription_end))),
        event_count=1,
    )


def old_item(claim_id: str, prescription_end: str) -> Claim:
    """A claim entrusted to the lawyer, written as a version before the index wrote it: no ``lawyer_due``."""
    claim = entrusted(claim_id, prescription_end)
    item = _to_item(claim)
    item.lawyer_due = None
    item.save()
    return claim


def listed() -> list[str]:
    claims, _ = ClaimRepository(wake_sender=None).page_for(LAWYER, limit=50)
    return [claim.claim_id for claim in claims]


def test_a_claim_stored_without_the_key_is_listed_after_the_backfill_and_a_second_run_writes_nothing(aws):
    old_item("old-1", "2027-04-01")
    old_item("old-2", "2027-02-01")
    assert listed() == []
    repository = ClaimRepository(wake_sender=None)
    assert repository.backfill_lawyer_due() == 2
    assert listed() == ["old-2", "old-1"]
    stored = ClaimModel.get("old-1", consistent_read=True)
    assert stored.lawyer_due == "2027-04-01#old-1" and stored.version == 1  # the version did not move
    assert repository.backfill_lawyer_due() == 0


def test_a_claim_changed_meanwhile_is_read_again_not_overwritten(aws, monkeypatch):
    claim = old_item("raced", "2027-04-01")
    granted = LawyerCase(lawyer_id=LAWYER.user_id, order=Order("granted", dt.date(2026, 3, 1))).as_json()
    read = claims_repository._to_domain
    raced: list[str] = []

    def read_then_race(item: ClaimModel) -> Claim:
        """The backfill has just read the claim: a writer that does not know ``lawyer_due`` (the version
        still running during a deploy) records the judge's order, which moves the date to act."""
        seen = read(item)
        if item.claim_id == "raced" and not raced:
            raced.append(item.claim_id)
            writer = ClaimModel.get("raced", consistent_read=True)
            writer.update(actions=[ClaimModel.lawyer_case.set(granted)])
        return seen

    monkeypatch.setattr(claims_repository, "_to_domain", read_then_race)
    assert ClaimRepository(wake_sender=None).backfill_lawyer_due() == 1
    stored = ClaimModel.get("raced", consistent_read=True)
    assert raced and stored.lawyer_case == granted  # the concurrent change is kept
    # The key of the claim as it is now (service of the order by 2026-09-01), not of the one first read.
    assert stored.lawyer_due == due_key(replace(claim, lawyer_case=granted)) == "2026-09-01#raced"
    assert stored.version == 2  # the writer's; the backfill moved nothing else


def test_the_local_platform_backfills_what_it_restores(aws, tmp_path):
    from chalicelib.settings import get_settings
    from infra.local.snapshot import LocalDataStore

    settings = get_settings()
    item = _to_item(entrusted("saved", "2027-01-10"))
    item.lawyer_due = None  # saved by a version before the index
    saved = {
        "format": 1,
        "table": settings.claims_table,
        "items": [item.serialize() | {"version": {"N": "1"}}],
    }
    (tmp_path / "dynamodb").mkdir()
    (tmp_path / "dynamodb" / f"{settings.claims_table}.json").write_text(json.dumps(saved))

    store = LocalDataStore(tmp_path, tables=[settings.claims_table, settings.claim_totals_table], buckets=[])
    restored = store.restore()
    assert restored["items"] == 1 and restored["lawyer_due_set"] == 1
    assert listed() == ["saved"]
    assert store.backfill_lawyer_due() == 0
    store.save()  # the next snapshot carries the key: the next start has nothing to set
    assert store.restore()["lawyer_due_set"] == 0


def test_make_deploy_backfills_the_table_the_deployed_stack_names(aws, tmp_path, monkeypatch, capsys):
    from chalicelib.settings import get_settings
    from infra.aws import backfill

    table = get_settings().claims_table
    monkeypatch.setenv("CLAIMS_TABLE", table)  # restored after the test: main() sets both
    monkeypatch.setenv("AWS_DEFAULT_REGION", get_settings().region)
    old_item("deployed", "2027-05-01")
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps({"dev": {"ClaimsTableName": table, "DistributionId": "E123"}}))
    assert backfill.main([str(outputs), "dev"]) == 0
    assert f"{table}: lawyer_due set on 1 claim(s)." in capsys.readouterr().out
    assert listed() == ["deployed"]
    assert backfill.main([str(outputs), "dev"]) == 0
    assert "lawyer_due set on 0 claim(s)." in capsys.readouterr().out
    assert backfill.main([str(outputs)]) == 2
