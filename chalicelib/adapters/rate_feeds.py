"""The providers of the rates the legal engine needs (RULEBOOK 6), read for the operator's proposals:

* **ECB Data Portal** (SDMX REST API, no key): ``GET {ECB_API_BASE}/data/{flowRef}/{key}?format=csvdata
  &detail=dataonly&startPeriod=YYYY-MM-DD``, series ``FM/D.U2.EUR.4F.KR.MRR_FR.LEV`` (main refinancing
  operations, fixed rate, one observation per date of change). Answer: CSV with a header line, columns
  ``KEY,FREQ,REF_AREA,CURRENCY,PROVIDER_FM,INSTRUMENT_FM,PROVIDER_FM_ID,DATA_TYPE_FM,TIME_PERIOD,OBS_VALUE``
  (https://data.ecb.europa.eu/help/api/data).
* **Banque de France Webstat** (Opendatasoft Explore API v2.1, key in ``Authorization: Apikey …``):
  ``GET {WEBSTAT_API_BASE}/catalog/datasets/observations/exports/json?where=series_key="…"&order_by=
  time_period_start``. Answer: a JSON array, one object per observation with ``series_key``,
  ``time_period_start``, ``time_period_end`` and ``obs_value`` (among others). The series keys of the taux
  de l'intérêt légal are settings (``WEBSTAT_LEGAL_RATE_PARTICULIERS`` / ``…_AUTRES_CAS``).

Both parsers read the columns/fields by name and refuse an answer they do not understand
(:class:`RateFeedError`, French message). The HTTP transport is chosen by ``RATE_FEED``: ``live`` uses
:func:`http_fetch` (stdlib urllib, timeouts, size cap), ``local`` the offline twin :class:`RecordedAnswers`,
which serves the recorded answers of ``fixtures/rate_feeds/`` in the same formats after checking the request
is the one the real provider expects. The parsing code after the transport is the same.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rate_feeds"
# The recorded Webstat series of the local twin (demo keys: the real ones are settings, see the module doc).
RECORDED_LEGAL_SERIES = {
    "particuliers": "DEMO.S.FR.TAUX_LEGAL.PARTICULIERS",
    "autres_cas": "DEMO.S.FR.TAUX_LEGAL.AUTRES_CAS",
}
MAX_ANSWER_BYTES = 2 * 1024 * 1024
USER_AGENT = "claims-platform-rate-feed/1 (+https://github.com/)"

Fetch = Callable[[str, Mapping[str, str]], bytes]


class RateFeedError(Exception):
    """A provider could not be read or answered something unexpected (message in French)."""


@dataclass(frozen=True, slots=True)
class Observation:
    """One value of a series: for the ECB, the date a rate took effect; for Webstat, a period."""

    period_start: date
    period_end: date | None
    value: Decimal


@dataclass(frozen=True, slots=True)
class SeriesAnswer:
    provider: str  # "BCE" | "Banque de France"
    series: str
    url: str  # the request, as sent (the proposal's source)
    observations: tuple[Observation, ...]
    simulated: bool  # served by the local twin, not by the provider


# --- parsing the providers' formats (pure) -------------------------------------------------------------
def _decimal(raw: Any, where: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise RateFeedError(f"{where} : valeur « {raw} » illisible.") from None
    if not value.is_finite():
        raise RateFeedError(f"{where} : valeur « {raw} » illisible.")
    return value


def _day(raw: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(raw).strip()[:10])
    except ValueError:
        raise RateFeedError(f"{where} : date « {raw} » illisible.") from None


def parse_ecb_csv(body: bytes, series_key: str) -> tuple[Observation, ...]:
    """The ECB Data Portal's ``csvdata`` answer → the observations of ``series_key`` (e.g.
    ``FM.D.U2.EUR.4F.KR.MRR_FR.LEV``), oldest first. Rows without a value (empty ``OBS_VALUE``) are
    skipped."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RateFeedError("BCE : réponse illisible (pas du texte UTF-8).") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = {"TIME_PERIOD", "OBS_VALUE"} - set(reader.fieldnames or ())
    if missing:
        raise RateFeedError(
            f"BCE : réponse CSV inattendue (colonnes absentes : {', '.join(sorted(missing))})."
        )
    found = []
    for number, row in enumerate(reader, start=2):
        if row.get("KEY") and row["KEY"] != series_key:
            continue
        if not (row.get("OBS_VALUE") or "").strip():
            continue
        where = f"BCE, ligne {number}"
        found.append(Observation(_day(row["TIME_PERIOD"], where), None, _decimal(row["OBS_VALUE"], where)))
    return tuple(sorted(found, key=lambda o: o.period_start))


