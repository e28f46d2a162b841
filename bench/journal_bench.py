"""The local platform's write-ahead journal (issue 25): what one journaled write costs (its record flushed to
disk before moto answers) next to the same write unjournaled, and how long a restart's restore takes with
10,000 claims (the snapshot read back, then the journal replayed over it) — in-process moto, the same
embedded AWS as ``make run``."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

WRITES = 200
CLAIMS = 10_000


def run() -> list[tuple[str, str]]:
    from bench.local_api import signed_in_creditor

    with signed_in_creditor("journal@example.fr"), tempfile.TemporaryDirectory() as work:
        from chalicelib.adapters.aws import client
        from chalicelib.adapters.dynamo import ALL_MODELS, LOCAL_ONLY_MODELS
        from chalicelib.settings import get_settings
        from infra.local.journal import Journal
        from infra.local.snapshot import LocalDataStore, checkpoint

        settings = get_settings()
        tables = [model.Meta.table_name for model in ALL_MODELS + LOCAL_ONLY_MODELS]
        root = Path(work)
        journal = Journal(root, tables, [settings.documents_bucket])
        journal.install()
        journal.open_next()
        dynamodb = client("dynamodb")

        def put(n: int) -> float:
            started = time.perf_counter()
            dynamodb.put_item(
                TableName=settings.rate_limits_table,
                Item={"key": {"S": f"bench#{n:06d}"}, "hits": {"N": "1"}},
            )
            return time.perf_counter() - started

        journal.enabled = False
        plain = statistics.median(put(n) for n in range(WRITES))
        journal.enabled = True
        journaled = statistics.median(put(WRITES + n) for n in range(WRITES))

        _seed(CLAIMS)
        store = LocalDataStore(root, tables, [settings.documents_bucket])
        checkpoint(store, journal)  # the snapshot of 10,000 claims
        for n in range(1_000):  # and a journal of 1,000 writes since
            put(2 * WRITES + n)
        journal.close()
        for table in tables:  # a restart: the tables emptied, then restored and replayed
            _empty(dynamodb, table)
        started = time.perf_counter()
        restored = store.restore()
        replayed = Journal(root, tables, [settings.documents_bucket]).replay()
        restart = time.perf_counter() - started
    return [
        (
            "journal: one DynamoDB write, unjournaled → journaled (fsync)",
            f"{plain * 1000:.2f} → {journaled * 1000:.2f} ms (median of {WRITES})",
        ),
        (
            f"journal: restart's restore, {CLAIMS:,} claims + 1,000 journaled writes",
            f"{restart:.1f} s ({restored['items']:,} items, {replayed['ops']:,} replayed)",
        ),
    ]


def _seed(count: int) -> None:
    import datetime as dt

    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.domain.claim import Claim, ClaimStatus

    base = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    claims = [
        (
            Claim(f"clm_restart_{n:06d}", "bench", ClaimStatus.DRAFT, f"Client {n} SAS", 10_000, base, base),
            "Brouillon (banc d'essai)",
        )
        for n in range(count)
    ]
    repository = ClaimRepository(wake_sender=None)
    for chunk in range(0, len(claims), 500):
        repository.create_many(claims[chunk : chunk + 500], actor="bench")


def _empty(dynamodb: object, table: str) -> None:
    from moto.dynamodb.models import dynamodb_backends

    backend = dynamodb_backends["123456789012"]["eu-west-3"]
    found = backend.tables.get(table)
    if found is not None:
        found.items.clear()
