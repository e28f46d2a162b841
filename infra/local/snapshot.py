"""Local data that survives a restart: DynamoDB items, S3 objects and Cognito users (with their local
passwords, in clear: moto keeps them so) saved under a git-ignored folder.

Saved at checkpoints (when the write-ahead journal, infra/local/journal.py, has grown, and at a clean stop),
restored right after provisioning, then the journal is replayed over it. Written atomically (temporary file +
rename), so a crash mid-save keeps the previous file. Step Functions executions are not saved:
an execution that was waiting when the platform stopped is gone (see README, "Local platform").
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from pathlib import Path
from typing import Any

from chalicelib.adapters.aws import client

logger = logging.getLogger("claims.local")
FORMAT_VERSION = 1


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


LOCAL_ACCOUNT = "123456789012"


def _user_pool(pool_id: str) -> Any:
    """moto's user pool object (same process): only it knows the users' passwords and ids."""
    from moto.cognitoidp.models import cognitoidp_backends

    region = pool_id.split("_", 1)[0]
    return cognitoidp_backends[LOCAL_ACCOUNT][region].user_pools[pool_id]


class LocalDataStore:
    def __init__(
        self, root: Path, tables: list[str], buckets: list[str], user_pools: dict[str, str] | None = None
    ) -> None:
        self.root = root
        self.tables = tables
        self.buckets = buckets
        # pool name → pool id; saved by name, so that a pool recreated with another id gets its users back
        self.user_pools = user_pools or {}
        self._lock = threading.Lock()

    # --- save ----------------------------------------------------------------------------------------
    def save(self) -> None:
        with self._lock:
            for table in self.tables:
                self._save_table(table)
            for bucket in self.buckets:
                self._save_bucket(bucket)
            for name, pool_id in self.user_pools.items():
                self._save_users(name, pool_id)
            self._save_mailbox()

    def _save_mailbox(self) -> None:
        """The local mailbox (what SES "sent"), so that a restart shows the emails of earlier runs."""
        from moto.ses.models import ses_backends

        from infra.local.journal import message_state

        regions = {
            region: [message_state(m) for m in list(backend.sent_messages)]
            for region, backend in ses_backends[LOCAL_ACCOUNT].items()
            if backend.sent_messages
        }
        _write_atomically(
            self.root / "mailbox.json", json.dumps({"format": FORMAT_VERSION, "regions": regions}).encode()
        )

    def _restore_mailbox(self) -> int:
        from infra.local.journal import put_message

        path = self.root / "mailbox.json"
        if not path.exists():
            return 0
        regions = json.loads(path.read_text(encoding="utf-8"))["regions"]
        for region, saved in regions.items():
            for message in saved:
                put_message(region, message)
        return sum(len(saved) for saved in regions.values())

    def _save_users(self, name: str, pool_id: str) -> None:
        users = [
            {
                "username": user.username,
                "sub": user.id,
                "password": user.password,
                "status": getattr(user.status, "value", str(user.status)),
                "enabled": bool(user.enabled),
                "attributes": user.attributes,
                "groups": sorted(group.group_name for group in user.groups),
            }
            for user in list(_user_pool(pool_id).users.values())
        ]
        payload = json.dumps({"format": FORMAT_VERSION, "pool": name, "users": users}, sort_keys=True)
        target = self.root / "cognito" / f"{name}.json"
        if not target.exists() or target.read_text(encoding="utf-8") != payload:
            _write_atomically(target, payload.encode())

    def _save_table(self, table: str) -> None:
        items: list[dict[str, Any]] = []
        for page in client("dynamodb").get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
            items.extend(page["Items"])
        payload = json.dumps({"format": FORMAT_VERSION, "table": table, "items": items}, sort_keys=True)
        target = self.root / "dynamodb" / f"{table}.json"
        if not target.exists() or target.read_text(encoding="utf-8") != payload:
            _write_atomically(target, payload.encode())

    def _save_bucket(self, bucket: str) -> None:
        s3 = client("s3")
        folder = self.root / "s3" / bucket
        index_path = self.root / "s3" / f"{bucket}.index.json"
        previous = json.loads(index_path.read_text()) if index_path.exists() else {}
        index: dict[str, dict[str, Any]] = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for entry in page.get("Contents", []):
                key = entry["Key"]
                blob = hashlib.sha256(key.encode()).hexdigest()
                if previous.get(key, {}).get("etag") == entry["ETag"] and (folder / blob).exists():
                    index[key] = previous[key]
                    continue
                obj = s3.get_object(Bucket=bucket, Key=key)
                _write_atomically(folder / blob, obj["Body"].read())
                index[key] = {
                    "etag": entry["ETag"],
                    "blob": blob,
                    "content_type": obj.get("ContentType", "binary/octet-stream"),
                    "metadata": obj.get("Metadata", {}),
                }
        for key, entry in previous.items():  # objects deleted since the last save
            if key not in index:
                (folder / entry["blob"]).unlink(missing_ok=True)
        _write_atomically(index_path, json.dumps(index, sort_keys=True, indent=1).encode())

    # --- restore -------------------------------------------------------------------------------------
    def restore(self) -> dict[str, int]:
        """Put saved items and objects back; returns how many of each were restored."""
        counts = {"items": 0, "objects": 0, "users": 0}
        with self._lock:
            for table in self.tables:
                counts["items"] += self._restore_table(table)
            for bucket in self.buckets:
                counts["objects"] += self._restore_bucket(bucket)
            for name, pool_id in self.user_pools.items():
                counts["users"] += self._restore_users(name, pool_id)
            counts["emails"] = self._restore_mailbox()
            counts["totals_corrected"] = self._rebuild_totals()
            counts["lawyer_due_set"] = self.backfill_lawyer_due()
        return counts

    def backfill_lawyer_due(self) -> int:
        """Claims saved before the ``by_lawyer_due`` index (a lawyer's list) existed lack its sort key and
        would be missing from their lawyer's list: set it (a no-op once done)."""
        from chalicelib.adapters.claims_repository import ClaimRepository
        from chalicelib.settings import get_settings

        if get_settings().claims_table not in self.tables:
            return 0
        return ClaimRepository(wake_sender=None).backfill_lawyer_due()

    def _rebuild_totals(self) -> int:
        """The dashboard rows are saved apart from the claims (and older snapshots have none): set them
        again from the restored claims (chalicelib/domain/totals.py)."""
        from chalicelib.adapters.claims_repository import ClaimRepository
        from chalicelib.settings import get_settings

        settings = get_settings()
        if not {settings.claims_table, settings.claim_totals_table} <= set(self.tables):
            return 0
        return ClaimRepository(wake_sender=None).rebuild_totals()

    def _restore_users(self, name: str, pool_id: str) -> int:
        from infra.local.journal import put_user

        path = self.root / "cognito" / f"{name}.json"
        if not path.exists():
            return 0
        pool = _user_pool(pool_id)
        restored = 0
        for saved in json.loads(path.read_text(encoding="utf-8"))["users"]:
            if saved["username"] in pool.users:
                continue
            put_user(pool_id, saved)
            restored += 1
        return restored

    def _restore_table(self, table: str) -> int:
        path = self.root / "dynamodb" / f"{table}.json"
        if not path.exists():
            return 0
        items = json.loads(path.read_text(encoding="utf-8"))["items"]
        dynamodb = client("dynamodb")
        for start in range(0, len(items), 25):
            requests: dict[str, Any] = {
                table: [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            }
            while requests:
                requests = dynamodb.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}
        return len(items)

    def _restore_bucket(self, bucket: str) -> int:
        index_path = self.root / "s3" / f"{bucket}.index.json"
        if not index_path.exists():
            return 0
        index = json.loads(index_path.read_text())
        s3 = client("s3")
        for key, entry in index.items():
            body = (self.root / "s3" / bucket / entry["blob"]).read_bytes()
            s3.put_object(
                Bucket=bucket,
                Key=key,
                Body=body,
                ContentType=entry["content_type"],
                Metadata=entry["metadata"],
            )
            # ETags change with the upload only for multipart objects; keep the index in step anyway.
            entry["etag"] = s3.head_object(Bucket=bucket, Key=key)["ETag"]
        _write_atomically(index_path, json.dumps(index, sort_keys=True, indent=1).encode())
        return len(index)

    def wipe(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def checkpoint(store: LocalDataStore, journal: Any) -> None:
    """A new journal generation, a snapshot while the writes go on into it, then the generations the
    snapshot covers deleted (infra/local/journal.py explains why this order loses nothing)."""
    covered = journal.open_next()
    store.save()
    journal.drop_up_to(covered)


class Checkpointer(threading.Thread):
    """Every ``interval`` seconds, a checkpoint when the journal has grown past ``journal_bytes``: the
    steady cost of a write is its journal record; the full snapshot runs once per that many bytes of writes.
    Failures are logged, never fatal (the journal keeps every write)."""

    def __init__(
        self, store: LocalDataStore, journal: Any, interval: float, journal_bytes: int | None = None
    ) -> None:
        super().__init__(name="local-data-checkpoints", daemon=True)
        from infra.local.journal import CHECKPOINT_BYTES

        self.store = store
        self.journal = journal
        self.interval = interval
        self.journal_bytes = journal_bytes or CHECKPOINT_BYTES
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            try:
                if self.journal.size > self.journal_bytes:
                    checkpoint(self.store, self.journal)
            except Exception:
                logger.exception("could not checkpoint the local data")

    def stop(self) -> None:
        self._stop_event.set()
