"""The front door: the API answers only CloudFront (an API key only CloudFront sends), is throttled —
tighter on the authentication routes and Stripe's webhook — and a custom domain gets TLS 1.2 at least."""

from __future__ import annotations

import pytest

from infra.aws.stack.api_gateway import (
    API_KEY_HEADER,
    API_KEY_SECURITY,
    API_THROTTLE,
    AUTH_THROTTLE,
    STRIPE_WEBHOOK_PATH,
    WEBHOOK_THROTTLE,
)
from tests.infra.conftest import CONFIGURED_PROD, Synthesized

pytestmark = pytest.mark.slow


def _api(synth: Synthesized) -> dict:
    [api] = synth.of_type("AWS::Serverless::Api").values()
    return api["Properties"]


def test_every_method_requires_the_key_and_keeps_its_authorizer(synth: Synthesized):
    body = _api(synth)["DefinitionBody"]
    assert body["securityDefinitions"][API_KEY_SECURITY] == {
        "type": "apiKey",
        "name": API_KEY_HEADER,
        "in": "header",
    }
    assert body["securityDefinitions"]["signed_in"]["x-amazon-apigateway-authtype"] == "custom"
    operations = [(p, m, o) for p, ops in body["paths"].items() for m, o in ops.items()]
    assert len(operations) > 50
    signed_in = 0
    for path, method, operation in operations:
        [security] = operation["security"]
        assert API_KEY_SECURITY in security, f"{method} {path}"
        signed_in += "signed_in" in security
    assert signed_in > 30, "the routes behind the authorizer keep it"


def test_only_cloudfront_sends_the_key(synth: Synthesized):
    [key] = synth.of_type("AWS::ApiGateway::ApiKey").values()
    value = key["Properties"]["Value"]
    assert "resolve:secretsmanager" in str(value), "generated in Secrets Manager, never in the code"
    [distribution] = synth.of_type("AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    api_origins = [o for o in config["Origins"] if "CustomOriginConfig" in o]
    [origin] = api_origins
    assert origin["OriginCustomHeaders"] == [{"HeaderName": API_KEY_HEADER, "HeaderValue": value}]
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    [plan] = synth.of_type("AWS::ApiGateway::UsagePlan").values()
    [stage] = plan["Properties"]["ApiStages"]
    assert stage == {"ApiId": {"Ref": "RestAPI"}, "Stage": {"Ref": "RestAPI.Stage"}}
    assert plan["Properties"]["Throttle"] == {"RateLimit": API_THROTTLE[0], "BurstLimit": API_THROTTLE[1]}
    [link] = synth.of_type("AWS::ApiGateway::UsagePlanKey").values()
    assert link["Properties"]["KeyType"] == "API_KEY"


def test_authentication_routes_and_the_webhook_are_throttled_tighter(synth: Synthesized):
    api = _api(synth)
    settings = {(s["ResourcePath"], s["HttpMethod"]): s for s in api["MethodSettings"]}
    assert settings[("/*", "*")]["ThrottlingRateLimit"] == API_THROTTLE[0]
    auth_paths = [p for p in api["DefinitionBody"]["paths"] if p.startswith("/v1/auth/")]
    assert len(auth_paths) >= 5
    for path in auth_paths:
        setting = settings[("/" + path.replace("/", "~1"), "POST")]
        assert (setting["ThrottlingRateLimit"], setting["ThrottlingBurstLimit"]) == AUTH_THROTTLE
    webhook = settings[("/" + STRIPE_WEBHOOK_PATH.replace("/", "~1"), "POST")]
    assert (webhook["ThrottlingRateLimit"], webhook["ThrottlingBurstLimit"]) == WEBHOOK_THROTTLE
    assert api["OpenApiVersion"] == "2.0", "no extra SAM stage named Stage"


def test_a_custom_domain_gets_tls_12_at_least(synth_prod: Synthesized):
    [distribution] = synth_prod.of_type("AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    assert config["Aliases"] == [CONFIGURED_PROD["domain_name"]]
    certificate = config["ViewerCertificate"]
    assert certificate["AcmCertificateArn"] == CONFIGURED_PROD["certificate_arn"]
    assert certificate["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert certificate["SslSupportMethod"] == "sni-only"
