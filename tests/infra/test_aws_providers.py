"""The public services the functions call, as the stage configures them: the company registry (live by
default, no key) and the daily rate feed (off by default; live needs Webstat's secret and series, whose key
only the feed's functions may read, at run time)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.aws.config import load_stage
from tests.infra.conftest import CONFIGURED_PROD, Synthesized

pytestmark = pytest.mark.slow

FUNCTION = "AWS::Serverless::Function"


def _variables(synth: Synthesized) -> list[dict[str, str]]:
    return [f["Properties"]["Environment"]["Variables"] for f in synth.of_type(FUNCTION).values()]


def _secret_reads(synth: Synthesized) -> list[str]:
    reads = []
    for resource in synth.of_type("AWS::IAM::Policy").values():
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Action"] == "secretsmanager:GetSecretValue":
                reads.append(json.dumps(statement["Resource"]))
    return reads


def test_dev_looks_companies_up_live_and_reads_no_rate_feed(synth: Synthesized):
    for variables in _variables(synth):
        assert variables["COMPANY_REGISTRY"] == "live" and variables["RATE_FEED"] == "off"
        assert not {"WEBSTAT_SECRET_NAME", "WEBSTAT_API_KEY"} & set(variables)
    assert not [r for r in _secret_reads(synth) if "webstat" in r]


def test_a_live_rate_feed_reads_webstats_key_from_its_secret_at_run_time(synth_prod: Synthesized):
    for variables in _variables(synth_prod):
        assert variables["RATE_FEED"] == "live"
        assert variables["WEBSTAT_SECRET_NAME"] == CONFIGURED_PROD["webstat_secret_name"]
        assert variables["WEBSTAT_LEGAL_RATE_AUTRES_CAS"] == CONFIGURED_PROD["webstat_legal_rate_autres_cas"]
        assert "WEBSTAT_API_KEY" not in variables, "the key itself never sits in the configuration"
    webstat = [r for r in _secret_reads(synth_prod) if "webstat" in r]
    assert len(webstat) == 2  # the API's role (the operator's check) and the workflow's (the schedule)
    assert all(r.endswith(':secret:claims/prod/webstat-??????"]]}') for r in webstat)


def test_dev_leaves_the_letters_to_an_operator_and_reads_no_maileva_secret(synth: Synthesized):
    for variables in _variables(synth):
        assert variables["POSTAL_PROVIDER"] == "manual"
        assert not {k for k in variables if k.startswith("MAILEVA_")}
    assert not [r for r in _secret_reads(synth) if "maileva" in r]


def test_maileva_sends_the_letters_with_its_account_read_from_the_secret(synth_prod: Synthesized):
    for variables in _variables(synth_prod):
        assert variables["POSTAL_PROVIDER"] == "maileva"
        assert variables["MAILEVA_SECRET_NAME"] == "claims/prod/maileva"
        assert variables["MAILEVA_API_BASE"] == "https://api.maileva.com"
        assert not {"MAILEVA_PASSWORD", "MAILEVA_CLIENT_SECRET", "MAILEVA_LRE_OTP_KEY"} & set(variables)
    maileva = [r for r in _secret_reads(synth_prod) if "maileva" in r]
    assert len(maileva) == 2  # the workflow's role (the letters, the poll) and the API's (the webhook)


def test_maileva_needs_its_secret(tmp_path: Path):
    with pytest.raises(ValueError, match="maileva_secret_name"):
        load_stage("dev", _config(tmp_path, postal_provider="maileva"))
    with pytest.raises(ValueError, match="postal_provider must be"):
        load_stage("dev", _config(tmp_path, postal_provider="local"))


def _config(tmp_path: Path, **dev: object) -> Path:
    path = tmp_path / "config.json"
    base = {"mail_domain": "example.fr", "mail_sender": "a@example.fr"}
    path.write_text(json.dumps({"stages": {"dev": {**base, **dev}}}))
    return path


def test_the_stage_refuses_an_unknown_mode_and_a_live_feed_without_its_secret_or_series(tmp_path: Path):
    with pytest.raises(ValueError, match="rate_feed must be live or off"):
        load_stage("dev", _config(tmp_path, rate_feed="local"))  # recorded answers: never on AWS
    with pytest.raises(ValueError, match="company_registry must be live or off"):
        load_stage("dev", _config(tmp_path, company_registry="recorded"))
    with pytest.raises(ValueError, match="webstat_secret_name, webstat_legal_rate_particuliers"):
        load_stage("dev", _config(tmp_path, rate_feed="live"))
    live = load_stage(
        "dev",
        _config(
            tmp_path,
            rate_feed="live",
            webstat_secret_name="claims/dev/webstat",
            webstat_legal_rate_particuliers="A",
            webstat_legal_rate_autres_cas="B",
        ),
    )
    assert (live.rate_feed, live.company_registry) == ("live", "live")