def parse_webstat_json(body: bytes, series_key: str) -> tuple[Observation, ...]:
    """Webstat's ``observations/exports/json`` answer → the observations of ``series_key``, oldest first.
    Numbers are read as decimals (never floats); observations without a value are skipped."""
    try:
        rows = json.loads(body.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError):
        raise RateFeedError("Banque de France : réponse illisible (JSON attendu).") from None
    if isinstance(rows, dict) and "results" in rows:  # the paginated ``records`` endpoint's shape
        rows = rows["results"]
    if not isinstance(rows, list):
        raise RateFeedError("Banque de France : réponse inattendue (une liste d'observations est attendue).")
    found = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or "time_period_start" not in row or "obs_value" not in row:
            raise RateFeedError(
                f"Banque de France : observation {number} inattendue (time_period_start / obs_value absents)."
            )
        if row.get("series_key") not in (None, series_key) or row["obs_value"] in (None, ""):
            continue
        where = f"Banque de France, observation {number}"
        end = row.get("time_period_end")
        found.append(
            Observation(
                _day(row["time_period_start"], where),
                _day(end, where) if end else None,
                _decimal(row["obs_value"], where),
            )
        )
    return tuple(sorted(found, key=lambda o: o.period_start))


# --- requests ---------------------------------------------------------------------------------------------
def ecb_url(api_base: str, series: str, start: date) -> str:
    """``series`` as ``flowRef/key`` (``FM/D.U2.EUR.4F.KR.MRR_FR.LEV``)."""
    query = urlencode({"format": "csvdata", "detail": "dataonly", "startPeriod": start.isoformat()})
    return f"{api_base.rstrip('/')}/data/{quote(series, safe='/.')}?{query}"


def webstat_url(api_base: str, series_key: str, start: date) -> str:
    where = f"series_key=\"{series_key}\" and time_period_start>=date'{start.isoformat()}'"
    query = urlencode({"where": where, "order_by": "time_period_start"})
    return f"{api_base.rstrip('/')}/catalog/datasets/observations/exports/json?{query}"


def ecb_series_key(series: str) -> str:
    """``FM/D.U2…LEV`` → ``FM.D.U2…LEV`` (the KEY column of the CSV)."""
    return series.replace("/", ".")


class RateFeeds:
    """Reads the ECB MRO series and the two Webstat series of the legal rate through ``fetch``."""

    def __init__(
        self,
        fetch: Fetch,
        *,
        ecb_api_base: str,
        ecb_series: str,
        webstat_api_base: str,
        webstat_api_key: str,
        legal_series: Mapping[str, str],
        simulated: bool,
        webstat_secret_name: str = "",
    ) -> None:
        self._fetch = fetch
        self._ecb_api_base = ecb_api_base
        self._ecb_series = ecb_series
        self._webstat_api_base = webstat_api_base
        self._webstat_api_key = webstat_api_key
        self._webstat_secret_name = webstat_secret_name
        self.legal_series = dict(legal_series)
        self.simulated = simulated

    def ecb_mro(self, since: date) -> SeriesAnswer:
        url = ecb_url(self._ecb_api_base, self._ecb_series, since)
        body = self._fetch(url, {"Accept": "text/csv"})
        key = ecb_series_key(self._ecb_series)
        return SeriesAnswer("BCE", key, url, parse_ecb_csv(body, key), self.simulated)

    def legal_rate(self, category: str, since: date) -> SeriesAnswer:
        key = self.legal_series.get(category, "")
        if not key:
            variable = f"WEBSTAT_LEGAL_RATE_{category.upper()}"
            raise RateFeedError(
                f"Banque de France : série du taux légal ({category}) non configurée ({variable})."
            )
        if not self._webstat_api_key:  # on AWS: read from its secret now, the first time it is needed
            self._webstat_api_key = webstat_key_from_secret(self._webstat_secret_name)
        if not self._webstat_api_key:
            raise RateFeedError("Banque de France : clé d'API Webstat absente (WEBSTAT_API_KEY).")
        url = webstat_url(self._webstat_api_base, key, since)
        body = self._fetch(
            url, {"Accept": "application/json", "Authorization": f"Apikey {self._webstat_api_key}"}
        )
        return SeriesAnswer("Banque de France", key, url, parse_webstat_json(body, key), self.simulated)


# --- transports ---------------------------------------------------------------------------------------------
def http_fetch(timeout: float) -> Fetch:
    """The real transport: HTTPS GET with ``timeout`` seconds, at most :data:`MAX_ANSWER_BYTES`."""
    import urllib.error
    import urllib.request

    def fetch(url: str, headers: Mapping[str, str]) -> bytes:
        if not url.startswith("https://"):
            raise RateFeedError(f"adresse refusée (https attendu) : {url}")
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers}, method="GET")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body: bytes = response.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as error:
            raise RateFeedError(f"{urlsplit(url).netloc} a répondu {error.code} ({error.reason}).") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise RateFeedError(f"{urlsplit(url).netloc} injoignable : {error}.") from None
        if len(body) > MAX_ANSWER_BYTES:
            raise RateFeedError(f"{urlsplit(url).netloc} : réponse trop volumineuse.")
        return body

    return fetch


