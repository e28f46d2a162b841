"""The API's gate (API Gateway, as Chalice's SAM template declares it, amended): its name, the answer when
the authorizer refuses a token, the API key only CloudFront holds, and the throttling.

Every method requires the key, which CloudFront sends as an origin header (``edge.py``): a request straight
to execute-api gets 403. The key's usage plan and per-method settings throttle the API, tighter on the
authentication routes (they send emails, try passwords) and on Stripe's webhook (Stripe retries).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_secretsmanager as secretsmanager

from infra.aws.config import StageConfig

# The API Gateway stage Chalice deploys (api_gateway_stage) and the API's name (its metrics' ApiName).
API_STAGE = "api"
# The API answers only CloudFront: an API key in this header, sent by CloudFront as an origin header.
API_KEY_HEADER = "x-api-key"
API_KEY_SECURITY = "cloudfront_key"
# Throttling (requests per second, burst): the whole API; the authentication routes, which send emails
# (codes, resets) and try passwords; Stripe's webhook (Stripe retries what is refused).
API_THROTTLE = (50.0, 100)
AUTH_PATH_PREFIX = "/v1/auth/"
AUTH_THROTTLE = (2.0, 10)
STRIPE_WEBHOOK_PATH = "/v1/webhooks/stripe"
WEBHOOK_THROTTLE = (10.0, 20)


def _throttle(rate: float, burst: int) -> dict[str, Any]:
    return {"ThrottlingRateLimit": rate, "ThrottlingBurstLimit": burst}


def _route_throttle(path: str) -> tuple[float, int] | None:
    if path.startswith(AUTH_PATH_PREFIX):
        return AUTH_THROTTLE
    if path == STRIPE_WEBHOOK_PATH:
        return WEBHOOK_THROTTLE
    return None


def name_and_refusal(chalice: Any, config: StageConfig) -> None:
    """The API's name (its metrics' ApiName in the alarms and the dashboard, one per stage), and API
    Gateway's answer when the authorizer refuses a token: the app's French JSON body."""
    from chalicelib.api.auth import UNAUTHORIZED_RESPONSE_BODY

    api = chalice.get_resource("RestAPI")
    api.add_property_override("Name", config.prefix)
    api.add_property_override(
        "DefinitionBody.x-amazon-apigateway-gateway-responses",
        {
            "UNAUTHORIZED": {
                "statusCode": 401,
                "responseParameters": {
                    "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
                    "gatewayresponse.header.WWW-Authenticate": "'Bearer'",
                },
                "responseTemplates": {
                    "application/json": json.dumps(UNAUTHORIZED_RESPONSE_BODY, ensure_ascii=False)
                },
            }
        },
    )


def _require_key_and_throttle(paths: dict[str, Any]) -> list[dict[str, Any]]:
    """Adds the key to every operation's security (``paths`` changed in place, the authorizer kept) and
    returns the stage's method settings: the API's throttle, then the tighter routes'."""
    method_settings: list[dict[str, Any]] = [
        {"ResourcePath": "/*", "HttpMethod": "*", **_throttle(*API_THROTTLE)}
    ]
    for path, operations in paths.items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or method == "parameters":
                continue
            [existing] = operation.get("security") or [{}]
            operation["security"] = [{**existing, API_KEY_SECURITY: []}]
            limits = _route_throttle(path)
            if limits and method != "options":
                resource_path = "/" + path.replace("/", "~1")
                method_settings.append(
                    {"ResourcePath": resource_path, "HttpMethod": method.upper(), **_throttle(*limits)}
                )
    return method_settings


def _cloudfront_key(scope: cdk.Stack, config: StageConfig, api: Any) -> str:
    """The key, generated in a secret, and its usage plan on the API's stage; returns its value (a dynamic
    reference to the secret)."""
    secret = secretsmanager.Secret(
        scope,
        "CloudFrontOriginKey",
        secret_name=f"{config.prefix}/cloudfront-origin-key",
        description=f"{config.prefix}: the API key CloudFront sends to API Gateway",
        generate_secret_string=secretsmanager.SecretStringGenerator(
            exclude_punctuation=True, password_length=48
        ),
    )
    key_value = secret.secret_value.unsafe_unwrap()
    key = apigateway.CfnApiKey(
        scope,
        "CloudFrontApiKey",
        name=f"{config.prefix}-cloudfront",
        description="Sent by CloudFront only: the API answers nobody else",
        enabled=True,
        value=key_value,
    )
    rate, burst = API_THROTTLE
    plan = apigateway.CfnUsagePlan(
        scope,
        "CloudFrontUsagePlan",
        usage_plan_name=f"{config.prefix}-cloudfront",
        # "RestAPI.Stage": SAM's reference to the stage it generates (and a dependency on it).
        api_stages=[
            apigateway.CfnUsagePlan.ApiStageProperty(api_id=api.ref, stage=cdk.Fn.ref("RestAPI.Stage"))
        ],
        throttle=apigateway.CfnUsagePlan.ThrottleSettingsProperty(rate_limit=rate, burst_limit=burst),
    )
    apigateway.CfnUsagePlanKey(
        scope, "CloudFrontUsagePlanKey", key_id=key.ref, key_type="API_KEY", usage_plan_id=plan.ref
    )
    return key_value


def only_through_cloudfront(scope: cdk.Stack, config: StageConfig, chalice: Any) -> str:
    """Every method of the API requires the API key only CloudFront sends, and the API is throttled.
    Returns the key (a dynamic reference to the secret it is generated in)."""
    api = chalice.get_resource("RestAPI")
    sam = json.loads((Path(chalice._sam_package_dir) / "sam.json").read_text(encoding="utf-8"))
    paths: dict[str, Any] = sam["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    method_settings = _require_key_and_throttle(paths)
    api.add_property_override("DefinitionBody.paths", paths)
    api.add_property_override(
        f"DefinitionBody.securityDefinitions.{API_KEY_SECURITY}",
        {"type": "apiKey", "name": API_KEY_HEADER, "in": "header"},
    )
    api.add_property_override("DefinitionBody.x-amazon-apigateway-api-key-source", "HEADER")
    api.add_property_override("MethodSettings", method_settings)
    # Any valid value stops SAM from adding its extra stage named "Stage" next to ours.
    api.add_property_override("OpenApiVersion", "2.0")
    return _cloudfront_key(scope, config, api)
