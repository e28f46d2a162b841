"""Amazon S3 for documents: the creditor's uploads (sent straight from the browser through a presigned POST)
and the generated letters and dossiers. The only module that talks to S3 about documents.

Keys: ``claims/{claim_id}/uploads/{document_id}`` for uploads. A throttled or failing S3 raises
``TransientError`` (worth retrying); a missing object raises ``NotFound``. The presigned POST's policy makes
S3 refuse an oversize or mistyped upload on AWS (moto does not check it): the bytes are still checked by
``inspect_upload`` after ``get``, which never reads more than one byte past the limit.
"""

from __future__ import annotations

import unicodedata
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chalicelib.adapters.aws import client
from chalicelib.adapters.errors import TransientError
from chalicelib.domain.errors import NotFound
from chalicelib.domain.uploads import MAX_UPLOAD_BYTES, safe_filename
from chalicelib.settings import get_settings

# S3 error codes that mean "try again later" (besides any 5xx status).
_TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "SlowDown",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "ServiceUnavailable",
        "InternalError",
        "RequestTimeout",
    }
)
_MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
NOT_RECEIVED = "Le fichier n'a pas été reçu : recommencez l'envoi."


def _is_missing(error: Any) -> bool:
    return str(error.response.get("Error", {}).get("Code", "")) in _MISSING_CODES


@contextmanager
def _s3_errors() -> Iterator[None]:
    """Throttling, 5xx and network failures become ``TransientError``; everything else propagates."""
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    try:
        yield
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if code in _TRANSIENT_CODES or status >= 500:
            raise TransientError(f"S3 unavailable: {error}") from error
        raise
    except (ConnectionError, HTTPClientError) as error:
        raise TransientError(f"S3 unreachable: {error}") from error


def _ascii_filename(filename: str) -> str:
    """A plain ASCII fallback for old browsers: accents dropped, quotes and separators replaced."""
    decomposed = unicodedata.normalize("NFKD", filename.replace("°", "o").replace("’", "'"))
    ascii_name = decomposed.encode("ascii", "ignore").decode("ascii")
    cleaned = "".join(ch if ch.isprintable() and ch not in '"\\/;' else "_" for ch in ascii_name).strip()
    return cleaned or "document"


def content_disposition(filename: str) -> str:
    """``attachment`` with the name twice: ASCII for every browser, UTF-8 (RFC 6266) for the accents. The
    name is made harmless first (``safe_filename``: no folder, control or bidi character…)."""
    safe = safe_filename(filename)
    encoded = urllib.parse.quote(safe, safe="")
    return f"attachment; filename=\"{_ascii_filename(safe)}\"; filename*=UTF-8''{encoded}"


# The types of what the platform hands out; anything else is a plain download.
_DOWNLOAD_TYPES = {
    "pdf": "application/pdf",
    "zip": "application/zip",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "csv": "text/csv; charset=utf-8",
    "xml": "application/xml",
}


