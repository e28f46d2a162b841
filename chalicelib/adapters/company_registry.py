"""The company registry: the State's free « API Recherche d'entreprises » (no key), and its offline twin.

Real adapter, built from the API's published OpenAPI document (https://recherche-entreprises.api.gouv.fr,
``GET /search?q=…&code_postal=…&page=1&per_page=…``; answer ``{"results": [...], "total_results", "page",
"per_page", "total_pages"}``; a 9-digit ``q`` is a SIREN, 14 digits a SIRET, anything else a text search):
short timeouts, two retries on a timeout, a 429 or a 5xx (waiting ``Retry-After`` when given, a second at
most), and a client-side limiter under the published limit of 7 requests a second per address. Verified
against that documentation only (no network here): see the README.

``COMPANY_REGISTRY`` chooses: ``live`` (the API), ``local`` (:class:`RecordedCompanies`: recorded answers in
the same format, local platform and tests only), ``off``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlencode, urlsplit

from chalicelib.adapters.item_size import check_model_size
from chalicelib.domain.companies import Company, companies_from_answer

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "companies" / "recherche_entreprises.json"
USER_AGENT = "claims-platform/1 (recouvrement de créances ; recherche du débiteur)"
MAX_ANSWER_BYTES = 2 * 1024 * 1024
PER_PAGE = 10
REQUESTS_PER_SECOND = 6  # under the API's published 7 per second per address
RETRIES = 2


class RegistryUnavailable(Exception):
    """The registry did not answer, or answered something unreadable (message in French)."""


# (url) -> (status, headers, body); raises OSError when nothing answered
Transport = Callable[[str], tuple[int, Mapping[str, str], bytes]]


class _Limiter:
    """At most ``rate`` calls a second from this process (the calls wait their turn)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = 1.0 / rate
        self._clock = clock
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> float:
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self._interval
        delay = start - now
        if delay > 0:
            time.sleep(delay)
        return delay


_LIMITER = _Limiter(REQUESTS_PER_SECOND)


def urllib_transport(timeout: float) -> Transport:
    import urllib.error
    import urllib.request

    def get(url: str) -> tuple[int, Mapping[str, str], bytes]:
        request = urllib.request.Request(
            url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers or {}), b""

    return get


class AnswerCache(Protocol):
    def get(self, key: str) -> bytes | None: ...
    def put(self, key: str, body: bytes) -> None: ...


CACHE_SECONDS = 24 * 3600  # a registry's answer is kept a day


