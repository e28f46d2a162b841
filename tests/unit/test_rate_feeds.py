"""The rate feed's pure parts: the providers' recorded formats parsed exactly (decimals, never floats), the
requests the real adapter sends, the offline twin's checks, and the semesters derived for the operator
(ECB MRO in force on 1 January / 1 July, legal rate of the semester, nothing proposed before its first day
or while a value is missing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.adapters.rate_feeds import (
    FIXTURES,
    RECORDED_LEGAL_SERIES,
    Observation,
    RateFeedError,
    RateFeeds,
    RecordedAnswers,
    SeriesAnswer,
    ecb_url,
    http_fetch,
    parse_ecb_csv,
    parse_webstat_json,
    webstat_url,
)
from chalicelib.domain.rate_proposals import derive_semesters, source_text
from chalicelib.legal.dates import Semester

MRO = "FM.D.U2.EUR.4F.KR.MRR_FR.LEV"
PART = RECORDED_LEGAL_SERIES["particuliers"]
OTHER = RECORDED_LEGAL_SERIES["autres_cas"]
S2_2026 = Semester(2026, 2)


def test_the_ecb_csv_gives_every_change_of_the_mro_in_date_order():
    observations = parse_ecb_csv((FIXTURES / "ecb_mro.csv").read_bytes(), MRO)
    assert observations[0] == Observation(date(2014, 6, 11), None, Decimal("0.15"))
    assert observations[-1] == Observation(date(2025, 6, 11), None, Decimal("2.15"))
    assert [o.period_start for o in observations] == sorted(o.period_start for o in observations)


def test_the_ecb_csv_is_read_by_column_name_and_other_series_are_left_out():
    body = (
        "KEY,FREQ,TIME_PERIOD,OBS_VALUE,OBS_STATUS\r\n"
        f"{MRO},D,2024-06-12,4.25,A\r\n"
        "FM.D.U2.EUR.4F.KR.DFR.LEV,D,2024-06-12,3.75,A\r\n"
        f"{MRO},D,2024-09-18,,A\r\n"
    ).encode()
    assert parse_ecb_csv(body, MRO) == (Observation(date(2024, 6, 12), None, Decimal("4.25")),)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>maintenance</html>", "colonnes absentes"),
        (b"KEY,TIME_PERIOD,OBS_VALUE\r\nFM.D.U2.EUR.4F.KR.MRR_FR.LEV,2024-13-01,4.25\r\n", "date"),
        (b"KEY,TIME_PERIOD,OBS_VALUE\r\nFM.D.U2.EUR.4F.KR.MRR_FR.LEV,2024-06-12,quatre\r\n", "illisible"),
        (b"\xff\xfe", "UTF-8"),
    ],
)
def test_an_ecb_answer_not_understood_is_refused_in_french(body, message):
    with pytest.raises(RateFeedError, match=message):
        parse_ecb_csv(body, MRO)


def test_the_webstat_json_gives_semester_values_as_exact_decimals():
    observations = parse_webstat_json((FIXTURES / f"webstat_{PART}.json").read_bytes(), PART)
    by_start = {o.period_start: o for o in observations}
    assert by_start[date(2026, 1, 1)] == Observation(date(2026, 1, 1), date(2026, 6, 30), Decimal("6.67"))
    assert all(isinstance(o.value, Decimal) for o in observations)


def test_the_webstat_json_skips_other_series_and_empty_values_and_reads_the_records_shape():
    body = (
        '{"total_count": 3, "results": ['
        f'{{"series_key": "{OTHER}", "time_period_start": "2026-01-01", "obs_value": 2.62}},'
        f'{{"series_key": "{PART}", "time_period_start": "2026-01-01T00:00:00+00:00", "obs_value": 6.67}},'
        f'{{"series_key": "{PART}", "time_period_start": "2026-07-01", "obs_value": null}}]}}'
    ).encode()
    assert parse_webstat_json(body, PART) == (Observation(date(2026, 1, 1), None, Decimal("6.67")),)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "JSON"),
        (b'{"error_code": "Unauthorized"}', "liste"),
        (b'[{"obs_value": 1}]', "inattendue"),
    ],
)
def test_a_webstat_answer_not_understood_is_refused_in_french(body, message):
    with pytest.raises(RateFeedError, match=message):
        parse_webstat_json(body, PART)


def test_the_requests_are_the_ones_the_providers_document():
    ecb = urlsplit(
        ecb_url("https://data-api.ecb.europa.eu/service", "FM/D.U2.EUR.4F.KR.MRR_FR.LEV", date(2025, 6, 11))
    )
    assert (ecb.netloc, ecb.path) == ("data-api.ecb.europa.eu", "/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV")
    assert parse_qs(ecb.query) == {
        "format": ["csvdata"],
        "detail": ["dataonly"],
        "startPeriod": ["2025-06-11"],
    }
    webstat = urlsplit(
        webstat_url("https://webstat.banque-france.fr/api/explore/v2.1", PART, date(2026, 7, 1))
    )
    assert webstat.path == "/api/explore/v2.1/catalog/datasets/observations/exports/json"
    query = parse_qs(webstat.query)
    assert query["where"] == [f"series_key=\"{PART}\" and time_period_start>=date'2026-07-01'"]
    assert query["order_by"] == ["time_period_start"]


def _feeds(fetch, *, key="local-simulation", particuliers=PART) -> RateFeeds:
    return RateFeeds(
        fetch,
        ecb_api_base="https://data-api.ecb.europa.eu/service",
        ecb_series="FM/D.U2.EUR.4F.KR.MRR_FR.LEV",
        webstat_api_base="https://webstat.banque-france.fr/api/explore/v2.1",
        webstat_api_key=key,
        legal_series={"particuliers": particuliers, "autres_cas": OTHER},
        simulated=True,
    )


def test_the_twin_serves_the_recorded_answers_to_the_real_requests():
    twin = RecordedAnswers()
    feeds = _feeds(twin)
    assert feeds.ecb_mro(date(2025, 6, 11)).observations[-1].value == Decimal("2.15")
    legal = feeds.legal_rate("autres_cas", date(2026, 7, 1))
    assert legal.series == OTHER and legal.simulated
    assert len(twin.requests) == 2 and twin.requests[1].startswith("https://webstat.banque-france.fr/")


def test_the_twin_answers_like_the_providers_to_a_wrong_request():
    twin = RecordedAnswers()
    with pytest.raises(RateFeedError, match="404"):
        twin(
            "https://data-api.ecb.europa.eu/service/data/FM/D.U2.EUR.4F.KR.DFR.LEV?format=csvdata&startPeriod=2025-01-01",
            {},
        )
    with pytest.raises(RateFeedError, match="401"):
        twin(webstat_url("https://webstat.banque-france.fr/api/explore/v2.1", PART, date(2026, 7, 1)), {})
    unknown = twin(
        webstat_url("https://webstat.banque-france.fr/api/explore/v2.1", "X.Y", date(2026, 7, 1)),
        {"Authorization": "Apikey k"},
    )
    assert parse_webstat_json(unknown, "X.Y") == ()


def test_the_live_feed_needs_its_webstat_key_and_series_named_by_settings():
    with pytest.raises(RateFeedError, match="WEBSTAT_LEGAL_RATE_PARTICULIERS"):
        _feeds(RecordedAnswers(), particuliers="").legal_rate("particuliers", date(2026, 7, 1))
    with pytest.raises(RateFeedError, match="WEBSTAT_API_KEY"):
        _feeds(RecordedAnswers(), key="").legal_rate("particuliers", date(2026, 7, 1))


def test_the_http_transport_speaks_https_only_and_reports_an_unreachable_provider_in_french():
    fetch = http_fetch(timeout=2)
    with pytest.raises(RateFeedError, match="https attendu"):
        fetch("http://data-api.ecb.europa.eu/service/data/FM", {})
    with pytest.raises(RateFeedError, match="injoignable"):
        fetch("https://127.0.0.1:9/service/data/FM", {})


# --- derivation ----------------------------------------------------------------------------------------
def _series(series: str, *observations: tuple[str, str]) -> SeriesAnswer:
    return SeriesAnswer(
        "test",
        series,
        f"https://example.test/{series}",
        tuple(Observation(date.fromisoformat(day), None, Decimal(value)) for day, value in observations),
        False,
    )


ECB = _series(MRO, ("2025-06-11", "2.15"))
LEGAL_P = _series(PART, ("2026-01-01", "6.67"), ("2026-07-01", "6.50"))
LEGAL_O = _series(OTHER, ("2026-01-01", "2.62"), ("2026-07-01", "2.50"))


def test_a_begun_semester_with_every_value_published_is_proposed_with_its_sources():
    [proposal], notes = derive_semesters(S2_2026, date(2026, 12, 3), ECB, LEGAL_P, LEGAL_O)
    assert notes == ()
    assert (proposal.semester, proposal.ecb_mro, proposal.particuliers, proposal.autres_cas) == (
        S2_2026,
        Decimal("2.15"),
        Decimal("6.50"),
        Decimal("2.50"),
    )
    ecb, part, other = proposal.sources
    assert ecb.observed_on == date(2025, 6, 11) and part.observed_on == other.observed_on == date(2026, 7, 1)
    text = source_text(proposal, simulated=True)
    assert text.startswith("Flux simulé") and MRO in text and PART in text and len(text) <= 500


def test_the_mro_is_the_one_in_force_on_the_first_day_of_the_semester():
    moves = _series(MRO, ("2025-06-11", "2.15"), ("2026-07-01", "2.40"), ("2026-07-02", "2.65"))
    [proposal], _ = derive_semesters(S2_2026, date(2026, 7, 20), moves, LEGAL_P, LEGAL_O)
    assert proposal.ecb_mro == Decimal("2.40")  # effective on 1 July counts, 2 July does not


def test_nothing_is_proposed_before_the_semester_begins():
    assert derive_semesters(S2_2026, date(2026, 6, 30), ECB, LEGAL_P, LEGAL_O) == ((), ())


def test_a_value_not_yet_published_stops_the_derivation_and_says_which():
    early = _series(OTHER, ("2026-01-01", "2.62"))
    proposals, [note] = derive_semesters(S2_2026, date(2026, 7, 2), ECB, LEGAL_P, early)
    assert proposals == () and "2026-S2" in note and "autres cas" in note
    none_yet = _series(MRO, ("2026-09-01", "2.40"))
    _, [note] = derive_semesters(S2_2026, date(2026, 12, 3), none_yet, LEGAL_P, LEGAL_O)
    assert "taux BCE en vigueur au 01/07/2026" in note


def test_several_missing_semesters_are_proposed_in_order():
    legal_p = _series(PART, ("2026-07-01", "6.50"), ("2027-01-01", "6.40"))
    legal_o = _series(OTHER, ("2026-07-01", "2.50"), ("2027-01-01", "2.30"))
    proposals, notes = derive_semesters(S2_2026, date(2027, 2, 1), ECB, legal_p, legal_o)
    assert [str(p.semester) for p in proposals] == ["2026-S2", "2027-S1"] and notes == ()


def test_a_proposal_id_names_its_semester_and_changes_with_its_values():
    [first], _ = derive_semesters(S2_2026, date(2026, 12, 3), ECB, LEGAL_P, LEGAL_O)
    [again], _ = derive_semesters(S2_2026, date(2026, 12, 3), ECB, LEGAL_P, LEGAL_O)
    corrected = _series(OTHER, ("2026-07-01", "2.51"))
    [other], _ = derive_semesters(S2_2026, date(2026, 12, 3), ECB, LEGAL_P, corrected)
    assert first.proposal_id == again.proposal_id and first.proposal_id.startswith("2026-S2-")
    assert other.proposal_id != first.proposal_id


def test_the_recorded_feed_is_refused_off_the_local_platform(monkeypatch):
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CLAIMS_STAGE", "prod")
    monkeypatch.setenv("RATE_FEED", "local")
    get_settings.cache_clear()
    try:
        with pytest.raises(ValueError, match="local platform only"):
            get_settings()
        monkeypatch.delenv("RATE_FEED")
        get_settings.cache_clear()
        assert get_settings().rate_feed == "off"
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_the_setting_selects_the_transport_and_the_series():
    from dataclasses import replace

    from chalicelib.adapters.rate_feeds import rate_feeds
    from chalicelib.settings import get_settings

    base = get_settings()
    assert rate_feeds(replace(base, rate_feed="off")) is None
    local = rate_feeds(replace(base, rate_feed="local"))
    assert local is not None and local.simulated and local.legal_series == RECORDED_LEGAL_SERIES
    live = rate_feeds(
        replace(
            base,
            rate_feed="live",
            webstat_api_key="k",
            webstat_legal_rate_particuliers="A.B",
            webstat_legal_rate_autres_cas="C.D",
        )
    )
    assert live is not None and not live.simulated
    assert live.legal_series == {"particuliers": "A.B", "autres_cas": "C.D"}


def test_on_aws_the_webstat_key_is_read_from_its_secret_when_the_feed_first_needs_it(
    monkeypatch: pytest.MonkeyPatch,
):
    """WEBSTAT_SECRET_NAME (the stack's ``webstat_secret_name``): the key never sits in the functions'
    configuration; it is read once the legal rate is asked for, and a missing or malformed secret is a
    French RateFeedError for the feed's report, not a crash of the schedule."""
    import json

    import boto3
    from aws_lambda_powertools.utilities import parameters
    from moto import mock_aws

    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-3")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_SECRETSMANAGER", raising=False)
    seen: list[dict[str, str]] = []

    def fetch(url: str, headers: dict[str, str]) -> bytes:
        seen.append(headers)
        return RecordedAnswers()(url, headers)

    def feeds(secret: str) -> RateFeeds:
        return RateFeeds(
            fetch,
            ecb_api_base="https://data-api.ecb.europa.eu/service",
            ecb_series="FM/D.U2.EUR.4F.KR.MRR_FR.LEV",
            webstat_api_base="https://webstat.banque-france.fr/api/explore/v2.1",
            webstat_api_key="",
            webstat_secret_name=secret,
            legal_series={"particuliers": PART, "autres_cas": OTHER},
            simulated=False,
        )

    with mock_aws():
        parameters.clear_caches()
        client = boto3.client("secretsmanager", region_name="eu-west-3")
        client.create_secret(Name="claims/dev/webstat", SecretString=json.dumps({"api_key": "k-from-secret"}))
        client.create_secret(Name="claims/dev/wrong", SecretString=json.dumps({"key": "x"}))
        answer = feeds("claims/dev/webstat").legal_rate("autres_cas", date(2026, 7, 1))
        assert answer.series == OTHER and seen[-1]["Authorization"] == "Apikey k-from-secret"
        with pytest.raises(RateFeedError, match="api_key"):
            feeds("claims/dev/wrong").legal_rate("autres_cas", date(2026, 7, 1))
        with pytest.raises(RateFeedError, match="illisible"):
            feeds("claims/dev/absent").legal_rate("autres_cas", date(2026, 7, 1))
        parameters.clear_caches()