class RecordedAnswers:
    """The offline twin of both providers: answers the requests :class:`RateFeeds` sends with the recorded
    files of ``fixtures/rate_feeds/`` (``ecb_mro.csv``, ``webstat_<series key>.json``), and answers like the
    provider when the request is wrong (unknown series, Webstat call without its key). Records every URL
    asked (tests read :attr:`requests`)."""

    def __init__(self, directory: Path = FIXTURES) -> None:
        self.directory = directory
        self.requests: list[str] = []

    def __call__(self, url: str, headers: Mapping[str, str]) -> bytes:
        self.requests.append(url)
        parts = urlsplit(url)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        if "/data/" in parts.path:
            series = parts.path.split("/data/", 1)[1]
            if query.get("format") != "csvdata" or "startPeriod" not in query:
                raise RateFeedError("BCE (simulation) : paramètres format=csvdata et startPeriod attendus.")
            path = self.directory / "ecb_mro.csv"
            if ecb_series_key(series) != "FM.D.U2.EUR.4F.KR.MRR_FR.LEV" or not path.exists():
                raise RateFeedError("data-api.ecb.europa.eu a répondu 404 (No results found).")
            return path.read_bytes()
        if parts.path.endswith("/catalog/datasets/observations/exports/json"):
            if not str(headers.get("Authorization", "")).startswith("Apikey "):
                raise RateFeedError("webstat.banque-france.fr a répondu 401 (clé d'API absente).")
            where = query.get("where", "")
            for key in RECORDED_LEGAL_SERIES.values():
                if f'series_key="{key}"' in where:
                    return (self.directory / f"webstat_{key}.json").read_bytes()
            return b"[]"  # Webstat answers an empty export for a series it does not hold
        raise RateFeedError(f"{parts.netloc} a répondu 404.")


# Seconds the Webstat key read from Secrets Manager is kept in a warm function before it is read again.
WEBSTAT_SECRET_MAX_AGE_S = 300


def webstat_key_from_secret(name: str) -> str:
    """The Webstat API key from the Secrets Manager secret ``name`` (JSON ``{"api_key": "…"}``; Powertools'
    cached ``get_secret``), read only when the live feed runs; "" when no secret is named. A secret that
    cannot be read is a :class:`RateFeedError` in the feed's report, not a crash of the schedule."""
    if not name:
        return ""
    from aws_lambda_powertools.utilities import parameters

    try:
        secret = parameters.get_secret(name, transform="json", max_age=WEBSTAT_SECRET_MAX_AGE_S)
        return str(secret["api_key"])
    except (parameters.exceptions.GetParameterError, parameters.exceptions.TransformParameterError) as error:
        problem = type(error).__name__
        raise RateFeedError(f"Banque de France : secret {name} illisible ({problem}).") from error
    except (KeyError, TypeError) as error:
        raise RateFeedError(f"Banque de France : le secret {name} n'a pas de champ api_key.") from error


def rate_feeds(
    settings: Any | None = None, *, fetch: Fetch | None = None, timeout: float | None = None
) -> RateFeeds | None:
    """The feeds ``RATE_FEED`` selects (None when ``off``); ``timeout`` caps the setting (the API, whose
    answer must come within API Gateway's 29 s, passes a shorter one: three calls in a row)."""
    from chalicelib.settings import get_settings

    settings = settings or get_settings()
    mode = settings.rate_feed
    if mode == "off":
        return None
    simulated = mode == "local"
    legal = {
        "particuliers": settings.webstat_legal_rate_particuliers,
        "autres_cas": settings.webstat_legal_rate_autres_cas,
    }
    if simulated:
        legal = {category: key or RECORDED_LEGAL_SERIES[category] for category, key in legal.items()}
    return RateFeeds(
        fetch
        or (
            RecordedAnswers()
            if simulated
            else http_fetch(
                min(settings.rate_feed_timeout_seconds, timeout or settings.rate_feed_timeout_seconds)
            )
        ),
        ecb_api_base=settings.ecb_api_base,
        ecb_series=settings.ecb_mro_series,
        webstat_api_base=settings.webstat_api_base,
        webstat_api_key=settings.webstat_api_key or ("local-simulation" if simulated else ""),
        webstat_secret_name=settings.webstat_secret_name,
        legal_series=legal,
        simulated=simulated,
    )
