"""The user pool's public signing keys (JWKS), fetched over HTTP and cached.

On AWS: ``https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json``; locally the moto
server's copy (``COGNITO_JWKS_URL``). An unknown key id triggers one re-fetch (key rotation), at most once
per ``refresh_after_miss`` seconds so forged kids cannot make us hammer the endpoint.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from chalicelib.adapters.errors import TransientError

_ALLOWED_SCHEMES = ("https://", "http://", "file://")  # file:// for the in-process test platform


class JwksKeySource:
    def __init__(self, url: str, *, ttl: float = 3600, refresh_after_miss: float = 60) -> None:
        if not url.startswith(_ALLOWED_SCHEMES):
            raise ValueError(f"JWKS URL must be http(s) or file: {url!r}")
        self.url = url
        self.ttl = ttl
        self.refresh_after_miss = refresh_after_miss
        self._keys: dict[str, Any] = {}
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def key_for(self, kid: str) -> Any | None:
        with self._lock:
            age = time.monotonic() - self._fetched_at
            if age > self.ttl or (kid not in self._keys and age > self.refresh_after_miss):
                self._keys = self._fetch()
                self._fetched_at = time.monotonic()
            return self._keys.get(kid)

    def _fetch(self) -> dict[str, Any]:
        import urllib.request

        from jwt import PyJWK, PyJWKError

        try:
            with urllib.request.urlopen(self.url, timeout=5) as response:  # scheme checked in __init__
                document = json.loads(response.read())
        except (OSError, ValueError) as error:
            raise TransientError(f"JWKS unavailable at {self.url}: {error}") from error
        keys: dict[str, Any] = {}
        for entry in document.get("keys", []):
            if entry.get("kty") != "RSA" or not entry.get("kid"):
                continue
            try:
                keys[entry["kid"]] = PyJWK(entry, algorithm="RS256").key
            except PyJWKError:
                continue
        return keys