class DynamoAnswerCache:
    """Answers kept a day in DynamoDB (``RegistryCacheModel``); a cache that fails is no cache, never an
    error (the registry is asked instead)."""

    def __init__(self, clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self._clock = clock

    def get(self, key: str) -> bytes | None:
        from pynamodb.exceptions import DoesNotExist, GetError

        from chalicelib.adapters.dynamo import RegistryCacheModel

        try:
            item = RegistryCacheModel.get(key)
        except (DoesNotExist, GetError):
            return None
        if item.expires_at is None or item.expires_at <= self._clock():  # TTL deletes late: check it here
            return None
        return item.body.encode()

    def put(self, key: str, body: bytes) -> None:
        from pynamodb.exceptions import PutError

        from chalicelib.adapters.dynamo import RegistryCacheModel

        now = self._clock()
        item = RegistryCacheModel(
            key[:1024],
            body=body.decode(),
            fetched_at=now,
            expires_at=now + dt.timedelta(seconds=CACHE_SECONDS),
        )
        try:
            check_model_size(item, what="registry_cache")
            item.save()
        except (PutError, ValueError) as error:
            logging.getLogger("claims.registry").warning("registry answer not cached: %s", error)


class CompanyRegistry:
    """Searches the registry; :meth:`search` answers companies or raises :class:`RegistryUnavailable`.
    ``cache``: answers kept a day (the same question within the day is not asked again)."""

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

    def search(self, text: str, *, postal_code: str = "") -> list[Company]:
        query = {"q": text, "page": "1", "per_page": str(PER_PAGE)}
        if postal_code:
            query["code_postal"] = postal_code
        url = f"{self.api_base}/search?{urlencode(query)}"
        key = f"recherche-entreprises|{url}"
        cached = self._cache.get(key) if self._cache is not None else None
        body = cached if cached is not None else self._get(url)
        try:
            companies = companies_from_answer(json.loads(body))
        except (ValueError, TypeError) as error:
            raise RegistryUnavailable(f"le registre a répondu dans un format inattendu ({error}).") from None
        if cached is None and self._cache is not None:  # only an answer understood is kept
            self._cache.put(key, body)
        return companies

    def _get(self, url: str) -> bytes:
        return get_with_retries(
            self.transport,
            url,
            limiter=self._limiter,
            sleep=self._sleep,
            who="le registre",
            refused="le registre a refusé la recherche : précisez-la.",
        )


def get_with_retries(
    transport: Transport,
    url: str,
    *,
    limiter: _Limiter,
    sleep: Callable[[float], None],
    who: str,
    refused: str | None = None,
) -> bytes:
    """GET ``url`` under the limiter: two retries on a timeout, a 429 or a 5xx (waiting ``Retry-After``, a
    second at most); :class:`RegistryUnavailable` naming ``who`` in French otherwise. ``refused``: the
    message when the API refuses the query itself (400, no retry)."""
    failure = ""
    for attempt in range(RETRIES + 1):
        limiter.wait()
        try:
            status, headers, body = transport(url)
        except (OSError, TimeoutError) as error:
            failure = f"{who} ne répond pas ({type(error).__name__})"
            continue
        if status == 200 and len(body) <= MAX_ANSWER_BYTES:
            return body
        if status == 400 and refused is not None:
            raise RegistryUnavailable(refused)
        failure = f"{who} a répondu {status}"
        if status != 429 and status < 500:
            break
        if attempt < RETRIES:
            sleep(min(1.0, _retry_after(headers)))
    raise RegistryUnavailable(failure + ".")


def _retry_after(headers: Mapping[str, str]) -> float:
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return 0.2


class RecordedCompanies:
    """The offline twin: answers ``GET /search`` from the recorded results of :data:`FIXTURE` (the API's own
    format, fictitious companies with valid SIRENs: active, closed, sole traders, an association, a SCI, a
    SEL, a public body), searching as the API documents it — a SIREN or SIRET directly (other filters
    ignored), else every word in the name or the head office's address, filtered by ``code_postal``. Records
    every URL asked (tests read :attr:`requests`)."""

    def __init__(self, fixture: Path = FIXTURE) -> None:
        self.results: list[dict[str, Any]] = json.loads(fixture.read_text(encoding="utf-8"))["results"]
        self.requests: list[str] = []

    def __call__(self, url: str) -> tuple[int, Mapping[str, str], bytes]:
        self.requests.append(url)
        query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
        text = " ".join(query.get("q", "").split())
        digits = text.replace(" ", "")
        if len(text) < 3 and not digits.isdigit():
            return 400, {}, b'{"erreur": "Veuillez indiquer au moins 3 caracteres."}'
        if digits.isdigit() and len(digits) in (9, 14):
            found = [r for r in self.results if r["siren"] == digits[:9]]
            if len(digits) == 14:
                found = [r for r in found if r["siege"]["siret"] == digits]
        else:
            words = text.casefold().split()
            postal = query.get("code_postal", "")
            found = [
                r
                for r in self.results
                if all(w in f"{r['nom_complet']} {r['siege']['adresse']}".casefold() for w in words)
                and (not postal or r["siege"]["code_postal"] == postal)
            ]
        per_page = int(query.get("per_page", "10"))
        answer = {
            "results": found[:per_page],
            "total_results": len(found),
            "page": 1,
            "per_page": per_page,
            "total_pages": max(1, -(-len(found) // per_page)),
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(answer, ensure_ascii=False).encode()


def company_registry(settings: Any | None = None) -> CompanyRegistry | None:
    """The registry ``COMPANY_REGISTRY`` selects (None when ``off``)."""
    from chalicelib.settings import get_settings

    settings = settings or get_settings()
    if settings.company_registry == "off":
        return None
    if settings.company_registry == "local":
        return CompanyRegistry(
            settings.company_registry_api_base, RecordedCompanies(), simulated=True, cache=DynamoAnswerCache()
        )
    transport = urllib_transport(settings.company_registry_timeout_seconds)
    return CompanyRegistry(settings.company_registry_api_base, transport, cache=DynamoAnswerCache())
