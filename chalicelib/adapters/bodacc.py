"""The BODACC's collective proceedings: the DILA's open BODACC API (no key), and its offline twin.

Real adapter, built from the API's published documentation (Opendatasoft Explore v2.1 on
https://bodacc-datadila.opendatasoft.com, dataset ``annonces-commerciales``: ``GET /catalog/datasets/
annonces-commerciales/records?where=…&order_by=…&limit=…``; answer ``{"total_count", "results": [...]}``;
ODSQL ``where``: ``registre = "<SIREN>" and familleavis = "collective"`` — ``registre`` holds the SIREN
spaced and plain, an equality matches either): short timeouts, two retries on a timeout, a 429 or a 5xx,
answers kept a day (DynamoDB, shared with the company registry), and a client-side limiter
(:data:`REQUESTS_PER_SECOND`, a POLICY value: the portal publishes no per-second figure we could confirm).
Verified against that documentation only (no network here): see the README.

``BODACC`` chooses: ``live`` (the API), ``local`` (:class:`RecordedBodacc`: recorded records in the same
format, local platform and tests only), ``off``. The data is the DILA's, under the Licence Ouverte 2.0.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from chalicelib.adapters.company_registry import (
    AnswerCache,
    DynamoAnswerCache,
    RegistryUnavailable,
    Transport,
    _Limiter,
    get_with_retries,
    urllib_transport,
)
from chalicelib.domain.proceedings import Judgment, judgments_from_answer

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "bodacc" / "annonces_commerciales.json"
DATASET = "annonces-commerciales"
LIMIT = 100  # the Explore API's largest page; a company has a handful of collective-proceedings notices
REQUESTS_PER_SECOND = 4  # POLICY: polite, below any quota of an anonymous Opendatasoft client

_LIMITER = _Limiter(REQUESTS_PER_SECOND)


def records_url(api_base: str, siren: str) -> str:
    query = {
        "where": f'registre = "{siren}" and familleavis = "collective"',
        "order_by": "dateparution desc",
        "limit": str(LIMIT),
    }
    return f"{api_base.rstrip('/')}/catalog/datasets/{DATASET}/records?{urlencode(query)}"


class Bodacc:
    """:meth:`judgments` answers a company's collective-proceedings judgments (oldest first) or raises
    :class:`RegistryUnavailable` (message in French)."""

    def __init__(
        self,
        api_base: str,
        transport: Transport,
        *,
        simulated: bool = False,
        limiter: _Limiter = _LIMITER,
        sleep: Callable[[float], None] = time.sleep,
        cache: AnswerCache | None = None,
    ) -> None:
        self.api_base = api_base.rstrip("/")
        self.transport = transport
        self.simulated = simulated
        self._limiter = limiter
        self._sleep = sleep
        self._cache = cache

    def judgments(self, siren: str) -> list[Judgment]:
        if not (siren.isascii() and siren.isdigit() and len(siren) == 9):
            raise ValueError(f"SIREN attendu (9 chiffres), reçu {siren!r}")
        url = records_url(self.api_base, siren)
        key = f"bodacc|{url}"
        cached = self._cache.get(key) if self._cache is not None else None
        body = cached if cached is not None else self._get(url)
        try:
            judgments = judgments_from_answer(json.loads(body), siren)
        except (ValueError, TypeError) as error:
            raise RegistryUnavailable(f"le BODACC a répondu dans un format inattendu ({error}).") from None
        if cached is None and self._cache is not None:
            self._cache.put(key, body)
        return judgments

    def _get(self, url: str) -> bytes:
        return get_with_retries(
            self.transport, url, limiter=self._limiter, sleep=self._sleep, who="le BODACC"
        )


class RecordedBodacc:
    """The offline twin: answers ``GET …/records`` from the recorded records of :data:`FIXTURE` (the API's
    own format), filtering by the ``registre`` and ``familleavis`` of the ``where`` clause as the API does,
    newest first, ``limit`` at most. ``down``: answer 503 (tests of a registry that does not answer).
    Records every URL asked (tests read :attr:`requests`)."""

    def __init__(self, fixture: Path = FIXTURE) -> None:
        self.records: list[dict[str, Any]] = json.loads(fixture.read_text(encoding="utf-8"))["results"]
        self.requests: list[str] = []
        self.down = False

    def __call__(self, url: str) -> tuple[int, Mapping[str, str], bytes]:
        self.requests.append(url)
        if self.down:
            return 503, {"Retry-After": "0"}, b""
        parts = urlsplit(url)
        if not parts.path.endswith(f"/catalog/datasets/{DATASET}/records"):
            return 404, {}, b'{"error_code": "DatasetNotFound"}'
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        where = query.get("where", "")
        wanted = {
            field: value
            for field, value in (clause.split(" = ", 1) for clause in where.split(" and ") if " = " in clause)
        }
        siren = wanted.get("registre", "").strip('"')
        family = wanted.get("familleavis", "").strip('"')
        found = [
            r
            for r in self.records
            if (not siren or siren in r["registre"]) and (not family or r["familleavis"] == family)
        ]
        found.sort(key=lambda r: r["dateparution"], reverse=True)
        limit = int(query.get("limit", "10"))
        answer = {"total_count": len(found), "results": found[:limit]}
        return 200, {"Content-Type": "application/json"}, json.dumps(answer, ensure_ascii=False).encode()


_TWIN: RecordedBodacc | None = None


def recorded_twin() -> RecordedBodacc:
    """The process's one twin (tests switch it ``down`` or read its requests)."""
    global _TWIN
    if _TWIN is None:
        _TWIN = RecordedBodacc()
    return _TWIN


def bodacc(settings: Any | None = None) -> Bodacc | None:
    """The BODACC source ``BODACC`` selects (None when ``off``)."""
    from chalicelib.settings import get_settings

    settings = settings or get_settings()
    if settings.bodacc == "off":
        return None
    if settings.bodacc == "local":
        return Bodacc(settings.bodacc_api_base, recorded_twin(), simulated=True, cache=DynamoAnswerCache())
    transport = urllib_transport(settings.bodacc_timeout_seconds)
    return Bodacc(settings.bodacc_api_base, transport, cache=DynamoAnswerCache())
