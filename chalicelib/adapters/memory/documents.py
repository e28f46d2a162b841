"""The document store in memory: :class:`InMemoryDocumentStore`, the twin of
:class:`chalicelib.adapters.document_store.DocumentStore` for fast service tests.

Objects are kept as bytes with their content type. The presigned POST and the download link have the
shape S3's have (the policy's conditions; the link's ``response-*`` parameters and ``X-Amz-Expires``), and
the twin can play the browser's side of both: :meth:`InMemoryDocumentStore.receive_post` enforces the
POST policy as S3 does (moto does not), :meth:`InMemoryDocumentStore.open_link` answers a link until it
expires.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
import urllib.parse
from dataclasses import dataclass
from typing import Any

from chalicelib.adapters.document_store import (
    NOT_RECEIVED,
    DocumentStore,
    content_disposition,
    download_type,
)
from chalicelib.domain.errors import NotFound
from chalicelib.domain.uploads import MAX_UPLOAD_BYTES

SCHEME = "memory"
_AMZ_DATE = "%Y%m%dT%H%M%SZ"


class PostRefused(Exception):
    """What S3 answers 403 to: an upload outside the presigned POST's policy (expired, another key or
    Content-Type, a size outside the range)."""


class LinkRefused(Exception):
    """What S3 answers 403 or 404 to: an expired link, another bucket, a missing object."""


@dataclass(frozen=True)
class StoredObject:
    content: bytes
    content_type: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class InMemoryDocumentStore(DocumentStore):
    """A :class:`DocumentStore` whose bucket is a dictionary. Never raises ``TransientError``."""

    def __init__(self, bucket: str | None = None) -> None:
        super().__init__(bucket)
        self.objects: dict[str, StoredObject] = {}
        self._lock = threading.Lock()

    def _read(self, key: str) -> StoredObject | None:
        with self._lock:
            return self.objects.get(key)

    def content_type(self, key: str) -> str | None:
        """The stored object's Content-Type (S3's ``HeadObject``), None when it does not exist."""
        stored = self._read(key)
        return stored.content_type if stored is not None else None

    # --- the port ------------------------------------------------------------------------------------------
    def presigned_post(
        self, key: str, content_type: str, max_bytes: int = MAX_UPLOAD_BYTES, expires_in: int = 900
    ) -> dict[str, Any]:
        expiration = _now() + dt.timedelta(seconds=expires_in)
        policy = {
            "expiration": expiration.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "conditions": [
                {"Content-Type": content_type},
                ["content-length-range", 1, max_bytes],
                {"bucket": self.bucket},
                {"key": key},
            ],
        }
        encoded = base64.b64encode(json.dumps(policy).encode()).decode()
        return {
            "url": f"{SCHEME}://{self.bucket}/",
            "fields": {"Content-Type": content_type, "key": key, "policy": encoded},
        }

    def get(self, key: str, max_bytes: int) -> bytes:
        stored = self._read(key)
        if stored is None:
            raise NotFound(NOT_RECEIVED)
        return stored.content[: max_bytes + 1]

    def size(self, key: str) -> int | None:
        stored = self._read(key)
        return len(stored.content) if stored is not None else None

    def put(self, key: str, content: bytes, content_type: str) -> None:
        with self._lock:
            self.objects[key] = StoredObject(bytes(content), content_type)

    def put_new(self, key: str, content: bytes, content_type: str) -> bool:
        with self._lock:
            if key in self.objects:
                return False
            self.objects[key] = StoredObject(bytes(content), content_type)
            return True

    def copy(self, source: str, target: str) -> None:
        with self._lock:
            stored = self.objects.get(source)
            if stored is None:
                raise NotFound(NOT_RECEIVED)
            self.objects[target] = stored  # S3 copies the metadata (Content-Type) with the bytes

    def delete(self, key: str) -> None:
        with self._lock:
            self.objects.pop(key, None)

    def presigned_get(
        self, key: str, filename: str, expires_in: int = 300, content_type: str | None = None
    ) -> str:
        query = urllib.parse.urlencode(
            {
                "response-content-disposition": content_disposition(filename),
                "response-content-type": content_type or download_type(filename),
                "response-cache-control": "private, no-store",
                "X-Amz-Date": _now().strftime(_AMZ_DATE),
                "X-Amz-Expires": str(expires_in),
            },
            quote_via=urllib.parse.quote,
        )
        return f"{SCHEME}://{self.bucket}/{urllib.parse.quote(key)}?{query}"

    def keys_under(self, prefix: str) -> list[str]:
        with self._lock:
            return sorted(key for key in self.objects if key.startswith(prefix))

    def delete_many(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self.objects.pop(key, None)

    # --- the browser's side --------------------------------------------------------------------------------
    def receive_post(self, fields: dict[str, str], content: bytes) -> None:
        """Store ``content`` as the browser's multipart POST of ``fields`` would, if the policy allows it."""
        policy = json.loads(base64.b64decode(fields["policy"]))
        expiration = dt.datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        if _now() > expiration:
            raise PostRefused("Policy expired")
        for condition in policy["conditions"]:
            if isinstance(condition, list):  # ["content-length-range", low, high]
                _, low, high = condition
                if not low <= len(content) <= high:
                    raise PostRefused(f"EntityTooLarge or EntityTooSmall: {len(content)} bytes")
                continue
            [(name, value)] = condition.items()
            given = self.bucket if name == "bucket" else fields.get(name)
            if given != value:
                raise PostRefused(f"Policy Condition failed: {name}")
        self.put(fields["key"], content, fields["Content-Type"])

    def open_link(self, url: str, *, now: dt.datetime | None = None) -> StoredObject:
        """What following a :meth:`presigned_get` link gives: the object, with the type the link names."""
        parts = urllib.parse.urlsplit(url)
        query = dict(urllib.parse.parse_qsl(parts.query))
        if parts.scheme != SCHEME or parts.netloc != self.bucket:
            raise LinkRefused(f"not a link of this store: {url}")
        signed = dt.datetime.strptime(query["X-Amz-Date"], _AMZ_DATE).replace(tzinfo=dt.UTC)
        if (now or _now()) > signed + dt.timedelta(seconds=int(query["X-Amz-Expires"])):
            raise LinkRefused("Request has expired")
        stored = self._read(urllib.parse.unquote(parts.path.lstrip("/")))
        if stored is None:
            raise LinkRefused("NoSuchKey")
        return StoredObject(stored.content, query["response-content-type"])