def download_type(filename: str) -> str:
    """The media type a download named ``filename`` is sent as: its extension's when it is one of the
    platform's documents, else ``application/octet-stream``."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return _DOWNLOAD_TYPES.get(extension, "application/octet-stream")


class DocumentStore:
    """Documents in the configured bucket (``DOCUMENTS_BUCKET``)."""

    def __init__(self, bucket: str | None = None) -> None:
        self.bucket = bucket or get_settings().documents_bucket

    @staticmethod
    def upload_key(claim_id: str, document_id: str) -> str:
        return f"claims/{claim_id}/uploads/{document_id}"

    def presigned_post(
        self, key: str, content_type: str, max_bytes: int = MAX_UPLOAD_BYTES, expires_in: int = 900
    ) -> dict[str, Any]:
        """What the browser needs to upload one file to ``key``: ``{"url": …, "fields": {…}}`` (send the
        fields then the file, as multipart/form-data). S3 refuses a body outside 1..max_bytes bytes or another
        Content-Type."""
        s3 = client("s3")
        with _s3_errors():
            post: dict[str, Any] = s3.generate_presigned_post(
                Bucket=self.bucket,
                Key=key,
                Fields={"Content-Type": content_type},
                Conditions=[["content-length-range", 1, max_bytes], {"Content-Type": content_type}],
                ExpiresIn=expires_in,
            )
        return post

    def get(self, key: str, max_bytes: int) -> bytes:
        """The object's bytes, or only its first ``max_bytes + 1`` bytes when it is larger: a result longer
        than ``max_bytes`` means "too large" (``inspect_upload`` refuses it as ``file_too_large``), found
        without loading the whole object. ``NotFound`` when nothing was uploaded."""
        s3 = client("s3")
        try:
            with _s3_errors():
                response = s3.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{max_bytes}")
                body = response["Body"]
                try:
                    content: bytes = body.read(max_bytes + 1)
                finally:
                    body.close()
        except s3.exceptions.ClientError as error:
            if _is_missing(error):
                raise NotFound(NOT_RECEIVED) from error
            if error.response.get("Error", {}).get("Code") == "InvalidRange" and self.size(key) == 0:
                return b""  # S3 cannot serve a range of an empty object
            raise
        return content

    def size(self, key: str) -> int | None:
        """The object's size in bytes, or None when it does not exist."""
        s3 = client("s3")
        try:
            with _s3_errors():
                head = s3.head_object(Bucket=self.bucket, Key=key)
        except s3.exceptions.ClientError as error:
            if _is_missing(error):
                return None
            raise
        return int(head["ContentLength"])

    def put(self, key: str, content: bytes, content_type: str) -> None:
        s3 = client("s3")
        with _s3_errors():
            s3.put_object(Bucket=self.bucket, Key=key, Body=content, ContentType=content_type)

    def put_new(self, key: str, content: bytes, content_type: str) -> bool:
        """Store the object only if no object has that key (S3's conditional write, ``If-None-Match: *``):
        True when written, False when one was there already — or when another writer's put of the same key
        won at the same instant (S3 answers 412, or 409 while the two are in flight)."""
        s3 = client("s3")
        try:
            with _s3_errors():
                s3.put_object(
                    Bucket=self.bucket, Key=key, Body=content, ContentType=content_type, IfNoneMatch="*"
                )
        except s3.exceptions.ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in {"PreconditionFailed", "ConditionalRequestConflict"}:
                return False
            raise
        return True

    def copy(self, source: str, target: str) -> None:
        """Copy an object inside the bucket, server side (its bytes never pass through the function).
        ``NotFound`` when the source does not exist."""
        s3 = client("s3")
        try:
            with _s3_errors():
                s3.copy_object(
                    Bucket=self.bucket, Key=target, CopySource={"Bucket": self.bucket, "Key": source}
                )
        except s3.exceptions.ClientError as error:
            if _is_missing(error):
                raise NotFound(NOT_RECEIVED) from error
            raise

    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing object is not an error."""
        s3 = client("s3")
        with _s3_errors():
            s3.delete_object(Bucket=self.bucket, Key=key)

    def presigned_get(
        self, key: str, filename: str, expires_in: int = 300, content_type: str | None = None
    ) -> str:
        """A short-lived download link that saves the file as ``filename``. S3 answers it with the headers
        the link names, whatever the object says: always a download (``attachment``, never shown in the
        page), the type ``content_type`` or the one of the name's extension (``application/octet-stream``
        when unknown), never kept by a cache. S3 cannot send ``X-Content-Type-Options: nosniff``: a type
        that is always set is what keeps browsers from guessing one."""
        s3 = client("s3")
        with _s3_errors():
            url: str = s3.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.bucket,
                    "Key": key,
                    "ResponseContentDisposition": content_disposition(filename),
                    "ResponseContentType": content_type or download_type(filename),
                    "ResponseCacheControl": "private, no-store",
                },
                ExpiresIn=expires_in,
            )
        return url

    def keys_under(self, prefix: str) -> list[str]:
        """Every object key starting with ``prefix`` (end it with ``/``: ``claims/abc/`` is not
        ``claims/abcd/``)."""
        s3 = client("s3")
        keys: list[str] = []
        with _s3_errors():
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
                keys += [str(entry["Key"]) for entry in page.get("Contents", [])]
        return keys

    def delete_many(self, keys: list[str]) -> None:
        """Remove these objects (1,000 per request); a missing one is not an error. On a versioned bucket
        this leaves delete markers: the bucket's lifecycle rule expires the previous versions."""
        s3 = client("s3")
        for start in range(0, len(keys), 1000):
            chunk = keys[start : start + 1000]
            with _s3_errors():
                response = s3.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": [{"Key": key} for key in chunk], "Quiet": True}
                )
            errors = response.get("Errors") or []
            if errors:
                raise TransientError(f"S3 kept {len(errors)} objects: {errors[0]}")
