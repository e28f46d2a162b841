"""Email on AWS from day one: the stage's sending domain as an SES identity with DKIM (its DNS records in the
outputs), a configuration set whose bounces and complaints raise alarms, send permissions that hold in the
sandbox, and Cognito on its own mailer until the operator says the domain is verified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.aws.config import load_stage
from tests.infra.conftest import CONFIGURED_PROD, Synthesized

SEND = {"ses:SendEmail", "ses:SendRawEmail"}


def _ses_send_resources(synth: Synthesized) -> list[str]:
    found = []
    for resource in synth.of_type("AWS::IAM::Policy").values():
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            if SEND & set(actions):
                found += [json.dumps(r) for r in statement["Resource"]]
    return found


@pytest.mark.slow
def test_domain_identity_with_dkim_records_in_the_outputs_and_the_configuration_set(synth: Synthesized):
    [(identity_id, identity)] = synth.of_type("AWS::SES::EmailIdentity").items()
    properties = identity["Properties"]
    assert properties["EmailIdentity"] == load_stage("dev").mail_domain == "dev.recouvrement.example.fr"
    assert properties["DkimAttributes"] == {"SigningEnabled": True}
    [(set_id, configuration_set)] = synth.of_type("AWS::SES::ConfigurationSet").items()
    assert properties["ConfigurationSetAttributes"] == {"ConfigurationSetName": {"Ref": set_id}}
    assert configuration_set["Properties"]["Name"] == "claims-dev-mail"
    suppressed = configuration_set["Properties"]["SuppressionOptions"]["SuppressedReasons"]
    assert suppressed == ["BOUNCE", "COMPLAINT"]
    [destination] = synth.of_type("AWS::SES::ConfigurationSetEventDestination").values()
    events = destination["Properties"]["EventDestination"]["MatchingEventTypes"]
    assert {"bounce", "complaint"} <= set(events)
    for index in (1, 2, 3):
        value = synth.template["Outputs"][f"MailDkimRecord{index}"]["Value"]["Fn::Join"][1]
        assert value == [
            {"Fn::GetAtt": [identity_id, f"DkimDNSTokenName{index}"]},
            "CNAME",
            {"Fn::GetAtt": [identity_id, f"DkimDNSTokenValue{index}"]},
        ]


@pytest.mark.slow
def test_bounces_and_complaints_raise_alarms(synth: Synthesized):
    alarms = [a["Properties"] for a in synth.of_type("AWS::CloudWatch::Alarm").values()]
    ses = {a["MetricName"]: a for a in alarms if a["Namespace"] == "AWS/SES"}
    assert {"Bounce", "Complaint", "Reputation.BounceRate", "Reputation.ComplaintRate"} <= set(ses)
    [set_id] = synth.of_type("AWS::SES::ConfigurationSet")
    assert ses["Bounce"]["Dimensions"] == [{"Name": "ConfigurationSet", "Value": {"Ref": set_id}}]
    assert ses["Reputation.BounceRate"]["Threshold"] == 0.05
    for alarm in ses.values():
        assert alarm["AlarmActions"], alarm["MetricName"]


@pytest.mark.slow
def test_dev_cognito_keeps_its_own_mailer_and_sending_is_allowed_on_the_domain(synth: Synthesized):
    [pool] = synth.of_type("AWS::Cognito::UserPool").values()
    assert "EmailConfiguration" not in pool["Properties"]
    resources = _ses_send_resources(synth)
    assert any("identity/dev.recouvrement.example.fr" in r or "MailDomain" in r for r in resources)
    assert any("configuration-set/" in r for r in resources)


@pytest.mark.slow
def test_configured_prod_sends_through_ses_and_may_write_to_sandbox_recipients(synth_prod: Synthesized):
    [(_, pool)] = synth_prod.of_type("AWS::Cognito::UserPool").items()
    email = pool["Properties"]["EmailConfiguration"]
    identity_id = next(
        name
        for name, r in synth_prod.of_type("AWS::SES::EmailIdentity").items()
        if r["Properties"]["EmailIdentity"] == CONFIGURED_PROD["mail_domain"]
    )
    assert email["EmailSendingAccount"] == "DEVELOPER"
    assert email["From"] == CONFIGURED_PROD["mail_sender"]
    assert identity_id in json.dumps(email["SourceArn"])
    assert identity_id in pool.get("DependsOn", []), "the pool waits for the identity"
    recipients = {
        r["Properties"]["EmailIdentity"]
        for r in synth_prod.of_type("AWS::SES::EmailIdentity").values()
        if "@" in r["Properties"]["EmailIdentity"]
    }
    assert recipients == set(CONFIGURED_PROD["sandbox_recipients"])
    resources = " ".join(_ses_send_resources(synth_prod))
    for address in CONFIGURED_PROD["sandbox_recipients"]:
        assert f"identity/{address}" in resources


def _config(tmp_path: Path, **stages: dict) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"stages": stages}))
    return path


def test_two_stages_cannot_share_a_sending_domain_or_a_sandbox_recipient(tmp_path: Path):
    dev = {"mail_domain": "example.fr", "mail_sender": "a@example.fr"}
    prod = {"mail_domain": "example.fr", "mail_sender": "b@example.fr"}
    with pytest.raises(ValueError, match="same domain"):
        load_stage("dev", _config(tmp_path, dev=dev, prod=prod))
    prod = {"mail_domain": "p.example.fr", "mail_sender": "b@p.example.fr", "sandbox_recipients": ["x@y.fr"]}
    dev = {**dev, "sandbox_recipients": ["X@y.fr"]}
    with pytest.raises(ValueError, match="recipients"):
        load_stage("prod", _config(tmp_path, dev=dev, prod=prod))
    with pytest.raises(ValueError, match="not at mail_domain"):
        load_stage("dev", _config(tmp_path, dev={"mail_domain": "a.fr", "mail_sender": "x@b.fr"}))
    config = load_stage("prod", _config(tmp_path, dev={**dev, "sandbox_recipients": []}, prod=prod))
    assert config.sandbox_recipients == ("x@y.fr",)


def test_the_repository_config_is_valid_for_every_stage():
    for stage in ("dev", "prod"):
        config = load_stage(stage)
        assert config.cognito_email_via_ses is False, "a first deploy never depends on a verified identity"
