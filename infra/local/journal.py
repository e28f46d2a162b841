"""The local platform's write-ahead journal (issue 25): nothing acknowledged is lost when the process dies.

Every write that reaches the embedded DynamoDB, S3 (the documents bucket) or Cognito (the user pool) appends
to the journal, and the journal is flushed to disk (``fsync``) **before** moto returns — so before the API
answers. A restart restores the last snapshot (infra/local/snapshot.py) and replays the journal over it.

Records are the **state after the write** of what it touched (an item, an object, a user), never the
request: replaying one twice, or replaying a record older than the snapshot's state and then the newer ones,
ends in the same state. That is what lets a checkpoint run without stopping the writes: it starts a new
journal file (a new *generation*), saves the snapshot while writes go on into the new file, then deletes the
older generations — a restart replays whatever generations are left, in order. Checkpoints run when the
journal passes ``CHECKPOINT_BYTES`` and at a clean stop: the steady cost of a write is its own record, not
the size of the data.

Format, version 1 (``journal-<generation>.log`` in the data folder, and the objects' bytes in
``journal-<generation>.blobs/<sha256>``, written and flushed before the record naming them):

    claims-local-journal 1\n
    <payload length> <crc32 of the payload, 8 hex digits> <payload: JSON {"ops": [...]}>\n   (a frame a write)

An op is one of ``{"op": "ddb.put", "table", "item"}``, ``{"op": "ddb.delete", "table", "key"}`` (DynamoDB
JSON), ``{"op": "s3.put", "bucket", "key", "blob", "metadata"}``, ``{"op": "s3.delete", "bucket", "key"}``,
``{"op": "cognito.user", "pool", "user"}``, ``{"op": "cognito.delete", "pool", "username"}``, ``{"op":
"ses.message", "region", "message"}`` (the local mailbox: a message SES "sent"). On load, a frame
whose length or checksum does not match ends the journal: the last frame torn by a crash is dropped and
reported (its write was never acknowledged), never a crash.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger("claims.local")

FORMAT = 1
HEADER = f"claims-local-journal {FORMAT}\n".encode()
CHECKPOINT_BYTES = 8 * 1024 * 1024
_FILE = re.compile(r"^journal-(\d{6})\.log$")
_LOCAL = threading.local()


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def frame(ops: list[dict[str, Any]]) -> bytes:
    payload = json.dumps({"ops": ops}, separators=(",", ":"), sort_keys=True).encode()
    return f"{len(payload)} {zlib.crc32(payload):08x} ".encode() + payload + b"\n"


@dataclass
class ReadJournal:
    ops: list[dict[str, Any]] = field(default_factory=list)
    frames: int = 0
    dropped: str = ""  # why the end of the file was left out ("" when it ended cleanly)


def read(path: Path) -> ReadJournal:
    """Every complete frame of ``path``; a torn or corrupt end is left out and said in ``dropped``."""
    result = ReadJournal()
    data = path.read_bytes()
    if not data.startswith(HEADER):
        if HEADER.startswith(data):  # a crash before the header was whole: nothing was acknowledged
            result.dropped = "en-tête incomplet"
            return result
        raise ValueError(f"{path.name} : journal d'un autre format (attendu « {HEADER.decode().strip()} »)")
    position = len(HEADER)
    while position < len(data):
        head_end = data.find(b" ", position)
        crc_end = data.find(b" ", head_end + 1) if head_end != -1 else -1
        try:
            length = int(data[position:head_end])
            crc = int(data[head_end + 1 : crc_end], 16)
        except ValueError:
            result.dropped = f"fin illisible à l'octet {position}"
            break
        payload = data[crc_end + 1 : crc_end + 1 + length]
        if len(payload) < length or data[crc_end + 1 + length : crc_end + 2 + length] != b"\n":
            result.dropped = f"dernier enregistrement incomplet (octet {position})"
            break
        if zlib.crc32(payload) != crc:
            result.dropped = f"enregistrement corrompu à l'octet {position}"
            break
        result.ops.extend(json.loads(payload)["ops"])
        result.frames += 1
        position = crc_end + 2 + length
    return result


class Journal:
    """The journal of one data folder. ``tables``, ``buckets`` and ``user_pools`` (name → id) say what is
    journaled; :meth:`install` hooks moto's backends (once per process)."""

    def __init__(
        self, root: Path, tables: list[str], buckets: list[str], user_pools: dict[str, str] | None = None
    ) -> None:
        self.root = root
        self.tables = set(tables)
        self.buckets = set(buckets)
        self.user_pools = dict(user_pools or {})
        self.enabled = False
        self._lock = threading.RLock()
        self._handle: Any = None
        self._generation = 0
        self._users_seen: dict[tuple[str, str], str] = {}
        self.writes = 0

    # --- files --------------------------------------------------------------------------------------
    def generations(self) -> list[int]:
        if not self.root.exists():
            return []
        return sorted(int(m.group(1)) for p in self.root.iterdir() if (m := _FILE.match(p.name)))

    def _path(self, generation: int) -> Path:
        return self.root / f"journal-{generation:06d}.log"

    def _blobs(self, generation: int) -> Path:
        return self.root / f"journal-{generation:06d}.blobs"

    @property
    def size(self) -> int:
        return self._handle.tell() if self._handle is not None else 0

    def open_next(self) -> int:
        """Start a new generation (its header flushed); returns the generation that was current."""
        with self._lock:
            previous = self._generation
            self._generation = max([previous, *self.generations()]) + 1
            self.root.mkdir(parents=True, exist_ok=True)
            if self._handle is not None:
                self._handle.close()
            self._handle = open(self._path(self._generation), "ab")  # noqa: SIM115 (kept open: the journal)
            self._handle.write(HEADER)
            self._handle.flush()
            os.fsync(self._handle.fileno())
            return previous

    def drop_up_to(self, generation: int) -> None:
        """Delete the generations a finished snapshot covers."""
        for old in self.generations():
            if old <= generation:
                self._path(old).unlink(missing_ok=True)
                shutil.rmtree(self._blobs(old), ignore_errors=True)

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None

    # --- writing ------------------------------------------------------------------------------------
    def append(self, ops: list[dict[str, Any]]) -> None:
        if not ops or not self.enabled or self._handle is None:
            return
        with self._lock:
            self._handle.write(frame(ops))
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self.writes += 1

    def blob(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        folder = self._blobs(self._generation)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / digest
        if not target.exists():
            temporary = folder / f".{digest}.tmp"
            _fsync_write(temporary, content)
            os.replace(temporary, target)
        return digest

    # --- replay -------------------------------------------------------------------------------------
    def replay(self) -> dict[str, Any]:
        """Apply every generation left on disk, in order (after the snapshot was restored)."""
        counts: dict[str, Any] = {"frames": 0, "ops": 0, "dropped": []}
        for generation in self.generations():
            found = read(self._path(generation))
            if found.dropped:
                counts["dropped"].append(f"{self._path(generation).name} : {found.dropped}")
                logger.warning("journal %s: %s", self._path(generation).name, found.dropped)
            for op in found.ops:
                self._apply(op, generation)
            counts["frames"] += found.frames
            counts["ops"] += len(found.ops)
        return counts

    def _apply(self, op: dict[str, Any], generation: int) -> None:
        from chalicelib.adapters.aws import client

        kind = op["op"]
        if kind == "ddb.put":
            client("dynamodb").put_item(TableName=op["table"], Item=op["item"])
        elif kind == "ddb.delete":
            client("dynamodb").delete_item(TableName=op["table"], Key=op["key"])
        elif kind == "s3.put":
            metadata = op.get("metadata") or {}
            body = (self._blobs(generation) / op["blob"]).read_bytes()
            client("s3").put_object(
                Bucket=op["bucket"],
                Key=op["key"],
                Body=body,
                ContentType=metadata.get("content-type", "binary/octet-stream"),
                Metadata={
                    k[len("x-amz-meta-") :]: v for k, v in metadata.items() if k.startswith("x-amz-meta-")
                },
            )
        elif kind == "s3.delete":
            client("s3").delete_object(Bucket=op["bucket"], Key=op["key"])
        elif kind == "cognito.user":
            pool_id = self.user_pools.get(op["pool"])
            if pool_id:
                put_user(pool_id, op["user"])
        elif kind == "cognito.delete":
            pool_id = self.user_pools.get(op["pool"])
            if pool_id:
                _pool(pool_id).users.pop(op["username"], None)
        elif kind == "ses.message":
            put_message(op["region"], op["message"])

    # --- hooks --------------------------------------------------------------------------------------
    def install(self) -> None:
        global _CURRENT
        _CURRENT = self
        _install_hooks()
        for name, pool_id in self.user_pools.items():  # what Cognito holds now is not a change
            for user in _pool(pool_id).users.values():
                self._users_seen[(name, user.username)] = _user_digest(user_state(user))

    def cognito_changed(self) -> None:
        ops: list[dict[str, Any]] = []
        for name, pool_id in self.user_pools.items():
            users = {u.username: user_state(u) for u in list(_pool(pool_id).users.values())}
            for username, state in users.items():
                digest = _user_digest(state)
                if self._users_seen.get((name, username)) != digest:
                    self._users_seen[(name, username)] = digest
                    ops.append({"op": "cognito.user", "pool": name, "user": state})
            for seen_name, username in list(self._users_seen):
                if seen_name == name and username not in users:
                    del self._users_seen[(seen_name, username)]
                    ops.append({"op": "cognito.delete", "pool": name, "username": username})
        self.append(ops)


_CURRENT: Journal | None = None
_INSTALLED = False
LOCAL_ACCOUNT = "123456789012"


def _pool(pool_id: str) -> Any:
    from moto.cognitoidp.models import cognitoidp_backends

    return cognitoidp_backends[LOCAL_ACCOUNT][pool_id.split("_", 1)[0]].user_pools[pool_id]


def user_state(user: Any) -> dict[str, Any]:
    """A Cognito user as the snapshot and the journal keep it (moto keeps the local password in clear)."""
    return {
        "username": user.username,
        "sub": user.id,
        "password": user.password,
        "status": getattr(user.status, "value", str(user.status)),
        "enabled": bool(user.enabled),
        "attributes": user.attributes,
        "groups": sorted(group.group_name for group in user.groups),
    }


def _user_digest(state: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def put_user(pool_id: str, saved: dict[str, Any]) -> None:
    """Create or replace a user from its kept state (the snapshot's and the journal's)."""
    from moto.cognitoidp.models import CognitoIdpUser, UserStatus

    pool = _pool(pool_id)
    old = pool.users.pop(saved["username"], None)
    if old is not None:
        for group in list(old.groups):
            group.users.discard(old)
    user = CognitoIdpUser(
        pool_id, saved["username"], saved["password"], UserStatus(saved["status"]), saved["attributes"]
    )
    user.id = saved["sub"]
    user.update_attributes([{"Name": "sub", "Value": saved["sub"]}])
    user.enabled = saved["enabled"]
    pool.users[user.username] = user
    for group_name in saved["groups"]:
        group = pool.groups.get(group_name)
        if group is not None:
            group.users.add(user)
            user.groups.add(group)


def message_state(message: Any) -> dict[str, Any]:
    """A message of the local mailbox as the journal and the snapshot keep it."""
    state = {k: v for k, v in vars(message).items() if k != "sent_at"}
    sent_at = getattr(message, "sent_at", None)
    return {
        "type": type(message).__name__,
        "fields": state,
        "sent_at": sent_at.isoformat() if sent_at else None,
    }


def put_message(region: str, saved: dict[str, Any]) -> None:
    """Put a kept message back in the local mailbox (once: a message already there is not added again)."""
    import datetime as dt

    from moto.ses import models
    from moto.ses.models import ses_backends

    backend = ses_backends[LOCAL_ACCOUNT][region]
    if any(getattr(m, "id", None) == saved["fields"].get("id") for m in backend.sent_messages):
        return
    message = getattr(models, saved["type"]).__new__(getattr(models, saved["type"]))
    message.__dict__.update(saved["fields"])
    if saved.get("sent_at"):
        message.sent_at = dt.datetime.fromisoformat(saved["sent_at"])
    backend.sent_messages.append(message)
    backend.sent_message_count += 1


def _ddb_keys(
    backend: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> list[tuple[str, dict]]:
    def key_of(table_name: str, attrs: dict[str, Any]) -> dict[str, Any]:
        table = backend.get_table(table_name)
        key = {table.hash_key_attr: attrs[table.hash_key_attr]}
        if table.range_key_attr is not None:
            key[table.range_key_attr] = attrs[table.range_key_attr]
        return key

    try:
        if name == "put_item":
            table_name = kwargs.get("table_name", args[0] if args else "")
            return [
                (table_name, key_of(table_name, kwargs.get("item_attrs", args[1] if len(args) > 1 else {})))
            ]
        if name in ("update_item", "delete_item"):
            table_name = kwargs.get("table_name", args[0] if args else "")
            return [(table_name, dict(kwargs.get("key", args[1] if len(args) > 1 else {})))]
        if name == "transact_write_items":
            keys = []
            for entry in kwargs.get("transact_items", args[0] if args else []):
                kind, op = next(iter(entry.items()))
                if kind == "ConditionCheck":
                    continue
                table_name = op["TableName"]
                keys.append((table_name, key_of(table_name, op["Item"]) if "Item" in op else dict(op["Key"])))
            return keys
    except Exception:  # malformed: moto refuses it, nothing is written
        return []
    return []


def _ddb_state(backend: Any, table_name: str, key: dict[str, Any]) -> dict[str, Any]:
    item = backend.get_item(table_name, key)
    if item is None:
        return {"op": "ddb.delete", "table": table_name, "key": key}
    return {"op": "ddb.put", "table": table_name, "item": item.to_json()["Attributes"]}


def _install_hooks() -> None:
    global _INSTALLED
    if _INSTALLED:
        return
    _INSTALLED = True
    _hook_dynamodb()
    _hook_s3()
    _hook_ses()
    _hook_cognito()


def _hook_dynamodb() -> None:
    from moto.dynamodb import models as dynamodb

    from infra.local.localaws import _DYNAMODB_WRITE_LOCK

    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        original = getattr(dynamodb.DynamoDBBackend, name)

        def journaled(
            self: Any, *args: Any, _original: Callable[..., Any] = original, _name: str = name, **kwargs: Any
        ) -> Any:
            journal = _CURRENT
            if journal is None or not journal.enabled:
                return _original(self, *args, **kwargs)
            with _DYNAMODB_WRITE_LOCK:  # the state read and its record in the order of the writes
                depth = getattr(_LOCAL, "ddb_depth", 0)
                if depth == 0:
                    _LOCAL.ddb_keys = []
                _LOCAL.ddb_depth = depth + 1
                _LOCAL.ddb_keys.extend(_ddb_keys(self, _name, args, kwargs))
                try:
                    return _original(self, *args, **kwargs)
                finally:
                    _LOCAL.ddb_depth -= 1
                    if _LOCAL.ddb_depth == 0:
                        touched = {(t, json.dumps(k, sort_keys=True)): (t, k) for t, k in _LOCAL.ddb_keys}
                        journal.append(
                            [_ddb_state(self, t, k) for t, k in touched.values() if t in journal.tables]
                        )

        setattr(dynamodb.DynamoDBBackend, name, journaled)


def _hook_s3() -> None:
    from moto.s3.models import S3Backend

    def s3_state(backend: Any, journal: Journal, bucket: str, key: str) -> dict[str, Any]:
        found = backend.get_object(bucket, key)
        if found is None:
            return {"op": "s3.delete", "bucket": bucket, "key": key}
        return {
            "op": "s3.put",
            "bucket": bucket,
            "key": key,
            "blob": journal.blob(found.value),
            "metadata": {
                k.lower(): v for k, v in dict(found.metadata).items() if k.lower() != "x-amz-content-sha256"
            },
        }

    def s3_hook(
        name: str, touched: Callable[[tuple[Any, ...], dict[str, Any]], list[tuple[str, str]]]
    ) -> None:
        original = getattr(S3Backend, name)

        def journaled(self: Any, *args: Any, _original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            journal = _CURRENT
            if journal is None or not journal.enabled:
                return _original(self, *args, **kwargs)
            with journal._lock:
                result = _original(self, *args, **kwargs)
                ops = [
                    s3_state(self, journal, b, k) for b, k in touched(args, kwargs) if b in journal.buckets
                ]
                journal.append(ops)
                return result

        setattr(S3Backend, name, journaled)

    s3_hook(
        "put_object",
        lambda a, k: [
            (k.get("bucket_name", a[0] if a else ""), k.get("key_name", a[1] if len(a) > 1 else ""))
        ],
    )
    s3_hook(
        "delete_object",
        lambda a, k: [
            (k.get("bucket_name", a[0] if a else ""), k.get("key_name", a[1] if len(a) > 1 else ""))
        ],
    )
    s3_hook(
        "copy_object",
        lambda a, k: [
            (
                k.get("dest_bucket_name", a[1] if len(a) > 1 else ""),
                k.get("dest_key_name", a[2] if len(a) > 2 else ""),
            )
        ],
    )
    s3_hook(
        "delete_objects",
        lambda a, k: [
            (k.get("bucket_name", a[0] if a else ""), str(o.get("Key", "")))
            for o in k.get("objects", a[1] if len(a) > 1 else [])
        ],
    )


def _hook_ses() -> None:
    from moto.ses.models import SESBackend

    for name in ("send_email", "send_raw_email", "send_templated_email"):
        original = getattr(SESBackend, name)

        def journaled_mail(
            self: Any, *args: Any, _original: Callable[..., Any] = original, **kwargs: Any
        ) -> Any:
            journal = _CURRENT
            if journal is None or not journal.enabled:
                return _original(self, *args, **kwargs)
            with journal._lock:
                before = len(self.sent_messages)
                result = _original(self, *args, **kwargs)
                journal.append(
                    [
                        {"op": "ses.message", "region": self.region_name, "message": message_state(m)}
                        for m in self.sent_messages[before:]
                    ]
                )
                return result

        setattr(SESBackend, name, journaled_mail)


def _hook_cognito() -> None:
    from moto.cognitoidp.models import CognitoIdpBackend

    for name in (
        "admin_add_user_to_group",
        "admin_confirm_sign_up",
        "admin_create_user",
        "admin_delete_user",
        "admin_disable_user",
        "admin_enable_user",
        "admin_remove_user_from_group",
        "admin_reset_user_password",
        "admin_respond_to_auth_challenge",
        "admin_set_user_password",
        "admin_update_user_attributes",
        "admin_delete_user_attributes",
        "change_password",
        "confirm_forgot_password",
        "confirm_sign_up",
        "forgot_password",
        "respond_to_auth_challenge",
        "sign_up",
        "update_user_attributes",
    ):
        original = getattr(CognitoIdpBackend, name)

        def journaled_user(
            self: Any, *args: Any, _original: Callable[..., Any] = original, **kwargs: Any
        ) -> Any:
            journal = _CURRENT
            if journal is None or not journal.enabled:
                return _original(self, *args, **kwargs)
            with journal._lock:
                try:
                    return _original(self, *args, **kwargs)
                finally:
                    journal.cognito_changed()

        setattr(CognitoIdpBackend, name, journaled_user)


def iter_ops(path: Path) -> Iterator[dict[str, Any]]:
    yield from read(path).ops
